package io.higressj.wasm;

import io.higressj.api.RequestHeaders;
import io.higressj.api.ResponseHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Simple header views for driving a filter in tests. */
class TestHeaders {
  final List<Map.Entry<String, String>> lines = new ArrayList<>();

  public String get(String name) {
    for (Map.Entry<String, String> e : lines) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  public List<String> getAll(String name) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : lines) {
      if (e.getKey().equalsIgnoreCase(name)) {
        out.add(e.getValue());
      }
    }
    return out;
  }

  public void set(String name, String value) {
    remove(name);
    add(name, value);
  }

  public void add(String name, String value) {
    lines.add(Map.entry(name.toLowerCase(Locale.ROOT), value));
  }

  public void remove(String name) {
    lines.removeIf(e -> e.getKey().equalsIgnoreCase(name));
  }

  public List<Map.Entry<String, String>> entries() {
    return List.copyOf(lines);
  }

  static final class Request extends TestHeaders implements RequestHeaders {
    String method;
    String path;
    String authority;
    String scheme = "http";

    Request(String method, String path, String authority, String... nameValues) {
      this.method = method;
      this.path = path;
      this.authority = authority;
      for (int i = 0; i < nameValues.length; i += 2) {
        add(nameValues[i], nameValues[i + 1]);
      }
    }

    @Override
    public String method() {
      return method;
    }

    @Override
    public void method(String method) {
      this.method = method;
    }

    @Override
    public String path() {
      return path;
    }

    @Override
    public void path(String pathAndQuery) {
      this.path = pathAndQuery;
    }

    @Override
    public String authority() {
      return authority;
    }

    @Override
    public void authority(String authority) {
      this.authority = authority;
    }

    @Override
    public String scheme() {
      return scheme;
    }
  }

  static final class Response extends TestHeaders implements ResponseHeaders {
    int status;

    Response(int status, String... nameValues) {
      this.status = status;
      for (int i = 0; i < nameValues.length; i += 2) {
        add(nameValues[i], nameValues[i + 1]);
      }
    }

    @Override
    public int status() {
      return status;
    }

    @Override
    public void status(int status) {
      this.status = status;
    }
  }

  static final class TestBody implements io.higressj.api.Body {
    byte[] content;

    TestBody(String text) {
      this.content = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public int length() {
      return content.length;
    }

    @Override
    public byte[] bytes() {
      return content.clone();
    }

    @Override
    public void replace(byte[] content) {
      this.content = content.clone();
    }
  }
}
