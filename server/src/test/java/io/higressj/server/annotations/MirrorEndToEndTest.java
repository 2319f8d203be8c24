package io.higressj.server.annotations;

import static io.higressj.server.GatewayFixture.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.higressj.server.GatewayFixture;
import io.higressj.testing.echo.EchoServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mirror-target-service / -fqdn / -percentage: copies reach the mirror, answers come from the route's cluster. */
class MirrorEndToEndTest {
  @TempDir Path dir;
  GatewayFixture f;
  HttpServer mirror;
  final BlockingQueue<String> seen = new LinkedBlockingQueue<>();

  @BeforeEach
  void setUp() throws Exception {
    f = new GatewayFixture(dir);
    EchoServer main = f.echo("ns", "main");
    mirror = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    mirror.createContext("/", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      seen.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " host=" + ex.getRequestHeaders().getFirst("Host")
          + " body=" + body);
      byte[] b = "mirror".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(500, b.length); // the mirror's answer never reaches the client
      ex.getResponseBody().write(b);
      ex.close();
    });
    mirror.start();
    f.write("services/main.yaml", service("ns", "main", main.port()));
    f.write("services/shadow.yaml", service("other", "shadow", mirror.getAddress().getPort()));
    f.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
    mirror.stop(0);
  }

  String dump() {
    try {
      return f.adminGet("/config_dump");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
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
              - {path: /, pathType: Prefix, backend: {service: {name: main, port: {number: 8080}}}}
        """.formatted(annotations.indent(4).stripTrailing()));
  }

  @Test
  void copiesGoToTheMirrorServiceWithShadowHostAndBody() throws Exception {
    ingress("nginx.ingress.kubernetes.io/mirror-target-service: other/shadow:8080");
    f.await("foo.com", "/warm", r -> r.statusCode() == 200 && !seen.isEmpty());
    seen.clear();
    HttpResponse<String> r = f.client().send(GatewayFixture.withHost(
            HttpRequest.newBuilder(URI.create(f.base() + "/orders?id=7")), "foo.com")
        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString("payload-123")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(f.json(r).path("pod").asText()).isEqualTo("main-pod");
    assertThat(nextCopy("GET /warm ", 10_000)).isEqualTo("POST /orders?id=7 host=foo.com-shadow body=payload-123");
  }

  @Test
  void fqdnTargetAndZeroPercent() throws Exception {
    ingress("""
        higress.io/mirror-target-fqdn: localhost
        higress.io/mirror-target-fqdn-port: "%d"
        """.formatted(mirror.getAddress().getPort()));
    f.await("foo.com", "/a", r -> r.statusCode() == 200 && !seen.isEmpty());
    assertThat(seen.poll(5, TimeUnit.SECONDS)).startsWith("GET /a host=foo.com-shadow");
    ingress("""
        higress.io/mirror-target-fqdn: localhost
        higress.io/mirror-target-fqdn-port: "%d"
        higress.io/mirror-percentage: "0"
        """.formatted(mirror.getAddress().getPort()));
    f.await("foo.com", "/b", r -> r.statusCode() == 200 && dump().contains("(0.0%)"));
    seen.clear();
    for (int i = 0; i < 10; i++) assertThat(f.get("foo.com", "/c").statusCode()).isEqualTo(200);
    assertThat(nextCopy("GET /b ", 300)).isNull();
  }

  /**
   * The next copy the mirror received, skipping copies of the requests that waited for the configuration
   * ({@code polled}, the start of their line): a copy is sent beside its request, not before the answer,
   * so the last of them may still arrive after the wait ended. Null when none comes within the time.
   */
  private String nextCopy(String polled, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (true) {
      long left = deadline - System.nanoTime();
      String copy = left > 0 ? seen.poll(left, TimeUnit.NANOSECONDS) : null;
      if (copy == null || !copy.startsWith(polled)) return copy;
    }
  }

  @Test
  void unknownMirrorServiceIsReportedAndTheRouteServes() throws Exception {
    ingress("nginx.ingress.kubernetes.io/mirror-target-service: nowhere");
    f.await("foo.com", "/", r -> r.statusCode() == 200);
    assertThat(f.adminGet("/config_dump")).contains("Service ns/nowhere not found or without ports");
  }
}
