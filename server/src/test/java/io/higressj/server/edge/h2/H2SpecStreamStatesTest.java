package io.higressj.server.edge.h2;

import static io.higressj.server.edge.h2.H2SpecChecks.assertAlive;
import static io.higressj.server.edge.h2.H2SpecChecks.assertConnectionError;
import static io.higressj.server.edge.h2.H2SpecChecks.assertNothingReachedUpstream;
import static io.higressj.server.edge.h2.H2SpecChecks.assertStreamError;
import static io.higressj.server.edge.h2.H2SpecChecks.open;
import static io.higressj.server.edge.h2.Http2EdgeFixture.HOST;
import static io.higressj.testing.http2.Http2Frames.CANCEL;
import static io.higressj.testing.http2.Http2Frames.PROTOCOL_ERROR;
import static io.higressj.testing.http2.Http2Frames.STREAM_CLOSED;
import static io.higressj.testing.http2.Http2Frames.bytes;
import static io.higressj.testing.http2.Http2Frames.concat;
import static io.higressj.testing.http2.Http2Frames.continuation;
import static io.higressj.testing.http2.Http2Frames.data;
import static io.higressj.testing.http2.Http2Frames.headers;
import static io.higressj.testing.http2.Http2Frames.headersWithPriority;
import static io.higressj.testing.http2.Http2Frames.priority;
import static io.higressj.testing.http2.Http2Frames.rstStream;
import static io.higressj.testing.http2.Http2Frames.windowUpdate;
import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.testing.http2.Hpack;
import io.higressj.testing.http2.RawHttp2;
import io.higressj.testing.http2.RawHttp2.Frame;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * h2spec's stream state cases, written here from RFC 9113 5.1 (idle, half-closed (remote),
 * closed), 5.1.1 (stream identifiers) and 5.3.1 (a stream depending on itself). A stream stays
 * half-closed (remote) while its upstream takes its time ({@code x-delay} on the echo upstream).
 * The concurrency limit (5.1.2, REFUSED_STREAM) is {@code ConcurrentStreamsTest}'s.
 */
class H2SpecStreamStatesTest {
  @TempDir static Path dir;
  static Http2EdgeFixture f;

