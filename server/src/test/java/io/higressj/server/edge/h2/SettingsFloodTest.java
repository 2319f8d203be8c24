package io.higressj.server.edge.h2;

import static io.higressj.testing.http2.Http2Frames.ENHANCE_YOUR_CALM;
import static io.higressj.testing.http2.Http2Frames.SETTINGS_HEADER_TABLE_SIZE;
import static io.higressj.testing.http2.Http2Frames.SETTINGS_INITIAL_WINDOW_SIZE;
import static io.higressj.testing.http2.Http2Frames.repeat;
import static io.higressj.testing.http2.Http2Frames.settings;
import static io.higressj.testing.http2.Http2Frames.settingsAck;
import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.testing.http2.RawHttp2;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SETTINGS floods: every SETTINGS frame is applied and acknowledged. Budget:
 * {@code maxSettingsFramesPerWindow} per window (the flood guard), acknowledgements included.
 */
class SettingsFloodTest {
  @TempDir Path dir;
  Http2EdgeFixture f;

  @AfterEach
  void stop() throws Exception {
    if (f != null) f.close();
  }

  @Test
  void settingsFloodEndsWithEnhanceYourCalm() throws Exception {
    f = Http2EdgeFixture.start(dir);
    byte[] s = settings(SETTINGS_HEADER_TABLE_SIZE, 4096, SETTINGS_INITIAL_WINDOW_SIZE, 65_535);
    var goAway = f.assertFloodEndsWithGoAway(ENHANCE_YOUR_CALM, settingsAck(), chunk -> repeat(s, 10));
    assertThat(goAway.debugData()).isEqualTo("more than 100 SETTINGS frames within 10 s");
  }

  @Test
  void acknowledgementsCountToo() throws Exception {
    f = Http2EdgeFixture.start(dir);
    f.assertFloodEndsWithGoAway(ENHANCE_YOUR_CALM, settingsAck(), chunk -> repeat(settingsAck(), 10));
  }

  @Test
  void settingsWithinTheBudgetAreFine() throws Exception {
    f = Http2EdgeFixture.start(dir, h2 -> h2.maxSettingsFramesPerWindow(20));
    try (RawHttp2 c = f.client()) { // its preface's SETTINGS is the first, its acknowledgement of ours the 20th
      c.write(repeat(settings(), 18));
      Http2EdgeFixture.assertServed(c, "/fine");
      c.write(settings());
      assertThat(c.awaitGoAway().debugData()).isEqualTo("more than 20 SETTINGS frames within 10 s");
    }
  }
}
