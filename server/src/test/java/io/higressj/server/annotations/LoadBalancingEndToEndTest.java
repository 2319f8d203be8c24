package io.higressj.server.annotations;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.server.GatewayFixture;
import io.higressj.testing.echo.EchoServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** load-balance, upstream-hash-by and cookie affinity over a Service with two endpoints. */
class LoadBalancingEndToEndTest {
  @TempDir Path dir;
  GatewayFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new GatewayFixture(dir);
    EchoServer a = EchoServer.start(EchoServer.Options.of(EchoServer.Kind.ECHO_SERVER, "ns", "pod-a"));
    EchoServer b = EchoServer.start(EchoServer.Options.of(EchoServer.Kind.ECHO_SERVER, "ns", "pod-b"));
    f.start();
    f.write("services/svc.yaml", """
        apiVersion: v1
        kind: Service
        metadata: {name: svc, namespace: ns}
        spec:
          ports: [{name: http, port: 8080, targetPort: 9999}]
        ---
        apiVersion: v1
        kind: Endpoints
        metadata: {name: svc, namespace: ns}
        subsets:
        - addresses: [{ip: 127.0.0.1}]
          ports: [{name: http, port: %d}]
        - addresses: [{ip: 127.0.0.1}]
          ports: [{name: http, port: %d}]
        """.formatted(a.port(), b.port()));
    closeLater(a);
    closeLater(b);
  }

  EchoServer[] started = new EchoServer[2];

  void closeLater(EchoServer e) {
    started[started[0] == null ? 0 : 1] = e;
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
    for (EchoServer e : started) if (e != null) e.close();
  }

  void ingress(String annotations) throws Exception {
    f.write("ingresses/i.yaml", """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: i
          namespace: ns
          annotations:
        %s
        spec:
          rules:
          - host: foo.com
            http:
              paths:
              - {path: /, pathType: Prefix, backend: {service: {name: svc, port: {number: 8080}}}}
        """.formatted(annotations.indent(4).stripTrailing()));
  }

  String dump() {
    try {
      return f.adminGet("/config_dump");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  String pod(HttpResponse<String> r) throws Exception {
    return f.json(r).path("pod").asText();
  }

  HttpResponse<String> get(String header, String value) throws Exception {
    HttpRequest.Builder b = GatewayFixture.withHost(HttpRequest.newBuilder(URI.create(f.base() + "/")), "foo.com")
        .timeout(Duration.ofSeconds(10));
    if (header != null) b.header(header, value);
    return f.client().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void roundRobinByDefaultReachesBoth() throws Exception {
    ingress("{}");
    f.await("foo.com", "/", r -> r.statusCode() == 200);
    Set<String> pods = new HashSet<>();
    for (int i = 0; i < 10; i++) pods.add(pod(get(null, null)));
    assertThat(pods).containsExactlyInAnyOrder("pod-a", "pod-b");
  }

  @Test
  void hashByHeaderSticksPerValueAndSpreadsValues() throws Exception {
    ingress("nginx.ingress.kubernetes.io/upstream-hash-by: $http_x_user");
    f.await("foo.com", "/", r -> r.statusCode() == 200 && dump().contains("consistent hash on header x-user"));
    Set<String> seen = new HashSet<>();
    for (int u = 0; u < 16; u++) {
      String first = pod(get("X-User", "user" + u));
      seen.add(first);
      for (int i = 0; i < 4; i++) assertThat(pod(get("X-User", "user" + u))).as("user" + u).isEqualTo(first);
    }
    assertThat(seen).as("16 users over 2 endpoints").hasSize(2);
  }

  @Test
  void cookieAffinitySetsACookieAndSticksToIt() throws Exception {
    ingress("""
        nginx.ingress.kubernetes.io/affinity: cookie
        nginx.ingress.kubernetes.io/session-cookie-name: route
        nginx.ingress.kubernetes.io/session-cookie-max-age: "600"
        """);
    HttpResponse<String> first = f.await("foo.com", "/", r -> r.headers().firstValue("set-cookie").isPresent());
    String setCookie = first.headers().firstValue("set-cookie").orElseThrow();
    assertThat(setCookie).startsWith("route=").contains("Path=/").contains("Max-Age=600").contains("HttpOnly");
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    String pod = pod(first);
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> r = get("Cookie", "other=1; " + cookie);
      assertThat(pod(r)).isEqualTo(pod);
      assertThat(r.headers().firstValue("set-cookie")).as("no new cookie when one was sent").isEmpty();
    }
  }

  @Test
  void randomAndInvalidValues() throws Exception {
    ingress("nginx.ingress.kubernetes.io/load-balance: random");
    f.await("foo.com", "/", r -> r.statusCode() == 200 && dump().contains("\"loadBalancer\" : \"random\""));
    Set<String> pods = new HashSet<>();
    for (int i = 0; i < 40 && pods.size() < 2; i++) pods.add(pod(get(null, null)));
    assertThat(pods).hasSize(2);
    ingress("nginx.ingress.kubernetes.io/load-balance: ewma\nnginx.ingress.kubernetes.io/upstream-hash-by: \"$cookie_x\"");
    f.await("foo.com", "/", r -> dump().contains("expected: round_robin, least_conn or random") && dump().contains("$cookie_x"));
    assertThat(get(null, null).statusCode()).isEqualTo(200);
  }
}
