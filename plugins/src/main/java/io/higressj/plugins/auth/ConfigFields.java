package io.higressj.plugins.auth;

import io.higressj.api.PluginConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Typed reads of a plugin configuration's plain Java form; errors name the field's path. */
public final class ConfigFields {
  private ConfigFields() {}

  public static Map<String, Object> orEmpty(Map<String, Object> config) {
    return config == null ? Map.of() : config;
  }

  public static String string(Map<String, Object> m, String key, String path, String fallback)
      throws PluginConfigException {
    Object v = m.get(key);
    if (v == null) {
      if (fallback == null) throw new PluginConfigException(path, "missing (expected: a non-empty string)");
      return fallback;
    }
    if (!(v instanceof String s)) throw new PluginConfigException(path, kind(v) + " (expected: a string)");
    if (s.isEmpty()) throw new PluginConfigException(path, "empty (expected: a non-empty string)");
    return s;
  }

  /** a boolean field, or {@code fallback} (which may be null) when absent */
  public static Boolean bool(Map<String, Object> m, String key, String path, Boolean fallback)
      throws PluginConfigException {
    Object v = m.get(key);
    if (v == null) return fallback;
    if (v instanceof Boolean b) return b;
    if (v instanceof String s && (s.equals("true") || s.equals("false"))) return Boolean.valueOf(s);
    throw new PluginConfigException(path, kind(v) + " (expected: true or false)");
  }

  public static long integer(Map<String, Object> m, String key, String path, long fallback, long min, long max)
      throws PluginConfigException {
    Object v = m.get(key);
    if (v == null) return fallback;
    long n;
    if (v instanceof Integer || v instanceof Long || v instanceof Short) n = ((Number) v).longValue();
    else if (v instanceof Number d && d.doubleValue() == Math.rint(d.doubleValue())) n = (long) d.doubleValue();
    else throw new PluginConfigException(path, kind(v) + " (expected: an integer)");
    if (n < min || n > max) {
      throw new PluginConfigException(path, n + " (expected: " + min + " to " + max + ")");
    }
    return n;
  }

  /** a list of non-empty strings, or null when absent */
  public static List<String> strings(Map<String, Object> m, String key, String path) throws PluginConfigException {
    Object v = m.get(key);
    if (v == null) return null;
    if (!(v instanceof List<?> l)) throw new PluginConfigException(path, kind(v) + " (expected: a list of strings)");
    List<String> out = new ArrayList<>(l.size());
    for (int i = 0; i < l.size(); i++) {
      Object e = l.get(i);
      if (!(e instanceof String s) || s.isEmpty()) {
        throw new PluginConfigException(path + "[" + i + "]", kind(e) + " (expected: a non-empty string)");
      }
      out.add(s);
    }
    return List.copyOf(out);
  }

  /** a list of objects, or null when absent */
  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> objects(Map<String, Object> m, String key, String path)
      throws PluginConfigException {
    Object v = m.get(key);
    if (v == null) return null;
    if (!(v instanceof List<?> l)) throw new PluginConfigException(path, kind(v) + " (expected: a list of objects)");
    List<Map<String, Object>> out = new ArrayList<>(l.size());
    for (int i = 0; i < l.size(); i++) {
      if (!(l.get(i) instanceof Map<?, ?> e)) {
        throw new PluginConfigException(path + "[" + i + "]", kind(l.get(i)) + " (expected: an object)");
      }
      out.add((Map<String, Object>) e);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> object(Map<String, Object> m, String key, String path) throws PluginConfigException {
    Object v = m.get(key);
    if (v == null) return null;
    if (!(v instanceof Map<?, ?> o)) throw new PluginConfigException(path, kind(v) + " (expected: an object)");
    return (Map<String, Object>) o;
  }

  static String kind(Object v) {
    if (v == null) return "missing";
    if (v instanceof String s) return s.isEmpty() ? "empty" : "a string";
    if (v instanceof Boolean) return "a boolean";
    if (v instanceof Number n) return "a number (" + n + ")";
    if (v instanceof List<?>) return "a list";
    if (v instanceof Map<?, ?>) return "an object";
    return "a " + v.getClass().getSimpleName();
  }
}
