package io.higressj.config.model;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The routes of one host pattern, in match order (first match wins), compiled so that matching costs
 * about the same with three routes or thirty thousand: exact paths and prefixes sit in hash tables, and
 * a request path is scanned once, probing the prefix table at each {@code /} (the element boundaries
 * where a Prefix route can end). Of all the routes that match, the one earliest in {@link #routes()}
 * wins, exactly as a scan of the list would decide, whatever order the list has.
 *
 * <p>With many hosts or routes, the tables of the host a request needs are rarely in the CPU caches, so
 * a match costs what the cache lines it touches cost. The layout keeps them few: this object holds the
 * tables' arrays itself (no table object in between); a table slot ({@link StringTable}) holds the
 * hash, the position of the first route with that path and where the key is, so that a probe and its
 * answer are one cache line; keys are compared against one string that holds all of them, not one
 * object per key; routes are found by position in one array. A candidate that could only lose to the
 * best one so far is not compared at all. A set of lengths tells whether the whole path can be an exact
 * path or a prefix, so that a path that cannot is not hashed to its end; at each {@code /} the table
 * is probed without such a test, which measured slower than the probes it saves (a branch that the CPU
 * mispredicts costs more than a slot in cache).
 *
 * <p>Every route with an indexed path is reachable from its table entry: the entry names the first
 * route (in order) with that path; when that route has further conditions (method, headers, query),
 * the later routes with the same path follow as a chain ({@code sameNext}) and are checked in order
 * only when they could still win. Regex paths and paths compared without case are few in practice and
 * are checked in order after the tables.
 */
public final class VirtualHost {
  /** no route: larger than every position */
  private static final int MISSING = Integer.MAX_VALUE;
  /** positions are stored doubled (plus a flag) in table values */
  private static final int MAX_ROUTES = 1 << 29;
  private static final int[] NO_POSITIONS = new int[0];

  private final String domain;
  private final List<Route> routes;
  /** routes as an array, for the index's positions */
  private final Route[] byPosition;
  /** every exact path and prefix, one after the other; the tables point into it */
  private final String keys;
  /** prefix (other than "/") to {@code first position << 1 | conditional} */
  private final long[] prefixSlots;
  private final int prefixShift;
  /** exact path to {@code first position << 1 | conditional} */
  private final long[] exactSlots;
  private final int exactShift;
  /** bit {@code n} (bit 63: any length from 63 on) set when some prefix has length n; 0: no prefixes */
  private final long prefixLengths;
  /** bit {@code n} (bit 63: any length from 63 on) set when some exact path has length n */
  private final long exactLengths;
  /** the longest prefix: no need to probe beyond it */
  private final int longestPrefix;
  /** the longest exact path: a longer request path needs no exact probe */
  private final int longestExact;
  /** the {@code Prefix /} routes as {@code first position << 1 | conditional}, or -1 */
  private final int root;
  /**
   * by position, the next route with the same indexed path (or -1); null when no group starts with a
   * conditional route, so that nothing ever follows it
   */
  private final int[] sameNext;
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
    if (byPosition.length > MAX_ROUTES) {
      throw new IllegalArgumentException("routes: " + byPosition.length + " (expected: at most " + MAX_ROUTES + ")");
    }
    Map<String, List<Integer>> exactGroups = new LinkedHashMap<>();
    Map<String, List<Integer>> prefixGroups = new LinkedHashMap<>();
    List<Integer> rootGroup = new ArrayList<>();
    List<Integer> scan = new ArrayList<>();
    for (int i = 0; i < byPosition.length; i++) {
      PathMatch m = byPosition[i].path();
      if (m.type() == PathMatch.Type.REGEX || m.ignoreCase()) {
        scan.add(i);
      } else if (m.type() == PathMatch.Type.EXACT) {
        exactGroups.computeIfAbsent(m.value(), k -> new ArrayList<>()).add(i);
      } else if (m.value().length() == 1) { // "/"
        rootGroup.add(i);
      } else {
        prefixGroups.computeIfAbsent(m.value(), k -> new ArrayList<>()).add(i);
      }
    }
    int[] next = new int[byPosition.length];
    boolean chained = false;
    StringTable.Keys k = new StringTable.Keys();
    StringTable.Builder e = StringTable.builder(exactGroups.size(), k);
    long exactBits = 0;
    int exactMax = 0;
    for (Map.Entry<String, List<Integer>> g : exactGroups.entrySet()) {
      chained |= link(g.getValue(), next);
      e.putIfAbsent(g.getKey(), head(g.getValue()));
      exactBits |= lengthBit(g.getKey().length());
      exactMax = Math.max(exactMax, g.getKey().length());
    }
    StringTable.Builder p = StringTable.builder(prefixGroups.size(), k);
    long prefixBits = 0;
    int prefixMax = 0;
    for (Map.Entry<String, List<Integer>> g : prefixGroups.entrySet()) {
      chained |= link(g.getValue(), next);
      p.putIfAbsent(g.getKey(), head(g.getValue()));
      prefixBits |= lengthBit(g.getKey().length());
      prefixMax = Math.max(prefixMax, g.getKey().length());
    }
    if (!rootGroup.isEmpty()) chained |= link(rootGroup, next);
    this.root = rootGroup.isEmpty() ? -1 : head(rootGroup);
    this.sameNext = chained ? next : null;
    StringTable exact = e.build();
    StringTable prefixes = p.build();
    this.keys = k.build();
    this.exactSlots = exact.slots();
    this.exactShift = exact.shift();
    this.exactLengths = exactBits;
    this.longestExact = exactMax;
    this.prefixSlots = prefixes.slots();
    this.prefixShift = prefixes.shift();
    this.prefixLengths = prefixBits;
    this.longestPrefix = prefixMax;
    this.scanned = toArray(scan);
  }

  /** The table value for a group: its first position, doubled, plus 1 when that route has conditions. */
  private int head(List<Integer> group) {
    int first = group.get(0);
    return first << 1 | (conditional(first) ? 1 : 0);
  }

  private boolean conditional(int position) {
    return !byPosition[position].conditions().isEmpty();
  }

  /** Chains the positions of a group in {@code next}; true when the chain can ever be followed. */
  private boolean link(List<Integer> group, int[] next) {
    for (int i = 0; i < group.size(); i++) next[group.get(i)] = i + 1 < group.size() ? group.get(i + 1) : -1;
    return conditional(group.get(0));
  }

  /** The bit of {@code length} in a set of lengths: lengths from 63 on share bit 63. */
  private static long lengthBit(int length) {
    return 1L << Math.min(length, 63);
  }

  private static int[] toArray(List<Integer> l) {
    if (l.isEmpty()) return NO_POSITIONS; // one array for every host: a match reads its length
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
    // a query is split off as MatchInput.of does; without one, no MatchInput is made unless a condition asks
    return path.indexOf('?') < 0 ? match(path, null) : match(MatchInput.of(path));
  }

  /**
   * The first route (in {@link #routes()} order) that matches, or null.
   *
   * <p>A Prefix route with value {@code v} matches path {@code p} exactly when {@code v} is {@code /},
   * or {@code v} is {@code p} up to {@code v.length()} and {@code p} ends there or has a {@code /}
   * there: so the candidates are the pieces of {@code p} before each {@code /} and {@code p} itself.
   */
  public Route match(MatchInput in) {
    return match(in.path(), in);
  }

  /** @param in the request, or null for a plain GET of {@code path} (made only if a condition needs it) */
  private Route match(String path, MatchInput in) {
    int best = root < 0 ? MISSING : candidate(root, path, in, MISSING);
    int n = path.length();
    boolean exactWanted = (exactLengths & lengthBit(n)) != 0 && n <= longestExact;
    if (prefixLengths != 0) {
      // one pass computes the hash of every prefix (String.hashCode's polynomial) and probes at each '/':
      // a '/' at i ends the candidate [0, i), so the pass needs to see index longestPrefix, and goes on
      // to the end only when the exact table needs the hash of the whole path
      int end = exactWanted ? n : Math.min(n, longestPrefix + 1);
      int hash = 0;
      for (int i = 0; i < end; i++) {
        char c = path.charAt(i);
        if (c == '/' && i > 0 && i <= longestPrefix) {
          best = lookup(prefixSlots, prefixShift, path, i, hash, in, best);
        }
        hash = 31 * hash + c;
      }
      if (n <= longestPrefix && (prefixLengths & lengthBit(n)) != 0) { // then end == n
        best = lookup(prefixSlots, prefixShift, path, n, hash, in, best);
      }
      if (exactWanted) best = lookup(exactSlots, exactShift, path, n, hash, in, best);
    } else if (exactWanted) {
      best = lookup(exactSlots, exactShift, path, n, path.hashCode(), in, best);
    }
    for (int p : scanned) {
      if (p >= best) break;
      Route r = byPosition[p];
      if (r.path().matches(path) && (r.conditions().isEmpty() || r.conditions().matches(input(path, in)))) {
        best = p;
        break;
      }
    }
    return best == MISSING ? null : byPosition[best];
  }

  /** The route the table entry for {@code path[0, len)} leads to, if it comes before {@code best}; else best. */
  private int lookup(long[] slots, int shift, String path, int len, int hash, MatchInput in, int best) {
    int bound = best == MISSING ? Integer.MAX_VALUE : best << 1; // values are positions doubled
    int slot = StringTable.find(slots, shift, keys, path, 0, len, hash, bound);
    return slot == StringTable.NONE ? best : candidate(StringTable.value(slots, slot), path, in, best);
  }

  /**
   * The first route of a group (paths already matched) whose conditions hold, if before {@code best};
   * else best.
   *
   * @param head {@code first position << 1 | conditional}
   */
  private int candidate(int head, String path, MatchInput in, int best) {
    int p = head >>> 1;
    if ((head & 1) == 0 || p >= best) return Math.min(p, best);
    for (; p >= 0 && p < best; p = sameNext[p]) {
      Route r = byPosition[p];
      if (r.conditions().isEmpty() || r.conditions().matches(input(path, in))) return p;
    }
    return best;
  }

  private static MatchInput input(String path, MatchInput in) {
    return in != null ? in : MatchInput.of(path);
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
