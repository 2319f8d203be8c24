package io.higressj.server.edge.h2;

import static io.higressj.server.edge.h2.H2SpecChecks.assertAlive;
import static io.higressj.server.edge.h2.H2SpecChecks.assertConnectionError;
import static io.higressj.server.edge.h2.H2SpecChecks.assertNothingReachedUpstream;
import static io.higressj.server.edge.h2.H2SpecChecks.assertStreamError;
import static io.higressj.server.edge.h2.H2SpecChecks.open;
import static io.higressj.server.edge.h2.Http2EdgeFixture.HOST;
import static io.higressj.testing.http2.Http2Frames.CONTINUATION;
import static io.higressj.testing.http2.Http2Frames.DATA;
import static io.higressj.testing.http2.Http2Frames.FLAG_ACK;
import static io.higressj.testing.http2.Http2Frames.FLAG_END_HEADERS;
import static io.higressj.testing.http2.Http2Frames.FLAG_END_STREAM;
import static io.higressj.testing.http2.Http2Frames.FRAME_SIZE_ERROR;
import static io.higressj.testing.http2.Http2Frames.GOAWAY;
import static io.higressj.testing.http2.Http2Frames.HEADERS;
import static io.higressj.testing.http2.Http2Frames.NO_ERROR;
import static io.higressj.testing.http2.Http2Frames.PING;
import static io.higressj.testing.http2.Http2Frames.PRIORITY;
import static io.higressj.testing.http2.Http2Frames.PROTOCOL_ERROR;
import static io.higressj.testing.http2.Http2Frames.RST_STREAM;
import static io.higressj.testing.http2.Http2Frames.SETTINGS;
import static io.higressj.testing.http2.Http2Frames.badlyPadded;
import static io.higressj.testing.http2.Http2Frames.bytes;
import static io.higressj.testing.http2.Http2Frames.concat;
import static io.higressj.testing.http2.Http2Frames.continuation;
import static io.higressj.testing.http2.Http2Frames.data;
import static io.higressj.testing.http2.Http2Frames.frame;
import static io.higressj.testing.http2.Http2Frames.goAway;
import static io.higressj.testing.http2.Http2Frames.headers;
import static io.higressj.testing.http2.Http2Frames.headersWithPriority;
import static io.higressj.testing.http2.Http2Frames.padded;
import static io.higressj.testing.http2.Http2Frames.ping;
import static io.higressj.testing.http2.Http2Frames.priority;
import static io.higressj.testing.http2.Http2Frames.rawFrame;
import static io.higressj.testing.http2.Http2Frames.rstStream;
import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.proxy.ProxyOptions;
import io.higressj.testing.echo.EchoServer;
import io.higressj.testing.http2.Hpack;
import io.higressj.testing.http2.Http2Frames;
import io.higressj.testing.http2.RawHttp2;
import io.higressj.testing.http2.RawHttp2.Frame;
import io.higressj.testing.tls.CertificateGenerator;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * h2spec's framing cases, written here from RFC 9113: the connection preface (3.4/3.5), frame
 * format and size (4.1, 4.2), header blocks (4.3), connection error handling (5.4.1), extensions
 * (5.5), the rules of DATA, HEADERS, PRIORITY, RST_STREAM, PING, GOAWAY and CONTINUATION (6.1-6.4,
 * 6.7, 6.8, 6.10) and unknown error codes (7). Every case asserts the exact outcome: a connection
 * error (GOAWAY with its code, then the connection closed) or a stream error (RST_STREAM, the
 * connection still serving), and that nothing refused reached the upstream.
 */
class H2SpecFramingTest {
  @TempDir static Path dir;
  static Http2EdgeFixture f;

