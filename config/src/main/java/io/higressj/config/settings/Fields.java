package io.higressj.config.settings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.higressj.config.resource.Problem;
import io.higressj.config.resource.Resource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Typed reads of one ConfigMap's embedded YAML, collecting a problem for every field that is not what
 * Higress accepts. A read that fails returns its default, so that reading goes on and every problem is
 * reported; {@link #failed()} then says the ConfigMap as a whole is rejected. Absent fields and
 * explicit {@code null}s take their defaults, as Higress's YAML decoding does.
 */
final class Fields {
  static final long UINT32_MAX = 4294967295L;

  private final Resource resource;
  private final List<Problem> problems;
  private boolean failed;

  Fields(Resource resource, List<Problem> problems) {
    this.resource = resource;
    this.problems = problems;
  }

  boolean failed() {
    return failed;
  }

  void error(String path, String message) {
    problems.add(Problem.error(resource, path, message));
    failed = true;
  }

  void warning(String path, String message) {
    problems.add(Problem.warning(resource, path, message));
  }

  static String child(String path, String name) {
    return path + "." + name;
  }

  static String item(String path, int index) {
    return path + "[" + index + "]";
  }

  /** A value as a message shows it: strings quoted, long values cut. */
  static String show(JsonNode v) {
    String s = v.isTextual() ? '"' + v.asText() + '"' : v.toString();
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }

  private static String type(JsonNode v) {
    if (v.isObject()) return "a mapping";
    if (v.isArray()) return "a list";
    return show(v);
  }

  /** The field, or null when absent or null. */
  static JsonNode get(ObjectNode parent, String name) {
    JsonNode v = parent.get(name);
    return v == null || v.isNull() || v.isMissingNode() ? null : v;
  }

  /** WARNING for every field of {@code node} not in {@code known}. */
  void unknownFields(ObjectNode node, String path, Set<String> known, List<String> order) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!known.contains(name)) {
        warning(child(path, name), "unknown field, ignored (expected: " + String.join(", ", order) + ")");
      }
    }
  }

  /** The mapping {@code name}, or null when absent; ERROR (and null) when it is something else. */
  ObjectNode object(ObjectNode parent, String path, String name) {
    JsonNode v = get(parent, name);
    if (v == null) return null;
    if (v instanceof ObjectNode o) return o;
    error(child(path, name), type(v) + " (expected: a mapping)");
    return null;
  }

  /** The list {@code name}, or null when absent; ERROR (and null) when it is something else. */
  ArrayNode array(ObjectNode parent, String path, String name) {
    JsonNode v = get(parent, name);
    if (v == null) return null;
    if (v instanceof ArrayNode a) return a;
    error(child(path, name), type(v) + " (expected: a list)");
    return null;
  }

  boolean bool(ObjectNode parent, String path, String name, boolean dflt) {
    JsonNode v = get(parent, name);
    if (v == null) return dflt;
    if (v.isBoolean()) return v.booleanValue();
    error(child(path, name), type(v) + " (expected: true or false)");
    return dflt;
  }

  /** A whole number from {@code min} to {@code max}. */
  long integer(ObjectNode parent, String path, String name, long dflt, long min, long max) {
    JsonNode v = get(parent, name);
    if (v == null) return dflt;
    if (v.isIntegralNumber() && v.canConvertToLong() && v.longValue() >= min && v.longValue() <= max) return v.longValue();
    error(child(path, name), type(v) + " (expected: an integer from " + min + " to " + max + ")");
    return dflt;
  }

  /** A number (integer or decimal) from {@code min} to {@code max}. */
  double number(ObjectNode parent, String path, String name, double dflt, double min, double max) {
    JsonNode v = get(parent, name);
    if (v == null) return dflt;
    if (v.isNumber() && v.doubleValue() >= min && v.doubleValue() <= max) return v.doubleValue();
    error(child(path, name), type(v) + " (expected: a number from " + fmt(min) + " to " + fmt(max) + ")");
    return dflt;
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  /**
   * A text field. Numbers and booleans are taken as their text, as Higress's decoding does for string
   * fields; null when absent.
   */
  String text(ObjectNode parent, String path, String name) {
    JsonNode v = get(parent, name);
    if (v == null) return null;
    if (v.isValueNode()) return v.asText();
    error(child(path, name), type(v) + " (expected: a string)");
    return null;
  }

  /** A list of texts; null when absent. An element that is not a scalar is an ERROR and left out. */
  List<String> texts(ObjectNode parent, String path, String name) {
    ArrayNode a = array(parent, path, name);
    if (a == null) return null;
    List<String> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      JsonNode v = a.get(i);
      if (v.isValueNode() && !v.isNull()) out.add(v.asText());
      else error(item(child(path, name), i), type(v) + " (expected: a string)");
    }
    return out;
  }

  /** One of {@code type}'s constant names, exactly. */
  <E extends Enum<E>> E constant(ObjectNode parent, String path, String name, Class<E> type, E dflt) {
    JsonNode v = get(parent, name);
    if (v == null) return dflt;
    if (v.isTextual()) {
      for (E e : type.getEnumConstants()) {
        if (e.name().equals(v.asText())) return e;
      }
    }
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) names.add(e.name());
    error(child(path, name), type(v) + " (expected: one of " + String.join(", ", names) + ")");
    return dflt;
  }
}
