package io.higressj.config.model;

import static java.util.Objects.requireNonNull;

/**
 * How a route matches the request path (the path only, without the query).
 *
 * <ul>
 *   <li>{@code EXACT}: the path equals {@code value}.
 *   <li>{@code PREFIX}: element-wise prefix as the Kubernetes Ingress spec defines it: {@code /foo}
 *       matches {@code /foo}, {@code /foo/} and {@code /foo/bar}, not {@code /foobar}; a trailing
 *       slash in {@code value} is ignored; {@code /} matches every path.
 * </ul>
 */
public record PathMatch(Type type, String value) {
  public enum Type { EXACT, PREFIX }

  public PathMatch {
    requireNonNull(type, "type");
    requireNonNull(value, "value");
    if (!value.startsWith("/")) {
      throw new IllegalArgumentException("path: " + value + " (expected: an absolute path starting with /)");
    }
    if (type == Type.PREFIX && value.length() > 1 && value.endsWith("/")) {
      value = value.substring(0, value.length() - 1);
    }
  }

  public static PathMatch exact(String value) {
    return new PathMatch(Type.EXACT, value);
  }

  public static PathMatch prefix(String value) {
    return new PathMatch(Type.PREFIX, value);
  }

  /** @param path the request path, without query */
  public boolean matches(String path) {
    if (type == Type.EXACT) return path.equals(value);
    if (value.length() == 1) return true; // "/"
    if (!path.startsWith(value)) return false;
    return path.length() == value.length() || path.charAt(value.length()) == '/';
  }

  @Override
  public String toString() {
    return (type == Type.EXACT ? "exact " : "prefix ") + value;
  }
}
