package io.higressj.server.edge.h2;

import static io.higressj.testing.http2.Http2Frames.ENHANCE_YOUR_CALM;
import static io.higressj.testing.http2.Http2Frames.priority;
import static io.higressj.testing.http2.Http2Frames.settingsAck;
import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.testing.http2.Http2Frames;
import io.higressj.testing.http2.RawHttp2;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PRIORITY floods: PRIORITY frames are valid on any stream, even one never opened, and cost the
 * server work while asking for nothing. Budget: {@code maxPriorityFramesPerWindow} per window (the
 * flood guard).
 */
class PriorityFloodTest {
  @TempDir Path dir;
  Http2EdgeFixture f;

  @AfterEach
  void stop() throws Exception {
    if (f != null) f.close();
  }

  /** 50 PRIORITY frames for idle streams, ids going up, each depending on the one before. */
  static byte[] priorities(int chunk) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int i = 0; i < 50; i++) {
      int id = 2 * (chunk * 50 + i) + 1;
      b.writeBytes(priority(id, id == 1 ? 0 : id - 2, 1 + i % 256, i % 2 == 0));
    }
    return b.toByteArray();
  }

  @Test
  void priorityFloodEndsWithEnhanceYourCalm() throws Exception {
    f = Http2EdgeFixture.start(dir);
    var goAway = f.assertFloodEndsWithGoAway(ENHANCE_YOUR_CALM, settingsAck(), PriorityFloodTest::priorities);
    assertThat(goAway.debugData()).isEqualTo("more than 1000 PRIORITY frames within 10 s");
  }

  @Test
  void reprioritisingOneStreamOverAndOverCountsToo() throws Exception {
    f = Http2EdgeFixture.start(dir);
    f.assertFloodEndsWithGoAway(ENHANCE_YOUR_CALM, settingsAck(), chunk -> Http2Frames.repeat(priority(3, 0, 16, false), 50));
  }

  @Test
  void prioritiesWithinTheBudgetAreFine() throws Exception {
    f = Http2EdgeFixture.start(dir);
    try (RawHttp2 c = f.client()) {
      for (int i = 0; i < 19; i++) c.write(priorities(i)); // 950 of 1000
      c.streamIdsAbove(2 * 950);
      Http2EdgeFixture.assertServed(c, "/fine");
    }
  }
}
