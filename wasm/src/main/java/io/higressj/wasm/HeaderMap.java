package io.higressj.wasm;

import io.higressj.api.RequestHeaders;
import io.higressj.api.ResponseHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A proxy-wasm header map over the gateway's header views, with the pseudo-headers in front. */
abstract class HeaderMap {
  abstract List<Map.Entry<String, String>> pairs();

  abstract String get(String name);

  /** false when the map cannot be changed */
  abstract boolean add(String name, String value);

  abstract boolean replace(String name, String value);

  abstract boolean remove(String name);

  /** replaces every header; pseudo-headers in {@code pairs} are set, missing ones are kept */
  boolean replaceAll(List<Map.Entry<String, String>> pairs) {
    for (Map.Entry<String, String> e : pairs()) {
      if (!e.getKey().startsWith(":")) {
        remove(e.getKey());
      }
    }
    for (Map.Entry<String, String> e : pairs) {
      if (e.getKey().startsWith(":")) {
        replace(e.getKey(), e.getValue());
      } else if (!add(e.getKey(), e.getValue())) {
        return false;
      }
    }
    return true;
  }

  static String lower(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  static final class Request extends HeaderMap {
    private final RequestHeaders h;

    Request(RequestHeaders h) {
      this.h = h;
    }

    @Override
    List<Map.Entry<String, String>> pairs() {
      List<Map.Entry<String, String>> out = new ArrayList<>();
      out.add(Map.entry(":authority", nz(h.authority())));
      out.add(Map.entry(":path", nz(h.path())));
      out.add(Map.entry(":method", nz(h.method())));
      out.add(Map.entry(":scheme", nz(h.scheme())));
      for (Map.Entry<String, String> e : h.entries()) {
        if (!e.getKey().startsWith(":")) {
          out.add(e);
        }
      }
      return out;
    }

    @Override
    String get(String name) {
      return switch (lower(name)) {
        case ":authority", "host" -> nullIfEmpty(h.authority());
        case ":path" -> h.path();
        case ":method" -> h.method();
        case ":scheme" -> h.scheme();
        default -> h.get(name);
      };
    }

    @Override
    boolean add(String name, String value) {
      if (!pseudo(name, value)) {
        h.add(lower(name), value);
      }
      return true;
    }

    @Override
    boolean replace(String name, String value) {
      if (!pseudo(name, value)) {
        h.set(lower(name), value);
      }
      return true;
    }

    @Override
    boolean remove(String name) {
      if (!name.startsWith(":")) {
        h.remove(lower(name));
      }
      return true;
    }

    private boolean pseudo(String name, String value) {
      switch (lower(name)) {
        case ":authority", "host" -> h.authority(value);
        case ":path" -> h.path(value);
        case ":method" -> h.method(value);
        case ":scheme" -> {}
        default -> {
          return false;
        }
      }
      return true;
    }
  }

  static final class Response extends HeaderMap {
    private final ResponseHeaders h;

    Response(ResponseHeaders h) {
      this.h = h;
    }

    @Override
    List<Map.Entry<String, String>> pairs() {
      List<Map.Entry<String, String>> out = new ArrayList<>();
      out.add(Map.entry(":status", Integer.toString(h.status())));
      for (Map.Entry<String, String> e : h.entries()) {
        if (!e.getKey().startsWith(":")) {
          out.add(e);
        }
      }
      return out;
    }

    @Override
    String get(String name) {
      return ":status".equals(name) ? Integer.toString(h.status()) : h.get(name);
    }

    @Override
    boolean add(String name, String value) {
      return ":status".equals(name) ? status(value) : set(() -> h.add(lower(name), value));
    }

    @Override
    boolean replace(String name, String value) {
      return ":status".equals(name) ? status(value) : set(() -> h.set(lower(name), value));
    }

    @Override
    boolean remove(String name) {
      return name.startsWith(":") || set(() -> h.remove(lower(name)));
    }

    private boolean status(String value) {
      try {
        h.status(Integer.parseInt(value.trim()));
        return true;
      } catch (NumberFormatException e) {
        return false;
      }
    }

    private static boolean set(Runnable r) {
      r.run();
      return true;
    }
  }

  /** a map the plugin can only read: an HTTP call's response headers */
  static final class ReadOnly extends HeaderMap {
    private final List<Map.Entry<String, String>> pairs;

    ReadOnly(List<Map.Entry<String, String>> pairs) {
      this.pairs = pairs;
    }

    @Override
    List<Map.Entry<String, String>> pairs() {
      return pairs;
    }

    @Override
    String get(String name) {
      for (Map.Entry<String, String> e : pairs) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue();
        }
      }
      return null;
    }

    @Override
    boolean add(String name, String value) {
      return false;
    }

    @Override
    boolean replace(String name, String value) {
      return false;
    }

    @Override
    boolean remove(String name) {
      return false;
    }
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private static String nullIfEmpty(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
