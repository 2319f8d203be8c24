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
  void withoutCatchAllAnUnknownHostHasNoVirtualHost() {
    RouteTable t = new RouteTable(List.of(exact));
    assertThat(t.select("other.org")).isNull();
    assertThat(RouteTable.empty().select("foo.example.com")).isNull();
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
}
