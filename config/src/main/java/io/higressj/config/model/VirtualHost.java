package io.higressj.config.model;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The routes of one host pattern, in match order (first match wins), compiled so that matching costs
 * the same with three routes or thirty thousand: exact paths and prefixes sit in hash tables, and a
 * request path is scanned once, probing the prefix table at each {@code /} (the element boundaries where
 * a Prefix route can end). Of all the routes that match, the one earliest in {@link #routes()} wins,
 * exactly as a scan of the list would decide, whatever order the list has.
 */
public final class VirtualHost {
  private final String domain;
  private final List<Route> routes;
  /** routes as an array, for the index's positions */
  private final Route[] byPosition;
  /** position of the first {@code Prefix /} route, or MISSING */
  private final int root;
  /** exact path to the position of the first EXACT route with it */
  private final StringTable exact;
  /** prefix (other than "/") to the position of the first PREFIX route with it */
  private final StringTable prefixes;
  /** the longest prefix in {@link #prefixes}: no need to probe beyond it */
  private final int longestPrefix;

  /**
   * @param domain exact host ({@code foo.com}), wildcard ({@code *.foo.com}) or {@code *} for requests
   *     whose host matches no other virtual host; lower case
   * @param routes in match order
   */
  public VirtualHost(String domain, List<Route> routes) {
    this.domain = requireNonNull(domain, "domain");
    this.routes = List.copyOf(routes);
    this.byPosition = this.routes.toArray(new Route[0]);
    int exactCount = 0;
    for (Route r : byPosition) {
      if (r.path().type() == PathMatch.Type.EXACT) exactCount++;
    }
    StringTable.Builder e = StringTable.builder(exactCount);
    StringTable.Builder p = StringTable.builder(byPosition.length - exactCount);
    int rootAt = StringTable.MISSING;
    int longest = 0;
    for (int i = 0; i < byPosition.length; i++) {
      PathMatch m = byPosition[i].path();
      if (m.type() == PathMatch.Type.EXACT) {
        e.putIfAbsent(m.value(), i);
      } else if (m.value().length() == 1) { // "/"
        if (rootAt == StringTable.MISSING) rootAt = i;
      } else {
        p.putIfAbsent(m.value(), i);
        longest = Math.max(longest, m.value().length());
      }
    }
    this.root = rootAt;
    this.exact = e.build();
    this.prefixes = p.build();
    this.longestPrefix = longest;
  }

  public String domain() {
    return domain;
  }

  /** Every route in match order, as given (also those that can never match), e.g. for {@code /config_dump}. */
  public List<Route> routes() {
    return routes;
  }

  /**
   * The first route (in {@link #routes()} order) whose path matches, or null.
   *
   * <p>A Prefix route with value {@code v} matches path {@code p} exactly when {@code v} is {@code /},
   * or {@code v} is {@code p} up to {@code v.length()} and {@code p} ends there or has a {@code /}
   * there: so the candidates are the pieces of {@code p} before each {@code /} and {@code p} itself.
   *
   * @param path the request path, without query
   */
  public Route match(String path) {
    int best = root;
    int n = path.length();
    int hash = 0;
    if (prefixes.size() == 0) {
      hash = path.hashCode();
    } else {
      int probeUpTo = Math.min(n, longestPrefix); // a '/' at i ends the candidate [0, i), of length i
      int i = 0;
      for (; i < n; i++) {
        char c = path.charAt(i);
        if (i > probeUpTo && exact.size() == 0) break; // nothing longer to find, and no exact path to hash for
        if (c == '/' && i > 0 && i <= probeUpTo) {
          int at = prefixes.getPrefix(path, i, hash);
          if (at < best) best = at;
        }
        hash = 31 * hash + c;
      }
      if (n <= longestPrefix) {
        int at = prefixes.getPrefix(path, n, hash);
        if (at < best) best = at;
      }
    }
    if (exact.size() > 0) {
      int at = exact.getPrefix(path, n, hash);
      if (at < best) best = at;
    }
    return best == StringTable.MISSING ? null : byPosition[best];
  }

  /** The reference semantics of {@link #match}: the first route of the list whose path matches. */
  Route matchByScan(String path) {
    for (Route r : byPosition) {
      if (r.path().matches(path)) return r;
    }
    return null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VirtualHost v && domain.equals(v.domain) && routes.equals(v.routes);
  }

  @Override
  public int hashCode() {
    return 31 * domain.hashCode() + routes.hashCode();
  }

  @Override
  public String toString() {
    return "VirtualHost[domain=" + domain + ", routes=" + routes + "]";
  }
}
