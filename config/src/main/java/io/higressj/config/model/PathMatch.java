package io.higressj.config.model;

import static java.util.Objects.requireNonNull;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * How a route matches the request path (the path only, without the query).
 *
 * <ul>
 *   <li>{@code EXACT}: the path equals {@code value}.
 *   <li>{@code PREFIX}: element-wise prefix as the Kubernetes Ingress spec defines it: {@code /foo}
 *       matches {@code /foo}, {@code /foo/} and {@code /foo/bar}, not {@code /foobar}; a trailing
 *       slash in {@code value} is ignored; {@code /} matches every path.
 *   <li>{@code REGEX}: the whole path matches the RE2 expression {@code value} (Envoy's {@code
 *       safe_regex}); Higress's {@code use-regex} paths arrive here as {@code <path>.*}.
 * </ul>
 *
 * With {@code ignoreCase} (Higress's {@code ignore-path-case}) EXACT and PREFIX compare without case;
 * REGEX is unaffected, as in Higress.
 */
public final class PathMatch {
  public enum Type { EXACT, PREFIX, REGEX }

  private final Type type;
  private final String value;
  private final boolean ignoreCase;
  private final Pattern pattern;

  private PathMatch(Type type, String value, boolean ignoreCase) {
    this.type = requireNonNull(type, "type");
    requireNonNull(value, "value");
    if (type != Type.REGEX && !value.startsWith("/")) {
      throw new IllegalArgumentException("path: " + value + " (expected: an absolute path starting with /)");
    }
    if (type == Type.PREFIX && value.length() > 1 && value.endsWith("/")) {
      value = value.substring(0, value.length() - 1);
    }
    this.value = value;
    this.ignoreCase = ignoreCase && type != Type.REGEX;
    if (type == Type.REGEX) {
      try {
        this.pattern = Pattern.compile(value);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("\"" + value + "\" is not a valid RE2 regular expression: " + e.getDescription(), e);
      }
    } else {
      this.pattern = null;
    }
  }

  /** @throws IllegalArgumentException for a relative EXACT/PREFIX path or a REGEX that does not compile */
  public PathMatch(Type type, String value) {
    this(type, value, false);
  }

  public static PathMatch exact(String value) {
    return new PathMatch(Type.EXACT, value, false);
  }

  public static PathMatch prefix(String value) {
    return new PathMatch(Type.PREFIX, value, false);
  }

  /** @throws IllegalArgumentException when {@code regex} does not compile */
  public static PathMatch regex(String regex) {
    return new PathMatch(Type.REGEX, regex, false);
  }

  /** This match comparing without case (EXACT and PREFIX only; a REGEX is returned unchanged). */
  public PathMatch ignoringCase() {
    return type == Type.REGEX || ignoreCase ? this : new PathMatch(type, value, true);
  }

  public Type type() {
    return type;
  }

  public String value() {
    return value;
  }

  public boolean ignoreCase() {
    return ignoreCase;
  }

  /** @param path the request path, without query */
  public boolean matches(String path) {
    switch (type) {
      case EXACT:
        return ignoreCase ? path.equalsIgnoreCase(value) : path.equals(value);
      case REGEX:
        return pattern.matches(path);
      default:
        if (value.length() == 1) return true; // "/"
        if (!path.regionMatches(ignoreCase, 0, value, 0, value.length())) return false;
        return path.length() == value.length() || path.charAt(value.length()) == '/';
    }
  }

  /** The length routes are ordered by (longer first), as Higress orders them: the path or the expression. */
  public int length() {
    return value.length();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PathMatch m && type == m.type && ignoreCase == m.ignoreCase && value.equals(m.value);
  }

  @Override
  public int hashCode() {
    return (type.hashCode() * 31 + value.hashCode()) * 2 + (ignoreCase ? 1 : 0);
  }

  @Override
  public String toString() {
    String t = switch (type) {
      case EXACT -> "exact ";
      case PREFIX -> "prefix ";
      case REGEX -> "regex ";
    };
    return t + (ignoreCase ? "(ignore case) " : "") + value;
  }
}
