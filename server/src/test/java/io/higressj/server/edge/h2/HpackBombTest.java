package io.higressj.server.edge.h2;

import static io.higressj.server.edge.h2.Http2EdgeFixture.HOST;
import static io.higressj.testing.http2.Http2Frames.COMPRESSION_ERROR;
import static io.higressj.testing.http2.Http2Frames.ENHANCE_YOUR_CALM;
import static io.higressj.testing.http2.Http2Frames.HEADERS;
import static io.higressj.testing.http2.Http2Frames.concat;
import static io.higressj.testing.http2.Http2Frames.headers;
import static io.higressj.testing.http2.Http2Frames.repeat;
import static io.higressj.testing.http2.Http2Frames.settingsAck;
import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.testing.http2.Hpack;
import io.higressj.testing.http2.RawHttp2;
import io.higressj.testing.http2.RawHttp2.Frame;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HPACK bombs: a header block of a few KiB that decodes to far more than the header list limit
 * (one large field put in the dynamic table, then referenced again and again by its one-byte
 * index). Netty stops adding fields at the limit and answers the stream 431; the gateway then ends
 * the connection with GOAWAY ENHANCE_YOUR_CALM. HPACK itself broken is a COMPRESSION_ERROR, as RFC
 * 9113 section 4.3 requires (the decoder's state can no longer be trusted).
 */
class HpackBombTest {
  @TempDir Path dir;
  Http2EdgeFixture f;

  @BeforeEach
  void start() throws Exception {
    f = Http2EdgeFixture.start(dir);
  }

  @AfterEach
  void stop() throws Exception {
    if (f != null) f.close();
  }

  /** 4 KiB in the dynamic table, referenced 200 times: about 4 KiB on the wire, 800 KB decoded. */
  static byte[] bomb(int streamId) {
    byte[] block = concat(Hpack.get(HOST, "/bomb"), Hpack.literalWithIndexing("x-bomb", "b".repeat(4000)),
        repeat(Hpack.indexed(62), 200));
    return headers(streamId, block, true, true);
  }

  @Test
  void hpackBombIsAnswered431AndEndsTheConnection() throws Exception {
    try (RawHttp2 c = f.client()) {
      c.write(settingsAck(), bomb(1));
      Frame response = c.await(fr -> fr.is(HEADERS) || fr.is(io.higressj.testing.http2.Http2Frames.GOAWAY));
      assertThat(response.headers()).as(response.toString()).isNotNull();
      assertThat(response.headers().status().toString()).isEqualTo("431");
      Frame goAway = c.awaitGoAway();
      assertThat(goAway.errorCode()).as(goAway.toString()).isEqualTo(ENHANCE_YOUR_CALM);
      assertThat(goAway.debugData()).isEqualTo("header list larger than 61440 bytes");
      assertThat(c.awaitClose(5_000)).isTrue();
    }
  }

  @Test
  void hpackBombsWhileOthersAreServed() throws Exception {
    f.assertFloodEndsWithGoAway(ENHANCE_YOUR_CALM, settingsAck(), chunk -> bomb(2 * chunk + 1));
  }

  @Test
  void headersJustBelowTheLimitAreServed() throws Exception {
    try (RawHttp2 c = f.client()) {
      // 12 fields of 4000 bytes (+ 32 each as HPACK counts) and the pseudo-headers: about 48.5 KiB of 60
      byte[] block = concat(Hpack.get(HOST, "/big"), Hpack.literalWithIndexing("x-big", "b".repeat(4000)),
          repeat(Hpack.indexed(62), 11));
      c.write(headers(1, block, true, true));
      RawHttp2.Response r = c.response(1);
      assertThat(r.status()).isEqualTo(200);
      c.streamIdsAbove(1);
      Http2EdgeFixture.assertServed(c, "/next");
    }
  }

  @Test
  void anIndexOutsideTheTablesIsACompressionError() throws Exception {
    f.assertFloodEndsWithGoAway(COMPRESSION_ERROR, settingsAck(),
        chunk -> chunk == 0 ? headers(1, concat(Hpack.get(HOST, "/"), Hpack.indexed(70)), true, true) : null);
  }

  @Test
  void indexZeroIsACompressionError() throws Exception {
    f.assertFloodEndsWithGoAway(COMPRESSION_ERROR, settingsAck(),
        chunk -> chunk == 0 ? headers(1, concat(Hpack.indexed(0), Hpack.get(HOST, "/")), true, true) : null);
  }

  @Test
  void aTableLargerThanAnnouncedIsACompressionError() throws Exception {
    // SETTINGS_HEADER_TABLE_SIZE is 4096 by default
    f.assertFloodEndsWithGoAway(COMPRESSION_ERROR, settingsAck(),
        chunk -> chunk == 0 ? headers(1, concat(Hpack.tableSizeUpdate(1 << 20), Hpack.get(HOST, "/")), true, true) : null);
  }
}
