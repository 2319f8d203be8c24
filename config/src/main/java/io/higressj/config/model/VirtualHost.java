package io.higressj.config.model;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The routes of one host pattern, in match order (first match wins), compiled so that matching costs
 * the same with three routes or thirty thousand: exact paths and prefixes sit in hash tables, and a
 * request path is scanned once, probing the prefix table at each {@code /} (the element boundaries where
 * a Prefix route can end). Of all the routes that match, the one earliest in {@link #routes()} wins,
 * exactly as a scan of the list would decide, whatever order the list has.
 *
 * <p>Each table entry holds every route with that path, in order; a route with further conditions
 * (method, headers, query) is checked only when it could still win. Regex paths and paths compared
 * without case are few in practice and are checked in order after the tables.
 */
public final class VirtualHost {
  private final String domain;
  private final List<Route> routes;
  /** routes as an array, for the index's positions */
  private final Route[] byPosition;
  /** whether the route at a position has conditions beyond its path */
  private final boolean[] conditional;
  /** positions of routes with the same indexed path, ascending; table values index this */
  private final int[][] groups;
  /** the group of {@code Prefix /} routes, or null */
  private final int[] root;
  /** exact path to its group */
  private final StringTable exact;
  /** prefix (other than "/") to its group */
  private final StringTable prefixes;
  /** the longest prefix in {@link #prefixes}: no need to probe beyond it */
  private final int longestPrefix;
  /** positions of routes matched by a scan (regex, ignore-case), ascending */
  private final int[] scanned;

  /**
   * @param domain exact host ({@code foo.com}), wildcard ({@code *.foo.com}) or {@code *} for requests
   *     whose host matches no other virtual host; lower case
   * @param routes in match order
   */
  public VirtualHost(String domain, List<Route> routes) {
    this.domain = requireNonNull(domain, "domain");
    this.routes = List.copyOf(routes);
    this.byPosition = this.routes.toArray(new Route[0]);
    this.conditional = new boolean[byPosition.length];
    Map<String, List<Integer>> exactGroups = new LinkedHashMap<>();
    Map<String, List<Integer>> prefixGroups = new LinkedHashMap<>();
    List<Integer> rootGroup = new ArrayList<>();
    List<Integer> scan = new ArrayList<>();
    int longest = 0;
    for (int i = 0; i < byPosition.length; i++) {
      Route r = byPosition[i];
      conditional[i] = !r.conditions().isEmpty();
      PathMatch m = r.path();
      if (m.type() == PathMatch.Type.REGEX || m.ignoreCase()) {
        scan.add(i);
      } else if (m.type() == PathMatch.Type.EXACT) {
        exactGroups.computeIfAbsent(m.value(), k -> new ArrayList<>()).add(i);
      } else if (m.value().length() == 1) { // "/"
        rootGroup.add(i);
      } else {
        prefixGroups.computeIfAbsent(m.value(), k -> new ArrayList<>()).add(i);
        longest = Math.max(longest, m.value().length());
      }
    }
    List<int[]> all = new ArrayList<>(exactGroups.size() + prefixGroups.size());
    StringTable.Builder e = StringTable.builder(exactGroups.size());
    for (Map.Entry<String, List<Integer>> g : exactGroups.entrySet()) {
      e.putIfAbsent(g.getKey(), all.size());
      all.add(toArray(g.getValue()));
    }
    StringTable.Builder p = StringTable.builder(prefixGroups.size());
    for (Map.Entry<String, List<Integer>> g : prefixGroups.entrySet()) {
      p.putIfAbsent(g.getKey(), all.size());
      all.add(toArray(g.getValue()));
    }
    this.groups = all.toArray(new int[0][]);
    this.root = rootGroup.isEmpty() ? null : toArray(rootGroup);
    this.exact = e.build();
    this.prefixes = p.build();
    this.longestPrefix = longest;
    this.scanned = toArray(scan);
  }

  private static int[] toArray(List<Integer> l) {
    int[] a = new int[l.size()];
    for (int i = 0; i < a.length; i++) a[i] = l.get(i);
    return a;
  }

  public String domain() {
    return domain;
  }

  /** Every route in match order, as given (also those that can never match), e.g. for {@code /config_dump}. */
  public List<Route> routes() {
    return routes;
  }

  /** The first route whose path matches a plain GET without headers or query (tests, tools). */
  public Route match(String path) {
    return match(MatchInput.of(path));
  }

  /**
   * The first route (in {@link #routes()} order) that matches, or null.
   *
   * <p>A Prefix route with value {@code v} matches path {@code p} exactly when {@code v} is {@code /},
   * or {@code v} is {@code p} up to {@code v.length()} and {@code p} ends there or has a {@code /}
   * there: so the candidates are the pieces of {@code p} before each {@code /} and {@code p} itself.
   */
  public Route match(MatchInput in) {
    String path = in.path();
    int best = root == null ? StringTable.MISSING : first(root, in, StringTable.MISSING);
    int n = path.length();
    int hash = 0;
    if (prefixes.size() == 0) {
      if (exact.size() > 0) hash = path.hashCode();
    } else {
      int probeUpTo = Math.min(n, longestPrefix); // a '/' at i ends the candidate [0, i), of length i
      int i = 0;
      for (; i < n; i++) {
        char c = path.charAt(i);
        if (i > probeUpTo && exact.size() == 0) break; // nothing longer to find, and no exact path to hash for
        if (c == '/' && i > 0 && i <= probeUpTo) {
          int g = prefixes.getPrefix(path, i, hash);
          if (g != StringTable.MISSING) best = first(groups[g], in, best);
        }
        hash = 31 * hash + c;
      }
      if (n <= longestPrefix) {
        int g = prefixes.getPrefix(path, n, hash);
        if (g != StringTable.MISSING) best = first(groups[g], in, best);
      }
    }
    if (exact.size() > 0) {
      int g = exact.getPrefix(path, n, hash);
      if (g != StringTable.MISSING) best = first(groups[g], in, best);
    }
    for (int p : scanned) {
      if (p >= best) break;
      if (byPosition[p].matches(in)) {
        best = p;
        break;
      }
    }
    return best == StringTable.MISSING ? null : byPosition[best];
  }

  /** The first position of {@code group} (paths already matched) whose conditions hold, if before {@code best}. */
  private int first(int[] group, MatchInput in, int best) {
    for (int p : group) {
      if (p >= best) return best;
      if (!conditional[p] || byPosition[p].conditions().matches(in)) return p;
    }
    return best;
  }

  /** The reference semantics of {@link #match}: the first route of the list that matches. */
  Route matchByScan(MatchInput in) {
    for (Route r : byPosition) {
      if (r.matches(in)) return r;
    }
    return null;
  }

  Route matchByScan(String path) {
    return matchByScan(MatchInput.of(path));
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
