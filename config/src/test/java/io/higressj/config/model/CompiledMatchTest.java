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
