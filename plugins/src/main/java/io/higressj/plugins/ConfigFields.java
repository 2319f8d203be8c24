package io.higressj.plugins;

import io.higressj.api.PluginConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads fields of a plugin configuration (the plain Java form of its JSON) with errors that name the
 * field and say what was expected, so every built-in plugin reports bad configurations the same way.
 */
public final class ConfigFields {
  private final Map<String, Object> config;

  private ConfigFields(Map<String, Object> config) {
    this.config = config == null ? Map.of() : config;
  }

  public static ConfigFields of(Map<String, Object> config) {
    return new ConfigFields(config);
  }

  public boolean has(String field) {
    return config.get(field) != null;
  }

  public String string(String field, String dflt) throws PluginConfigException {
    Object v = config.get(field);
    if (v == null) return dflt;
    if (v instanceof String s) return s;
    throw new PluginConfigException(field, describe(v) + " (expected: a string)");
  }

  public boolean bool(String field, boolean dflt) throws PluginConfigException {
    Object v = config.get(field);
    if (v == null) return dflt;
    if (v instanceof Boolean b) return b;
    throw new PluginConfigException(field, describe(v) + " (expected: true or false)");
  }

  public long integer(String field, long dflt) throws PluginConfigException {
    return integer(field, config.get(field), dflt);
  }

  public static long integer(String field, Object v, long dflt) throws PluginConfigException {
    if (v == null) return dflt;
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && !Double.isInfinite(n.doubleValue())) {
      return n.longValue();
    }
    throw new PluginConfigException(field, describe(v) + " (expected: an integer)");
  }

  /** An HTTP status code, 100 to 599. */
  public int status(String field, int dflt) throws PluginConfigException {
    long s = integer(field, dflt);
    if (s < 100 || s > 599) throw new PluginConfigException(field, s + " (expected: an HTTP status from 100 to 599)");
    return (int) s;
  }

  /** A list of strings; absent or null is empty. */
  public List<String> strings(String field) throws PluginConfigException {
    Object v = config.get(field);
    if (v == null) return List.of();
    if (!(v instanceof List<?> list)) throw new PluginConfigException(field, describe(v) + " (expected: a list of strings)");
    List<String> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof String s)) {
        throw new PluginConfigException(field + "[" + i + "]", describe(list.get(i)) + " (expected: a string)");
      }
      out.add(s);
    }
    return List.copyOf(out);
  }

  /** A list; absent or null is empty. */
  public List<?> list(String field) throws PluginConfigException {
    Object v = config.get(field);
    if (v == null) return List.of();
    if (v instanceof List<?> list) return list;
    throw new PluginConfigException(field, describe(v) + " (expected: a list)");
  }

  /** A nested object; absent or null is empty. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> object(String field) throws PluginConfigException {
    Object v = config.get(field);
    if (v == null) return Map.of();
    if (v instanceof Map<?, ?> m) return (Map<String, Object>) m;
    throw new PluginConfigException(field, describe(v) + " (expected: an object)");
  }

  public Object raw(String field) {
    return config.get(field);
  }

  public static String describe(Object v) {
    if (v == null) return "null";
    if (v instanceof String s) return "\"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
    if (v instanceof List<?>) return "a list";
    if (v instanceof Map<?, ?>) return "an object";
    return String.valueOf(v);
  }
}
