package io.higressj.server.edge.h2;

import static io.higressj.server.edge.h2.Http2EdgeFixture.HOST;
import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.proxy.ProxyOptions;
import io.higressj.testing.echo.EchoServer;
import io.higressj.testing.http2.Hpack;
import io.higressj.testing.http2.Http2Frames;
import io.higressj.testing.http2.RawHttp2;
import io.higressj.testing.http2.RawHttp2.Frame;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-connection request cap and the connection idle timeout on HTTP/2 connections (as Envoy's
 * {@code max_requests_per_connection} and {@code idle_timeout} apply to them): GOAWAY {@code NO_ERROR}
 * naming the last stream served, then the close.
 */
class Http2ConnectionLimitsTest {
  @TempDir static Path dir;
  static Http2EdgeFixture f;

  @BeforeAll
  static void start() throws Exception {
    f = Http2EdgeFixture.start(dir, ProxyOptions.defaults().toBuilder().maxRequestsPerConnection(2)
        .idleTimeout(Duration.ofMillis(400)).build(), EchoServer.Kind.ECHO_SERVER);
  }

  @AfterAll
  static void stop() throws Exception {
    if (f != null) f.close();
  }

  @Test
  void afterTheRequestCapTheConnectionIsDrainedWithGoAwayNoError() throws Exception {
    try (RawHttp2 c = f.client().handshake()) {
      Http2EdgeFixture.assertServed(c, "/cap/one");
      c.write(Http2Frames.headers(3, Hpack.get(HOST, "/cap/two"), true, true));
      // the second request is served, and the GOAWAY names it as the last stream
      Frame goAway = null;
      int status = 0;
      while (goAway == null || status == 0) {
        Frame fr = c.readFrame();
        assertThat(fr).as("connection closed before the GOAWAY and the response").isNotNull();
        if (fr.is(Http2Frames.GOAWAY)) goAway = fr;
        if (fr.is(Http2Frames.HEADERS) && fr.streamId() == 3) status = Integer.parseInt(fr.headers().status().toString());
      }
      assertThat(status).isEqualTo(200);
      assertThat(goAway.errorCode()).isZero();
      assertThat(goAway.lastStreamId()).isEqualTo(3);
      // a stream opened after the GOAWAY is not served, and the connection ends (the gateway closed
      // when stream 3 ended: the client's late frame may meet a closed socket and get a reset)
      boolean closed;
      try {
        c.write(Http2Frames.headers(5, Hpack.get(HOST, "/cap/three"), true, true));
        closed = c.awaitClose(5_000);
      } catch (java.net.SocketException reset) {
        closed = true;
      }
      assertThat(closed).as("closed once its streams ended").isTrue();
    }
    H2SpecChecks.assertNothingReachedUpstream(f, "/cap/three");
  }

  @Test
  void aConnectionWithoutStreamsIsClosedAfterTheIdleTimeout() throws Exception {
    try (RawHttp2 c = f.client().handshake()) {
      long start = System.nanoTime();
      Frame goAway = c.awaitGoAway();
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertThat(goAway.errorCode()).isZero();
      assertThat(ms).as("after the 400 ms idle timeout, not long after").isBetween(300L, 3_000L);
      assertThat(c.awaitClose(5_000)).isTrue();
    }
  }

  @Test
  void anOpenStreamKeepsTheConnectionPastTheIdleTimeout() throws Exception {
    try (RawHttp2 c = f.client().handshake()) {
      // the upstream answers after 1.2 s: three idle timeouts with a stream open and nothing on the wire
      c.write(Http2Frames.headers(1, Hpack.request("GET", HOST, "/idle/slow", "x-delay", "1200"), true, true));
      RawHttp2.Response r = c.response(1);
      assertThat(r.status()).isEqualTo(200);
    }
  }
}
