package io.higressj.server.edge;

import static io.higressj.server.GatewayFixture.ingress;
import static io.higressj.server.GatewayFixture.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.higressj.proxy.ProxyOptions;
import io.higressj.server.GatewayFixture;
import io.higressj.server.RawHttp;
import io.higressj.server.ServerOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The response half of the stream idle timeout (Envoy's {@code stream_idle_timeout}) and the
 * whole-request timeout (Envoy's {@code request_timeout}), over raw sockets against a scripted upstream.
 */
class StreamTimeoutsEdgeTest {
  @TempDir Path dir;
  GatewayFixture f;
  AutoCloseable upstream;

  private Path log() {
    return dir.resolve("logs/access.log");
  }

  private int start(int upstreamPort, ProxyOptions options) throws Exception {
    f = new GatewayFixture(dir.resolve("conf"));
    f.write("services/raw.yaml", service("ns1", "raw", upstreamPort));
    f.write("ingresses/raw.yaml", ingress("ns1", "raw", "raw.com", "Prefix", "/", "raw"));
    f.start(ServerOptions.forTest(dir.resolve("conf")).withProxy(options).withAccessLog(log().toString()));
    return f.gateway().httpPort();
  }

  @AfterEach
  void stop() throws Exception {
    if (f != null) f.close();
    if (upstream != null) upstream.close();
  }

  private JsonNode lastLogLine() throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    List<String> lines = List.of();
    while (System.nanoTime() < deadline) {
      lines = Files.exists(log()) ? Files.readAllLines(log()) : List.of();
      if (!lines.isEmpty()) break;
      Thread.sleep(20);
    }
    assertThat(lines).isNotEmpty();
    return GatewayFixture.JSON.readTree(lines.get(lines.size() - 1));
  }

  @Test
  void aResponseBodyThatStallsIsCutShortAfterTheIdleTimeout() throws Exception {
    // the upstream sends its head and 3 of 100 body bytes, then nothing, and keeps the connection open
    ScriptedUpstream up = new ScriptedUpstream(head -> "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc");
    upstream = up;
    int port = start(up.port(), ProxyOptions.defaults().toBuilder().responseIdleTimeout(Duration.ofMillis(500)).build());
    try (RawHttp c = new RawHttp(port)) {
      c.send(RawHttp.get("raw.com", "/stall"));
      long t0 = System.nanoTime();
      String all = c.readToEnd(); // returns when the gateway closes the connection
      long took = System.nanoTime() - t0;
      assertThat(all).startsWith("HTTP/1.1 200 ").endsWith("abc");
      assertThat(took).isGreaterThan(Duration.ofMillis(400).toNanos()).isLessThan(Duration.ofSeconds(5).toNanos());
    }
    assertThat(up.awaitAllClosed(1, Duration.ofSeconds(5))).isTrue(); // the upstream connection is closed, not pooled
    JsonNode entry = lastLogLine();
    assertThat(entry.path("flags").asText()).isEqualTo("SI");
    assertThat(entry.path("status").asInt()).isEqualTo(200);
  }

  @Test
  void overHttp2TheStalledStreamIsResetAndTheConnectionKeepsServing() throws Exception {
    ScriptedUpstream up = new ScriptedUpstream(head -> head.startsWith("GET /stall ")
        ? "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc"
        : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    upstream = up;
    int port = start(up.port(), ProxyOptions.defaults().toBuilder().responseIdleTimeout(Duration.ofMillis(500)).build());
    try (io.higressj.testing.http2.RawHttp2 c = io.higressj.testing.http2.RawHttp2.connect(port).handshake()) {
      long t0 = System.nanoTime();
      io.higressj.testing.http2.RawHttp2.Response r = c.get("raw.com", "/stall");
      assertThat(System.nanoTime() - t0).isGreaterThan(Duration.ofMillis(400).toNanos());
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.bodyText()).isEqualTo("abc");
      assertThat(r.resetCode()).isGreaterThanOrEqualTo(0); // ended by RST_STREAM, never END_STREAM
      assertThat(c.get("raw.com", "/next").bodyText()).isEqualTo("ok"); // the same connection serves on
    }
    assertThat(up.connections.get(0).closedByGateway || up.awaitAllClosed(1, Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void aSlowButSteadyResponseBodyIsServed() throws Exception {
    // 8 bytes, one every 200 ms: 1.6 s in all, never 500 ms without a byte
    TricklingUpstream up = new TricklingUpstream();
    upstream = up;
    int port = start(up.port(), ProxyOptions.defaults().toBuilder().responseIdleTimeout(Duration.ofMillis(500)).build());
    try (RawHttp c = new RawHttp(port)) {
      RawHttp.Response r = c.request("raw.com", "/trickle");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("xxxxxxxx");
    }
    assertThat(lastLogLine().path("flags").asText()).isEqualTo("-");
  }

  @Test
  void aRequestThatTricklesPastTheRequestTimeoutGets408AndClose() throws Exception {
    ScriptedUpstream up = new ScriptedUpstream(head -> null); // never answers
    upstream = up;
    // the body idle timeout (500 ms) never fires: a byte comes every 200 ms; the whole request may take 1 s
    int port = start(up.port(), ProxyOptions.defaults().toBuilder().requestBodyIdleTimeout(Duration.ofMillis(500))
        .requestTimeout(Duration.ofSeconds(1)).build());
    try (RawHttp c = new RawHttp(port)) {
      c.send("POST /slow HTTP/1.1\r\nHost: raw.com\r\nContent-Length: 100\r\n\r\n");
      long t0 = System.nanoTime();
      Thread writer = Thread.ofVirtual().start(() -> {
        try {
          for (int i = 0; i < 20; i++) {
            Thread.sleep(200);
            c.send("x");
          }
        } catch (Exception e) {
          // the gateway closed the connection: expected
        }
      });
      String all = c.readToEnd();
      long took = System.nanoTime() - t0;
      writer.interrupt();
      assertThat(all).startsWith("HTTP/1.1 408 ").containsIgnoringCase("Connection: close").contains("request timeout");
      assertThat(all).doesNotContain("request body timeout");
      assertThat(took).isGreaterThan(Duration.ofMillis(800).toNanos()).isLessThan(Duration.ofSeconds(4).toNanos());
    }
    // the head went upstream; the connection carrying the incomplete request is closed
    assertThat(up.awaitAllClosed(1, Duration.ofSeconds(5))).isTrue();
    assertThat(up.allReceived()).startsWith("POST /slow ");
  }

  @Test
  void aRequestCompleteWithinTheRequestTimeoutIsServed() throws Exception {
    f = new GatewayFixture(dir.resolve("conf"));
    io.higressj.testing.echo.EchoServer echo = f.echo("ns1", "echo"); // answers once the whole body is in
    f.write("services/echo.yaml", service("ns1", "echo", echo.port()));
    f.write("ingresses/raw.yaml", ingress("ns1", "raw", "raw.com", "Prefix", "/", "echo"));
    f.start(ServerOptions.forTest(dir.resolve("conf"))
        .withProxy(ProxyOptions.defaults().toBuilder().requestTimeout(Duration.ofSeconds(1)).build()));
    int port = f.gateway().httpPort();
    try (RawHttp c = new RawHttp(port)) {
      c.send("POST /quick HTTP/1.1\r\nHost: raw.com\r\nContent-Length: 4\r\n\r\n");
      Thread.sleep(300);
      c.send("abcd");
      assertThat(c.read().status()).isEqualTo(200);
      Thread.sleep(1200); // past the request timeout: the finished request's timer must not fire later
      c.send(RawHttp.get("raw.com", "/again"));
      assertThat(c.read().status()).isEqualTo(200);
    }
  }

  /** Answers every request with an 8-byte body written one byte every 200 ms. */
  static final class TricklingUpstream implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

    TricklingUpstream() throws Exception {
      Thread.ofVirtual().start(() -> {
        while (!server.isClosed()) {
          try {
            Socket s = server.accept();
            Thread.ofVirtual().start(() -> serve(s));
          } catch (Exception e) {
            return;
          }
        }
      });
    }

    int port() {
      return server.getLocalPort();
    }

    private void serve(Socket s) {
      try (s) {
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (head.indexOf("\r\n\r\n") < 0) {
          int b = in.read();
          if (b < 0) return;
          head.append((char) b);
        }
        OutputStream out = s.getOutputStream();
        out.write("HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        for (int i = 0; i < 8; i++) {
          Thread.sleep(200);
          out.write('x');
          out.flush();
        }
        in.read(); // until the gateway closes or reuses
      } catch (Exception e) {
        // closed
      }
    }

    @Override
    public void close() throws Exception {
      server.close();
    }
  }

}
