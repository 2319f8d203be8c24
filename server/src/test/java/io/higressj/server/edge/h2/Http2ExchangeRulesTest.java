package io.higressj.server.edge.h2;

import static io.higressj.server.edge.h2.Http2EdgeFixture.HOST;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.higressj.proxy.ProxyOptions;
import io.higressj.server.GatewayFixture;
import io.higressj.testing.echo.EchoServer;
import io.higressj.testing.http2.Hpack;
import io.higressj.testing.http2.Http2Frames;
import io.higressj.testing.http2.RawHttp2;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request rules that run per exchange, whichever protocol carried the request, checked over
 * HTTP/2 (their HTTP/1.1 tests are in the edge package): the header count limit, underscore
 * headers, internal headers from outside, path normalisation, the request body idle timeout and the
 * whole-request timeout.
 */
class Http2ExchangeRulesTest {
  @TempDir static Path dir;
  static Http2EdgeFixture f;

  @BeforeAll
  static void start() throws Exception {
    f = Http2EdgeFixture.start(dir, ProxyOptions.defaults().toBuilder().maxHeadersCount(12)
        .headersWithUnderscores(ProxyOptions.HeadersWithUnderscores.REJECT)
        .requestBodyIdleTimeout(Duration.ofMillis(500)).requestTimeout(Duration.ofMillis(1500)).build(),
        EchoServer.Kind.ECHO_SERVER);
  }

  @AfterAll
  static void stop() throws Exception {
    if (f != null) f.close();
  }

  static RawHttp2.Response get(RawHttp2 c, int id, String path, String... extra) throws Exception {
    c.write(Http2Frames.headers(id, Hpack.request("GET", HOST, path, extra), true, true));
    return c.response(id);
  }

  @Test
  void tooManyHeadersAre431AndNeverReachTheUpstream() throws Exception {
    List<String> extra = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      extra.add("x-h" + i);
      extra.add("v");
    }
    try (RawHttp2 c = f.client().handshake()) {
      assertThat(get(c, 1, "/rules/many-headers", extra.toArray(String[]::new)).status()).isEqualTo(431);
      assertThat(get(c, 3, "/rules/few-headers", "x-one", "1").status()).as("the connection keeps serving").isEqualTo(200);
    }
    H2SpecChecks.assertNothingReachedUpstream(f, "/rules/many-headers");
  }

  @Test
  void anUnderscoreHeaderIsRefusedWhenConfiguredSo() throws Exception {
    try (RawHttp2 c = f.client().handshake()) {
      assertThat(get(c, 1, "/rules/underscore", "x_user", "admin").status()).isEqualTo(400);
    }
    H2SpecChecks.assertNothingReachedUpstream(f, "/rules/underscore");
  }

  @Test
  void internalHeadersFromOutsideAreStrippedAndThePathIsNormalised() throws Exception {
    try (RawHttp2 c = f.client().handshake()) {
      RawHttp2.Response r = get(c, 1, "/rules/a/../b/%2e%2e/c", "x-envoy-original-path", "/admin",
          "x-mse-consumer", "root", "x-keep", "yes");
      assertThat(r.status()).isEqualTo(200);
      JsonNode seen = GatewayFixture.JSON.readTree(r.bodyText());
      assertThat(seen.path("path").asText()).isEqualTo("/rules/c");
      JsonNode headers = seen.path("headers");
      assertThat(headers.has("X-Envoy-Original-Path")).isFalse();
      assertThat(headers.has("X-Mse-Consumer")).isFalse();
      assertThat(headers.path("X-Keep").get(0).asText()).isEqualTo("yes");
    }
  }

  @Test
  void aRequestBodyThatStopsArrivingGets408() throws Exception {
    try (RawHttp2 c = f.client().handshake()) {
      c.write(Http2Frames.headers(1, Hpack.request("POST", HOST, "/rules/slow-body", "content-length", "100"), false, true),
          Http2Frames.data(1, "only ten b".getBytes(java.nio.charset.StandardCharsets.US_ASCII), false));
      long start = System.nanoTime();
      RawHttp2.Response r = c.response(1);
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertThat(r.status()).as("reset code " + r.resetCode()).isEqualTo(408);
      assertThat(ms).isBetween(300L, 5_000L);
      assertThat(get(c, 3, "/rules/after").status()).as("the connection keeps serving").isEqualTo(200);
    }
  }

  @Test
  void aRequestBodyThatTrickles408sAtTheWholeRequestTimeout() throws Exception {
    try (RawHttp2 c = f.client().handshake()) {
      c.write(Http2Frames.headers(1, Hpack.request("POST", HOST, "/rules/trickle", "content-length", "1000"), false, true));
      long start = System.nanoTime();
      // a byte every 200 ms: never idle for the 500 ms body idle timeout, but never done either
      var sender = c.flood(i -> {
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return null;
        }
        return i < 40 ? Http2Frames.data(1, new byte[] {'x'}, false) : null;
      });
      try {
        RawHttp2.Response r = c.response(1);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.status()).as("reset code " + r.resetCode()).isEqualTo(408);
        assertThat(ms).as("at the 1.5 s request timeout").isBetween(1_200L, 6_000L);
      } finally {
        sender.close();
      }
    }
  }
}
