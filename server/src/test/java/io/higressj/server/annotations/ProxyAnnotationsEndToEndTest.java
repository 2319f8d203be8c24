package io.higressj.server.annotations;

import static io.higressj.server.GatewayFixture.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.higressj.server.GatewayFixture;
import io.higressj.testing.echo.EchoServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retries ({@code proxy-next-upstream*}), the ingress-nginx timeouts and {@code proxy-body-size} through
 * real sockets, against an upstream that fails on request ({@code /retry/...}, {@code /status/NNN}).
 */
class ProxyAnnotationsEndToEndTest {
  @TempDir Path dir;
  GatewayFixture f;
  EchoServer api;
  EchoServer echo;
  int ingresses;

  @BeforeEach
  void setUp() throws Exception {
    f = new GatewayFixture(dir);
    api = EchoServer.start(EchoServer.Options.of(EchoServer.Kind.GATEWAY_API, "ns", "api-pod"));
    echo = f.echo("ns", "echo");
    f.write("services/api.yaml", service("ns", "api", api.port()));
    f.write("services/echo.yaml", service("ns", "echo", echo.port()));
    f.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
    api.close();
  }

  /** Applies an Ingress for host {@code foo.com} with these annotations and waits until it serves. */
  void route(String annotations, String service) throws Exception {
    String marker = "x-route-" + (++ingresses);
    f.write("ingresses/r.yaml", TrafficAnnotationsEndToEndTest.ingress("r", annotations
        + "\nhigress.io/response-header-control-add: " + marker + " 1", "foo.com", "/", service));
    f.await("foo.com", service.equals("api") ? "/status/200" : "/", x -> x.headers().firstValue(marker).isPresent());
  }

  HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return f.client().send(b.timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpRequest.Builder request(String target) {
    return GatewayFixture.withHost(HttpRequest.newBuilder(URI.create(f.base() + target)), "foo.com");
  }

  HttpResponse<String> get(String target) throws Exception {
    return send(request(target));
  }

  // ---- retries

  @Test
  void retriesA5xxUntilTheTriesRunOut() throws Exception {
    route("nginx.ingress.kubernetes.io/proxy-next-upstream-tries: \"2\"", "api");
    long before = api.requestCount();
    assertThat(get("/retry/a?uuid=a&succeedAfter=2&responseCode=503").statusCode()).as("third try").isEqualTo(200);
    assertThat(api.requestCount() - before).isEqualTo(3);
    before = api.requestCount();
    assertThat(get("/retry/b?uuid=b&succeedAfter=3&responseCode=503").statusCode()).isEqualTo(503);
    assertThat(api.requestCount() - before).as("1 + 2 retries").isEqualTo(3);
  }

  @Test
  void retriesAResetAndKeepsTheBody() throws Exception {
    route("""
        nginx.ingress.kubernetes.io/proxy-next-upstream: "error timeout"
        higress.io/timeout: "5"
        """, "api");
    assertThat(get("/retry/c?uuid=c&succeedAfter=1").statusCode()).as("a reset, then an answer").isEqualTo(200);
    HttpResponse<String> post = send(request("/retry/d?uuid=d&succeedAfter=1&responseCode=502")
        .POST(HttpRequest.BodyPublishers.ofString("hello")));
    assertThat(post.statusCode()).as("the body went again (else the upstream would wait for it)").isEqualTo(200);
    assertThat(f.json(post).path("headers").path("Content-Length").get(0).asText()).isEqualTo("5");
  }

  @Test
  void onlyTheListedStatusesWithHttpNnn() throws Exception {
    route("nginx.ingress.kubernetes.io/proxy-next-upstream: \"http_404\"", "api");
    long before = api.requestCount();
    assertThat(get("/retry/e?uuid=e&succeedAfter=1&responseCode=503").statusCode()).isEqualTo(503);
    assertThat(api.requestCount() - before).as("503 is not listed").isEqualTo(1);
    assertThat(get("/retry/f?uuid=f&succeedAfter=1&responseCode=404").statusCode()).isEqualTo(200);
  }

  @Test
  void offMeansNoRetryAtAll() throws Exception {
    route("nginx.ingress.kubernetes.io/proxy-next-upstream: \"off\"", "api");
    long before = api.requestCount();
    assertThat(get("/retry/g?uuid=g&succeedAfter=1&responseCode=503").statusCode()).isEqualTo(503);
    assertThat(api.requestCount() - before).isEqualTo(1);
  }

  @Test
  void perTryTimeoutStartsAnotherTry() throws Exception {
    route("""
        nginx.ingress.kubernetes.io/proxy-next-upstream-timeout: "1"
        nginx.ingress.kubernetes.io/proxy-next-upstream-tries: "1"
        """, "api");
    long t0 = System.nanoTime();
    HttpResponse<String> r = get("/retry/h?uuid=h&succeedAfter=1&responseCode=200&delayRetry=4s");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(f.json(r).path("path").asText()).startsWith("/retry/h");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("not the 4 s of the first try").isLessThan(Duration.ofMillis(3500));
  }

  // ---- timeouts

  @Test
  void readTimeoutBeforeTheHeadersAnswers504() throws Exception {
    route("nginx.ingress.kubernetes.io/proxy-read-timeout: \"1\"", "echo");
    HttpResponse<String> r = send(request("/").header("X-Delay", "3000"));
    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(send(request("/").header("X-Delay", "200")).statusCode()).isEqualTo(200);
  }

  @Test
  void readTimeoutBetweenBodyReadsCutsTheResponse() throws Exception {
    route("nginx.ingress.kubernetes.io/proxy-read-timeout: \"1\"", "echo");
    HttpResponse<String> fast = send(request("/").header("X-Echo-SSE", "4,300"));
    assertThat(fast.body()).contains("event 3");
    assertThatThrownBy(() -> send(request("/").header("X-Echo-SSE", "3,2500")))
        .as("2.5 s between two reads").isInstanceOf(IOException.class);
  }

  @Test
  void connectTimeoutGivesUpEarlier() throws Exception {
    // a listener whose accept queue is full: the kernel drops further SYNs, so a connect hangs
    try (java.net.ServerSocket full = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      java.util.List<java.nio.channels.SocketChannel> fillers = new java.util.ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open();
          c.configureBlocking(false);
          c.connect(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), full.getLocalPort()));
          fillers.add(c);
        }
        Thread.sleep(200);
        f.write("services/hang.yaml", service("ns", "hang", full.getLocalPort()));
        f.write("ingresses/h.yaml", TrafficAnnotationsEndToEndTest.ingress("h",
            "nginx.ingress.kubernetes.io/proxy-connect-timeout: \"1\"", "hang.com", "/", "hang"));
        long t0 = System.nanoTime();
        HttpResponse<String> r = f.await("hang.com", "/", x -> x.statusCode() != 404 && x.statusCode() != 503);
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("1 s, not the default 5 s").isLessThan(Duration.ofMillis(4000));
      } finally {
        for (java.nio.channels.SocketChannel c : fillers) c.close();
      }
    }
  }

  // ---- body size

  @Test
  void bodySizeRefusesLargerBodiesWith413() throws Exception {
    route("nginx.ingress.kubernetes.io/proxy-body-size: \"1k\"", "echo");
    long before = echo.requestCount();
    HttpResponse<String> big = send(request("/").POST(HttpRequest.BodyPublishers.ofString("z".repeat(1025))));
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(echo.requestCount()).as("refused on its Content-Length").isEqualTo(before);
    assertThat(send(request("/").POST(HttpRequest.BodyPublishers.ofString("z".repeat(1024)))).statusCode()).isEqualTo(200);
    HttpResponse<String> chunked = send(request("/").POST(HttpRequest.BodyPublishers.ofInputStream(
        () -> new ByteArrayInputStream(new byte[5000]))));
    assertThat(chunked.statusCode()).as("a chunked body counted as it streams").isEqualTo(413);
  }
}
