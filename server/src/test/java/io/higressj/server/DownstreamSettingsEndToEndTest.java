package io.higressj.server;

import static io.higressj.server.GatewayFixture.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.higressj.testing.echo.EchoServer;
import io.higressj.testing.http2.RawHttp2;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code downstream} settings of {@code higress-config} apply to the data plane live: the request
 * header limit, the idle timeout of client connections and the HTTP/2 settings a new connection
 * announces; removing them restores the gateway's own settings.
 */
@Timeout(60)
class DownstreamSettingsEndToEndTest {
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

  void awaitSettings(Predicate<JsonNode> ok) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    JsonNode dump;
    do {
      dump = GatewayFixture.JSON.readTree(f.adminGet("/config_dump"));
      if (ok.test(dump.path("settings"))) return;
      Thread.sleep(5);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("settings not applied: " + dump.path("settings"));
  }

  /** The status code of a GET with one extra header of {@code size} bytes. */
  int getWithHeader(int size) throws IOException {
    try (RawHttp c = new RawHttp(f.gateway().httpPort())) {
      c.send("GET / HTTP/1.1\r\nHost: foo.com\r\nX-Big: " + "a".repeat(size) + "\r\n\r\n");
      return c.read().status();
    }
  }

  @Test
  void maxRequestHeadersKbAppliesLiveAndIsUndoneWithTheConfigMap() throws Exception {
    assertThat(getWithHeader(4096)).isEqualTo(200);
    higressConfig("downstream:\n  maxRequestHeadersKb: 2\n");
    awaitSettings(s -> s.path("downstream").path("maxRequestHeadersKb").asInt() == 2);
    assertThat(getWithHeader(4096)).isEqualTo(431);
    assertThat(getWithHeader(512)).isEqualTo(200);
    f.delete("configmaps/higress-config.yaml");
    awaitSettings(s -> s.path("downstream").path("maxRequestHeadersKb").asInt() == 60);
    assertThat(getWithHeader(4096)).isEqualTo(200);
  }

  @Test
  void idleTimeoutClosesIdleClientConnections() throws Exception {
    higressConfig("downstream:\n  idleTimeout: 1\n");
    awaitSettings(s -> s.path("downstream").path("idleTimeout").asLong() == 1);
    try (Socket s = new Socket("127.0.0.1", f.gateway().httpPort())) {
      s.getOutputStream().write(RawHttp.get("foo.com", "/").getBytes(StandardCharsets.ISO_8859_1));
      s.setSoTimeout(10_000);
      InputStream in = s.getInputStream();
      long start = System.nanoTime();
      // the response, then the end of the stream once the connection has been idle for a second
      int n;
      byte[] buf = new byte[8192];
      StringBuilder got = new StringBuilder();
      try {
        while ((n = in.read(buf)) >= 0) got.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
      } catch (SocketTimeoutException e) {
        throw new AssertionError("connection still open after 10 s with idleTimeout 1 s");
      }
      assertThat(got.toString()).startsWith("HTTP/1.1 200");
      assertThat(System.nanoTime() - start).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(900));
    }
  }

  @Test
  void http2SettingsAreAnnouncedToNewConnections() throws Exception {
    try (RawHttp2 c = RawHttp2.connect(f.gateway().httpPort())) {
      assertThat(c.await(fr -> fr.is(4) && (fr.flags() & 1) == 0).settings()).containsEntry(3, 100L);
    }
    higressConfig("downstream:\n  http2:\n    maxConcurrentStreams: 7\n    initialStreamWindowSize: 131072\n");
    awaitSettings(s -> s.path("downstream").path("http2").path("maxConcurrentStreams").asInt() == 7);
    try (RawHttp2 c = RawHttp2.connect(f.gateway().httpPort())) {
      assertThat(c.await(fr -> fr.is(4) && (fr.flags() & 1) == 0).settings())
          .containsEntry(3, 7L).containsEntry(4, 131072L);
    }
  }
}
