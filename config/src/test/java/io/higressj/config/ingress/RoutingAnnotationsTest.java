package io.higressj.config.ingress;

import static io.higressj.config.ingress.IngressTranslatorTest.parse;
import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.config.model.MatchInput;
import io.higressj.config.model.PathMatch;
import io.higressj.config.model.Route;
import io.higressj.config.model.RoutePolicy;
import io.higressj.config.model.Snapshot;
import io.higressj.config.model.VirtualHost;
import io.higressj.config.resource.Problem;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The routing annotations (matching, canary, regex, redirects, rewrites, header control, timeout) as translated. */
class RoutingAnnotationsTest {
  static String ingress(String name, String annotations, String host, String pathType, String path, String service) {
    return """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: %s
          namespace: ns
          annotations:
        %s
        spec:
          rules:
          - host: %s
            http:
              paths:
              - pathType: %s
                path: %s
                backend:
                  service: {name: %s, port: {number: 80}}
        ---
        """.formatted(name, annotations.isEmpty() ? "    {}" : annotations.indent(4).stripTrailing(), host, pathType, path, service);
  }

  static Snapshot translate(String... docs) {
    return IngressTranslator.translate(parse(String.join("", docs)));
  }

  static VirtualHost host(Snapshot s, String host) {
    return s.routes().select(host);
  }

  static MatchInput req(String method, String target, Map<String, String> headers) {
    return MatchInput.of(method, target, "foo.com", headers);
  }

  static List<String> warnings(Snapshot s) {
    return s.problems().stream().filter(p -> p.severity() == Problem.Severity.WARNING)
        .map(p -> p.object() + " " + p.field() + ": " + p.message()).toList();
  }

  @Test
  void matchAnnotationsAddConditions() {
    Snapshot s = translate(ingress("m", """
        higress.io/match-method: "GET post"
        higress.io/exact-match-header-abc: "1"
        higress.io/prefix-match-header-user: "u-"
        higress.io/regex-match-query-id: "[0-9]+"
        higress.io/exact-match-pseudo-header-authority: foo.com
        """, "foo.com", "Prefix", "/a", "v1"));
    VirtualHost vh = host(s, "foo.com");
    Map<String, String> ok = Map.of("abc", "1", "user", "u-7");
    assertThat(vh.match(req("GET", "/a?id=12", ok))).isNotNull();
    assertThat(vh.match(req("POST", "/a/b?x=&id=3", ok))).isNotNull();
    assertThat(vh.match(req("PUT", "/a?id=12", ok))).as("method").isNull();
    assertThat(vh.match(req("GET", "/a?id=1x", ok))).as("query regex is a full match").isNull();
    assertThat(vh.match(req("GET", "/a", ok))).as("query missing").isNull();
    assertThat(vh.match(req("GET", "/a?id=1", Map.of("abc", "1", "user", "x")))).as("header prefix").isNull();
    assertThat(vh.match(MatchInput.of("GET", "/a?id=1", "bar.com", ok))).as(":authority").isNull();
    assertThat(warnings(s)).noneMatch(w -> w.contains("annotations"));
  }

  @Test
  void routesWithConditionsFallThroughToTheNextRouteOfTheSamePath() {
    Snapshot s = translate(
        ingress("plain", "", "foo.com", "Exact", "/x", "v1"),
        ingress("cond", "higress.io/exact-match-header-k: v", "foo.com", "Exact", "/x", "v2"));
    VirtualHost vh = host(s, "foo.com");
    assertThat(vh.match(req("GET", "/x", Map.of("k", "v"))).cluster()).contains("v2");
    assertThat(vh.match(req("GET", "/x", Map.of())).cluster()).contains("v1");
  }

  @Test
  void aRouteWithMoreConditionsGoesBeforeThePlainOneOfTheSamePathWhateverTheNames() {
    Snapshot s = translate(
        ingress("a-plain", "", "foo.com", "Prefix", "/", "v1"),
        ingress("b-header", "higress.io/exact-match-header-k: v", "foo.com", "Prefix", "/", "v2"),
        ingress("c-two", "higress.io/exact-match-header-k: v\nhigress.io/exact-match-header-j: w", "foo.com", "Prefix", "/", "v3"),
        ingress("d-method", "higress.io/match-method: PUT", "foo.com", "Prefix", "/", "v4"));
    VirtualHost vh = host(s, "foo.com");
    assertThat(vh.routes()).extracting(Route::name).containsExactly("ns/d-method/rule0/path0", "ns/c-two/rule0/path0",
        "ns/b-header/rule0/path0", "ns/a-plain/rule0/path0");
    assertThat(vh.match(req("GET", "/x", Map.of("k", "v"))).cluster()).contains("v2");
    assertThat(vh.match(req("GET", "/x", Map.of("k", "v", "j", "w"))).cluster()).contains("v3");
    assertThat(vh.match(req("GET", "/x", Map.of())).cluster()).contains("v1");
  }

