package io.higressj.server.edge;

import static io.higressj.server.GatewayFixture.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.higressj.server.GatewayFixture;
import io.higressj.server.RawHttp;
import io.higressj.testing.echo.EchoServer;
import io.higressj.testing.http2.Http2Frames;
import io.higressj.testing.http2.RawHttp2;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Higress-J's own {@code downstream} keys of {@code higress-config} change the edge limits live; a bad
 * value is reported with the ConfigMap and key, and the last good settings stay in force.
 */
@Timeout(60)
class EdgeSettingsConfigMapEndToEndTest {
  @TempDir Path dir;
  GatewayFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new GatewayFixture(dir);
    EchoServer echo = f.echo("ns1", "echo");
    f.write("services/echo.yaml", service("ns1", "echo", echo.port()));
    f.write("ingresses/foo.yaml", GatewayFixture.ingress("ns1", "foo", "foo.com", "Prefix", "/", "echo"));
    f.start();
    f.await("foo.com", "/", r -> r.statusCode() == 200);
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  void higressConfig(String higress) throws IOException {
    f.write("configmaps/higress-config.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: higress-config,"
        + " namespace: higress-system}\ndata:\n  higress: |\n" + higress.indent(4));
  }

  JsonNode awaitDump(Predicate<JsonNode> ok) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    JsonNode dump;
    do {
      dump = GatewayFixture.JSON.readTree(f.adminGet("/config_dump"));
      if (ok.test(dump)) return dump;
      Thread.sleep(5);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("not applied: " + dump.path("settings") + " " + dump.path("problems"));
  }

  int port() {
    return f.gateway().httpPort();
  }

  int getWithHeaders(int count) throws IOException {
    try (RawHttp c = new RawHttp(port())) {
      c.send("GET / HTTP/1.1\r\nHost: foo.com\r\n" + "X-H: v\r\n".repeat(count) + "\r\n");
      return c.read().status();
    }
  }

  @Test
  void headerCountAndRequestCapApplyLiveAndABadValueKeepsTheLastGoodSettings() throws Exception {
    assertThat(getWithHeaders(10)).isEqualTo(200);
    higressConfig("downstream:\n  maxHeadersCount: 5\n  maxRequestsPerConnection: 2\n");
    awaitDump(d -> d.path("settings").path("downstream").path("maxHeadersCount").asInt() == 5);
    assertThat(getWithHeaders(10)).isEqualTo(431);
    assertThat(getWithHeaders(3)).isEqualTo(200); // Host and 3 more: 4 fields
    try (RawHttp c = new RawHttp(port())) {
      RawHttp.Response first = c.request("foo.com", "/1");
      assertThat(first.headers().getOrDefault("connection", "")).doesNotContainIgnoringCase("close");
      RawHttp.Response second = c.request("foo.com", "/2");
      assertThat(second.status()).isEqualTo(200);
      assertThat(second.headers().get("connection")).isEqualToIgnoringCase("close");
      assertThat(c.closedByPeer()).isTrue();
    }

    higressConfig("downstream:\n  maxHeadersCount: 0\n  maxRequestsPerConnection: 0\n");
    JsonNode dump = awaitDump(d -> d.path("problems").toString().contains("maxHeadersCount"));
    assertThat(dump.path("problems").toString()).contains("higress-config").contains("data.higress.downstream.maxHeadersCount");
    assertThat(dump.path("settings").path("downstream").path("maxHeadersCount").asInt()).isEqualTo(5);
    assertThat(getWithHeaders(10)).isEqualTo(431); // the last good settings, not the defaults

    f.delete("configmaps/higress-config.yaml");
    awaitDump(d -> d.path("settings").path("downstream").path("maxHeadersCount").isMissingNode());
    assertThat(getWithHeaders(10)).isEqualTo(200);
  }