  @BeforeAll
  static void start() throws Exception {
    f = Http2EdgeFixture.start(dir, ProxyOptions.defaults(), EchoServer.Kind.ECHO_SERVER,
        CertificateGenerator.server(CertificateGenerator.ca(), List.of(HOST)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (f != null) f.close();
  }

  static byte[] get(String path) {
    return Hpack.get(HOST, path);
  }

  static byte[] post(String path) {
    return Hpack.request("POST", HOST, path);
  }

  // 3.4 / 3.5 connection preface

  @Test
  void s3_4_theServerPrefaceIsASettingsFrame() throws Exception {
    try (RawHttp2 c = f.client()) {
      Frame first = c.readFrame();
      assertThat(first.type()).as(first.toString()).isEqualTo(SETTINGS);
      assertThat(first.flags() & FLAG_ACK).isZero();
      c.handshake();
      Http2EdgeFixture.assertServed(c, "/h2spec/3.4");
    }
  }

  @Test
  void s3_4_anInvalidPrefaceOverTlsIsAProtocolError() throws Exception {
    try (RawHttp2 c = RawHttp2.overWithoutPreface(Http2SettingsTest.tlsH2(f.httpsPort()),
        "INVALID CONNECTION PREFACE\r\n\r\n".getBytes(StandardCharsets.US_ASCII))) {
      assertConnectionError(c, PROTOCOL_ERROR);
    }
  }

  @Test
  void s3_4_anInvalidPrefaceOverCleartextIsNotHttp2() throws Exception {
    // without TLS the gateway tells HTTP/2 by the preface (RFC 9113 3.3): anything else is HTTP/1.1
    try (Socket s = new Socket("127.0.0.1", f.port)) {
      s.setSoTimeout(5_000);
      s.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(response).startsWith("HTTP/1.1 505 ");
    }
    assertNothingReachedUpstream(f, "*");
  }

  @Test
  void s3_4_aFirstFrameOtherThanSettingsIsAProtocolError() throws Exception {
    try (RawHttp2 c = RawHttp2.connect(f.port, ping(1, false))) {
      assertConnectionError(c, PROTOCOL_ERROR);
    }
  }

  // the same rules on the other two ways to HTTP/2 (the pipelines share Http2Downstream)

  @Test
  void streamAndConnectionErrorsOverTlsAndAfterAnUpgrade() throws Exception {
    byte[] noScheme = Hpack.fields(":method", "GET", ":authority", HOST, ":path", "/h2spec/no-scheme");
    try (RawHttp2 tls = RawHttp2.over(Http2SettingsTest.tlsH2(f.httpsPort()), Http2Frames.settings()).handshake()) {
      tls.write(headers(1, noScheme, true, true));
      assertStreamError(tls, 1, PROTOCOL_ERROR); // and stream 3 served
      tls.write(headers(9, get("/h2spec/tls-nine"), true, true));
      assertThat(tls.response(9).status()).isEqualTo(200);
      tls.write(headers(7, get("/h2spec/tls-lower-id"), true, true)); // skipped: 5.1.1
      assertThat(assertConnectionError(tls, PROTOCOL_ERROR).lastStreamId()).isEqualTo(9);
    }
    try (RawHttp2 upgraded = RawHttp2.upgrade(f.port, HOST, "/h2spec/upgraded").handshake()) {
      assertThat(upgraded.response(1).status()).isEqualTo(200);
      upgraded.write(headers(3, noScheme, true, true));
      assertStreamError(upgraded, 3, PROTOCOL_ERROR); // and stream 5 served
      upgraded.write(frame(PING, 0, 0, bytes(6, 'p')));
      assertThat(assertConnectionError(upgraded, FRAME_SIZE_ERROR).lastStreamId()).isEqualTo(5);
    }
    assertNothingReachedUpstream(f, "/h2spec/no-scheme");
    assertNothingReachedUpstream(f, "/h2spec/tls-lower-id");
  }

  // 4.1 frame format

  @Test
  void s4_1_aFrameOfUnknownTypeIsIgnored() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(frame(0xfa, 0, 0, bytes(8, 'x')));
      assertAlive(c);
    }
  }

  @Test
  void s4_1_undefinedFlagsAreIgnored() throws Exception {
    try (RawHttp2 c = open(f)) {
      byte[] opaque = bytes(8, 'p');
      c.write(frame(PING, 0xfe, 0, opaque)); // every flag but ACK
      Frame ack = c.await(fr -> fr.is(PING) || fr.is(GOAWAY));
      assertThat(ack.type()).as(ack.toString()).isEqualTo(PING);
      assertThat(ack.flags()).isEqualTo(FLAG_ACK);
      assertThat(ack.payload()).isEqualTo(opaque);
    }
  }

  @Test
  void s4_1_theReservedBitOfTheStreamIdentifierIsIgnored() throws Exception {
    try (RawHttp2 c = open(f)) {
      byte[] block = get("/h2spec/4.1-reserved");
      c.write(rawFrame(block.length, HEADERS, FLAG_END_STREAM | FLAG_END_HEADERS, 0x80000001, block));
      assertThat(c.response(1).status()).isEqualTo(200);
    }
  }

  // 4.2 frame size

