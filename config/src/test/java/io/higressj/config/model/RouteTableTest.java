package io.higressj.config.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RouteTableTest {
  static VirtualHost vh(String domain, Route... routes) {
    return new VirtualHost(domain, List.of(routes));
  }

  static Route route(String name, PathMatch match) {
    return new Route(name, match, "c", "test");
  }

  final VirtualHost exact = vh("foo.example.com", route("exact", PathMatch.prefix("/")));
  final VirtualHost wild = vh("*.example.com", route("wild", PathMatch.prefix("/")));
  final VirtualHost deep = vh("*.api.example.com", route("deep", PathMatch.prefix("/")));
  final VirtualHost any = vh("*", route("any", PathMatch.prefix("/")));
  // the order given does not matter to select()
  final RouteTable table = new RouteTable(List.of(any, wild, exact, deep));

  @Test
  void exactBeforeWildcardBeforeCatchAll() {
    assertThat(table.select("foo.example.com")).isSameAs(exact);
    assertThat(table.select("bar.example.com")).isSameAs(wild);
    assertThat(table.select("other.org")).isSameAs(any);
  }

  @Test
  void longestWildcardSuffixWins() {
    assertThat(table.select("v1.api.example.com")).isSameAs(deep);
    assertThat(table.select("a.v1.api.example.com")).isSameAs(deep);
    assertThat(table.select("api.example.com")).isSameAs(wild);
  }

  @Test
  void wildcardNeedsAtLeastOneLabel() {
    assertThat(table.select("example.com")).isSameAs(any);
    assertThat(table.select(".example.com")).isSameAs(any);
  }

  @Test
  void countsTheRoutesOfAllVirtualHosts() {
    assertThat(table.routeCount()).isEqualTo(4);
    VirtualHost two = vh("two.example.com", route("a", PathMatch.prefix("/a")), route("b", PathMatch.prefix("/b")));
    assertThat(new RouteTable(List.of(two, exact, vh("none.example.com"))).routeCount()).isEqualTo(3);
    assertThat(RouteTable.empty().routeCount()).isZero();
  }

  @Test
  void withoutCatchAllAnUnknownHostHasNoVirtualHost() {
    RouteTable t = new RouteTable(List.of(exact));
    assertThat(t.select("other.org")).isNull();
    assertThat(RouteTable.empty().select("foo.example.com")).isNull();
  }

  @Test
  void hostsWithTheSameHashAreToldApart() {
    // "Aa" and "BB" have the same String.hashCode, and so do the suffixes built from them
    VirtualHost aa = vh("Aa.example.com");
    VirtualHost bb = vh("BB.example.com");
    VirtualHost wAa = vh("*.Aa.x");
    VirtualHost wBB = vh("*.BB.x");
    RouteTable t = new RouteTable(List.of(aa, bb, wAa, wBB));
    assertThat(t.select("Aa.example.com")).isSameAs(aa);
    assertThat(t.select("BB.example.com")).isSameAs(bb);
    assertThat(t.select("AaBB.example.com")).isNull();
    assertThat(t.select("q.Aa.x")).isSameAs(wAa);
    assertThat(t.select("q.BB.x")).isSameAs(wBB);
    assertThat(t.select("q.CC.x")).isNull();
  }

  @Test
  void duplicateDomainsResolveAsTheListDid() {
    VirtualHost exact1 = vh("a.example.com");
    VirtualHost exact2 = vh("a.example.com");
    VirtualHost wild1 = vh("*.example.com");
    VirtualHost wild2 = vh("*.example.com");
    VirtualHost any1 = vh("*");
    VirtualHost any2 = vh("*");
    RouteTable t = new RouteTable(List.of(exact1, exact2, wild1, wild2, any1, any2));
    assertThat(t.select("a.example.com")).as("the last exact host given").isSameAs(exact2);
    assertThat(t.select("b.example.com")).as("the first wildcard given").isSameAs(wild1);
    assertThat(t.select("other.org")).as("the last catch-all given").isSameAs(any2);
  }

  @Test
  void emptyTablesAndTheCatchAllAlone() {
    assertThat(RouteTable.empty().select("")).isNull();
    assertThat(RouteTable.empty().virtualHosts()).isEmpty();
    RouteTable onlyAny = new RouteTable(List.of(any));
    for (String host : List.of("", "a", "foo.example.com", ".example.com", "[::1]")) {
      assertThat(onlyAny.select(host)).as(host).isSameAs(any);
    }
    RouteTable onlyWild = new RouteTable(List.of(wild));
    assertThat(onlyWild.select("a.example.com")).isSameAs(wild);
    assertThat(onlyWild.select("example.com")).isNull();
    assertThat(onlyWild.select("")).isNull();
    VirtualHost empty = vh("");
    assertThat(new RouteTable(List.of(empty, any)).select("")).as("an exact host may be empty").isSameAs(empty);
  }

  @Test
  void theLongestWildcardSuffixWinsAtEveryDepth() {
    VirtualHost l1 = vh("*.com");
    VirtualHost l2 = vh("*.b.com");
    VirtualHost l3 = vh("*.a.b.com");
    String longLabel = "x".repeat(70);
    VirtualHost l4 = vh("*." + longLabel + ".a.b.com");
    RouteTable t = new RouteTable(List.of(l4, l2, any, l1, l3));
    assertThat(t.select("q.com")).isSameAs(l1);
    assertThat(t.select("b.com")).isSameAs(l1);
    assertThat(t.select("q.b.com")).isSameAs(l2);
    assertThat(t.select("a.b.com")).isSameAs(l2);
    assertThat(t.select("q.a.b.com")).isSameAs(l3);
    assertThat(t.select("p.q.a.b.com")).isSameAs(l3);
    assertThat(t.select(longLabel + ".a.b.com")).isSameAs(l3);
    assertThat(t.select("q." + longLabel + ".a.b.com")).as("a suffix longer than 63").isSameAs(l4);
    assertThat(t.select("q.x" + longLabel + ".a.b.com")).isSameAs(l3);
    assertThat(t.select("com")).isSameAs(any);
    assertThat(t.select(".com")).isSameAs(any);
    assertThat(t.select("q.org")).isSameAs(any);
  }

  @Test
  void normalizesHosts() {
    assertThat(RouteTable.normalizeHost("Foo.Example.COM:8080")).isEqualTo("foo.example.com");
    assertThat(RouteTable.normalizeHost("foo.example.com.")).isEqualTo("foo.example.com");
    assertThat(RouteTable.normalizeHost("[::1]:8443")).isEqualTo("[::1]");
    assertThat(RouteTable.normalizeHost(null)).isEmpty();
  }

  @Test
  void firstMatchingRouteWins() {
    VirtualHost v = vh("x", route("exact", PathMatch.exact("/a")), route("a", PathMatch.prefix("/a")),
        route("root", PathMatch.prefix("/")));
    assertThat(v.match("/a").name()).isEqualTo("exact");
    assertThat(v.match("/a/b").name()).isEqualTo("a");
    assertThat(v.match("/ab").name()).isEqualTo("root");
    assertThat(vh("y", route("b", PathMatch.prefix("/b"))).match("/c")).isNull();
  }

  @Test
  void aTableWithHostsReplacedSelectsAsATableBuiltAnew() {
    java.util.Random rnd = new java.util.Random(11);
    List<String> domains = new java.util.ArrayList<>(List.of("*", "*.example.com", "*.api.example.com", "*.b.org"));
    for (int i = 0; i < 300; i++) domains.add("h" + i + (i % 3 == 0 ? ".api.example.com" : ".example.com"));
    java.util.TreeMap<String, VirtualHost> hosts = new java.util.TreeMap<>();
    for (String d : domains) hosts.put(d, vh(d, route(d + "#0", PathMatch.prefix("/"))));
    RouteTable table = new RouteTable(List.copyOf(hosts.values()));
    List<String> probes = new java.util.ArrayList<>(domains.subList(4, domains.size()));
    probes.addAll(List.of("x.example.com", "x.y.api.example.com", "api.example.com", "a.b.org", "b.org", "other.net"));
    int replacedInPlace = 0;
    for (int round = 1; round <= 200; round++) {
      java.util.Map<String, VirtualHost> changed = new java.util.HashMap<>();
      for (int k = rnd.nextInt(4); k >= 0; k--) {
        String d = domains.get(rnd.nextInt(domains.size()));
        int what = rnd.nextInt(10);
        VirtualHost now = what == 0 ? null // a host removed (or, when absent, still absent)
            : vh(d, java.util.stream.IntStream.rangeClosed(0, rnd.nextInt(3))
                .mapToObj(r -> route(d + "#" + r, PathMatch.prefix("/" + r))).toArray(Route[]::new));
        if (now == null) hosts.remove(d);
        else hosts.put(d, now);
        changed.put(d, now);
      }
      RouteTable before = table;
      table = table.replacing(changed, () -> List.copyOf(hosts.values()));
      RouteTable fresh = new RouteTable(List.copyOf(hosts.values()));
      assertThat(table.virtualHosts()).as("round %d", round).containsExactlyElementsOf(fresh.virtualHosts());
      assertThat(table.routeCount()).isEqualTo(fresh.routeCount());
      for (String p : probes) assertThat(table.select(p)).as("round %d: %s", round, p).isSameAs(fresh.select(p));
      if (table.virtualHosts().size() == before.virtualHosts().size() && changed.values().stream().allMatch(v -> v != null)) {
        replacedInPlace++;
      }
      // the table replaced was not changed: snapshots still serving it keep routing as they did
      for (VirtualHost v : changed.values()) {
        assertThat(before.virtualHosts().stream().noneMatch(b -> b == v)).as("round %d", round).isTrue();
      }
    }
    assertThat(replacedInPlace).isGreaterThan(50);
    assertThat(table.replacing(java.util.Map.of(), () -> { throw new AssertionError("not needed"); })).isSameAs(table);
  }

  @Test
  void aTableGivenADomainTwiceIsBuiltAnewOnAChange() {
    VirtualHost first = vh("foo.example.com", route("first", PathMatch.prefix("/")));
    VirtualHost second = vh("foo.example.com", route("second", PathMatch.prefix("/")));
    RouteTable t = new RouteTable(List.of(first, second, any));
    assertThat(t.select("foo.example.com")).isSameAs(second); // the last one given wins
    VirtualHost any2 = vh("*", route("any2", PathMatch.prefix("/")));
    RouteTable u = t.replacing(java.util.Map.of("*", any2), () -> List.of(first, any2));
    assertThat(u.select("foo.example.com")).isSameAs(first);
    assertThat(u.select("other.org")).isSameAs(any2);
    assertThat(u.virtualHosts()).containsExactly(first, any2);
  }
}
