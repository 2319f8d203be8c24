package io.higressj.server.edge.h2;

import static io.higressj.server.edge.h2.H2SpecChecks.assertAlive;
import static io.higressj.server.edge.h2.H2SpecChecks.assertConnectionError;
import static io.higressj.server.edge.h2.H2SpecChecks.assertStreamError;
import static io.higressj.server.edge.h2.H2SpecChecks.open;
import static io.higressj.server.edge.h2.Http2EdgeFixture.HOST;
import static io.higressj.testing.http2.Http2Frames.DATA;
import static io.higressj.testing.http2.Http2Frames.FLAG_ACK;
import static io.higressj.testing.http2.Http2Frames.FLOW_CONTROL_ERROR;
import static io.higressj.testing.http2.Http2Frames.FRAME_SIZE_ERROR;
import static io.higressj.testing.http2.Http2Frames.GOAWAY;
import static io.higressj.testing.http2.Http2Frames.HEADERS;
import static io.higressj.testing.http2.Http2Frames.PROTOCOL_ERROR;
import static io.higressj.testing.http2.Http2Frames.RST_STREAM;
import static io.higressj.testing.http2.Http2Frames.SETTINGS;
import static io.higressj.testing.http2.Http2Frames.SETTINGS_ENABLE_PUSH;
import static io.higressj.testing.http2.Http2Frames.SETTINGS_INITIAL_WINDOW_SIZE;
import static io.higressj.testing.http2.Http2Frames.SETTINGS_MAX_CONCURRENT_STREAMS;
import static io.higressj.testing.http2.Http2Frames.SETTINGS_MAX_FRAME_SIZE;
import static io.higressj.testing.http2.Http2Frames.WINDOW_UPDATE;
import static io.higressj.testing.http2.Http2Frames.bytes;
import static io.higressj.testing.http2.Http2Frames.frame;
import static io.higressj.testing.http2.Http2Frames.headers;
import static io.higressj.testing.http2.Http2Frames.settings;
import static io.higressj.testing.http2.Http2Frames.windowUpdate;
import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.testing.http2.Hpack;
import io.higressj.testing.http2.Http2Frames;
import io.higressj.testing.http2.RawHttp2;
import io.higressj.testing.http2.RawHttp2.Frame;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * h2spec's SETTINGS and flow-control cases, written here from RFC 9113: the SETTINGS frame (6.5),
 * its values (6.5.2), acknowledgement and ordering (6.5.3), WINDOW_UPDATE (6.9), the flow-control
 * window (6.9.1) and SETTINGS_INITIAL_WINDOW_SIZE changes (6.9.2). The gateway's sending windows are
 * the client's: the tests read the response's DATA frames as the client's windows allow (without
 * answering them with WINDOW_UPDATEs of their own).
 */
class H2SpecSettingsTest {
  static final int MAX_WINDOW = Integer.MAX_VALUE;

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

  /** The SETTINGS acknowledgement (the frames before it answered as a client must). */
  static Frame awaitSettingsAck(RawHttp2 c) throws Exception {
    Frame ack = c.await(fr -> fr.is(GOAWAY) || fr.is(SETTINGS) && (fr.flags() & FLAG_ACK) != 0);
    assertThat(ack.type()).as(ack.toString()).isEqualTo(SETTINGS);
    return ack;
  }

  /** The next DATA frame of {@code streamId}. */
  static Frame awaitData(RawHttp2 c, int streamId) throws Exception {
    Frame d = c.await(fr -> fr.is(GOAWAY) || fr.streamId() == streamId && (fr.is(DATA) || fr.is(RST_STREAM)));
    assertThat(d.type()).as(d.toString()).isEqualTo(DATA);
    return d;
  }

  // 6.5 SETTINGS

