package io.higressj.server.edge.h2;

import static io.higressj.server.edge.h2.Http2EdgeFixture.HOST;
import static io.higressj.testing.http2.Http2Frames.ENHANCE_YOUR_CALM;
import static io.higressj.testing.http2.Http2Frames.data;
import static io.higressj.testing.http2.Http2Frames.frame;
import static io.higressj.testing.http2.Http2Frames.headers;
import static io.higressj.testing.http2.Http2Frames.repeat;
import static io.higressj.testing.http2.Http2Frames.settingsAck;
import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.testing.http2.Hpack;
import io.higressj.testing.http2.RawHttp2;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Floods of frames the protocol says to ignore: unknown and extension types (here PRIORITY_UPDATE,
 * 0x10, and an unassigned 0xfa), and repeated GOAWAYs. Budget: {@code maxOtherFramesPerWindow} per
 * window (the flood guard). Unknown frames on a stream must not disturb (or leak from) its request.
 */
class ExtensionFrameFloodTest {
  @TempDir Path dir;
  Http2EdgeFixture f;

  @AfterEach
  void stop() throws Exception {
    if (f != null) f.close();
  }

  @Test
  void unknownFrameFloodEndsWithEnhanceYourCalm() throws Exception {
    f = Http2EdgeFixture.start(dir);
    byte[] unknown = frame(0xfa, 0, 0, "payload".getBytes(StandardCharsets.US_ASCII));
    var goAway = f.assertFloodEndsWithGoAway(ENHANCE_YOUR_CALM, settingsAck(), chunk -> repeat(unknown, 50));
    assertThat(goAway.debugData()).isEqualTo("more than 1000 GOAWAY or extension frames within 10 s");
  }

  @Test
  void priorityUpdateFloodEndsWithEnhanceYourCalm() throws Exception {
    f = Http2EdgeFixture.start(dir);
    // RFC 9218 PRIORITY_UPDATE on stream 0: prioritized stream id 1, "u=3"
    byte[] update = frame(0x10, 0, 0, new byte[] {0, 0, 0, 1, 'u', '=', '3'});
    f.assertFloodEndsWithGoAway(ENHANCE_YOUR_CALM, settingsAck(), chunk -> repeat(update, 50));
  }

  @Test
  void unknownFramesOnAStreamAreIgnored() throws Exception {
    f = Http2EdgeFixture.start(dir);
    try (RawHttp2 c = f.client()) {
      byte[] unknown = frame(0xfa, 0, 1, "ignore me".getBytes(StandardCharsets.US_ASCII));
      c.write(headers(1, Hpack.request("POST", HOST, "/with-unknown", "content-type", "text/plain"), false, true),
          repeat(unknown, 5), data(1, "body".getBytes(StandardCharsets.US_ASCII), false), repeat(unknown, 5),
          data(1, new byte[0], true));
      RawHttp2.Response r = c.response(1);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.bodyText()).contains("\"body\":\"body\"");
    }
  }
}