  @Test
  void s4_2_dataOfMaxFrameSizeIsAccepted() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, post("/h2spec/4.2-data"), false, true), data(1, bytes(16_384, 'd'), true));
      RawHttp2.Response r = c.response(1);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.bodyText()).contains("d".repeat(16_384));
    }
  }

  @Test
  void s4_2_dataLargerThanMaxFrameSizeIsAFrameSizeError() throws Exception {
    // RFC 9113 4.2 allows a stream error for DATA; Netty makes every oversized frame a connection error
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, post("/h2spec/4.2-large-data"), false, true), data(1, bytes(16_385, 'd'), true));
      assertConnectionError(c, FRAME_SIZE_ERROR);
    }
  }

  @Test
  void s4_2_headersLargerThanMaxFrameSizeIsAConnectionFrameSizeError() throws Exception {
    try (RawHttp2 c = open(f)) {
      byte[] block = concat(get("/h2spec/4.2-large-headers"), Hpack.literal("x-large", "v".repeat(16_400)));
      c.write(headers(1, block, true, true));
      assertConnectionError(c, FRAME_SIZE_ERROR);
    }
    assertNothingReachedUpstream(f, "/h2spec/4.2-large-headers");
  }

  // 4.3 header compression and decompression

  @Test
  void s4_3_anUndecodableHeaderBlockIsACompressionError() throws Exception {
    try (RawHttp2 c = open(f)) {
      // a literal whose name claims 100 octets of which 2 follow
      c.write(headers(1, concat(get("/h2spec/4.3-bad-block"), Hpack.integer(0x00, 4, 0), Hpack.integer(0x00, 7, 100),
          "ab".getBytes(StandardCharsets.US_ASCII)), true, true));
      assertConnectionError(c, Http2Frames.COMPRESSION_ERROR);
    }
    assertNothingReachedUpstream(f, "/h2spec/4.3-bad-block");
  }

  @Test
  void s4_3_aPriorityFrameInsideAHeaderBlockIsAProtocolError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.answering(false);
      c.write(headers(1, get("/h2spec/4.3-priority"), true, false), priority(1, 0, 16, false),
          continuation(1, Hpack.literal("x-a", "b"), true));
      assertConnectionError(c, PROTOCOL_ERROR);
    }
    assertNothingReachedUpstream(f, "/h2spec/4.3-priority");
  }

  @Test
  void s4_3_headersOfAnotherStreamInsideAHeaderBlockIsAProtocolError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.answering(false);
      c.write(headers(1, get("/h2spec/4.3-interleaved-1"), true, false),
          headers(3, get("/h2spec/4.3-interleaved-3"), true, true));
      assertConnectionError(c, PROTOCOL_ERROR);
    }
    assertNothingReachedUpstream(f, "/h2spec/4.3-interleaved");
  }

  // 5.4.1 connection error handling

  @Test
  void s5_4_1_theGoAwayOfAConnectionErrorNamesTheLastStreamProcessed() throws Exception {
    try (RawHttp2 c = open(f)) {
      assertThat(c.get(HOST, "/h2spec/5.4.1").status()).isEqualTo(200); // stream 1
      c.write(frame(PING, 0, 0, bytes(6, 'p')));
      Frame goAway = assertConnectionError(c, FRAME_SIZE_ERROR);
      assertThat(goAway.lastStreamId()).isEqualTo(1);
    }
  }

  // 5.5 extending HTTP/2

  @Test
  void s5_5_unknownFramesOnAStreamAreIgnored() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, post("/h2spec/5.5-unknown"), false, true), frame(0xfb, 0xff, 1, bytes(10, 'u')),
          data(1, bytes(3, 'd'), true));
      RawHttp2.Response r = c.response(1);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.bodyText()).contains("\"body\":\"ddd\"");
    }
  }

  @Test
  void s5_5_anUnknownFrameInsideAHeaderBlockIsAProtocolError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.answering(false);
      c.write(headers(1, get("/h2spec/5.5-in-block"), true, false), frame(0xfb, 0, 1, bytes(4, 'u')),
          continuation(1, Hpack.literal("x-a", "b"), true));
      assertConnectionError(c, PROTOCOL_ERROR);
    }
    assertNothingReachedUpstream(f, "/h2spec/5.5-in-block");
  }

  // 6.1 DATA

  @Test
  void s6_1_dataOnStreamZeroIsAProtocolError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(data(0, bytes(4, 'd'), true));
      assertConnectionError(c, PROTOCOL_ERROR);
    }
  }

  @Test
  void s6_1_paddedDataIsAccepted() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, post("/h2spec/6.1-padded"), false, true), padded(DATA, FLAG_END_STREAM, 1, bytes(5, 'd'), 10));
      RawHttp2.Response r = c.response(1);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.bodyText()).contains("\"body\":\"ddddd\"");
    }
  }

  @Test
  void s6_1_dataWithAPadLengthNotShorterThanThePayloadIsAProtocolError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, post("/h2spec/6.1-bad-padding"), false, true), badlyPadded(DATA, FLAG_END_STREAM, 1, bytes(4, 'd'), 10));
      assertConnectionError(c, PROTOCOL_ERROR);
    }
  }

  // 6.2 HEADERS

  @Test
  void s6_2_paddedHeadersWithPriorityAreAccepted() throws Exception {
    try (RawHttp2 c = open(f)) {
      byte[] frame = headersWithPriority(1, 0, 200, true, get("/h2spec/6.2-padded"), true, true);
      byte[] prioritized = Arrays.copyOfRange(frame, 9, frame.length); // dependency, weight and block
      c.write(padded(HEADERS, 0x25 /* END_STREAM, END_HEADERS, PRIORITY */, 1, prioritized, 20));
      assertThat(c.response(1).status()).isEqualTo(200);
    }
  }

  @Test
  void s6_2_headersWithoutEndHeadersFollowedByPriorityIsAProtocolError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.answering(false);
      c.write(headers(1, get("/h2spec/6.2-then-priority"), true, false), priority(3, 0, 16, false));
      assertConnectionError(c, PROTOCOL_ERROR);
    }
    assertNothingReachedUpstream(f, "/h2spec/6.2-then-priority");
  }

  @Test
  void s6_2_headersOnStreamZeroIsAProtocolError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(0, get("/h2spec/6.2-stream-0"), true, true));
      assertConnectionError(c, PROTOCOL_ERROR);
    }
    assertNothingReachedUpstream(f, "/h2spec/6.2-stream-0");
  }

  @Test
  void s6_2_headersWithAPadLengthNotShorterThanThePayloadIsAProtocolError() throws Exception {
    try (RawHttp2 c = open(f)) {
      byte[] block = get("/h2spec/6.2-bad-padding");
      c.write(badlyPadded(HEADERS, FLAG_END_STREAM | FLAG_END_HEADERS, 1, block, block.length + 1));
      assertConnectionError(c, PROTOCOL_ERROR);
    }
    assertNothingReachedUpstream(f, "/h2spec/6.2-bad-padding");
  }

  // 6.3 PRIORITY

  @Test
  void s6_3_priorityOnStreamZeroIsAProtocolError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(priority(0, 1, 16, false));
      assertConnectionError(c, PROTOCOL_ERROR);
    }
  }

  @Test
  void s6_3_priorityWithALengthOtherThanFiveIsAStreamFrameSizeError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, post("/h2spec/6.3-length"), false, true), frame(PRIORITY, 0, 1, bytes(4, '\0')));
      assertStreamError(c, 1, FRAME_SIZE_ERROR);
    }
  }

  @Test
  void s6_3_priorityForAnIdleStreamIsAccepted() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(priority(9, 0, 16, false));
      assertAlive(c);
      c.streamIdsAbove(9);
      Http2EdgeFixture.assertServed(c, "/h2spec/6.3-after-idle-priority");
    }
  }

  // 6.4 RST_STREAM

  @Test
  void s6_4_rstStreamOnStreamZeroIsAProtocolError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(rstStream(0, Http2Frames.CANCEL));
      assertConnectionError(c, PROTOCOL_ERROR);
    }
  }

  @Test
  void s6_4_rstStreamForAnIdleStreamIsAProtocolError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(rstStream(1, Http2Frames.CANCEL));
      assertConnectionError(c, PROTOCOL_ERROR);
    }
  }

  @Test
  void s6_4_rstStreamWithALengthOtherThanFourIsAFrameSizeError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, post("/h2spec/6.4-length"), false, true), frame(RST_STREAM, 0, 1, bytes(3, '\0')));
      assertConnectionError(c, FRAME_SIZE_ERROR);
    }
  }

  // 6.7 PING

  @Test
  void s6_7_pingIsAcknowledgedWithTheSamePayload() throws Exception {
    try (RawHttp2 c = open(f)) {
      assertAlive(c);
    }
  }

  @Test
  void s6_7_aPingAcknowledgementIsNotAnswered() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(ping(1, true));
      Frame ack = c.ping(2); // the first PING the gateway sends must answer this one
      assertThat(ack.payload()).isEqualTo(Arrays.copyOfRange(ping(2, true), 9, 17));
    }
  }

  @Test
  void s6_7_pingOnAStreamIsAProtocolError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(frame(PING, 0, 1, bytes(8, 'p')));
      assertConnectionError(c, PROTOCOL_ERROR);
    }
  }

  @Test
  void s6_7_pingWithALengthOtherThanEightIsAFrameSizeError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(frame(PING, 0, 0, bytes(6, 'p')));
      assertConnectionError(c, FRAME_SIZE_ERROR);
    }
  }

  // 6.8 GOAWAY

  @Test
  void s6_8_goAwayOnAStreamIsAProtocolError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(frame(GOAWAY, 0, 1, concat(new byte[4], new byte[4])));
      assertConnectionError(c, PROTOCOL_ERROR);
    }
  }

  @Test
  void s6_8_aClientGoAwayLetsTheStreamsInFlightFinish() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, concat(get("/h2spec/6.8-in-flight"), Hpack.literal("x-delay", "200")), true, true),
          goAway(0, NO_ERROR));
      // the GOAWAY names no stream of the gateway's (it starts none): stream 1 is answered in full
      RawHttp2.Response r = c.response(1);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.bodyText()).contains("\"path\":\"/h2spec/6.8-in-flight\"");
    }
  }

  // 7 error codes: unknown codes carry no special meaning

  @Test
  void s7_aGoAwayWithAnUnknownErrorCodeIsAccepted() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(goAway(0, 0xff));
      assertAlive(c);
    }
  }

  @Test
  void s7_aRstStreamWithAnUnknownErrorCodeIsAccepted() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, post("/h2spec/7-unknown-code"), false, true), rstStream(1, 0xff));
      assertAlive(c);
      c.streamIdsAbove(1);
      Http2EdgeFixture.assertServed(c, "/h2spec/7-after-unknown-code");
    }
  }

  // 6.10 CONTINUATION

  @Test
  void s6_10_aHeaderBlockInSeveralContinuationFramesIsAccepted() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, get("/h2spec/6.10-continued"), true, false), continuation(1, Hpack.literal("x-a", "1"), false),
          continuation(1, Hpack.literal("x-b", "2"), true));
      RawHttp2.Response r = c.response(1);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.bodyText()).contains("\"X-A\":[\"1\"]").contains("\"X-B\":[\"2\"]");
    }
  }

  @Test
  void s6_10_continuationFollowedByAnotherFrameIsAProtocolError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.answering(false);
      c.write(headers(1, post("/h2spec/6.10-then-data"), false, false), continuation(1, Hpack.literal("x-a", "1"), false),
          data(1, bytes(3, 'd'), true));
      assertConnectionError(c, PROTOCOL_ERROR);
    }
    assertNothingReachedUpstream(f, "/h2spec/6.10-then-data");
  }

  @Test
  void s6_10_continuationOnStreamZeroIsAProtocolError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.answering(false);
      c.write(headers(1, get("/h2spec/6.10-stream-0"), true, false), continuation(0, Hpack.literal("x-a", "1"), true));
      assertConnectionError(c, PROTOCOL_ERROR);
    }
    assertNothingReachedUpstream(f, "/h2spec/6.10-stream-0");
  }

  @Test
  void s6_10_continuationOnAnotherStreamIsAProtocolError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.answering(false);
      c.write(headers(1, get("/h2spec/6.10-other-stream"), true, false), continuation(3, Hpack.literal("x-a", "1"), true));
      assertConnectionError(c, PROTOCOL_ERROR);
    }
    assertNothingReachedUpstream(f, "/h2spec/6.10-other-stream");
  }

  @Test
  void s6_10_continuationAfterHeadersWithEndHeadersIsAProtocolError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.answering(false);
      c.write(headers(1, post("/h2spec/6.10-after-end"), false, true), continuation(1, Hpack.literal("x-a", "1"), true));
      assertConnectionError(c, PROTOCOL_ERROR);
    }
  }

  @Test
  void s6_10_continuationAfterContinuationWithEndHeadersIsAProtocolError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.answering(false);
      c.write(headers(1, post("/h2spec/6.10-after-continuation-end"), false, false),
          continuation(1, Hpack.literal("x-a", "1"), true), continuation(1, Hpack.literal("x-b", "2"), true));
      assertConnectionError(c, PROTOCOL_ERROR);
    }
  }

  @Test
  void s6_10_continuationAfterDataIsAProtocolError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.answering(false);
      c.write(headers(1, post("/h2spec/6.10-after-data"), false, true), data(1, bytes(3, 'd'), false),
          continuation(1, Hpack.literal("x-a", "1"), true));
      assertConnectionError(c, PROTOCOL_ERROR);
    }
  }

  @Test
  void s6_10_continuationWithUndefinedFlagsIsAccepted() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, get("/h2spec/6.10-flags"), true, false),
          frame(CONTINUATION, FLAG_END_HEADERS | 0xf0, 1, Hpack.literal("x-a", "1")));
      assertThat(c.response(1).status()).isEqualTo(200);
    }
  }
}