  @Test
  void http2FloodBudgetAppliesLive() throws Exception {
    try (RawHttp2 c = RawHttp2.connect(port()).handshake()) {
      for (int i = 0; i < 20; i++) c.ping(i); // within the default budget (100 per 10 s)
    }
    higressConfig("downstream:\n  http2:\n    maxPingFramesPerWindow: 5\n");
    awaitDump(d -> d.path("settings").path("downstream").path("http2").path("maxPingFramesPerWindow").asInt() == 5);
    try (RawHttp2 c = RawHttp2.connect(port()).handshake()) {
      for (int i = 0; i < 20; i++) c.write(Http2Frames.ping(i, false));
      RawHttp2.Frame goAway = c.awaitGoAway();
      assertThat(goAway.errorCode()).isEqualTo(0xb); // ENHANCE_YOUR_CALM
      assertThat(goAway.debugData()).contains("more than 5 PING frames");
    }
  }

  @Test
  void maxConnectionsPerListenerAppliesLive() throws Exception {
    higressConfig("downstream:\n  maxConnectionsPerListener: 3\n");
    awaitDump(d -> d.path("settings").path("downstream").path("maxConnectionsPerListener").asInt() == 3);
    // the fixture's own HTTP client may hold a kept-alive connection: open ours until one is refused
    java.util.List<RawHttp> served = new java.util.ArrayList<>();
    boolean refused = false;
    try {
      for (int i = 0; i < 4 && !refused; i++) {
        RawHttp c = new RawHttp(port());
        if (refusedAtOnce(c)) {
          refused = true;
        } else {
          served.add(c);
        }
      }
      assertThat(refused).isTrue();
      assertThat(served).isNotEmpty().hasSizeLessThanOrEqualTo(3);
      assertThat(served.get(0).request("foo.com", "/again").status()).isEqualTo(200); // the others keep serving
    } finally {
      for (RawHttp c : served) c.close();
    }
    Thread.sleep(200); // the closes reach the gateway
    try (RawHttp c = new RawHttp(port())) {
      assertThat(c.request("foo.com", "/after").status()).isEqualTo(200);
    }
  }

  /** Sends a request on {@code c}: true when the gateway closed the connection without an answer. */
  private static boolean refusedAtOnce(RawHttp c) throws IOException {
    try {
      c.send(RawHttp.get("foo.com", "/"));
      RawHttp.Response r = c.read();
      assertThat(r.status()).isEqualTo(200);
      return false;
    } catch (IOException e) { // closed or reset without a response
      c.close();
      return true;
    }
  }

  @Test
  void requestTimeoutAppliesLive() throws Exception {
    higressConfig("downstream:\n  requestTimeout: 1\n");
    awaitDump(d -> d.path("settings").path("downstream").path("requestTimeout").asInt() == 1);
    try (RawHttp c = new RawHttp(port())) {
      c.send("POST / HTTP/1.1\r\nHost: foo.com\r\nContent-Length: 100\r\n\r\nabc");
      long t0 = System.nanoTime();
      String all = c.readToEnd();
      assertThat(all).startsWith("HTTP/1.1 408 ").contains("request timeout");
      assertThat(System.nanoTime() - t0).isGreaterThan(Duration.ofMillis(800).toNanos());
    }
  }

  @Test
  void repeatedFloodsFromOneAddressGetItsNewConnectionsRefusedWhenThePenaltyIsOn() throws Exception {
    higressConfig("downstream:\n  floodPenaltySeconds: 30\n  http2:\n    maxPingFramesPerWindow: 3\n");
    awaitDump(d -> d.path("settings").path("downstream").path("floodPenaltySeconds").asInt() == 30);
    for (int flood = 0; flood < 2; flood++) {
      try (RawHttp2 c = RawHttp2.connect(port()).handshake()) {
        for (int i = 0; i < 10; i++) c.write(Http2Frames.ping(i, false));
        assertThat(c.awaitGoAway().errorCode()).isEqualTo(0xb);
      }
    }
    // the address (127.0.0.1) struck twice: new connections, HTTP/1.1 or HTTP/2, are closed at once
    assertThat(refusedAtOnce(new RawHttp(port()))).isTrue();
    higressConfig("downstream:\n  http2:\n    maxPingFramesPerWindow: 3\n"); // penalty off again
    awaitDump(d -> d.path("settings").path("downstream").path("floodPenaltySeconds").isMissingNode());
    try (RawHttp c = new RawHttp(port())) {
      assertThat(c.request("foo.com", "/").status()).isEqualTo(200);
    }
  }

