package io.higressj.conformance.corpus;

import java.util.List;
import java.util.Map;

/** Validation helpers for the records of this package; messages name the field. */
final class Fields {
  private Fields() {}

  static <T> T required(T value, String field) {
    if (value == null) throw new IllegalArgumentException(field + ": missing");
    return value;
  }

  static String requiredText(String value, String field) {
    if (value == null || value.isEmpty()) throw new IllegalArgumentException(field + ": " + (value == null ? "missing" : "empty"));
    return value;
  }

  static <T> List<T> list(List<T> value) {
    return value == null ? List.of() : List.copyOf(value);
  }

  /** Keeps the order of the YAML mapping; null values are errors. */
  static <K, V> Map<K, V> map(Map<K, V> value, String field) {
    if (value == null) return Map.of();
    for (Map.Entry<K, V> e : value.entrySet()) {
      if (e.getValue() == null) throw new IllegalArgumentException(field + "." + e.getKey() + ": null");
    }
    return java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(value));
  }

  static int positive(Integer value, int defaultValue, String field) {
    if (value == null) return defaultValue;
    if (value <= 0) throw new IllegalArgumentException(field + ": " + value + " (expected: > 0)");
    return value;
  }

  /** {@code namesAndValues}: name, value, name, value ...; exactly one value must be non-null. */
  static void exactlyOne(String what, Object... namesAndValues) {
    List<String> names = new java.util.ArrayList<>();
    List<String> present = new java.util.ArrayList<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      names.add((String) namesAndValues[i]);
      if (namesAndValues[i + 1] != null) present.add((String) namesAndValues[i]);
    }
    if (present.size() != 1) {
      throw new IllegalArgumentException((present.isEmpty() ? "none of " + names : "several of " + present)
          + " (expected: exactly one " + what + " key of " + names + ")");
    }
  }
}
