package io.higressj.config.model;

import static java.util.Objects.requireNonNull;

import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The origins a CORS policy allows, compiled: {@code *} (any origin), exact origins
 * ({@code http://bar.com}), and origins whose host starts with a wildcard ({@code http://*.bar.com}),
 * which Higress turns into the expression {@code .*\.bar\.com} matched against the whole Origin header
 * (so the scheme is not checked, as in Higress). Equality and {@link #toString()} go by the entries.
 */
public final class CorsOrigins {
  private final List<String> entries;
  private final boolean any;
  private final Set<String> exact;
  private final Pattern[] patterns;

  private CorsOrigins(List<String> entries, boolean any, Set<String> exact, List<Pattern> patterns) {
    this.entries = List.copyOf(entries);
    this.any = any;
    this.exact = Set.copyOf(exact);
    this.patterns = patterns.toArray(new Pattern[0]);
  }

  /**
   * @param entries {@code *}, exact origins, or origins with a host like {@code *.example.com}
   * @throws IllegalArgumentException for an entry with a {@code *} anywhere but at the start of the host
   */
  public static CorsOrigins of(List<String> entries) {
    requireNonNull(entries, "entries");
    boolean any = false;
    Set<String> exact = new HashSet<>();
    List<Pattern> patterns = new ArrayList<>();
    for (String e : entries) {
      if (e.equals("*")) {
        any = true;
      } else if (e.indexOf('*') >= 0) {
        patterns.add(Pattern.compile(wildcardExpression(e)));
      } else {
        exact.add(e);
      }
    }
    return new CorsOrigins(entries, any, exact, patterns);
  }

  /**
   * The expression for an origin with a wildcard host: {@code .*} and the rest of the host (with its
   * port) quoted.
   *
   * @throws IllegalArgumentException when the host does not start with {@code *}, or has another one
   */
  static String wildcardExpression(String origin) {
    int scheme = origin.indexOf("://");
    String rest = scheme < 0 ? origin : origin.substring(scheme + 3);
    int end = rest.length();
    for (int i = 0; i < rest.length(); i++) {
      char c = rest.charAt(i);
      if (c == '/' || c == '?' || c == '#') {
        end = i;
        break;
      }
    }
    String host = rest.substring(0, end);
    if (!host.startsWith("*") || host.indexOf('*', 1) >= 0 || host.length() < 2) {
      throw new IllegalArgumentException("\"" + origin + "\" has a wildcard that is not the start of its host");
    }
    return ".*" + Pattern.quote(host.substring(1));
  }

  public List<String> entries() {
    return entries;
  }

  public boolean any() {
    return any;
  }

  /** Whether the request's {@code Origin} header value is allowed. */
  public boolean allows(String origin) {
    if (any || exact.contains(origin)) return true;
    for (Pattern p : patterns) {
      if (p.matches(origin)) return true;
    }
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CorsOrigins c && c.entries.equals(entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return String.join(",", entries);
  }
}
