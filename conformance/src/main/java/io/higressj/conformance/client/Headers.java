package io.higressj.conformance.client;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** An ordered list of header lines; lookups ignore the case of names. Immutable. */
public final class Headers {
  public static final Headers EMPTY = new Headers(List.of());

  /** One header line. */
  public record Line(String name, String value) {
    public Line {
      requireNonNull(name, "name");
      requireNonNull(value, "value");
    }

    @Override
    public String toString() {
      return name + ": " + value;
    }
  }

  private final List<Line> lines;

  private Headers(List<Line> lines) {
    this.lines = lines;
  }

  public static Headers of(List<Line> lines) {
    return new Headers(List.copyOf(lines));
  }

  public static Headers of(String... namesAndValues) {
    List<Line> l = new ArrayList<>();
    for (int i = 0; i < namesAndValues.length; i += 2) l.add(new Line(namesAndValues[i], namesAndValues[i + 1]));
    return new Headers(List.copyOf(l));
  }

  public List<Line> lines() {
    return lines;
  }

  /** Every value of {@code name}, in order. */
  public List<String> all(String name) {
    List<String> out = new ArrayList<>();
    for (Line l : lines) {
      if (l.name.equalsIgnoreCase(name)) out.add(l.value);
    }
    return Collections.unmodifiableList(out);
  }

  /** The first value, or null. */
  public String first(String name) {
    for (Line l : lines) {
      if (l.name.equalsIgnoreCase(name)) return l.value;
    }
    return null;
  }

  public boolean contains(String name) {
    return first(name) != null;
  }

  /** All values joined with {@code ,} (no space), or null when absent. */
  public String joined(String name) {
    List<String> all = all(name);
    return all.isEmpty() ? null : String.join(",", all);
  }

  public Headers without(String name) {
    List<Line> out = new ArrayList<>();
    for (Line l : lines) {
      if (!l.name.equalsIgnoreCase(name)) out.add(l);
    }
    return new Headers(List.copyOf(out));
  }

  public Headers with(String name, String value) {
    List<Line> out = new ArrayList<>(lines);
    out.add(new Line(name, value));
    return new Headers(List.copyOf(out));
  }

  /** Names in first-appearance order, lower case. */
  public Set<String> names() {
    Set<String> out = new LinkedHashSet<>();
    for (Line l : lines) out.add(l.name.toLowerCase(Locale.ROOT));
    return out;
  }

  /** For reports: {@code name: [v1, v2]} in order, names as first written. */
  public Map<String, List<String>> toMap() {
    Map<String, List<String>> out = new java.util.LinkedHashMap<>();
    Map<String, String> spelled = new java.util.HashMap<>();
    for (Line l : lines) {
      String key = spelled.computeIfAbsent(l.name.toLowerCase(Locale.ROOT), k -> l.name);
      out.computeIfAbsent(key, k -> new ArrayList<>()).add(l.value);
    }
    return out;
  }

  public boolean isEmpty() {
    return lines.isEmpty();
  }

  @Override
  public String toString() {
    return lines.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Headers h && h.lines.equals(lines);
  }

  @Override
  public int hashCode() {
    return lines.hashCode();
  }
}