  @Test
  void headerCanaryGoesBeforeItsBaseAndInheritsItsConditions() {
    Snapshot s = translate(
        ingress("base", "higress.io/exact-match-header-user: a", "foo.com", "Exact", "/e", "v2"),
        ingress("canary", """
            nginx.ingress.kubernetes.io/canary: "true"
            nginx.ingress.kubernetes.io/canary-by-header: x-canary
            nginx.ingress.kubernetes.io/canary-by-header-value: blue
            higress.io/exact-match-header-user: a
            """, "foo.com", "Exact", "/e", "v1"));
    VirtualHost vh = host(s, "foo.com");
    assertThat(vh.routes()).extracting(Route::name).containsExactly("ns/canary/rule0/path0", "ns/base/rule0/path0");
    assertThat(vh.match(req("GET", "/e", Map.of("user", "a", "x-canary", "blue"))).cluster()).contains("v1");
    assertThat(vh.match(req("GET", "/e", Map.of("user", "a", "x-canary", "always"))).cluster()).contains("v1");
    assertThat(vh.match(req("GET", "/e", Map.of("user", "a", "x-canary", "green"))).cluster()).contains("v2");
    assertThat(vh.match(req("GET", "/e", Map.of("x-canary", "blue")))).as("the base's condition holds for the canary").isNull();
  }

  @Test
  void canaryWithoutMatchingBaseIsIgnoredAndReported() {
    Snapshot s = translate(
        ingress("base", "higress.io/exact-match-header-abc: \"1\"", "foo.com", "Exact", "/e", "v2"),
        ingress("canary", """
            nginx.ingress.kubernetes.io/canary: "true"
            nginx.ingress.kubernetes.io/canary-by-header: x-canary
            """, "foo.com", "Exact", "/e", "v1"));
    assertThat(host(s, "foo.com").routes()).hasSize(1);
    assertThat(warnings(s)).anyMatch(w -> w.startsWith("Ingress ns/canary") && w.contains("canary without a non-canary route"));
  }

  @Test
  void cookieCanaryMatchesTheCookieAmongOthers() {
    Snapshot s = translate(ingress("base", "", "foo.com", "Prefix", "/", "v2"),
        ingress("c", """
            nginx.ingress.kubernetes.io/canary: "true"
            nginx.ingress.kubernetes.io/canary-by-cookie: beta
            """, "foo.com", "Prefix", "/", "v1"));
    VirtualHost vh = host(s, "foo.com");
    assertThat(vh.match(req("GET", "/", Map.of("cookie", "a=1; beta=always; z=2"))).cluster()).contains("v1");
    assertThat(vh.match(req("GET", "/", Map.of("cookie", "beta=always"))).cluster()).contains("v1");
    assertThat(vh.match(req("GET", "/", Map.of("cookie", "xbeta=always"))).cluster()).contains("v2");
    assertThat(vh.match(req("GET", "/", Map.of("cookie", "beta=never"))).cluster()).contains("v2");
  }

  @Test
  void weightCanaryBecomesWeightedClustersOfTheBase() {
    Snapshot s = translate(ingress("base", "", "foo.com", "Prefix", "/", "v2"),
        ingress("c", """
            nginx.ingress.kubernetes.io/canary: "true"
            nginx.ingress.kubernetes.io/canary-weight: "30"
            nginx.ingress.kubernetes.io/canary-weight-total: "200"
            """, "foo.com", "Prefix", "/", "v1"));
    List<Route> routes = host(s, "foo.com").routes();
    assertThat(routes).hasSize(1);
    assertThat(routes.get(0).policy().weightedClusters()).extracting(RoutePolicy.WeightedCluster::weight)
        .containsExactly(170, 30);
  }

  @Test
  void useRegexAndFullPathRegex() {
    Snapshot s = translate(
        ingress("p", "nginx.ingress.kubernetes.io/use-regex: \"true\"", "foo.com", "ImplementationSpecific", "/v[0-9]+/x", "v1"),
        ingress("f", """
            nginx.ingress.kubernetes.io/use-regex: "true"
            higress.io/full-path-regex: "true"
            """, "bar.com", "ImplementationSpecific", "/f[a-z]o", "v1"));
    assertThat(host(s, "foo.com").routes().get(0).path()).isEqualTo(PathMatch.regex("/v[0-9]+/x.*"));
    assertThat(host(s, "foo.com").match("/v12/xyz")).isNotNull();
    assertThat(host(s, "foo.com").match("/vx/x")).isNull();
    assertThat(host(s, "bar.com").match("/foo")).isNotNull();
    assertThat(host(s, "bar.com").match("/foo/bar")).isNull();
  }

