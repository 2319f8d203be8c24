package io.higressj.server;

import static io.higressj.server.GatewayFixture.ingress;
import static io.higressj.server.GatewayFixture.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.higressj.proxy.ProxyOptions;
import io.higressj.testing.echo.EchoServer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests through real sockets: a real upstream, the JDK's HTTP/1.1 and HTTP/2 clients, raw sockets. */
class GatewayEndToEndTest {
  @TempDir Path dir;
  GatewayFixture f;
  EchoServer echo;

  @BeforeEach
  void setUp() throws Exception {
    f = new GatewayFixture(dir);
    echo = f.fooToEcho();
    f.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  @Test
  void routesByHostAndSetsForwardingHeaders() throws Exception {
    HttpResponse<String> r = f.get("foo.com", "/hello?x=1");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode j = f.json(r);
    assertThat(j.path("path").asText()).isEqualTo("/hello?x=1");
    assertThat(j.path("host").asText()).isEqualTo("foo.com");
    assertThat(j.path("namespace").asText()).isEqualTo("ns1");
    JsonNode h = j.path("headers");
    assertThat(h.path("X-Forwarded-For").get(0).asText()).isEqualTo("127.0.0.1");
    assertThat(h.path("X-Real-Ip").get(0).asText()).isEqualTo("127.0.0.1");
    assertThat(h.path("X-Forwarded-Proto").get(0).asText()).isEqualTo("http");
    assertThat(h.path("X-Forwarded-Host").get(0).asText()).isEqualTo("foo.com");
    assertThat(h.path("X-Request-Id").get(0).asText()).isNotBlank();
  }

  @Test
  void hostMatchingIgnoresCasePortAndTrailingDot() throws Exception {
    assertThat(f.get("FOO.com:8080", "/").statusCode()).isEqualTo(200);
    assertThat(f.get("foo.com.", "/").statusCode()).isEqualTo(200);
    assertThat(f.get("bar.com", "/").statusCode()).isEqualTo(404);
  }

  @Test
  void appendsToAnExistingForwardedForAndKeepsRequestId() throws Exception {
    HttpRequest req = GatewayFixture.withHost(HttpRequest.newBuilder(URI.create(f.base() + "/")), "foo.com")
        .header("X-Forwarded-For", "10.1.1.1").header("X-Request-Id", "abc-123").build();
    JsonNode h = f.json(f.client.send(req, HttpResponse.BodyHandlers.ofString())).path("headers");
    assertThat(h.path("X-Forwarded-For").get(0).asText()).isEqualTo("10.1.1.1, 127.0.0.1");
    assertThat(h.path("X-Request-Id").get(0).asText()).isEqualTo("abc-123");
  }

  @Test
  void removesHopByHopHeadersIncludingThoseNamedInConnection() throws Exception {
    try (RawHttp c = new RawHttp(f.gateway.httpPort())) {
      c.send("GET / HTTP/1.1\r\nHost: foo.com\r\nConnection: keep-alive, X-Secret\r\nX-Secret: s\r\n"
          + "Keep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\nTE: gzip\r\nX-Kept: k\r\n\r\n");
      RawHttp.Response r = c.read();
      assertThat(r.status()).isEqualTo(200);
      JsonNode h = GatewayFixture.JSON.readTree(r.body()).path("headers");
      assertThat(h.has("X-Secret")).isFalse();
      assertThat(h.has("Keep-Alive")).isFalse();
      assertThat(h.has("Proxy-Connection")).isFalse();
      assertThat(h.has("Te")).isFalse();
      assertThat(h.path("X-Kept").get(0).asText()).isEqualTo("k");
    }
  }

  @Test
  void gatewayErrorsAreDistinct() throws Exception {
    // 404: no route
    HttpResponse<String> nr = f.get("nothing.example", "/");
    assertThat(nr.statusCode()).isEqualTo(404);
    assertThat(nr.body()).contains("route not found");

    // 503: the Service has no ready endpoint
    f.write("services/empty.yaml", """
        apiVersion: v1
        kind: Service
        metadata: {name: empty, namespace: ns1}
        spec: {ports: [{name: http, port: 8080}]}
        """);
    f.write("ingresses/empty.yaml", ingress("ns1", "empty", "empty.com", "Prefix", "/", "empty"));
    HttpResponse<String> uh = f.await("empty.com", "/", r -> r.statusCode() != 404);
    assertThat(uh.statusCode()).isEqualTo(503);
    assertThat(uh.body()).contains("no healthy upstream");

    // 502: the endpoint refuses connections
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    f.write("services/refused.yaml", service("ns1", "refused", closedPort));
    f.write("ingresses/refused.yaml", ingress("ns1", "refused", "refused.com", "Prefix", "/", "refused"));
    HttpResponse<String> uf = f.await("refused.com", "/", r -> r.statusCode() != 404);
    assertThat(uf.statusCode()).isEqualTo(502);
    assertThat(uf.body()).contains("upstream connect error");
  }

  @Test
  void upstreamTimeoutIs504() throws Exception {
    f.gateway.close();
    f.start(ServerOptions.forTest(dir).withProxy(ProxyOptions.defaults().withUpstreamResponseTimeout(Duration.ofMillis(300))));
    HttpRequest req = GatewayFixture.withHost(HttpRequest.newBuilder(URI.create(f.base() + "/")), "foo.com")
        .header("X-Delay", "2000").build();
    HttpResponse<String> r = f.client.send(req, HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(r.body()).contains("upstream request timeout");
    // the connection pool is not poisoned: the next request works
    assertThat(f.get("foo.com", "/").statusCode()).isEqualTo(200);
  }

  @Test
  void eachKeepAliveRequestHasItsOwnResponseTimeout() throws Exception {
    // one connection keeps one timer for its requests' deadlines (set and cleared per request): a
    // deadline moved later must not fire at the earlier request's time, one moved earlier must not wait
    f.gateway.close();
    f.start(ServerOptions.forTest(dir).withProxy(ProxyOptions.defaults().withUpstreamResponseTimeout(Duration.ofMillis(400))));
    f.write("ingresses/short.yaml", """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: short, namespace: ns1, annotations: {higress.io/timeout: "1"}}
        spec:
          ingressClassName: higress
          rules:
          - host: short.com
            http:
              paths:
              - {path: /, pathType: Prefix, backend: {service: {name: echo, port: {number: 8080}}}}
        """);
    f.await("short.com", "/", r -> r.statusCode() == 200);
    try (RawHttp c = new RawHttp(f.gateway.httpPort())) {
      assertThat(c.request("foo.com", "/").status()).isEqualTo(200); // its deadline: now + 400 ms, then cleared
      Thread.sleep(250);
      assertThat(millisTo504(c, "foo.com", 3000)).as("the second request's own 400 ms, not what was left of the first's").isBetween(380L, 2_500L);
    }
    f.gateway.close();
    f.start(ServerOptions.forTest(dir).withProxy(ProxyOptions.defaults().withUpstreamResponseTimeout(Duration.ofSeconds(30))));
    f.await("short.com", "/", r -> r.statusCode() == 200);
    try (RawHttp c = new RawHttp(f.gateway.httpPort())) {
      assertThat(c.request("foo.com", "/").status()).isEqualTo(200); // its deadline: now + 30 s, then cleared
      assertThat(millisTo504(c, "short.com", 5000)).as("the route's 1 s timeout, not the 30 s of the request before").isBetween(950L, 4_000L);
    }
  }

  /** Sends a request the upstream answers after {@code delayMs}; the time until the gateway's 504. */
  private static long millisTo504(RawHttp c, String host, int delayMs) throws Exception {
    long start = System.nanoTime();
    c.send("GET / HTTP/1.1\r\nHost: " + host + "\r\nX-Delay: " + delayMs + "\r\n\r\n");
    RawHttp.Response r = c.read();
    assertThat(r.status()).isEqualTo(504);
    return (System.nanoTime() - start) / 1_000_000;
  }

  @Test
  void http2WithUpgradeAndPriorKnowledge() throws Exception {
    // the JDK client would send a Host header differing from :authority (malformed in HTTP/2): use the catch-all host
    f.write("ingresses/any.yaml", ingress("ns1", "any", null, "Prefix", "/h2", "echo"));
    f.await(null, "/h2", r -> r.statusCode() == 200);
    HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    // the JDK client upgrades from HTTP/1.1 with "Upgrade: h2c" on its first request, then uses h2
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = h2.send(HttpRequest.newBuilder(URI.create(f.base() + "/h2?i=" + i)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(f.json(r).path("path").asText()).isEqualTo("/h2?i=" + i);
      if (i > 0) assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
    }
    // curl with prior knowledge: the connection starts with the HTTP/2 preface
    Process p = new ProcessBuilder("curl", "-s", "--http2-prior-knowledge", "-H", "Host: foo.com",
        "-w", "\n%{http_version} %{http_code}", f.base() + "/prior").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).isZero();
    assertThat(out).endsWith("2 200").contains("\"path\":\"/prior\"");
  }

  @Test
  void pipelinedRequestsAnswerInOrder() throws Exception {
    try (RawHttp c = new RawHttp(f.gateway.httpPort())) {
      c.send(RawHttp.get("foo.com", "/one") + RawHttp.get("nothing.example", "/two") + RawHttp.get("foo.com", "/three"));
      RawHttp.Response r1 = c.read();
      RawHttp.Response r2 = c.read();
      RawHttp.Response r3 = c.read();
      assertThat(r1.status()).isEqualTo(200);
      assertThat(r1.body()).contains("\"/one\"");
      assertThat(r2.status()).isEqualTo(404);
      assertThat(r3.status()).isEqualTo(200);
      assertThat(r3.body()).contains("\"/three\"");
      // still usable
      assertThat(c.request("foo.com", "/four").status()).isEqualTo(200);
    }
  }

  @Test
  void chunkedUploadAnd100Continue() throws Exception {
    try (RawHttp c = new RawHttp(f.gateway.httpPort())) {
      c.send("POST /up HTTP/1.1\r\nHost: foo.com\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
      RawHttp.Response r = c.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(GatewayFixture.JSON.readTree(r.body()).path("body").asText()).isEqualTo("hello world");

      c.send("POST /up HTTP/1.1\r\nHost: foo.com\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
      RawHttp.Response cont = c.read();
      assertThat(cont.status()).isEqualTo(100);
      c.send("abc");
      RawHttp.Response r2 = c.read();
      assertThat(r2.status()).isEqualTo(200);
      JsonNode j = GatewayFixture.JSON.readTree(r2.body());
      assertThat(j.path("body").asText()).isEqualTo("abc");
      assertThat(j.path("headers").has("Expect")).isFalse();
    }
  }

  @Test
  void websocketIsSplicedThrough() throws Exception {
    f.write("ingresses/ws.yaml", ingress("ns1", "ws", null, "Prefix", "/ws", "echo"));
    f.await(null, "/ws", r -> r.statusCode() == 200);
    var received = new java.util.concurrent.LinkedBlockingQueue<String>();
    java.net.http.WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + f.gateway.httpPort() + "/ws"), new java.net.http.WebSocket.Listener() {
          final StringBuilder sb = new StringBuilder();

          @Override
          public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
            sb.append(data);
            if (last) {
              received.add(sb.toString());
              sb.setLength(0);
            }
            w.request(1);
            return null;
          }
        }).get(10, java.util.concurrent.TimeUnit.SECONDS);
    for (int i = 0; i < 3; i++) {
      ws.sendText("message " + i, true).get(5, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(received.poll(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("message " + i);
    }
    ws.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "bye").get(5, java.util.concurrent.TimeUnit.SECONDS);
  }

  @Test
  void adminEndpointShowsConfigAndReadiness() throws Exception {
    assertThat(f.adminGet("/ready")).isEqualTo("ready\n");
    JsonNode dump = GatewayFixture.JSON.readTree(f.adminGet("/config_dump"));
    assertThat(dump.path("version").asLong()).isPositive();
    assertThat(dump.path("virtualHosts").toString()).contains("foo.com").contains("ns1/foo");
    assertThat(dump.path("clusters").toString()).contains("outbound|8080||echo.ns1.svc.cluster.local")
        .contains("127.0.0.1:" + echo.port());
    assertThat(dump.path("listeners").toString()).contains("\"port\":" + f.gateway.httpPort());
  }
}
