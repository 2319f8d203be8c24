package io.higressj.server.edge.h2;

import static io.higressj.server.edge.h2.Http2EdgeFixture.HOST;
import static io.higressj.testing.http2.Http2Frames.CANCEL;
import static io.higressj.testing.http2.Http2Frames.ENHANCE_YOUR_CALM;
import static io.higressj.testing.http2.Http2Frames.headers;
import static io.higressj.testing.http2.Http2Frames.rstStream;
import static io.higressj.testing.http2.Http2Frames.settingsAck;
import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.testing.http2.Hpack;
import io.higressj.testing.http2.RawHttp2;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rapid Reset (CVE-2023-44487): a client opens streams and resets them at once, so the gateway
 * starts request after request that never counts against the concurrent stream limit. Budget:
 * {@code maxResetFramesPerWindow} RST_STREAM frames per window (Netty's
 * {@code decoderEnforceMaxRstFramesPerWindow} for open streams and the flood guard for all).
 */
class RapidResetTest {
  @TempDir Path dir;
  Http2EdgeFixture f;

  @AfterEach
  void stop() throws Exception {
    if (f != null) f.close();
  }

  /** 10 streams (HEADERS with END_STREAM, then RST_STREAM CANCEL) per chunk, stream ids going up. */
  static byte[] openAndReset(int chunk) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    byte[] block = Hpack.get(HOST, "/reset");
    for (int i = 0; i < 10; i++) {
      int id = 2 * (chunk * 10 + i) + 1;
      b.writeBytes(headers(id, block, true, true));
      b.writeBytes(rstStream(id, CANCEL));
    }
    return b.toByteArray();
  }

  @Test
  void rapidResetEndsWithEnhanceYourCalm() throws Exception {
    f = Http2EdgeFixture.start(dir);
    f.assertFloodEndsWithGoAway(ENHANCE_YOUR_CALM, settingsAck(), RapidResetTest::openAndReset);
  }

  @Test
  void resetsOfClosedStreamsCountToo() throws Exception {
    // Netty ignores RST_STREAM for a stream that is already closed before its own counter sees it
    // (stream 1 is closed by the first reset, or by its response); the debug data says who counted
    f = Http2EdgeFixture.start(dir);
    var goAway = f.assertFloodEndsWithGoAway(ENHANCE_YOUR_CALM, headers(1, Hpack.get(HOST, "/one"), true, true),
        chunk -> rstStream(1, CANCEL));
    assertThat(goAway.debugData()).isEqualTo("more than 200 RST_STREAM frames within 10 s");
  }

  @Test
  void cancellingWithinTheBudgetIsFine() throws Exception {
    f = Http2EdgeFixture.start(dir, h2 -> h2.maxResetFramesPerWindow(50));
    try (RawHttp2 c = f.client()) {
      c.write(openAndReset(0), openAndReset(1), openAndReset(2), openAndReset(3)); // 40 resets
      c.streamIdsAbove(119);
      Http2EdgeFixture.assertServed(c, "/still-served");
      c.write(openAndReset(10), openAndReset(11)); // 60
      assertThat(c.awaitGoAway().errorCode()).isEqualTo(ENHANCE_YOUR_CALM);
      assertThat(c.awaitClose(5_000)).isTrue();
    }
  }

  @Test
  void streamsResetInTheSameReadNeverReachTheUpstream() throws Exception {
    f = Http2EdgeFixture.start(dir);
    try (RawHttp2 c = RawHttp2.connect(f.port)) {
      c.write(settingsAck());
      // 100 streams opened and cancelled in one write (well under the reset budget)
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (int chunk = 0; chunk < 10; chunk++) b.writeBytes(openAndReset(chunk));
      c.write(b.toByteArray());
      // a normal request on the same connection afterwards is served
      c.streamIdsAbove(199);
      assertThat(c.get(HOST, "/after").status()).isEqualTo(200);
    }
    assertThat(f.echo.recentRequests()).extracting(r -> r.path()).containsExactly("/after");
  }
}
