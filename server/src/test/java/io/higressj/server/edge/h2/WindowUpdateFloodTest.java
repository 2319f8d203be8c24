package io.higressj.server.edge.h2;

import static io.higressj.testing.http2.Http2Frames.ENHANCE_YOUR_CALM;
import static io.higressj.testing.http2.Http2Frames.headers;
import static io.higressj.testing.http2.Http2Frames.repeat;
import static io.higressj.testing.http2.Http2Frames.settingsAck;
import static io.higressj.testing.http2.Http2Frames.windowUpdate;
import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.testing.http2.Hpack;
import io.higressj.testing.http2.RawHttp2;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WINDOW_UPDATE floods: tiny increments, each processed by the flow controller, also for streams
 * long closed (which Netty ignores after a lookup). Budget: {@code maxWindowUpdateFramesPerWindow}
 * per window plus {@code WINDOW_UPDATES_PER_DATA_FRAME} (4) for each DATA frame the gateway sent in
 * the window, kept by the flood guard: a client downloading fast earns what it needs.
 */
class WindowUpdateFloodTest {
  @TempDir Path dir;
  Http2EdgeFixture f;

  @AfterEach
  void stop() throws Exception {
    if (f != null) f.close();
  }

  @Test
  void connectionWindowUpdateFloodEndsWithEnhanceYourCalm() throws Exception {
    f = Http2EdgeFixture.start(dir);
    var goAway = f.assertFloodEndsWithGoAway(ENHANCE_YOUR_CALM, settingsAck(), chunk -> repeat(windowUpdate(0, 1), 50));
    assertThat(goAway.debugData()).isEqualTo("more than 1000 WINDOW_UPDATE frames within 10 s");
  }

  @Test
  void windowUpdatesForClosedStreamsCountToo() throws Exception {
    f = Http2EdgeFixture.start(dir);
    f.assertFloodEndsWithGoAway(ENHANCE_YOUR_CALM,
        headers(1, Hpack.get(Http2EdgeFixture.HOST, "/closed-soon"), true, true), chunk -> repeat(windowUpdate(1, 1), 50));
  }

  @Test
  void aFastDownloadEarnsItsWindowUpdates() throws Exception {
    // a base budget of 10: the 1 MiB download below takes 64+ DATA frames, answered with two WINDOW_UPDATEs each
    f = Http2EdgeFixture.start(dir, h2 -> h2.maxWindowUpdateFramesPerWindow(10));
    try (RawHttp2 c = f.client()) {
      for (int i = 0; i < 3; i++) {
        int id = c.nextStreamId();
        c.write(headers(id, Hpack.request("GET", Http2EdgeFixture.HOST, "/download", "x-echo-response-size", "1048576"), true, true));
        assertThat(c.response(id).body()).hasSize(1 << 20);
      }
      Http2EdgeFixture.assertServed(c, "/still-served");
      c.write(repeat(windowUpdate(0, 1), 2000));
      assertThat(c.awaitGoAway().errorCode()).isEqualTo(ENHANCE_YOUR_CALM);
    }
  }
}