  @Test
  void s6_5_settingsAckWithAPayloadIsAFrameSizeError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(frame(SETTINGS, FLAG_ACK, 0, bytes(6, '\0')));
      assertConnectionError(c, FRAME_SIZE_ERROR);
    }
  }

  @Test
  void s6_5_settingsOnAStreamIsAProtocolError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(frame(SETTINGS, 0, 1, new byte[0]));
      assertConnectionError(c, PROTOCOL_ERROR);
    }
  }

  @Test
  void s6_5_settingsWithALengthNotAMultipleOfSixIsAFrameSizeError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(frame(SETTINGS, 0, 0, bytes(3, '\0')));
      assertConnectionError(c, FRAME_SIZE_ERROR);
    }
  }

  // 6.5.2 defined settings

  @Test
  void s6_5_2_enablePushOtherThanZeroOrOneIsAProtocolError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(settings(SETTINGS_ENABLE_PUSH, 2));
      assertConnectionError(c, PROTOCOL_ERROR);
    }
  }

  @Test
  void s6_5_2_enablePushZeroAndOneAreAccepted() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(settings(SETTINGS_ENABLE_PUSH, 0));
      awaitSettingsAck(c);
      c.write(settings(SETTINGS_ENABLE_PUSH, 1));
      awaitSettingsAck(c);
      Http2EdgeFixture.assertServed(c, "/h2spec/6.5.2-push");
    }
  }

  @Test
  void s6_5_2_initialWindowSizeAboveTheMaximumIsAFlowControlError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(settings(SETTINGS_INITIAL_WINDOW_SIZE, 1 << 31));
      assertConnectionError(c, FLOW_CONTROL_ERROR);
    }
  }

  @Test
  void s6_5_2_maxFrameSizeBelowTheInitialValueIsAProtocolError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(settings(SETTINGS_MAX_FRAME_SIZE, 16_383));
      assertConnectionError(c, PROTOCOL_ERROR);
    }
  }

  @Test
  void s6_5_2_maxFrameSizeAboveTheMaximumIsAProtocolError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(settings(SETTINGS_MAX_FRAME_SIZE, 1 << 24));
      assertConnectionError(c, PROTOCOL_ERROR);
    }
  }

  @Test
  void s6_5_2_maxFrameSizeAtBothBoundsIsAccepted() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(settings(SETTINGS_MAX_FRAME_SIZE, 16_384));
      awaitSettingsAck(c);
      c.write(settings(SETTINGS_MAX_FRAME_SIZE, (1 << 24) - 1));
      awaitSettingsAck(c);
      Http2EdgeFixture.assertServed(c, "/h2spec/6.5.2-frame-size");
    }
  }

  @Test
  void s6_5_2_unknownSettingsAreIgnored() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(settings(0xff, 1, 0x4242, 0xffffffff));
      awaitSettingsAck(c);
      Http2EdgeFixture.assertServed(c, "/h2spec/6.5.2-unknown");
    }
  }

  // 6.5.3 settings synchronization

  @Test
  void s6_5_3_settingsAreAcknowledgedWithAnEmptyAck() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(settings(SETTINGS_MAX_CONCURRENT_STREAMS, 10));
      Frame ack = awaitSettingsAck(c);
      assertThat(ack.streamId()).isZero();
      assertThat(ack.payload()).isEmpty();
    }
  }

  @Test
  void s6_5_3_ofTwoValuesOfOneSettingTheLastApplies() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.answering(false);
      c.write(settings(SETTINGS_INITIAL_WINDOW_SIZE, 100, SETTINGS_INITIAL_WINDOW_SIZE, 1));
      awaitSettingsAck(c);
      c.write(headers(1, get("/h2spec/6.5.3-last-wins"), true, true));
      assertThat(awaitData(c, 1).payload()).hasSize(1);
    }
  }

  // 6.9 WINDOW_UPDATE

  @Test
  void s6_9_aZeroIncrementOnTheConnectionIsAProtocolError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(windowUpdate(0, 0));
      assertConnectionError(c, PROTOCOL_ERROR);
    }
  }

  @Test
  void s6_9_aZeroIncrementOnAStreamIsAStreamProtocolError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, Hpack.request("POST", HOST, "/h2spec/6.9-zero"), false, true), windowUpdate(1, 0));
      assertStreamError(c, 1, PROTOCOL_ERROR);
    }
  }

  @Test
  void s6_9_windowUpdateWithALengthOtherThanFourIsAFrameSizeError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(frame(WINDOW_UPDATE, 0, 0, bytes(3, '\1')));
      assertConnectionError(c, FRAME_SIZE_ERROR);
    }
  }

  // 6.9.1 the flow-control window

  @Test
  void s6_9_1_anInitialWindowOfOneByteSendsOneByte() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.answering(false);
      c.write(settings(SETTINGS_INITIAL_WINDOW_SIZE, 1));
      awaitSettingsAck(c);
      c.write(headers(1, get("/h2spec/6.9.1-one-byte"), true, true));
      assertThat(awaitData(c, 1).payload()).hasSize(1);
      c.write(windowUpdate(1, 3));
      assertThat(awaitData(c, 1).payload()).hasSize(3);
    }
  }

  @Test
  void s6_9_1_aConnectionWindowAboveTheMaximumIsAFlowControlError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(windowUpdate(0, MAX_WINDOW), windowUpdate(0, MAX_WINDOW));
      assertConnectionError(c, FLOW_CONTROL_ERROR);
    }
  }

  @Test
  void s6_9_1_aStreamWindowAboveTheMaximumIsAStreamFlowControlError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, Hpack.request("POST", HOST, "/h2spec/6.9.1-overflow"), false, true),
          windowUpdate(1, MAX_WINDOW), windowUpdate(1, MAX_WINDOW));
      assertStreamError(c, 1, FLOW_CONTROL_ERROR);
    }
  }

  // 6.9.2 initial flow-control window size

  @Test
  void s6_9_2_aLargerInitialWindowAfterTheRequestLetsDataFlow() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.answering(false);
      c.write(settings(SETTINGS_INITIAL_WINDOW_SIZE, 0));
      awaitSettingsAck(c);
      c.write(headers(1, get("/h2spec/6.9.2-later"), true, true));
      Frame head = c.await(fr -> fr.is(GOAWAY) || fr.streamId() == 1);
      assertThat(head.type()).as(head.toString()).isEqualTo(HEADERS);
      c.write(settings(SETTINGS_INITIAL_WINDOW_SIZE, 1));
      assertThat(awaitData(c, 1).payload()).hasSize(1);
    }
  }

  @Test
  void s6_9_2_aSmallerInitialWindowCanMakeAStreamWindowNegative() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.answering(false);
      c.write(settings(SETTINGS_INITIAL_WINDOW_SIZE, 3));
      awaitSettingsAck(c);
      c.write(headers(1, get("/h2spec/6.9.2-negative"), true, true));
      assertThat(awaitData(c, 1).payload()).hasSize(3);
      c.write(settings(SETTINGS_INITIAL_WINDOW_SIZE, 2)); // the stream's window is -1 now
      awaitSettingsAck(c);
      c.write(windowUpdate(1, 2)); // 1
      assertThat(awaitData(c, 1).payload()).hasSize(1);
    }
  }

  @Test
  void s6_9_2_anInitialWindowChangeThatOverflowsAStreamWindowIsAFlowControlError() throws Exception {
    // Netty alone resets the stream (a stream error); the gateway's remote flow controller makes it
    // the connection error RFC 9113 6.9.2 asks for
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, Hpack.request("POST", HOST, "/h2spec/6.9.2-overflow"), false, true),
          windowUpdate(1, MAX_WINDOW - 65_535)); // the stream's window is at the maximum
      assertAlive(c);
      c.write(settings(SETTINGS_INITIAL_WINDOW_SIZE, 65_536));
      assertConnectionError(c, FLOW_CONTROL_ERROR);
    }
  }

  @Test
  void s6_9_2_anInitialWindowChangeWithinTheMaximumIsApplied() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, Hpack.request("POST", HOST, "/h2spec/6.9.2-grow"), false, true),
          windowUpdate(1, MAX_WINDOW - 65_536)); // one below the maximum
      assertAlive(c);
      c.write(settings(SETTINGS_INITIAL_WINDOW_SIZE, 65_536));
      awaitSettingsAck(c);
      assertAlive(c);
      c.write(Http2Frames.data(1, new byte[] {'x'}, true));
      RawHttp2.Response r = c.response(1);
      assertThat(r.status()).isEqualTo(200);
    }
  }

  @Test
  void s6_9_2_anInitialWindowAboveTheMaximumIsAFlowControlError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(settings(SETTINGS_INITIAL_WINDOW_SIZE, MAX_WINDOW));
      awaitSettingsAck(c);
      c.write(settings(SETTINGS_INITIAL_WINDOW_SIZE, MAX_WINDOW + 1));
      assertConnectionError(c, FLOW_CONTROL_ERROR);
    }
  }
}
