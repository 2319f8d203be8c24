package io.higressj.conformance.check;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

/** Deep equality of JSON values as Go's {@code reflect.DeepEqual} sees decoded JSON: numbers as IEEE doubles. */
public final class JsonCompare {
  private JsonCompare() {}

  public static boolean equal(JsonNode a, JsonNode b) {
    return equal(a, b, Set.of());
  }

  /** Equality with top-level keys in {@code ignoredTopLevel} left out on both sides. */
  public static boolean equal(JsonNode a, JsonNode b, Set<String> ignoredTopLevel) {
    if (a == null || b == null) return a == b;
    if (a.isNumber() && b.isNumber()) return a.asDouble() == b.asDouble();
    if (a.isObject() && b.isObject()) {
      Set<String> keys = new HashSet<>();
      a.fieldNames().forEachRemaining(keys::add);
      Set<String> other = new HashSet<>();
      b.fieldNames().forEachRemaining(other::add);
      keys.removeAll(ignoredTopLevel);
      other.removeAll(ignoredTopLevel);
      if (!keys.equals(other)) return false;
      for (String k : keys) {
        if (!equal(a.get(k), b.get(k), Set.of())) return false;
      }
      return true;
    }
    if (a.isArray() && b.isArray()) {
      if (a.size() != b.size()) return false;
      Iterator<JsonNode> x = a.elements();
      Iterator<JsonNode> y = b.elements();
      while (x.hasNext()) {
        if (!equal(x.next(), y.next(), Set.of())) return false;
      }
      return true;
    }
    if (a.isTextual() && b.isTextual()) return a.asText().equals(b.asText());
    if (a.isBoolean() && b.isBoolean()) return a.asBoolean() == b.asBoolean();
    if (a.isNull() && b.isNull()) return true;
    return false;
  }
}