  @Test
  void ignorePathCase() {
    Snapshot s = translate(ingress("i", "higress.io/ignore-path-case: \"true\"", "foo.com", "Prefix", "/Api", "v1"));
    assertThat(host(s, "foo.com").match("/api/x")).isNotNull();
    assertThat(host(s, "foo.com").match("/APi")).isNotNull();
    assertThat(host(s, "foo.com").match("/apix")).isNull();
  }

  @Test
  void rewriteTargetWithCaptureGroups() {
    Snapshot s = translate(ingress("r", "nginx.ingress.kubernetes.io/rewrite-target: /$2",
        "foo.com", "ImplementationSpecific", "/svc(/|$)(.*)", "v1"));
    Route r = host(s, "foo.com").match("/svc/a/b");
    assertThat(r.path().type()).isEqualTo(PathMatch.Type.REGEX);
    assertThat(r.policy().rewrite().regex().matcher("/svc/a/b").replaceFirst(r.policy().rewrite().substitution()))
        .isEqualTo("/a/b");
  }

  @Test
  void redirectsAndTimeoutsAndHeaderControl() {
    Snapshot s = translate(ingress("r", """
        nginx.ingress.kubernetes.io/permanent-redirect: https://example.org:8443/new
        nginx.ingress.kubernetes.io/permanent-redirect-code: "308"
        higress.io/timeout: "3"
        higress.io/request-header-control-add: |
          x-a 1
          'x-b' "two words"
        higress.io/request-header-control-remove: x-c, X-D
        higress.io/response-header-control-update: server gw
        """, "foo.com", "Prefix", "/", "v1"));
    RoutePolicy p = host(s, "foo.com").match("/").policy();
    assertThat(p.redirect()).isEqualTo(new RoutePolicy.Redirect(308, "https", "example.org", 8443, "/new", false));
    assertThat(p.timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(p.requestHeaders().add()).containsExactly(new RoutePolicy.Header("x-a", "1"),
        new RoutePolicy.Header("x-b", "two words"));
    assertThat(p.requestHeaders().remove()).containsExactly("x-c", "x-d");
    assertThat(p.responseHeaders().set()).containsExactly(new RoutePolicy.Header("server", "gw"));
  }

  @Test
  void appRootRedirectsTheRootOfTheHost() {
    Snapshot s = translate(ingress("a", "nginx.ingress.kubernetes.io/app-root: /app", "foo.com", "Prefix", "/app", "v1"));
    Route root = host(s, "foo.com").match("/");
    assertThat(root.policy().redirect()).isEqualTo(new RoutePolicy.Redirect(302, null, null, -1, "/app", false));
    assertThat(host(s, "foo.com").match("/app/x").policy().redirect()).isNull();
  }

  @Test
  void invalidValuesAreReportedAndIgnoredWhileTheRouteServes() {
    Snapshot s = translate(ingress("bad", """
        nginx.ingress.kubernetes.io/canary: "maybe"
        nginx.ingress.kubernetes.io/permanent-redirect: "not a url"
        higress.io/timeout: "-1"
        higress.io/match-method: "GET FETCH"
        higress.io/regex-match-header-x: "(unclosed"
        higress.io/request-header-control-add: "lonely"
        higress.io/no-such-thing: "1"
        nginx.ingress.kubernetes.io/app-root: "relative"
        """, "foo.com", "Prefix", "/", "v1"));
    Route r = host(s, "foo.com").match(req("GET", "/", Map.of()));
    assertThat(r).isNotNull();
    assertThat(r.policy().redirect()).isNull();
    assertThat(r.policy().timeout()).isNull();
    assertThat(warnings(s)).anyMatch(w -> w.contains("nginx.ingress.kubernetes.io/canary") && w.contains("\"maybe\" (expected: true or false)"))
        .anyMatch(w -> w.contains("permanent-redirect") && w.contains("absolute http or https URL"))
        .anyMatch(w -> w.contains("higress.io/timeout") && w.contains("\"-1\""))
        .anyMatch(w -> w.contains("match-method") && w.contains("FETCH"))
        .anyMatch(w -> w.contains("regex-match-header-x") && w.contains("RE2"))
        .anyMatch(w -> w.contains("request-header-control-add") && w.contains("lonely"))
        .anyMatch(w -> w.contains("higress.io/no-such-thing") && w.contains("unknown Higress annotation"))
        .anyMatch(w -> w.contains("app-root") && w.contains("relative"));
    assertThat(s.problems()).allMatch(p -> p.severity() == Problem.Severity.WARNING);
  }

  @Test
  void invalidRegexPathRejectsTheIngressWithTheField() {
    Snapshot s = translate(ingress("bad", "nginx.ingress.kubernetes.io/use-regex: \"true\"", "foo.com",
        "ImplementationSpecific", "/a(b", "v1"));
    assertThat(s.problems()).anyMatch(p -> p.severity() == Problem.Severity.ERROR
        && p.field().equals("spec.rules[0].http.paths[0].path") && p.message().contains("RE2"));
  }
}
