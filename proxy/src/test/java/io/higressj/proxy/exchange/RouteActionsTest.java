package io.higressj.proxy.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.config.model.PathMatch;
import io.higressj.config.model.Route;
import io.higressj.config.model.RouteConditions;
import io.higressj.config.model.RoutePolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteActionsTest {
  @Test
  void replacePrefixIsElementWise() {
    PathMatch foo = PathMatch.prefix("/foo");
    assertThat(RouteActions.replacePrefix(foo, "/foo/bar", "/xyz")).isEqualTo("/xyz/bar");
    assertThat(RouteActions.replacePrefix(foo, "/foo/bar", "/xyz/")).isEqualTo("/xyz/bar");
    assertThat(RouteActions.replacePrefix(PathMatch.prefix("/foo/"), "/foo/bar", "/xyz")).isEqualTo("/xyz/bar");
    assertThat(RouteActions.replacePrefix(foo, "/foo", "/xyz")).isEqualTo("/xyz");
    assertThat(RouteActions.replacePrefix(foo, "/foo/", "/xyz")).isEqualTo("/xyz/");
    assertThat(RouteActions.replacePrefix(foo, "/foo/bar", "/")).isEqualTo("/bar");
    assertThat(RouteActions.replacePrefix(foo, "/foo", "/")).isEqualTo("/");
    assertThat(RouteActions.replacePrefix(PathMatch.prefix("/"), "/bar", "/xyz")).isEqualTo("/xyz/bar");
    assertThat(RouteActions.replacePrefix(PathMatch.prefix("/"), "/bar", "/xyz/")).isEqualTo("/xyz/bar");
  }

  @Test
  void redirectLocations() {
    // Gateway API: port 0 leaves the port out, whatever the request's Host carried
    RoutePolicy.Redirect keepHost = new RoutePolicy.Redirect(302, "http", null, 0, null, false);
    assertThat(RouteActions.location(keepHost, false, "foo.com:8080", "/a?b=1")).isEqualTo("http://foo.com/a?b=1");
    RoutePolicy.Redirect port = new RoutePolicy.Redirect(302, "https", "bar.com", 8443, null, false);
    assertThat(RouteActions.location(port, false, "foo.com", "/a")).isEqualTo("https://bar.com:8443/a");
    RoutePolicy.Redirect prefix = new RoutePolicy.Redirect(301, "http", null, 0, "/new", false, true);
    assertThat(RouteActions.location(prefix, false, "foo.com", "/old/x?q", PathMatch.prefix("/old"))).isEqualTo("http://foo.com/new/x?q");
    // Ingress: -1 keeps the request's port
    RoutePolicy.Redirect keep = new RoutePolicy.Redirect(302, null, null, -1, "/app", false);
    assertThat(RouteActions.location(keep, false, "foo.com:8080", "/")).isEqualTo("http://foo.com:8080/app");
  }

  @Test
  void weightedPicksSkipZeroWeightsAndCarryTheirHeaderChanges() {
    RoutePolicy.HeaderOps set = new RoutePolicy.HeaderOps(List.of(), List.of(new RoutePolicy.Header("backend", "b")), List.of());
    Route r = new Route("r", PathMatch.prefix("/"), "a", "test", RouteConditions.NONE, RoutePolicy.NONE.withWeightedClusters(
        List.of(new RoutePolicy.WeightedCluster("a", 0), new RoutePolicy.WeightedCluster("b", 1, set, RoutePolicy.HeaderOps.NONE))));
    for (int i = 0; i < 50; i++) {
      RoutePolicy.WeightedCluster w = RouteActions.pickWeighted(r);
      assertThat(w.cluster()).isEqualTo("b");
      assertThat(w.requestHeaders()).isEqualTo(set);
    }
    Route none = new Route("r", PathMatch.prefix("/"), "a", "test");
    assertThat(RouteActions.pickWeighted(none)).isNull();
    assertThat(RouteActions.pickCluster(none)).isEqualTo("a");
  }
}
