package io.higressj.config.ingress;

import static io.higressj.config.ingress.IngressTranslatorTest.parse;
import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.config.model.Route;
import io.higressj.config.model.RoutePolicy;
import io.higressj.config.model.RoutePolicy.Cors;
import io.higressj.config.model.Snapshot;
import io.higressj.config.model.SnapshotDump;
import io.higressj.config.resource.Problem;
import io.higressj.config.resource.ResourceSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CORS, local rate limits, access lists and the default backend, as translated from annotations. */
class TrafficAnnotationsTest {
  static String ingress(String name, String annotations, String host, String path, String service) {
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
              - pathType: Prefix
                path: %s
                backend:
                  service: {name: %s, port: {number: 80}}
        ---
        """.formatted(name, annotations.isEmpty() ? "    {}" : annotations.indent(4).stripTrailing(), host, path, service);
  }

  static String service(String name, int... ports) {
    StringBuilder p = new StringBuilder();
    for (int port : ports) p.append(p.isEmpty() ? "" : ", ").append("{port: ").append(port).append("}");
    return """
        apiVersion: v1
        kind: Service
        metadata: {name: %s, namespace: ns}
        spec:
          ports: [%s]
        ---
        apiVersion: v1
        kind: Endpoints
        metadata: {name: %s, namespace: ns}
        subsets:
        - addresses: [{ip: 10.0.0.1}]
          ports: [{port: %d}]
        ---
        """.formatted(name, p, name, ports.length == 0 ? 1 : ports[0]);
  }

  static Snapshot translate(String... docs) {
    return IngressTranslator.translate(parse(String.join("", docs)));
  }

  static RoutePolicy policy(Snapshot s, String host) {
    return s.routes().select(host).routes().get(0).policy();
  }

  static List<String> warnings(Snapshot s) {
    return s.problems().stream().filter(p -> p.severity() == Problem.Severity.WARNING)
        .map(p -> p.field() + ": " + p.message()).toList();
  }

  static Snapshot one(String annotations) {
    return translate(ingress("i", annotations, "foo.com", "/", "v1"), service("v1", 80));
  }

  // ---- CORS

  @Test
  void corsDefaultsAreHigressDefaults() {
    Snapshot s = one("nginx.ingress.kubernetes.io/enable-cors: \"true\"");
    Cors c = policy(s, "foo.com").cors();
    assertThat(c.allowOrigins().any()).isTrue();
    assertThat(c.allowMethods()).isEqualTo("GET,PUT,POST,DELETE,PATCH,OPTIONS");
    assertThat(c.allowHeaders()).isEqualTo(
        "DNT,X-CustomHeader,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Authorization");
    assertThat(c.exposeHeaders()).isNull();
    assertThat(c.allowCredentials()).isTrue();
    assertThat(c.maxAge()).isEqualTo("1728000");
    assertThat(warnings(s)).isEmpty();
  }

  @Test
  void corsSettingsUnderEitherPrefixNginxFirst() {
    Snapshot s = one("""
        higress.io/enable-cors: "true"
        nginx.ingress.kubernetes.io/cors-allow-methods: "post, get"
        higress.io/cors-allow-methods: "PUT"
        higress.io/cors-allow-headers: "Host, Origin"
        higress.io/cors-expose-headers: "*"
        higress.io/cors-allow-origin: "http://bar.com, https://*.example.com"
        higress.io/cors-allow-credentials: "false"
        higress.io/cors-max-age: "60"
        """);
    Cors c = policy(s, "foo.com").cors();
    assertThat(c.allowMethods()).isEqualTo("POST,GET");
    assertThat(c.allowHeaders()).isEqualTo("Host,Origin");
    assertThat(c.exposeHeaders()).isEqualTo("*");
    assertThat(c.allowCredentials()).isFalse();
    assertThat(c.maxAge()).isEqualTo("60");
    assertThat(c.allowOrigins().allows("http://bar.com")).isTrue();
    assertThat(c.allowOrigins().allows("https://bar.com")).isFalse();
    assertThat(c.allowOrigins().allows("https://a.example.com")).isTrue();
    assertThat(c.allowOrigins().allows("https://a.b.example.com")).isTrue();
    assertThat(c.allowOrigins().allows("https://example.com")).isFalse();
    assertThat(c.allowOrigins().allows("https://a.example.com.evil.org")).isFalse();
    assertThat(warnings(s)).isEmpty();
  }

  @Test
  void corsOffOrInvalidMeansNoPolicy() {
    assertThat(policy(one("nginx.ingress.kubernetes.io/enable-cors: \"false\""), "foo.com").cors()).isNull();
    assertThat(policy(one("nginx.ingress.kubernetes.io/cors-allow-origin: \"http://a.com\""), "foo.com").cors())
        .as("cors-* without enable-cors").isNull();
    Snapshot s = one("nginx.ingress.kubernetes.io/enable-cors: \"yes\"");
    assertThat(policy(s, "foo.com").cors()).isNull();
    assertThat(warnings(s)).containsExactly("metadata.annotations[\"nginx.ingress.kubernetes.io/enable-cors\"]: "
        + "\"yes\" (expected: true or false); annotation ignored");
  }

  @Test
  void invalidCorsValuesAreReportedAndDefaultsKept() {
    Snapshot s = one("""
        nginx.ingress.kubernetes.io/enable-cors: "true"
        nginx.ingress.kubernetes.io/cors-max-age: "-5"
        nginx.ingress.kubernetes.io/cors-allow-credentials: "maybe"
        nginx.ingress.kubernetes.io/cors-allow-methods: "GET, PO ST"
        nginx.ingress.kubernetes.io/cors-allow-origin: "https://a.*.com, http://ok.com"
        """);
    Cors c = policy(s, "foo.com").cors();
    assertThat(c.maxAge()).isEqualTo("1728000");
    assertThat(c.allowCredentials()).isTrue();
    assertThat(c.allowMethods()).isEqualTo(TrafficAnnotations.DEFAULT_ALLOW_METHODS);
    assertThat(c.allowOrigins().entries()).containsExactly("http://ok.com");
    assertThat(warnings(s)).hasSize(4).anyMatch(w -> w.contains("cors-max-age") && w.contains("\"-5\""))
        .anyMatch(w -> w.contains("cors-allow-credentials") && w.contains("true or false"))
        .anyMatch(w -> w.contains("cors-allow-methods") && w.contains("HTTP methods"))
        .anyMatch(w -> w.contains("cors-allow-origin") && w.contains("\"https://a.*.com\"") && w.contains("ignored"));
  }

  @Test
  void aStarOriginStandsForEveryOrigin() {
    Cors c = policy(one("""
        nginx.ingress.kubernetes.io/enable-cors: "true"
        nginx.ingress.kubernetes.io/cors-allow-origin: "http://a.com, *"
        """), "foo.com").cors();
    assertThat(c.allowOrigins().any()).isTrue();
    assertThat(c.allowOrigins().allows("null")).isTrue();
  }

  // ---- local rate limit

  @Test
  void routeLimitRpsWithDefaultBurstMultiplier() {
    Snapshot s = one("higress.io/route-limit-rps: \"10\"");
    RoutePolicy.RateLimit l = policy(s, "foo.com").rateLimit();
    assertThat(l.perMinute()).isFalse();
    assertThat(l.bucket().tokensPerFill()).isEqualTo(10);
    assertThat(l.bucket().maxTokens()).isEqualTo(50); // Higress's default multiplier: 5
    assertThat(l.bucket().fillIntervalNanos()).isEqualTo(1_000_000_000L);
    assertThat(warnings(s)).isEmpty();
  }

  @Test
  void routeLimitRpmTakesPrecedence() {
    Snapshot s = one("""
        higress.io/route-limit-rpm: "10"
        higress.io/route-limit-rps: "100"
        higress.io/route-limit-burst-multiplier: "3"
        """);
    RoutePolicy.RateLimit l = policy(s, "foo.com").rateLimit();
    assertThat(l.perMinute()).isTrue();
    assertThat(l.bucket().tokensPerFill()).isEqualTo(10);
    assertThat(l.bucket().maxTokens()).isEqualTo(30);
    assertThat(l.bucket().fillIntervalNanos()).isEqualTo(60_000_000_000L);
    assertThat(warnings(s)).singleElement().asString().contains("route-limit-rps").contains("precedence");
  }

  @Test
  void routeLimitsAreHigressOnlyAndValidated() {
    assertThat(policy(one("nginx.ingress.kubernetes.io/route-limit-rps: \"10\""), "foo.com").rateLimit()).isNull();
    Snapshot zero = one("higress.io/route-limit-rps: \"0\"");
    assertThat(policy(zero, "foo.com").rateLimit()).isNull();
    assertThat(warnings(zero)).singleElement().asString()
        .contains("higress.io/route-limit-rps").contains("\"0\"").contains("an integer from 1 to 4294967295");
    Snapshot badMult = one("""
        higress.io/route-limit-rps: "2"
        higress.io/route-limit-burst-multiplier: "x"
        """);
    assertThat(policy(badMult, "foo.com").rateLimit().bucket().maxTokens()).as("default multiplier").isEqualTo(10);
    assertThat(warnings(badMult)).singleElement().asString().contains("route-limit-burst-multiplier");
    Snapshot huge = one("""
        higress.io/route-limit-rps: "4294967295"
        higress.io/route-limit-burst-multiplier: "2"
        """);
    assertThat(policy(huge, "foo.com").rateLimit().bucket().maxTokens()).isEqualTo(4294967295L);
    assertThat(warnings(huge)).singleElement().asString().contains("exceeds");
  }

  @Test
  void eachRouteHasABucketOfItsOwn() {
    String two = """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: two
          namespace: ns
          annotations: {higress.io/route-limit-rps: "1"}
        spec:
          rules:
          - host: foo.com
            http:
              paths:
              - {path: /a, pathType: Prefix, backend: {service: {name: v1, port: {number: 80}}}}
              - {path: /b, pathType: Prefix, backend: {service: {name: v1, port: {number: 80}}}}
        ---
        """;
    List<Route> routes = translate(two, service("v1", 80)).routes().select("foo.com").routes();
    assertThat(routes).hasSize(2);
    assertThat(routes.get(0).policy().rateLimit()).isEqualTo(routes.get(1).policy().rateLimit());
    assertThat(routes.get(0).policy().rateLimit().bucket()).isNotSameAs(routes.get(1).policy().rateLimit().bucket());
    long now = System.nanoTime();
    assertThat(routes.get(0).policy().rateLimit().bucket().tryAcquire(now)).isTrue();
    assertThat(routes.get(1).policy().rateLimit().bucket().tryAcquire(now)).isTrue();
  }

  // ---- access lists

  @Test
  void whitelistAdmitsOnlyItsRanges() {
    Snapshot s = one("nginx.ingress.kubernetes.io/whitelist-source-range: \"10.0.0.0/8, 192.168.1.7 ,2001:db8::/32\"");
    RoutePolicy.IpAccess a = policy(s, "foo.com").ipAccess();
    assertThat(a.permits("10.200.3.4")).isTrue();
    assertThat(a.permits("192.168.1.7")).isTrue();
    assertThat(a.permits("192.168.1.8")).isFalse();
    assertThat(a.permits("2001:db8:1::5")).isTrue();
    assertThat(a.permits("2001:db9::5")).isFalse();
    assertThat(a.permits("127.0.0.1")).isFalse();
    assertThat(warnings(s)).isEmpty();
    assertThat(policy(one("higress.io/whitelist-source-range: \"*\""), "foo.com").ipAccess().permits("8.8.8.8")).isTrue();
  }

  @Test
  void denylistRefusesItsRangesBeforeTheWhitelist() {
    RoutePolicy.IpAccess a = policy(one("""
        nginx.ingress.kubernetes.io/whitelist-source-range: "10.0.0.0/8"
        nginx.ingress.kubernetes.io/denylist-source-range: "10.1.0.0/16, ::1"
        """), "foo.com").ipAccess();
    assertThat(a.permits("10.2.0.1")).isTrue();
    assertThat(a.permits("10.1.0.1")).isFalse();
    RoutePolicy.IpAccess deny = policy(one("higress.io/denylist-source-range: \"::1,127.0.0.0/8\""), "foo.com").ipAccess();
    assertThat(deny.permits("127.0.0.1")).isFalse();
    assertThat(deny.permits("::1")).isFalse();
    assertThat(deny.permits("[0:0::1]")).isFalse();
    assertThat(deny.permits("10.0.0.1")).isTrue();
  }

  @Test
  void invalidRangesAreDroppedNeverWidening() {
    Snapshot s = one("nginx.ingress.kubernetes.io/whitelist-source-range: \"10.0.0.300, 1.2.3.0/33, 1.2.3.4\"");
    RoutePolicy.IpAccess a = policy(s, "foo.com").ipAccess();
    assertThat(a.permits("1.2.3.4")).isTrue();
    assertThat(a.permits("10.0.0.3")).isFalse();
    assertThat(warnings(s)).hasSize(2).allMatch(w -> w.contains("whitelist-source-range") && w.contains("ignored"));
    Snapshot none = one("nginx.ingress.kubernetes.io/whitelist-source-range: \"nope\"");
    assertThat(policy(none, "foo.com").ipAccess().permits("1.2.3.4")).as("an allow list of nothing").isFalse();
  }

  // ---- default backend

  @Test
  void defaultBackendUsesTheFirstPortOfTheService() {
    Snapshot s = translate(ingress("i", """
        nginx.ingress.kubernetes.io/default-backend: fb
        nginx.ingress.kubernetes.io/custom-http-errors: "404, 503,503"
        """, "foo.com", "/", "missing"), service("fb", 8080, 9090));
    RoutePolicy.Fallback f = policy(s, "foo.com").fallback();
    assertThat(f.cluster()).isEqualTo("outbound|8080||fb.ns.svc.cluster.local");
    assertThat(f.service()).isEqualTo("ns/fb");
    assertThat(f.fallbackRoute()).isEqualTo("ns/i/rule0/path0-fallback");
    assertThat(f.codes()).containsExactly(404, 503);
    assertThat(s.clusters()).containsKey("outbound|8080||fb.ns.svc.cluster.local");
    assertThat(warnings(s)).noneMatch(w -> w.contains("default-backend") || w.contains("custom-http-errors"));
  }

  @Test
  void defaultBackendInAnotherNamespaceAndInvalidValues() {
    String other = service("fb", 80).replace("namespace: ns", "namespace: other");
    Snapshot s = translate(ingress("i", "higress.io/default-backend: other/fb", "foo.com", "/", "v1"), other);
    assertThat(policy(s, "foo.com").fallback().cluster()).isEqualTo("outbound|80||fb.other.svc.cluster.local");

    Snapshot bad = translate(ingress("i", """
        nginx.ingress.kubernetes.io/default-backend: "Bad_Name"
        """, "foo.com", "/", "v1"));
    assertThat(policy(bad, "foo.com").fallback()).isNull();
    assertThat(warnings(bad)).anyMatch(w -> w.contains("default-backend") && w.contains("a Service name, or namespace/name"));

    Snapshot codes = translate(ingress("i", """
        nginx.ingress.kubernetes.io/default-backend: fb
        nginx.ingress.kubernetes.io/custom-http-errors: "404,abc,99"
        """, "foo.com", "/", "v1"), service("fb", 80));
    assertThat(policy(codes, "foo.com").fallback().codes()).containsExactly(404);
    assertThat(warnings(codes)).filteredOn(w -> w.contains("custom-http-errors")).hasSize(2);

    Snapshot alone = translate(ingress("i", "nginx.ingress.kubernetes.io/custom-http-errors: \"404\"", "foo.com", "/", "v1"));
    assertThat(warnings(alone)).anyMatch(w -> w.contains("custom-http-errors") && w.contains("without default-backend"));
  }

  @Test
  void aMissingDefaultBackendIsReportedAndAppliesOnceTheServiceAppears() {
    String ing = ingress("i", "nginx.ingress.kubernetes.io/default-backend: fb", "foo.com", "/", "v1");
    ResourceSet without = parse(ing + service("v1", 80));
    IngressTranslator t = new IngressTranslator(IngressTranslator.Options.defaults());
    Snapshot s1 = t.update(without);
    assertThat(policy(s1, "foo.com").fallback()).isNull();
    assertThat(warnings(s1)).anyMatch(w -> w.contains("default-backend") && w.contains("Service ns/fb not found"));

    java.util.TreeMap<io.higressj.config.resource.ResourceKey, io.higressj.config.resource.Resource> added =
        new java.util.TreeMap<>();
    for (var r : parse(service("fb", 80)).resources().values()) added.put(r.key(), r);
    ResourceSet next = without.with(added, List.of());
    Snapshot s2 = t.update(next);
    assertThat(policy(s2, "foo.com").fallback()).isNotNull();
    assertThat(SnapshotDump.toJson(s2).toPrettyString())
        .isEqualTo(SnapshotDump.toJson(IngressTranslator.translate(next)).toPrettyString());
  }

  // ---- retries and ingress-nginx proxy settings

  @Test
  void retryDefaultsAreHigresses() {
    Snapshot s = one("nginx.ingress.kubernetes.io/proxy-next-upstream-timeout: \"2\"");
    RoutePolicy.Retry r = policy(s, "foo.com").retry();
    assertThat(r.attempts()).isEqualTo(3);
    assertThat(r.perTryTimeout()).isEqualTo(java.time.Duration.ofSeconds(2));
    assertThat(r.serverErrors()).isTrue();
    assertThat(r.statuses()).isEmpty();
    assertThat(r.retriesStatus(503)).isTrue();
    assertThat(r.retriesStatus(404)).isFalse();
    assertThat(warnings(s)).isEmpty();
    assertThat(policy(one(""), "foo.com").retry()).as("no annotation: the gateway's own behaviour").isNull();
  }

  @Test
  void proxyNextUpstreamConditionsAsHigressMapsThem() {
    RoutePolicy.Retry codes = policy(one("""
        nginx.ingress.kubernetes.io/proxy-next-upstream: "http_502 http_404"
        nginx.ingress.kubernetes.io/proxy-next-upstream-tries: "1"
        """), "foo.com").retry();
    assertThat(codes.attempts()).isEqualTo(1);
    assertThat(codes.serverErrors()).as("only the listed statuses").isFalse();
    assertThat(codes.statuses()).containsExactly(502, 404);
    assertThat(codes.retriesStatus(503)).isFalse();
    assertThat(codes.retriesStatus(404)).isTrue();

    RoutePolicy.Retry errors = policy(one("higress.io/proxy-next-upstream: \"error,timeout,non_idempotent\""), "foo.com").retry();
    assertThat(errors.serverErrors()).isTrue();
    assertThat(errors.attempts()).isEqualTo(3);

    RoutePolicy.Retry off = policy(one("nginx.ingress.kubernetes.io/proxy-next-upstream: \"off\""), "foo.com").retry();
    assertThat(off.attempts()).isZero();
  }

  @Test
  void invalidRetryValuesAreReported() {
    Snapshot s = one("""
        nginx.ingress.kubernetes.io/proxy-next-upstream: "error bogus http_999"
        nginx.ingress.kubernetes.io/proxy-next-upstream-tries: "many"
        nginx.ingress.kubernetes.io/proxy-next-upstream-timeout: "-1"
        """);
    RoutePolicy.Retry r = policy(s, "foo.com").retry();
    assertThat(r.attempts()).isEqualTo(3);
    assertThat(r.perTryTimeout()).isNull();
    assertThat(r.serverErrors()).isTrue();
    assertThat(warnings(s)).hasSize(4)
        .anyMatch(w -> w.contains("\"bogus\"") && w.contains("this condition is ignored"))
        .anyMatch(w -> w.contains("\"http_999\""))
        .anyMatch(w -> w.contains("proxy-next-upstream-tries") && w.contains("\"many\""))
        .anyMatch(w -> w.contains("proxy-next-upstream-timeout") && w.contains("\"-1\""));
    Snapshot none = one("nginx.ingress.kubernetes.io/proxy-next-upstream: \"non_idempotent\"");
    assertThat(policy(none, "foo.com").retry().attempts()).isZero();
    assertThat(warnings(none)).singleElement().asString().contains("names no condition");
  }

  @Test
  void proxyTimeoutsAndBodySize() {
    Snapshot s = one("""
        nginx.ingress.kubernetes.io/proxy-connect-timeout: "3"
        nginx.ingress.kubernetes.io/proxy-read-timeout: "30s"
        higress.io/proxy-send-timeout: "7"
        nginx.ingress.kubernetes.io/proxy-body-size: "8m"
        """);
    RoutePolicy.Limits l = policy(s, "foo.com").limits();
    assertThat(l.connectTimeout()).isEqualTo(java.time.Duration.ofSeconds(3));
    assertThat(l.readTimeout()).isEqualTo(java.time.Duration.ofSeconds(30));
    assertThat(l.sendTimeout()).isEqualTo(java.time.Duration.ofSeconds(7));
    assertThat(l.maxRequestBodyBytes()).isEqualTo(8L * 1024 * 1024);
    assertThat(warnings(s)).isEmpty();
    assertThat(policy(one("nginx.ingress.kubernetes.io/proxy-body-size: \"0\""), "foo.com").limits().maxRequestBodyBytes())
        .as("0: no limit").isEqualTo(Long.MAX_VALUE);
    assertThat(policy(one("nginx.ingress.kubernetes.io/proxy-body-size: \"100\""), "foo.com").limits().maxRequestBodyBytes())
        .isEqualTo(100);
    assertThat(policy(one("nginx.ingress.kubernetes.io/proxy-body-size: \"2K\""), "foo.com").limits().maxRequestBodyBytes())
        .isEqualTo(2048);
    assertThat(policy(one(""), "foo.com").limits()).isNull();
  }

  @Test
  void invalidProxySettingsAreReportedAndIgnored() {
    Snapshot s = one("""
        nginx.ingress.kubernetes.io/proxy-connect-timeout: "0"
        nginx.ingress.kubernetes.io/proxy-read-timeout: "1m"
        nginx.ingress.kubernetes.io/proxy-body-size: "10 mb"
        """);
    assertThat(policy(s, "foo.com").limits()).isNull();
    assertThat(warnings(s)).hasSize(3)
        .anyMatch(w -> w.contains("proxy-connect-timeout") && w.contains("a number of seconds from 1 to 86400"))
        .anyMatch(w -> w.contains("proxy-read-timeout") && w.contains("\"1m\""))
        .anyMatch(w -> w.contains("proxy-body-size") && w.contains("a size like 1024, 8k, 16m or 1g"));
  }

  @Test
  void perClientLimitsOfIngressNginx() {
    String two = """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: two
          namespace: ns
          annotations:
            nginx.ingress.kubernetes.io/limit-rps: "5"
            nginx.ingress.kubernetes.io/limit-rpm: "100"
            nginx.ingress.kubernetes.io/limit-burst-multiplier: "2"
            nginx.ingress.kubernetes.io/limit-connections: "3"
            nginx.ingress.kubernetes.io/limit-allowlist: "10.0.0.0/8"
        spec:
          rules:
          - host: foo.com
            http:
              paths:
              - {path: /a, pathType: Prefix, backend: {service: {name: v1, port: {number: 80}}}}
              - {path: /b, pathType: Prefix, backend: {service: {name: v1, port: {number: 80}}}}
        ---
        """;
    Snapshot s = translate(two, service("v1", 80));
    List<Route> routes = s.routes().select("foo.com").routes();
    io.higressj.config.model.ClientLimits c = routes.get(0).policy().limits().clients();
    assertThat(c.rps()).isEqualTo(5);
    assertThat(c.rpm()).isEqualTo(100);
    assertThat(c.burstMultiplier()).isEqualTo(2);
    assertThat(c.maxConnections()).isEqualTo(3);
    assertThat(c.exempts("10.1.1.1")).isTrue();
    assertThat(c.exempts("11.1.1.1")).isFalse();
    assertThat(routes.get(1).policy().limits().clients()).as("one zone per Ingress, as ingress-nginx").isSameAs(c);
    assertThat(warnings(s)).isEmpty();
  }

  @Test
  void invalidPerClientLimits() {
    Snapshot s = one("""
        nginx.ingress.kubernetes.io/limit-rps: "fast"
        nginx.ingress.kubernetes.io/limit-burst-multiplier: "0"
        """);
    assertThat(policy(s, "foo.com").limits()).isNull();
    assertThat(warnings(s)).hasSize(3)
        .anyMatch(w -> w.contains("limit-rps") && w.contains("\"fast\""))
        .anyMatch(w -> w.contains("limit-burst-multiplier") && w.contains("\"0\""))
        .anyMatch(w -> w.contains("limit-burst-multiplier") && w.contains("has no effect"));
    assertThat(policy(one("nginx.ingress.kubernetes.io/limit-connections: \"2\""), "foo.com").limits().clients()
        .maxConnections()).isEqualTo(2);
  }
}
