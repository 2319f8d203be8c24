package io.higressj.server.edge.h2;

import static io.higressj.server.edge.h2.Http2EdgeFixture.HOST;
import static io.higressj.testing.http2.Http2Frames.ENHANCE_YOUR_CALM;
import static io.higressj.testing.http2.Http2Frames.concat;
import static io.higressj.testing.http2.Http2Frames.data;
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
 * Empty DATA floods: DATA frames without payload are not flow-controlled, so nothing else bounds
 * them. Budget: {@code maxConsecutiveEmptyDataFrames} (2) without END_STREAM in a row, Netty's
 * {@code decoderEnforceMaxConsecutiveEmptyDataFrames}.
 */
class EmptyDataFloodTest {
  @TempDir Path dir;
  Http2EdgeFixture f;

  @AfterEach
  void stop() throws Exception {
    if (f != null) f.close();
  }

  static byte[] post(int streamId, String path) {
    return headers(streamId, Hpack.request("POST", HOST, path, "content-type", "text/plain"), false, true);
  }

  @Test
  void emptyDataFloodEndsWithEnhanceYourCalm() throws Exception {
    f = Http2EdgeFixture.start(dir);
    var goAway = f.assertFloodEndsWithGoAway(ENHANCE_YOUR_CALM, concat(settingsAck(), post(1, "/upload")),
        chunk -> repeat(data(1, new byte[0], false), 10));
    assertThat(goAway.debugData()).contains("empty data frames");
  }

  @Test
  void emptyFramesBetweenDataAndAnEmptyEndAreFine() throws Exception {
    f = Http2EdgeFixture.start(dir);
    try (RawHttp2 c = f.client()) {
      byte[] empty = data(1, new byte[0], false);
      byte[] some = data(1, "abc".getBytes(StandardCharsets.US_ASCII), false);
      c.write(post(1, "/upload"), empty, empty, some, empty, empty, some, data(1, new byte[0], true));
      RawHttp2.Response r = c.response(1);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.bodyText()).contains("abcabc");
      c.streamIdsAbove(1);
      Http2EdgeFixture.assertServed(c, "/next");
    }
  }

  @Test
  void theThirdEmptyFrameInARowIsTooMany() throws Exception {
    f = Http2EdgeFixture.start(dir);
    try (RawHttp2 c = f.client()) {
      byte[] empty = data(1, new byte[0], false);
      c.write(post(1, "/upload"), empty, empty, empty);
      assertThat(c.awaitGoAway().errorCode()).isEqualTo(ENHANCE_YOUR_CALM);
      assertThat(c.awaitClose(5_000)).isTrue();
    }
  }
}
