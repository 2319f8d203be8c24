package io.higressj.server.edge.h2;

import static io.higressj.testing.http2.Http2Frames.ENHANCE_YOUR_CALM;
import static io.higressj.testing.http2.Http2Frames.headers;
import static io.higressj.testing.http2.Http2Frames.ping;
import static io.higressj.testing.http2.Http2Frames.repeat;
import static io.higressj.testing.http2.Http2Frames.settingsAck;
import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.testing.http2.Hpack;
import io.higressj.testing.http2.RawHttp2;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PING floods: every PING is answered. Budget: {@code maxPingFramesPerWindow} per window plus one
 * for each DATA frame the gateway sent in the window (gRPC clients measure bandwidth with a PING
 * as data arrives), kept by the flood guard.
 */
class PingFloodTest {
  @TempDir Path dir;
  Http2EdgeFixture f;

  @AfterEach
  void stop() throws Exception {
    if (f != null) f.close();
  }

  @Test
  void pingFloodEndsWithEnhanceYourCalm() throws Exception {
    f = Http2EdgeFixture.start(dir);
    var goAway = f.assertFloodEndsWithGoAway(ENHANCE_YOUR_CALM, settingsAck(), chunk -> repeat(ping(chunk, false), 10));
    assertThat(goAway.debugData()).isEqualTo("more than 100 PING frames within 10 s");
  }

  @Test
  void pingAcknowledgementsCountToo() throws Exception {
    f = Http2EdgeFixture.start(dir);
    f.assertFloodEndsWithGoAway(ENHANCE_YOUR_CALM, settingsAck(), chunk -> repeat(ping(chunk, true), 10));
  }

  @Test
  void dataTheGatewaySendsEarnsPings() throws Exception {
    f = Http2EdgeFixture.start(dir, h2 -> h2.maxPingFramesPerWindow(10));
    try (RawHttp2 c = f.client()) {
      // 1 MiB in DATA frames of at most 16 KiB: at least 64 of them
      int id = c.nextStreamId();
      c.write(headers(id, Hpack.request("GET", Http2EdgeFixture.HOST, "/download", "x-echo-response-size", "1048576"), true, true));
      RawHttp2.Response download = c.response(id);
      assertThat(download.body()).hasSize(1 << 20);
      c.write(repeat(ping(1, false), 60)); // over the base budget of 10, within 10 + 64
      Http2EdgeFixture.assertServed(c, "/still-served");
      c.write(repeat(ping(2, false), 100));
      assertThat(c.awaitGoAway().errorCode()).isEqualTo(ENHANCE_YOUR_CALM);
    }
  }
}
