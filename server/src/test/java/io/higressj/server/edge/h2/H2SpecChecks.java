package io.higressj.server.edge.h2;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.testing.echo.EchoServer;
import io.higressj.testing.http2.Http2Frames;
import io.higressj.testing.http2.RawHttp2;
import io.higressj.testing.http2.RawHttp2.Frame;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The outcomes the h2spec-style tests assert (RFC 9113 section 5.4): a connection error is a
 * GOAWAY with the expected code, after which the gateway closes the connection; a stream error is
 * a RST_STREAM with the expected code on that stream, after which the same connection still
 * serves a request. And: a refused request never reaches the upstream.
 */
final class H2SpecChecks {
  private static final AtomicInteger SENTINELS = new AtomicInteger();

  private H2SpecChecks() {}

  /** A client on its own connection, past the SETTINGS exchange. */
  static RawHttp2 open(Http2EdgeFixture f) throws Exception {
    return f.client().handshake();
  }

  /** A GOAWAY with {@code code}, then the connection closed by the gateway. Returns the GOAWAY. */
  static Frame assertConnectionError(RawHttp2 c, int code) throws Exception {
    Frame goAway = c.awaitGoAway();
    assertThat(Http2Frames.errorName(goAway.errorCode())).as(goAway.toString()).isEqualTo(Http2Frames.errorName(code));
    assertThat(c.awaitClose(5_000)).as("the gateway closes the connection after " + goAway).isTrue();
    return goAway;
  }

  /**
   * A RST_STREAM with {@code code} on {@code streamId} (no GOAWAY before it), then a request on a
   * new stream of the same connection is served.
   */
  static void assertStreamError(RawHttp2 c, int streamId, int code) throws Exception {
    Frame f = c.await(fr -> fr.is(Http2Frames.GOAWAY) || fr.is(Http2Frames.RST_STREAM) && fr.streamId() == streamId);
    assertThat(f.type()).as("a stream error, not a connection error: " + f).isEqualTo(Http2Frames.RST_STREAM);
    assertThat(Http2Frames.errorName(f.errorCode())).as(f.toString()).isEqualTo(Http2Frames.errorName(code));
    c.streamIdsAbove(streamId);
    Http2EdgeFixture.assertServed(c, "/still-serving");
  }

  /** The connection still works: a PING is answered. */
  static void assertAlive(RawHttp2 c) throws Exception {
    long opaque = 0x0102030405060708L;
    Frame ack = c.ping(opaque);
    assertThat(ack.payload()).isEqualTo(java.util.Arrays.copyOfRange(Http2Frames.ping(opaque, true), 9, 17));
  }

  /**
   * No request whose target starts with {@code pathPrefix} reached the upstream. A sentinel request
   * on a fresh connection goes first, so that anything the gateway had started earlier has arrived.
   */
  static void assertNothingReachedUpstream(Http2EdgeFixture f, String pathPrefix) throws Exception {
    String sentinel = "/sentinel-" + SENTINELS.incrementAndGet();
    try (RawHttp2 c = f.client()) {
      Http2EdgeFixture.assertServed(c, sentinel);
    }
    assertThat(f.echo.awaitRequest(sentinel, Duration.ofSeconds(5))).isTrue();
    List<String> reached = f.echo.recentRequests().stream().map(EchoServer.RecordedRequest::path)
        .filter(p -> p.startsWith(pathPrefix)).toList();
    assertThat(reached).as("requests that reached the upstream").isEmpty();
  }
}
