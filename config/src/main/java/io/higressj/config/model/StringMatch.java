package io.higressj.config.model;

import static java.util.Objects.requireNonNull;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.Locale;

/**
 * How a request value (a header, a query parameter, a pseudo-header) is compared with a configured
 * value, as Envoy's string matcher does: {@code EXACT} equality, {@code PREFIX} starts-with, {@code
 * REGEX} a full match of an RE2 expression (linear time; the syntax Higress and Envoy use). Immutable;
 * the expression is compiled once, when the configuration is translated.
 */
public final class StringMatch {
  public enum Kind { EXACT, PREFIX, REGEX }

  private final Kind kind;
  private final String value;
  private final boolean ignoreCase;
  private final Pattern pattern;

  private StringMatch(Kind kind, String value, boolean ignoreCase) {
    this.kind = requireNonNull(kind, "kind");
    this.value = requireNonNull(value, "value");
    this.ignoreCase = ignoreCase;
    this.pattern = kind == Kind.REGEX ? Pattern.compile(value, ignoreCase ? Pattern.CASE_INSENSITIVE : 0) : null;
  }

  public static StringMatch exact(String v) {
    return new StringMatch(Kind.EXACT, v, false);
  }

  public static StringMatch prefix(String v) {
    return new StringMatch(Kind.PREFIX, v, false);
  }

  /** @throws IllegalArgumentException when {@code regex} is not an RE2 expression (the message says why) */
  public static StringMatch regex(String regex) {
    return of(Kind.REGEX, regex, false);
  }

  /** @throws IllegalArgumentException for a REGEX that does not compile */
  public static StringMatch of(Kind kind, String value, boolean ignoreCase) {
    try {
      return new StringMatch(kind, value, ignoreCase);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("\"" + value + "\" is not a valid RE2 regular expression: " + e.getDescription(), e);
    }
  }

  public Kind kind() {
    return kind;
  }

  public String value() {
    return value;
  }

  public boolean ignoreCase() {
    return ignoreCase;
  }

  /** @param s the request's value; null (absent) never matches */
  public boolean matches(String s) {
    if (s == null) return false;
    return switch (kind) {
      case EXACT -> ignoreCase ? s.equalsIgnoreCase(value) : s.equals(value);
      case PREFIX -> s.regionMatches(ignoreCase, 0, value, 0, value.length());
      case REGEX -> pattern.matches(s);
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StringMatch m && kind == m.kind && ignoreCase == m.ignoreCase && value.equals(m.value);
  }

  @Override
  public int hashCode() {
    return (kind.hashCode() * 31 + value.hashCode()) * 2 + (ignoreCase ? 1 : 0);
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase(Locale.ROOT) + (ignoreCase ? " (ignore case) " : " ") + value;
  }
}