  @Test
  void oneFloodIsNoPenalty() throws Exception {
    higressConfig("downstream:\n  floodPenaltySeconds: 30\n  http2:\n    maxPingFramesPerWindow: 3\n");
    awaitDump(d -> d.path("settings").path("downstream").path("floodPenaltySeconds").asInt() == 30);
    try (RawHttp2 c = RawHttp2.connect(port()).handshake()) {
      for (int i = 0; i < 10; i++) c.write(Http2Frames.ping(i, false));
      assertThat(c.awaitGoAway().errorCode()).isEqualTo(0xb);
    }
    try (RawHttp c = new RawHttp(port())) {
      assertThat(c.request("foo.com", "/").status()).isEqualTo(200);
    }
  }

  @Test
  void upstreamConnectionBufferLimitsBoundWhatIsQueuedForABackendAndBodiesStillFlow() throws Exception {
    higressConfig("upstream:\n  connectionBufferLimits: 2048\n");
    awaitDump(d -> d.path("settings").path("upstream").path("connectionBufferLimits").asInt() == 2048);
    assertThat(f.gateway().dataPlane().options().upstreamConnectionBufferLimit()).isEqualTo(2048);
    // a 3 MiB upload goes through a backend connection that may queue 2 KiB: reading the client pauses and resumes
    byte[] body = new byte[3 << 20];
    for (int i = 0; i < body.length; i++) body[i] = (byte) (i * 31);
    java.net.http.HttpResponse<String> r = f.client().send(GatewayFixture.withHost(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(f.base() + "/upload")), "foo.com").POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body))
        .timeout(java.time.Duration.ofSeconds(30)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode echoed = GatewayFixture.JSON.readTree(r.body());
    assertThat(echoed.path("bodyLength").asLong()).isEqualTo(body.length);
    assertThat(echoed.path("bodySha256").asText()).isEqualTo(java.util.HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("SHA-256").digest(body)));
  }

  @Test
  void mergeSlashesAndEscapedSlashesAreSetByTheConfigMap() throws Exception {
    try (RawHttp c = new RawHttp(port())) {
      assertThat(GatewayFixture.JSON.readTree(c.request("foo.com", "//merge//me").body()).path("path").asText())
          .as("by default slashes are not merged").isEqualTo("//merge//me");
      assertThat(c.request("foo.com", "/a%2Fb").status()).as("by default %2F is kept").isEqualTo(200);
    }
    higressConfig("downstream:\n  mergeSlashes: true\n  pathWithEscapedSlashesAction: REJECT_REQUEST\n");
    awaitDump(d -> d.path("settings").path("downstream").path("pathWithEscapedSlashesAction").asText().equals("REJECT_REQUEST"));
    try (RawHttp c = new RawHttp(port())) {
      assertThat(GatewayFixture.JSON.readTree(c.request("foo.com", "//merge//me").body()).path("path").asText())
          .isEqualTo("/merge/me");
    }
    try (RawHttp c = new RawHttp(port())) {
      assertThat(c.request("foo.com", "/a%2Fb").status()).isEqualTo(400);
    }
    // a value not offered is reported with its field, and the last good settings stay
    higressConfig("downstream:\n  mergeSlashes: true\n  pathWithEscapedSlashesAction: DECODE\n");
    JsonNode dump = awaitDump(d -> d.path("problems").toString().contains("pathWithEscapedSlashesAction"));
    assertThat(dump.path("problems").toString()).contains("higress-config").contains("DECODE");
    try (RawHttp c = new RawHttp(port())) {
      assertThat(c.request("foo.com", "/a%5Cb").status()).as("still rejected").isEqualTo(400);
    }
    // decoded and routed
    higressConfig("downstream:\n  pathWithEscapedSlashesAction: UNESCAPE_AND_FORWARD\n");
    awaitDump(d -> d.path("settings").path("downstream").path("pathWithEscapedSlashesAction").asText().equals("UNESCAPE_AND_FORWARD"));
    try (RawHttp c = new RawHttp(port())) {
      RawHttp.Response r = c.request("foo.com", "/x%2F..%2Fa%2Fb?q=%2F");
      assertThat(r.status()).isEqualTo(200);
      JsonNode seen = GatewayFixture.JSON.readTree(r.body());
      assertThat(seen.path("path").asText()).isEqualTo("/a/b?q=%2F");
    }
    // answered with a redirect to the decoded path
    higressConfig("downstream:\n  pathWithEscapedSlashesAction: UNESCAPE_AND_REDIRECT\n");
    awaitDump(d -> d.path("settings").path("downstream").path("pathWithEscapedSlashesAction").asText().equals("UNESCAPE_AND_REDIRECT"));
    try (RawHttp c = new RawHttp(port())) {
      RawHttp.Response r = c.request("foo.com", "/a%2Fb?q=1");
      assertThat(r.status()).isEqualTo(307);
      assertThat(r.headers().get("location")).isEqualTo("/a/b?q=1");
      assertThat(c.request("foo.com", "/a/b?q=1").status()).as("the redirected path is served").isEqualTo(200);
    }
  }

  @Test
  void aClientThatDoesNotReadGetsBackPressureNotUnboundedBuffering() throws Exception {
    higressConfig("downstream:\n  connectionBufferLimits: 16384\n");
    awaitDump(d -> d.path("settings").path("downstream").path("connectionBufferLimits").asInt() == 16384);
    AtomicLong written = new AtomicLong();
    long total = 256L << 20; // 256 MiB offered by the upstream
    try (ServerSocket up = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> {
        while (!up.isClosed()) {
          Socket s;
          try {
            s = up.accept();
          } catch (IOException e) {
            return;
          }
          Thread.ofVirtual().start(() -> serveBig(s, total, written));
        }
      });
      f.write("services/big.yaml", service("ns1", "big", up.getLocalPort()));
      f.write("ingresses/big.yaml", GatewayFixture.ingress("ns1", "big", "big.com", "Prefix", "/", "big"));
      f.await("big.com", "/small", r -> r.statusCode() == 200);
      try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port())) {
        client.setReceiveBufferSize(64 * 1024);
        client.getOutputStream().write(RawHttp.get("big.com", "/big").getBytes(StandardCharsets.ISO_8859_1));
        // the client reads nothing: the upstream must stall, bounded by socket buffers and the gateway's limit
        long before;
        long after = written.get();
        do {
          before = after;
          Thread.sleep(1000);
          after = written.get();
        } while (after != before);
        assertThat(after).isLessThan(64L << 20); // far from the 256 MiB offered: nothing buffers without bound
        // and once the client reads, the response flows again
        InputStream in = client.getInputStream();
        byte[] buf = new byte[1 << 16];
        long read = 0;
        while (read < (after + (8L << 20)) && read >= 0) {
          int n = in.read(buf);
          if (n < 0) break;
          read += n;
        }
        assertThat(written.get()).isGreaterThan(after);
      }
    }
  }

  /** {@code /big}: {@code total} bytes as fast as the gateway takes them, counted in {@code written}; else "ok". */
  private static void serveBig(Socket s, long total, AtomicLong written) {
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      while (true) {
        StringBuilder head = new StringBuilder();
        while (head.indexOf("\r\n\r\n") < 0) {
          int b = in.read();
          if (b < 0) return;
          head.append((char) b);
        }
        if (!head.toString().startsWith("GET /big ")) {
          out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
          continue;
        }
        out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + total + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        byte[] chunk = new byte[64 * 1024];
        while (written.get() < total) {
          out.write(chunk);
          written.addAndGet(chunk.length);
        }
        return;
      }
    } catch (IOException e) {
      // the gateway closed it
    }
  }
}
