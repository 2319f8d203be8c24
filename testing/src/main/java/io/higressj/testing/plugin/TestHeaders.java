package io.higressj.testing.plugin;

import io.higressj.api.Headers;
import io.higressj.api.RequestHeaders;
import io.higressj.api.ResponseHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Plain header blocks for the test host: names kept in lower case, order kept. */
public class TestHeaders implements Headers {
  final List<Map.Entry<String, String>> entries = new ArrayList<>();
  int changes;

  @Override
  public String get(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (Map.Entry<String, String> e : entries) {
      if (e.getKey().equals(n)) return e.getValue();
    }
    return null;
  }

  @Override
  public List<String> getAll(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : entries) {
      if (e.getKey().equals(n)) out.add(e.getValue());
    }
    return out;
  }

  @Override
  public void set(String name, String value) {
    remove(name);
    add(name, value);
  }

  @Override
  public void add(String name, String value) {
    changes++;
    entries.add(Map.entry(name.toLowerCase(Locale.ROOT), value));
  }

  @Override
  public void remove(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (entries.removeIf(e -> e.getKey().equals(n))) changes++;
  }

  @Override
  public List<Map.Entry<String, String>> entries() {
    return List.copyOf(entries);
  }

  /** How many times the block was changed (a reroute would follow a change of request headers). */
  public int changes() {
    return changes;
  }

  /** Request headers with method, path, authority and scheme. */
  public static final class Request extends TestHeaders implements RequestHeaders {
    private String method;
    private String path;
    private String scheme;

    public Request(String method, String path, String authority, String scheme) {
      this.method = method;
      this.path = path;
      this.scheme = scheme;
      if (authority != null) entries.add(Map.entry("host", authority));
    }

    @Override
    public String method() {
      return method;
    }

    @Override
    public void method(String method) {
      changes++;
      this.method = method;
    }

    @Override
    public String path() {
      return path;
    }

    @Override
    public void path(String pathAndQuery) {
      changes++;
      this.path = pathAndQuery;
    }

    @Override
    public String authority() {
      String h = super.get("host");
      return h == null ? "" : h;
    }

    @Override
    public void authority(String authority) {
      super.set("host", authority);
    }

    @Override
    public String scheme() {
      return scheme;
    }

    @Override
    public String get(String name) {
      return switch (name) {
        case ":method" -> method;
        case ":path" -> path;
        case ":authority" -> authority();
        case ":scheme" -> scheme;
        default -> super.get(name);
      };
    }
  }

  /** Response headers with the status. */
  public static final class Response extends TestHeaders implements ResponseHeaders {
    private int status;

    public Response(int status) {
      this.status = status;
    }

    @Override
    public int status() {
      return status;
    }

    @Override
    public void status(int status) {
      changes++;
      this.status = status;
    }

    @Override
    public String get(String name) {
      return ":status".equals(name) ? Integer.toString(status) : super.get(name);
    }
  }
}
