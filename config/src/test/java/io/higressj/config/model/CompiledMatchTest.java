package io.higressj.config.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * The compiled matchers answer exactly what a scan of the ordered lists answers: {@link VirtualHost#match}
 * against a scan of its routes (on random route sets in random order, random paths), and {@link
 * RouteTable#select} against the longest-wildcard-suffix rule.
 */
class CompiledMatchTest {
  private static final String[] SEGMENTS = {"a", "b", "ab", "api", "v1", "", "x.y", "%2F", "a-b", "é"};

  static String randomPath(Random rnd, boolean forRoute) {
    StringBuilder b = new StringBuilder();
    int segments = rnd.nextInt(5);
    for (int i = 0; i < segments; i++) b.append('/').append(SEGMENTS[rnd.nextInt(SEGMENTS.length)]);
    if (b.isEmpty() || rnd.nextInt(6) == 0) b.append('/');
    if (!forRoute && rnd.nextInt(20) == 0) return rnd.nextBoolean() ? "*" : ""; // OPTIONS *, or nothing at all
    return b.toString();
  }

  static List<Route> randomRoutes(Random rnd, int n) {
    List<Route> routes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String value = randomPath(rnd, true);
      PathMatch m = rnd.nextBoolean() ? PathMatch.exact(value) : PathMatch.prefix(value);
      routes.add(new Route("r" + i, m, "c", "test"));
    }
    if (rnd.nextBoolean()) {
      // the order the translator gives: Exact first, then longer first (creation order kept)
      routes.sort(Comparator.comparing((Route r) -> r.path().type()).thenComparing(r -> -r.path().value().length()));
    }
    return routes;
  }

  @RepeatedTest(200)
  void virtualHostMatchesLikeTheScan(RepetitionInfo info) {
    Random rnd = new Random(info.getCurrentRepetition() * 7919L);
    int n = rnd.nextInt(4) == 0 ? rnd.nextInt(3) : rnd.nextInt(60);
    VirtualHost vh = new VirtualHost("h", randomRoutes(rnd, n));
    for (int k = 0; k < 300; k++) {
      String path = randomPath(rnd, false);
      assertThat(vh.match(path)).as("%s in %s", path, vh.routes()).isSameAs(vh.matchByScan(path));
    }
    // every route's own value, and its value with more elements, also match like the scan
    for (Route r : vh.routes()) {
      for (String path : List.of(r.path().value(), r.path().value() + "/", r.path().value() + "/z", r.path().value() + "z")) {
        assertThat(vh.match(path)).as("%s in %s", path, vh.routes()).isSameAs(vh.matchByScan(path));
      }
    }
  }

  @Test
  void precedenceCases() {
    VirtualHost vh = new VirtualHost("h", List.of(
        new Route("exact", PathMatch.exact("/a/b"), "c", "t"),
        new Route("long", PathMatch.prefix("/a/b"), "c", "t"),
        new Route("short", PathMatch.prefix("/a"), "c", "t"),
        new Route("dup", PathMatch.prefix("/a"), "c", "t"),
        new Route("slash", PathMatch.prefix("/a//"), "c", "t"),
        new Route("root", PathMatch.prefix("/"), "c", "t")));
    assertThat(vh.match("/a/b").name()).isEqualTo("exact");
    assertThat(vh.match("/a/b/").name()).isEqualTo("long");
    assertThat(vh.match("/a/bc").name()).isEqualTo("short");
    assertThat(vh.match("/a").name()).isEqualTo("short");
    assertThat(vh.match("/a//x").name()).isEqualTo("short"); // "/a" comes first and matches too
    assertThat(vh.match("/ab").name()).isEqualTo("root");
    assertThat(vh.match("").name()).isEqualTo("root");
    // a later position loses even when it is more specific
    VirtualHost reversed = new VirtualHost("h", List.of(
        new Route("root", PathMatch.prefix("/"), "c", "t"),
        new Route("exact", PathMatch.exact("/a/b"), "c", "t")));
    assertThat(reversed.match("/a/b").name()).isEqualTo("root");
    assertThat(new VirtualHost("h", List.of()).match("/")).isNull();
  }

  @Test
  void thousandsOfRoutes() {
    List<Route> routes = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      routes.add(new Route("e" + i, PathMatch.exact("/svc" + i + "/items"), "c", "t"));
      routes.add(new Route("p" + i, PathMatch.prefix("/svc" + i), "c", "t"));
    }
    VirtualHost vh = new VirtualHost("h", routes);
    assertThat(vh.match("/svc4999/items").name()).isEqualTo("e4999");
    assertThat(vh.match("/svc4999/items/1").name()).isEqualTo("p4999");
    assertThat(vh.match("/svc49999")).isNull();
    Random rnd = new Random(1);
    for (int k = 0; k < 2000; k++) {
      String path = "/svc" + rnd.nextInt(6000) + (rnd.nextBoolean() ? "/items" : "/x");
      assertThat(vh.match(path)).isSameAs(vh.matchByScan(path));
    }
  }

  static Route r(String name, PathMatch m) {
    return new Route(name, m, "c", "t");
  }

  static Route r(String name, PathMatch m, RouteConditions c) {
    return new Route(name, m, "c", "t", c, RoutePolicy.NONE);
  }

  static final RouteConditions POST = new RouteConditions(java.util.Set.of("POST"), List.of(), List.of());

  static MatchInput req(String method, String target) {
    return MatchInput.of(method, target, "h", Map.of());
  }

  static String name(Route r) {
    return r == null ? null : r.name();
  }

  @Test
  void pathsWithTheSameHashAreToldApart() {
    // "Aa" and "BB" have the same String.hashCode, so these prefixes and exact paths collide in pairs
    assertThat("/Aa".hashCode()).isEqualTo("/BB".hashCode());
    VirtualHost vh = new VirtualHost("h", List.of(
        r("eAaBB", PathMatch.exact("/AaBB")), r("eBBAa", PathMatch.exact("/BBAa")),
        r("pBB", PathMatch.prefix("/BB")), r("pAa", PathMatch.prefix("/Aa")), r("pAaAa", PathMatch.prefix("/AaAa"))));
    assertThat(name(vh.match("/AaBB"))).isEqualTo("eAaBB");
    assertThat(name(vh.match("/BBAa"))).isEqualTo("eBBAa");
    assertThat(name(vh.match("/BBBB"))).isNull();
    assertThat(name(vh.match("/Aa/x"))).isEqualTo("pAa");
    assertThat(name(vh.match("/BB/x"))).isEqualTo("pBB");
    assertThat(name(vh.match("/AaAa/x"))).isEqualTo("pAaAa");
    assertThat(name(vh.match("/BBBB/x"))).isNull();
  }

  @Test
  void emptyTablesAndHostsWithOneKindOfRoute() {
    assertThat(new VirtualHost("h", List.of()).match("/a")).isNull();
    assertThat(new VirtualHost("h", List.of()).match("")).isNull();
    VirtualHost onlyRoot = new VirtualHost("h", List.of(r("root", PathMatch.prefix("/"))));
    assertThat(name(onlyRoot.match("/any/thing"))).isEqualTo("root");
    assertThat(name(onlyRoot.match(""))).isEqualTo("root");
    VirtualHost onlyExact = new VirtualHost("h", List.of(r("e", PathMatch.exact("/a/b"))));
    assertThat(name(onlyExact.match("/a/b"))).isEqualTo("e");
    assertThat(onlyExact.match("/a/b/")).isNull();
    assertThat(onlyExact.match("/a/c")).isNull();
    assertThat(onlyExact.match("/a")).isNull();
    VirtualHost onlyPrefix = new VirtualHost("h", List.of(r("p", PathMatch.prefix("/a/b"))));
    assertThat(name(onlyPrefix.match("/a/b/c"))).isEqualTo("p");
    assertThat(onlyPrefix.match("/a")).isNull();
    VirtualHost onlyRegex = new VirtualHost("h", List.of(r("x", PathMatch.regex("/a/[0-9]+"))));
    assertThat(name(onlyRegex.match("/a/12"))).isEqualTo("x");
    assertThat(onlyRegex.match("/a/b")).isNull();
  }

  @Test
  void prefixesEndAtElementBoundaries() {
    VirtualHost vh = new VirtualHost("h", List.of(r("foo", PathMatch.prefix("/foo/")), r("foobar", PathMatch.prefix("/foo/bar"))));
    assertThat(name(vh.match("/foo"))).isEqualTo("foo");
    assertThat(name(vh.match("/foo/"))).isEqualTo("foo");
    assertThat(name(vh.match("/foo/bar/baz"))).isEqualTo("foo");
    assertThat(vh.match("/foobar")).isNull();
    assertThat(vh.match("/fo")).isNull();
    assertThat(vh.match("/")).isNull();
    assertThat(vh.match("")).isNull();
    VirtualHost later = new VirtualHost("h", List.of(r("foobar", PathMatch.prefix("/foo/bar")), r("foo", PathMatch.prefix("/foo"))));
    assertThat(name(later.match("/foo/bar"))).isEqualTo("foobar");
    assertThat(name(later.match("/foo/bar/"))).isEqualTo("foobar");
    assertThat(name(later.match("/foo/barn"))).isEqualTo("foo");
  }

  @Test
  void longPathsShareTheLastLengthBit() {
    // lengths from 63 on share one bit of the length sets: the probes must still compare lengths
    String p63 = "/" + "a".repeat(62);
    String p64 = "/" + "a".repeat(63);
    String p100 = "/" + "b".repeat(99);
    VirtualHost vh = new VirtualHost("h", List.of(
        r("e64", PathMatch.exact(p64)), r("p63", PathMatch.prefix(p63)), r("p100", PathMatch.prefix(p100))));
    assertThat(name(vh.match(p64))).isEqualTo("e64");
    assertThat(name(vh.match(p63))).isEqualTo("p63");
    assertThat(name(vh.match(p63 + "/x"))).isEqualTo("p63");
    assertThat(vh.match(p64 + "/x")).isNull();
    assertThat(name(vh.match(p100 + "/" + "c".repeat(200)))).isEqualTo("p100");
    assertThat(vh.match(p100.substring(0, 99))).isNull();
    for (String path : List.of(p63, p64, p100, p64 + "a", p100 + "/", p63 + "/" + p100)) {
      assertThat(vh.match(path)).as(path).isSameAs(vh.matchByScan(path));
    }
  }

  @Test
  void conditionalRoutesAreCheckedInOrder() {
    VirtualHost vh = new VirtualHost("h", List.of(
        r("postRoot", PathMatch.prefix("/"), POST),
        r("postA", PathMatch.prefix("/a"), POST),
        r("postExact", PathMatch.exact("/a/b"), POST),
        r("anyA", PathMatch.prefix("/a")),
        r("postA2", PathMatch.prefix("/a"), POST),
        r("postRegex", PathMatch.regex("/r.*"), POST),
        r("root", PathMatch.prefix("/"))));
    assertThat(name(vh.match(req("POST", "/a/b")))).isEqualTo("postRoot");
    assertThat(name(vh.match(req("GET", "/a/b")))).isEqualTo("anyA");
    assertThat(name(vh.match("/a/b"))).as("match(path) is a GET").isEqualTo("anyA");
    assertThat(name(vh.match(req("GET", "/r1")))).isEqualTo("root");
    assertThat(name(vh.match(req("GET", "/a")))).isEqualTo("anyA");
    VirtualHost noRoot = new VirtualHost("h", List.of(
        r("postExact", PathMatch.exact("/a/b"), POST),
        r("postA", PathMatch.prefix("/a"), POST),
        r("getExact", PathMatch.exact("/a/b")),
        r("postRegex", PathMatch.regex("/a/.*"), POST),
        r("anyA", PathMatch.prefix("/a"))));
    assertThat(name(noRoot.match(req("POST", "/a/b")))).isEqualTo("postExact");
    assertThat(name(noRoot.match(req("POST", "/a/c")))).isEqualTo("postA");
    assertThat(name(noRoot.match(req("GET", "/a/b")))).isEqualTo("getExact");
    assertThat(name(noRoot.match(req("GET", "/a/c")))).isEqualTo("anyA");
    assertThat(noRoot.match(req("GET", "/b"))).isNull();
    // every route of a group is conditional and none holds: the group has no answer
    VirtualHost allConditional = new VirtualHost("h", List.of(
        r("post1", PathMatch.prefix("/a"), POST), r("post2", PathMatch.prefix("/a"), POST), r("b", PathMatch.prefix("/b"))));
    assertThat(allConditional.match(req("GET", "/a/x"))).isNull();
    assertThat(name(allConditional.match(req("POST", "/a/x")))).isEqualTo("post1");
  }

  @Test
  void theFirstRouteInOrderWinsWhateverItsKind() {
    VirtualHost vh = new VirtualHost("h", List.of(
        r("regex", PathMatch.regex("/x/[0-9]+")),
        r("prefix", PathMatch.prefix("/x")),
        r("exact", PathMatch.exact("/x/1")),
        r("ci", PathMatch.prefix("/X/Y").ignoringCase()),
        r("root", PathMatch.prefix("/"))));
    assertThat(name(vh.match("/x/1"))).isEqualTo("regex");
    assertThat(name(vh.match("/x/y"))).isEqualTo("prefix");
    assertThat(name(vh.match("/X/y/z"))).isEqualTo("ci");
    assertThat(name(vh.match("/z"))).isEqualTo("root");
    assertThat(name(vh.match("/x/1?q=1"))).as("the query is not part of the path").isEqualTo("regex");
  }

  /** {@code s} as an RE2 expression that matches it literally. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c < 128 && !Character.isLetterOrDigit(c)) b.append('\\');
      b.append(c);
    }
    return b.toString();
  }

  @RepeatedTest(100)
  void conditionsRegexAndCaseMatchLikeTheScan(RepetitionInfo info) {
    Random rnd = new Random(info.getCurrentRepetition() * 31337L);
    List<Route> routes = new ArrayList<>();
    for (Route plain : randomRoutes(rnd, rnd.nextInt(40))) {
      PathMatch m = plain.path();
      int kind = rnd.nextInt(10);
      if (kind == 0) m = m.ignoringCase();
      else if (kind == 1) m = PathMatch.regex(quote(m.value()) + (rnd.nextBoolean() ? ".*" : ""));
      routes.add(rnd.nextInt(3) == 0 ? r(plain.name(), m, POST) : r(plain.name(), m));
    }
    VirtualHost vh = new VirtualHost("h", routes);
    for (int k = 0; k < 300; k++) {
      String path = randomPath(rnd, false);
      if (rnd.nextInt(4) == 0) path = path.toUpperCase(java.util.Locale.ROOT);
      MatchInput in = req(rnd.nextBoolean() ? "GET" : "POST", path);
      assertThat(vh.match(in)).as("%s %s in %s", in.method(), path, routes).isSameAs(vh.matchByScan(in));
    }
  }

  /** The rule RouteTable had as a list: exact, then wildcards longest suffix first (first given on a tie), then "*". */
  static VirtualHost selectByScan(List<VirtualHost> hosts, String host) {
    VirtualHost exact = null;
    VirtualHost any = null;
    List<VirtualHost> wild = new ArrayList<>();
    for (VirtualHost vh : hosts) {
      if (vh.domain().equals("*")) any = vh;
      else if (vh.domain().startsWith("*.")) wild.add(vh);
      else if (vh.domain().equals(host)) exact = vh;
    }
    if (exact != null) return exact;
    wild.sort(Comparator.comparingInt((VirtualHost v) -> v.domain().length()).reversed());
    for (VirtualHost vh : wild) {
      String suffix = vh.domain().substring(1);
      if (host.length() > suffix.length() && host.endsWith(suffix)) return vh;
    }
    return any;
  }

  @RepeatedTest(100)
  void routeTableSelectsLikeTheScan(RepetitionInfo info) {
    Random rnd = new Random(info.getCurrentRepetition() * 104729L);
    String[] labels = {"a", "b", "foo", "com", "x-y", "1"};
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      StringBuilder b = new StringBuilder(labels[rnd.nextInt(labels.length)]);
      for (int k = rnd.nextInt(4); k > 0; k--) b.append('.').append(labels[rnd.nextInt(labels.length)]);
      names.add(b.toString());
    }
    List<VirtualHost> hosts = new ArrayList<>();
    for (int i = rnd.nextInt(15); i > 0; i--) {
      String name = names.get(rnd.nextInt(names.size()));
      int kind = rnd.nextInt(5);
      hosts.add(new VirtualHost(kind == 0 ? "*" : kind < 3 ? "*." + name : name, List.of()));
    }
    RouteTable table = new RouteTable(hosts);
    for (int k = 0; k < 200; k++) {
      String host = rnd.nextInt(10) == 0 ? "." + names.get(rnd.nextInt(names.size()))
          : (rnd.nextBoolean() ? labels[rnd.nextInt(labels.length)] + "." : "") + names.get(rnd.nextInt(names.size()));
      assertThat(table.select(host)).as("%s in %s", host, hosts).isSameAs(selectByScan(hosts, host));
    }
    assertThat(table.select("")).isSameAs(selectByScan(hosts, ""));
  }

  @Test
  void manyWildcards() {
    List<VirtualHost> hosts = new ArrayList<>();
    for (int i = 0; i < 3000; i++) hosts.add(new VirtualHost("*.w" + i + ".example.com", List.of()));
    hosts.add(new VirtualHost("*.example.com", List.of()));
    RouteTable table = new RouteTable(hosts);
    assertThat(table.select("a.b.w2999.example.com").domain()).isEqualTo("*.w2999.example.com");
    assertThat(table.select("w2999.example.com").domain()).isEqualTo("*.example.com");
    assertThat(table.select("example.com")).isNull();
    assertThat(Map.of("k", table.virtualHosts().size())).containsEntry("k", 3001);
  }
}
