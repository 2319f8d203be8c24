package io.higressj.server.annotations;

import static io.higressj.server.GatewayFixture.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.higressj.server.GatewayFixture;
import io.higressj.testing.echo.EchoServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Routing annotations through real sockets: what the upstream receives and what the client gets back. */
class RoutingAnnotationsEndToEndTest {
  @TempDir Path dir;
  GatewayFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new GatewayFixture(dir);
    EchoServer v1 = f.echo("ns", "v1");
    EchoServer v2 = f.echo("ns", "v2");
    f.write("services/v1.yaml", service("ns", "v1", v1.port()));
    f.write("services/v2.yaml", service("ns", "v2", v2.port()));
    f.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

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
                path: "%s"
                backend:
                  service: {name: %s, port: {number: 8080}}
        """.formatted(name, annotations.indent(4).stripTrailing(), host, pathType, path, service);
  }

  HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return f.client().send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpRequest.Builder request(String host, String target) {
    return GatewayFixture.withHost(HttpRequest.newBuilder(URI.create(f.base() + target)), host);
  }

  @Test
  void rewriteTargetWithGroupsAndUpstreamVhost() throws Exception {
    f.write("ingresses/r.yaml", ingress("r", """
        nginx.ingress.kubernetes.io/rewrite-target: /$2
        nginx.ingress.kubernetes.io/upstream-vhost: internal.svc
        """, "foo.com", "ImplementationSpecific", "/api(/|$)(.*)", "v1"));
    HttpResponse<String> r = f.await("foo.com", "/api/users/7?q=1", x -> x.statusCode() == 200);
    JsonNode j = f.json(r);
    assertThat(j.path("path").asText()).isEqualTo("/users/7?q=1");
    assertThat(j.path("host").asText()).isEqualTo("internal.svc");
  }

  @Test
  void rewritePathReplacesTheMatchedPrefix() throws Exception {
    f.write("ingresses/r.yaml", ingress("r", "higress.io/rewrite-path: /v2", "foo.com", "Prefix", "/v1", "v1"));
    assertThat(f.json(f.await("foo.com", "/v1/items", x -> x.statusCode() == 200)).path("path").asText()).isEqualTo("/v2/items");
    assertThat(f.json(f.get("foo.com", "/v1")).path("path").asText()).isEqualTo("/v2/");
  }

  @Test
  void headerControlOnRequestAndResponse() throws Exception {
    f.write("ingresses/h.yaml", ingress("h", """
        higress.io/request-header-control-add: x-added one
        higress.io/request-header-control-update: x-stage pro
        higress.io/request-header-control-remove: x-secret
        higress.io/response-header-control-add: x-resp yes
        higress.io/response-header-control-remove: x-echo-drop
        """, "foo.com", "Prefix", "/", "v1"));
    f.await("foo.com", "/", x -> x.statusCode() == 200 && x.headers().firstValue("x-resp").isPresent());
    HttpResponse<String> r = send(request("foo.com", "/").header("x-stage", "test").header("x-secret", "s")
        .header("X-Echo-Set-Header", "x-echo-drop:1"));
    JsonNode h = f.json(r).path("headers");
    assertThat(h.path("X-Added").get(0).asText()).isEqualTo("one");
    assertThat(h.path("X-Stage").get(0).asText()).isEqualTo("pro");
    assertThat(h.has("X-Secret")).isFalse();
    assertThat(r.headers().firstValue("x-resp")).contains("yes");
    assertThat(r.headers().firstValue("x-echo-drop")).isEmpty();
  }

  @Test
  void sslRedirectOnlyForPlainHttpAndAppRoot() throws Exception {
    f.write("ingresses/s.yaml", ingress("s", """
        nginx.ingress.kubernetes.io/ssl-redirect: "true"
        nginx.ingress.kubernetes.io/app-root: /home
        """, "foo.com", "Prefix", "/home", "v1"));
    HttpResponse<String> r = f.await("foo.com:8080", "/home/x?a=1", x -> x.statusCode() == 308);
    assertThat(r.headers().firstValue("location")).contains("https://foo.com/home/x?a=1");
    HttpResponse<String> root = f.get("foo.com", "/");
    assertThat(root.statusCode()).isEqualTo(302);
    assertThat(root.headers().firstValue("location")).contains("http://foo.com/home");
  }

  @Test
  void canaryByHeaderThenWeightAndConditionsGoLive() throws Exception {
    f.write("ingresses/base.yaml", ingress("base", "higress.io/match-method: GET", "foo.com", "Prefix", "/", "v2"));
    f.write("ingresses/canary.yaml", ingress("canary", """
        nginx.ingress.kubernetes.io/canary: "true"
        nginx.ingress.kubernetes.io/canary-by-header: x-canary
        higress.io/match-method: GET
        """, "foo.com", "Prefix", "/", "v1"));
    f.await("foo.com", "/", x -> x.statusCode() == 200);
    HttpResponse<String> canary = f.await("foo.com", "/", x -> true);
    assertThat(f.json(canary).path("pod").asText()).startsWith("v2");
    HttpResponse<String> c = send(request("foo.com", "/").header("x-canary", "always"));
    assertThat(f.json(c).path("pod").asText()).startsWith("v1");
    assertThat(send(request("foo.com", "/").method("DELETE", HttpRequest.BodyPublishers.noBody())).statusCode())
        .as("match-method holds for base and canary").isEqualTo(404);

    // the same canary by weight 100: everything goes to v1
    f.write("ingresses/canary.yaml", ingress("canary", """
        nginx.ingress.kubernetes.io/canary: "true"
        nginx.ingress.kubernetes.io/canary-weight: "100"
        higress.io/match-method: GET
        """, "foo.com", "Prefix", "/", "v1"));
    f.await("foo.com", "/", x -> x.statusCode() == 200 && x.body().contains("\"v1-pod\""));
    for (int i = 0; i < 20; i++) assertThat(f.json(f.get("foo.com", "/")).path("pod").asText()).startsWith("v1");
  }

  @Test
  void routeTimeoutAnswers504() throws Exception {
    f.write("ingresses/t.yaml", ingress("t", "higress.io/timeout: \"1\"", "foo.com", "Prefix", "/", "v1"));
    f.await("foo.com", "/", x -> x.statusCode() == 200);
    long t0 = System.nanoTime();
    HttpResponse<String> r = send(request("foo.com", "/").header("X-Delay", "3000"));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(ms).isBetween(900L, 2900L);
  }
}
