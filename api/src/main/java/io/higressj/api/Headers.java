package io.higressj.api;

import java.util.List;
import java.util.Map;

/**
 * A mutable view of a header block. Names are case-insensitive; values are kept as sent. Changes are
 * visible to the following filters and to what is finally sent.
 */
public interface Headers {
  /** the first value of {@code name}, or null */
  String get(String name);

  /** every value of {@code name}, in order; empty when absent */
  List<String> getAll(String name);

  default boolean contains(String name) {
    return get(name) != null;
  }

  /** replaces every value of {@code name} */
  void set(String name, String value);

  void add(String name, String value);

  void remove(String name);

  /** every header line in order, names in lower case */
  List<Map.Entry<String, String>> entries();
}
