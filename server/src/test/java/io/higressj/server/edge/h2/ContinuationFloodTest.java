package io.higressj.server.edge.h2;

import static io.higressj.server.edge.h2.Http2EdgeFixture.HOST;
import static io.higressj.testing.http2.Http2Frames.ENHANCE_YOUR_CALM;
import static io.higressj.testing.http2.Http2Frames.concat;
import static io.higressj.testing.http2.Http2Frames.continuation;
import static io.higressj.testing.http2.Http2Frames.headers;
import static io.higressj.testing.http2.Http2Frames.repeat;
import static io.higressj.testing.http2.Http2Frames.settingsAck;
import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.testing.http2.Hpack;
import io.higressj.testing.http2.RawHttp2;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CONTINUATION floods (the CVE-2024-27316 class): a header block that never ends, so the server
 * buffers CONTINUATION frames without bound or decodes them forever. Small frames are counted by
 * Netty ({@code maxSmallContinuationFrames} per block), large ones by the flood guard (the block
 * may not outgrow the header list limit).
 */
class ContinuationFloodTest {
  @TempDir Path dir;
  Http2EdgeFixture f;

  @AfterEach
  void stop() throws Exception {
    if (f != null) f.close();
  }

  /** HEADERS for stream 1 that starts a request and does not end the block. */
  static byte[] openBlock() {
    return concat(settingsAck(), headers(1, Hpack.get(HOST, "/never-ends"), true, false));
  }

  static byte[] bytes(int n, char c) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) c);
    return b;
  }

  @Test
  void smallContinuationFramesWithoutEndAreStoppedByNetty() throws Exception {
    f = Http2EdgeFixture.start(dir);
    byte[] small = continuation(1, Hpack.literal("x-more", "v"), false);
    var goAway = f.assertFloodEndsWithGoAway(ENHANCE_YOUR_CALM, openBlock(), chunk -> repeat(small, 10));
    assertThat(goAway.debugData()).contains("continuations frames").contains("16");
  }

  @Test
  void emptyContinuationFramesAreStoppedByNetty() throws Exception {
    f = Http2EdgeFixture.start(dir);
    f.assertFloodEndsWithGoAway(ENHANCE_YOUR_CALM, openBlock(), chunk -> repeat(continuation(1, new byte[0], false), 10));
  }

  @Test
  void largeContinuationFramesEndAtTheHeaderListLimit() throws Exception {
    // 16 KiB fragments are not "small": the block's size is what bounds them, before Netty's own
    // limit (1.25 times the header list size, which would answer PROTOCOL_ERROR)
    f = Http2EdgeFixture.start(dir);
    byte[] large = continuation(1, bytes(16_384, 'a'), false);
    var goAway = f.assertFloodEndsWithGoAway(ENHANCE_YOUR_CALM, openBlock(), chunk -> large);
    assertThat(goAway.debugData()).isEqualTo("header block larger than " + (60 * 1024 + 512) + " bytes");
  }

  @Test
  void aLargeHeaderSplitAcrossContinuationFramesIsServed() throws Exception {
    f = Http2EdgeFixture.start(dir);
    byte[] block = concat(Hpack.get(HOST, "/split"), Hpack.literal("x-large", "v".repeat(40_000)));
    try (RawHttp2 c = f.client()) {
      c.write(headers(1, Arrays.copyOfRange(block, 0, 16_384), true, false),
          continuation(1, Arrays.copyOfRange(block, 16_384, 32_768), false),
          continuation(1, Arrays.copyOfRange(block, 32_768, block.length), true));
      RawHttp2.Response r = c.response(1);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.bodyText()).contains("v".repeat(40_000));
    }
  }

  @Test
  void aFewSmallContinuationFramesAreServed() throws Exception {
    f = Http2EdgeFixture.start(dir);
    try (RawHttp2 c = f.client()) {
      byte[] more = continuation(1, Hpack.literal("x-more", "v"), false);
      c.write(headers(1, Hpack.get(HOST, "/few"), true, false), repeat(more, 10), continuation(1, new byte[0], true));
      assertThat(c.response(1).status()).isEqualTo(200);
      c.streamIdsAbove(1);
      Http2EdgeFixture.assertServed(c, "/next");
    }
  }
}