  @BeforeAll
  static void start() throws Exception {
    f = Http2EdgeFixture.start(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    if (f != null) f.close();
  }

  static byte[] get(String path) {
    return Hpack.get(HOST, path);
  }

  /** A GET the upstream answers only after a second: its stream stays half-closed (remote) meanwhile. */
  static byte[] slowGet(String path) {
    return concat(get(path), Hpack.literal("x-delay", "1000"));
  }

  static byte[] post(String path) {
    return Hpack.request("POST", HOST, path);
  }

  /** A GET on stream 1 served completely: stream 1 is closed afterwards. */
  static RawHttp2 withClosedStream1() throws Exception {
    RawHttp2 c = open(f);
    c.write(headers(1, get("/h2spec/5.1-closed"), true, true));
    assertThat(c.response(1).status()).isEqualTo(200);
    return c;
  }

  // 5.1 idle

  @Test
  void s5_1_dataOnAnIdleStreamIsAProtocolError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(data(1, bytes(3, 'd'), true));
      assertConnectionError(c, PROTOCOL_ERROR);
    }
  }

  @Test
  void s5_1_rstStreamOnAnIdleStreamIsAProtocolError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(rstStream(5, CANCEL));
      assertConnectionError(c, PROTOCOL_ERROR);
    }
  }

  @Test
  void s5_1_windowUpdateOnAnIdleStreamIsAProtocolError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(windowUpdate(1, 100));
      assertConnectionError(c, PROTOCOL_ERROR);
    }
  }

  @Test
  void s5_1_continuationOnAnIdleStreamIsAProtocolError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(continuation(1, get("/h2spec/5.1-idle-continuation"), true));
      assertConnectionError(c, PROTOCOL_ERROR);
    }
    assertNothingReachedUpstream(f, "/h2spec/5.1-idle-continuation");
  }

  @Test
  void s5_1_priorityOnAnIdleStreamIsAccepted() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(priority(7, 0, 1, false));
      assertAlive(c);
    }
  }

  // 5.1 half-closed (remote): the client sent END_STREAM, the gateway has not answered yet

  @Test
  void s5_1_dataOnAHalfClosedRemoteStreamIsAStreamClosedError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, slowGet("/h2spec/5.1-half-closed-data"), true, true), data(1, bytes(3, 'd'), true));
      assertStreamError(c, 1, STREAM_CLOSED);
    }
  }

  @Test
  void s5_1_headersOnAHalfClosedRemoteStreamIsAStreamError() throws Exception {
    // RFC 9113 5.1 asks for STREAM_CLOSED; Netty checks "too many HEADERS" (8.1) before the
    // stream's state and answers PROTOCOL_ERROR (a documented deviation: the code differs, the
    // outcome, a stream error, does not)
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, slowGet("/h2spec/5.1-half-closed-headers"), true, true),
          headers(1, Hpack.literal("x-trailer", "t"), true, true));
      assertStreamError(c, 1, PROTOCOL_ERROR);
    }
  }

  @Test
  void s5_1_continuedHeadersOnAHalfClosedRemoteStreamIsAStreamError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, slowGet("/h2spec/5.1-half-closed-continuation"), true, true),
          headers(1, Hpack.literal("x-trailer", "t"), true, false), continuation(1, Hpack.literal("x-more", "m"), true));
      assertStreamError(c, 1, PROTOCOL_ERROR); // as above
    }
  }

  @Test
  void s5_1_windowUpdateRstStreamAndPriorityOnAHalfClosedRemoteStreamAreAccepted() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, concat(get("/h2spec/5.1-half-closed-ok"), Hpack.literal("x-delay", "200")), true, true),
          windowUpdate(1, 1000), priority(1, 0, 32, false));
      assertThat(c.response(1).status()).isEqualTo(200);
      c.write(headers(3, slowGet("/h2spec/5.1-half-closed-reset"), true, true), rstStream(3, CANCEL));
      assertAlive(c);
      c.streamIdsAbove(3);
      Http2EdgeFixture.assertServed(c, "/h2spec/5.1-after-reset");
    }
  }

  // 5.1 closed, by the client's RST_STREAM

  @Test
  void s5_1_dataAfterTheClientResetTheStreamIsAStreamClosedError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, post("/h2spec/5.1-reset-data"), false, true), rstStream(1, CANCEL), data(1, bytes(3, 'd'), true));
      assertStreamError(c, 1, STREAM_CLOSED);
    }
  }

  @Test
  void s5_1_headersAfterTheClientResetTheStreamIsAStreamClosedError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, post("/h2spec/5.1-reset-headers"), false, true), rstStream(1, CANCEL),
          headers(1, Hpack.literal("x-trailer", "t"), true, true));
      assertStreamError(c, 1, STREAM_CLOSED);
    }
  }

  @Test
  void s5_1_continuedHeadersAfterTheClientResetTheStreamIsAStreamClosedError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, post("/h2spec/5.1-reset-continuation"), false, true), rstStream(1, CANCEL),
          headers(1, Hpack.literal("x-trailer", "t"), true, false), continuation(1, Hpack.literal("x-more", "m"), true));
      assertStreamError(c, 1, STREAM_CLOSED);
    }
  }

  // 5.1 closed, both sides ended the stream

  @Test
  void s5_1_dataOnAClosedStreamIsAStreamClosedError() throws Exception {
    try (RawHttp2 c = withClosedStream1()) {
      c.write(data(1, bytes(3, 'd'), true));
      assertStreamError(c, 1, STREAM_CLOSED);
    }
  }

  @Test
  void s5_1_headersOnAClosedStreamIsAStreamClosedError() throws Exception {
    try (RawHttp2 c = withClosedStream1()) {
      c.write(headers(1, get("/h2spec/5.1-closed-headers"), true, true));
      assertStreamError(c, 1, STREAM_CLOSED);
    }
    assertNothingReachedUpstream(f, "/h2spec/5.1-closed-headers");
  }

  @Test
  void s5_1_continuedHeadersOnAClosedStreamIsAStreamClosedError() throws Exception {
    try (RawHttp2 c = withClosedStream1()) {
      c.write(headers(1, get("/h2spec/5.1-closed-continuation"), true, false), continuation(1, Hpack.literal("x-a", "b"), true));
      assertStreamError(c, 1, STREAM_CLOSED);
    }
    assertNothingReachedUpstream(f, "/h2spec/5.1-closed-continuation");
  }

  @Test
  void s5_1_windowUpdateRstStreamAndPriorityOnAClosedStreamAreAccepted() throws Exception {
    // frames the client may have sent before it saw the stream end
    try (RawHttp2 c = withClosedStream1()) {
      c.write(windowUpdate(1, 100), priority(1, 0, 8, false), rstStream(1, CANCEL));
      assertAlive(c);
      c.streamIdsAbove(1);
      Http2EdgeFixture.assertServed(c, "/h2spec/5.1-after-closed");
    }
  }

  // 5.1.1 stream identifiers

  @Test
  void s5_1_1_anEvenStreamIdentifierIsAProtocolError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(2, get("/h2spec/5.1.1-even"), true, true));
      assertConnectionError(c, PROTOCOL_ERROR);
    }
    assertNothingReachedUpstream(f, "/h2spec/5.1.1-even");
  }

  @Test
  void s5_1_1_aStreamIdentifierSmallerThanAPreviousOneIsAProtocolError() throws Exception {
    // Netty alone would answer RST_STREAM STREAM_CLOSED (it cannot tell a skipped id from a closed
    // stream); the flood guard remembers the skipped ids
    try (RawHttp2 c = open(f)) {
      c.write(headers(5, get("/h2spec/5.1.1-five"), true, true));
      assertThat(c.response(5).status()).isEqualTo(200);
      c.write(headers(3, get("/h2spec/5.1.1-smaller"), true, true));
      Frame goAway = assertConnectionError(c, PROTOCOL_ERROR);
      assertThat(goAway.lastStreamId()).isEqualTo(5);
    }
    assertNothingReachedUpstream(f, "/h2spec/5.1.1-smaller");
  }

  @Test
  void s5_1_1_streamIdentifiersMayLeaveGapsButNotGoBackIntoThem() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, get("/h2spec/5.1.1-one"), true, true));
      assertThat(c.response(1).status()).isEqualTo(200);
      c.write(headers(101, get("/h2spec/5.1.1-gap"), true, true));
      assertThat(c.response(101).status()).isEqualTo(200);
      c.write(headers(103, get("/h2spec/5.1.1-next"), true, true));
      assertThat(c.response(103).status()).isEqualTo(200);
      c.write(headers(51, get("/h2spec/5.1.1-into-the-gap"), true, true));
      assertConnectionError(c, PROTOCOL_ERROR);
    }
    assertNothingReachedUpstream(f, "/h2spec/5.1.1-into-the-gap");
  }

  // 5.3.1 stream dependencies

  @Test
  void s5_3_1_headersDependingOnItsOwnStreamIsAProtocolError() throws Exception {
    // a stream error in RFC 9113 5.3.1; Netty refuses the frame before decoding its header block,
    // so the HPACK state is lost and the error is the connection's (allowed by 5.4.1)
    try (RawHttp2 c = open(f)) {
      c.write(headersWithPriority(1, 1, 16, false, get("/h2spec/5.3.1-headers"), true, true));
      assertConnectionError(c, PROTOCOL_ERROR);
    }
    assertNothingReachedUpstream(f, "/h2spec/5.3.1-headers");
  }

  @Test
  void s5_3_1_priorityDependingOnItsOwnStreamIsAStreamProtocolError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, post("/h2spec/5.3.1-priority"), false, true), priority(1, 1, 16, false));
      assertStreamError(c, 1, PROTOCOL_ERROR);
    }
  }
}
