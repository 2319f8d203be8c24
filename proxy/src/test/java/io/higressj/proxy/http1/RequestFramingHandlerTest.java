package io.higressj.proxy.http1;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.config.model.SnapshotHolder;
import io.higressj.proxy.DataPlane;
import io.higressj.proxy.ProxyOptions;
import io.higressj.proxy.Transport;
import io.higressj.proxy.accesslog.AccessLog;
import io.higressj.proxy.exchange.ProxyHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import io.higressj.testing.http1.FramingVectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The downstream HTTP/1.1 chain (framing checks, Netty's codec, the proxy handler) on an
 * EmbeddedChannel, without routes: an accepted request gets 404, a refused one its status and a
 * closed connection. Every case is followed by a well-formed request that must not be answered.
 */
class RequestFramingHandlerTest {
  private static final String NEXT = "GET /next HTTP/1.1\r\nHost: x\r\n\r\n";
  private static final String POST = "POST / HTTP/1.1\r\nHost: x\r\n";
  private static final String GET = "GET / HTTP/1.1\r\nHost: x\r\n";

  static EmbeddedChannel channel(ProxyOptions options) {
    DataPlane dp = new DataPlane(new SnapshotHolder(), options, AccessLog.disabled(), Transport.NIO);
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.pipeline().addLast(RequestFramingHandler.NAME, new RequestFramingHandler(options.requestHeadersTimeout().toNanos()));
    ch.pipeline().addLast("codec", new HttpServerCodec(StrictDecoding.config(options.maxInitialLineLength(), options.maxHeaderSize())));
    ch.pipeline().addLast("proxy", new ProxyHandler(dp, false, false));
    return ch;
  }

  static String readAll(EmbeddedChannel ch) {
    StringBuilder b = new StringBuilder();
    for (Object o; (o = ch.readOutbound()) != null; ) {
      ByteBuf buf = (ByteBuf) o;
      b.append(buf.toString(StandardCharsets.ISO_8859_1));
      buf.release();
    }
    return b.toString();
  }

  static Stream<Arguments> refused() {
    return FramingVectors.refused("x", "y").stream().map(v -> Arguments.of(v.rule(), v.request(), v.status()));
  }


  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refusedAndConnectionClosedAndNextRequestNotServed(String rule, String raw, int status) {
    EmbeddedChannel ch = channel(ProxyOptions.defaults());
    ch.writeInbound(Unpooled.copiedBuffer(raw + NEXT, StandardCharsets.ISO_8859_1));
    ch.runPendingTasks();
    String out = readAll(ch);
    assertThat(out).as(rule).startsWith("HTTP/1.1 " + status + " ").contains("connection: close");
    if (!rule.toLowerCase(java.util.Locale.ROOT).contains("host")) assertThat(out).as(rule).doesNotContain("host header");
    assertThat(out.split("HTTP/1.1 ", -1)).as(rule + ": exactly one response").hasSize(2);
    assertThat(ch.isOpen()).as(rule + ": connection closed").isFalse();
    ch.finishAndReleaseAll();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refusedAlsoWhenArrivingOneByteAtATime(String rule, String raw, int status) {
    EmbeddedChannel ch = channel(ProxyOptions.defaults());
    byte[] bytes = (raw + NEXT).getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < bytes.length && ch.isOpen(); i++) {
      ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {bytes[i]}));
      ch.runPendingTasks();
    }
    String out = readAll(ch);
    assertThat(out).as(rule).startsWith("HTTP/1.1 " + status + " ");
    assertThat(out.split("HTTP/1.1 ", -1)).as(rule + ": exactly one response").hasSize(2);
    assertThat(ch.isOpen()).isFalse();
    ch.finishAndReleaseAll();
  }

  /** Refused in the body: the codec has already passed the head on, so the body ends in a failed content. */
  static Stream<Arguments> refusedInBody() {
    return FramingVectors.refusedInBody("x").stream().map(v -> Arguments.of(v.rule(), v.request()));
  }


  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedInBody")
  void refusedInBodyEndsInAFailedContentAndNothingAfterIsDecoded(String rule, String raw) {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.pipeline().addLast(RequestFramingHandler.NAME, new RequestFramingHandler(0));
    ch.pipeline().addLast("codec", new HttpServerCodec(StrictDecoding.config(4096, 8192)));
    ch.writeInbound(Unpooled.copiedBuffer(raw + NEXT, StandardCharsets.ISO_8859_1));
    StringBuilder seen = new StringBuilder();
    boolean failed = false;
    int requests = 0;
    for (Object o; (o = ch.readInbound()) != null; ) {
      if (o instanceof io.netty.handler.codec.http.HttpRequest) requests++;
      if (o instanceof io.netty.handler.codec.http.HttpObject h && h.decoderResult().isFailure()) failed = true;
      seen.append(o.getClass().getSimpleName()).append(' ');
      io.netty.util.ReferenceCountUtil.release(o);
    }
    assertThat(failed).as(rule + ": " + seen).isTrue();
    assertThat(requests).as(rule + ": only the first request is decoded: " + seen).isEqualTo(1);
    // nothing written later reaches the codec
    ch.writeInbound(Unpooled.copiedBuffer(NEXT, StandardCharsets.ISO_8859_1));
    assertThat((Object) ch.readInbound()).isNull();
    ch.finishAndReleaseAll();
  }

  static Stream<Arguments> accepted() {
    return Stream.of(
        Arguments.of("contentLengthWithOptionalWhitespace", POST + "Content-Length:  3 \r\n\r\nabc"),
        Arguments.of("contentLengthLeadingZero", POST + "Content-Length: 03\r\n\r\nabc"),
        Arguments.of("transferEncodingUpperCase", POST + "Transfer-Encoding: CHUNKED\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("transferEncodingAfterTab", POST + "Transfer-Encoding:\tchunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("chunkExtension", POST + "Transfer-Encoding: chunked\r\n\r\n3;name=value;x=\"q\"\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("chunkUpperCaseHex", POST + "Transfer-Encoding: chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n"),
        Arguments.of("trailers", POST + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n"),
        Arguments.of("emptyLinesBeforeRequest", "\r\n\r\n" + GET + "\r\n"),
        Arguments.of("http10WithoutHost", "GET / HTTP/1.0\r\n\r\n".replace("\r\n\r\n", "\r\nConnection: keep-alive\r\n\r\n")),
        Arguments.of("obsTextInValue", GET + "X-A: caf\u00e9\r\n\r\n"),
        Arguments.of("longValuesWithTabsAndObsText", GET + ("X-A: " + "a\tb \u00e9".repeat(60) + "\r\n").repeat(3) + "\r\n"),
        Arguments.of("bodyStartingWithSpaceAndLooksLikeFolding", POST + "Content-Length: 3\r\n\r\n a\n"),
        Arguments.of("bodyHoldingARequest", POST + "Content-Length: 29\r\n\r\nGET /x HTTP/1.1\r\nHost: x\r\n\r\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("accepted")
  void acceptedAndTheNextRequestIsDecodedToo(String rule, String raw) {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.pipeline().addLast(RequestFramingHandler.NAME, new RequestFramingHandler(0));
    ch.pipeline().addLast("codec", new HttpServerCodec(StrictDecoding.config(4096, 8192)));
    ch.writeInbound(Unpooled.copiedBuffer(raw + NEXT, StandardCharsets.ISO_8859_1));
    java.util.List<String> uris = new java.util.ArrayList<>();
    StringBuilder body = new StringBuilder();
    for (Object o; (o = ch.readInbound()) != null; ) {
      assertThat(((io.netty.handler.codec.http.HttpObject) o).decoderResult().isSuccess()).as(rule).isTrue();
      if (o instanceof io.netty.handler.codec.http.HttpRequest r) uris.add(r.uri());
      if (o instanceof io.netty.handler.codec.http.HttpContent c && uris.size() == 1) {
        body.append(c.content().toString(StandardCharsets.ISO_8859_1));
      }
      io.netty.util.ReferenceCountUtil.release(o);
    }
    assertThat(uris).as(rule).containsExactly("/", "/next");
    if (raw.startsWith("POST")) assertThat(body.toString()).as(rule).isNotEmpty();
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  /**
   * The scanner reads a buffer through a window of 512 bytes: a framing field whose name or value
   * straddles a window's edge (at every offset across it) is still read, and still refused when it
   * conflicts, whether the head comes in one buffer or in two split anywhere.
   */
  @Test
  void framingFieldsAcrossTheScannersWindowEdgeAreReadAtEveryOffset() {
    for (int pad = 420; pad <= 540; pad++) {
      String head = POST + "X-Pad: " + "p".repeat(pad) + "\r\n";
      String ok = head + "Content-Length: 5\r\n\r\nhello";
      String conflict = head + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
      String twice = head + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello";
      String control = head + "X-Ctl: ab\u0001cd\r\nContent-Length: 5\r\n\r\nhello";
      for (int split : new int[] {-1, 500, 511, 512, 513, 530}) {
        String at = "pad " + pad + ", split " + split;
        assertThat(bodyOf(ok, split)).as(at).isEqualTo("hello");
        for (String bad : new String[] {conflict, twice, control}) {
          EmbeddedChannel ch = channel(ProxyOptions.defaults());
          write(ch, bad + NEXT, split);
          ch.runPendingTasks();
          String out = readAll(ch);
          assertThat(out).as(at).startsWith("HTTP/1.1 400 ");
          assertThat(out.split("HTTP/1.1 ", -1)).as(at + ": exactly one response").hasSize(2);
          ch.finishAndReleaseAll();
        }
      }
    }
  }

  /** Writes {@code raw} in one buffer ({@code split} < 0) or in two, the second from {@code split}. */
  private static void write(EmbeddedChannel ch, String raw, int split) {
    byte[] bytes = raw.getBytes(StandardCharsets.ISO_8859_1);
    if (split < 0 || split >= bytes.length) {
      ch.writeInbound(Unpooled.wrappedBuffer(bytes));
      return;
    }
    ch.writeInbound(Unpooled.wrappedBuffer(bytes, 0, split));
    if (ch.isOpen()) ch.writeInbound(Unpooled.wrappedBuffer(bytes, split, bytes.length - split));
  }

  /** The body of the first request of {@code raw + NEXT} as the codec decodes it (both requests must decode). */
  private static String bodyOf(String raw, int split) {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.pipeline().addLast(RequestFramingHandler.NAME, new RequestFramingHandler(0));
    ch.pipeline().addLast("codec", new HttpServerCodec(StrictDecoding.config(4096, 8192)));
    write(ch, raw + NEXT, split);
    java.util.List<String> uris = new java.util.ArrayList<>();
    StringBuilder body = new StringBuilder();
    for (Object o; (o = ch.readInbound()) != null; ) {
      assertThat(((io.netty.handler.codec.http.HttpObject) o).decoderResult().isSuccess()).isTrue();
      if (o instanceof io.netty.handler.codec.http.HttpRequest r) uris.add(r.uri());
      if (o instanceof io.netty.handler.codec.http.HttpContent c && uris.size() == 1) {
        body.append(c.content().toString(StandardCharsets.ISO_8859_1));
      }
      io.netty.util.ReferenceCountUtil.release(o);
    }
    assertThat(uris).containsExactly("/", "/next");
    ch.finishAndReleaseAll();
    return body.toString();
  }

  @Test
  void requestHeadersTimeoutAnswers408AndCloses() {
    EmbeddedChannel ch = channel(ProxyOptions.defaults().toBuilder().requestHeadersTimeout(Duration.ofSeconds(10)).build());
    ch.freezeTime();
    ch.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ", StandardCharsets.ISO_8859_1));
    ch.advanceTimeBy(9, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(readAll(ch)).isEmpty();
    ch.writeInbound(Unpooled.copiedBuffer("still", StandardCharsets.ISO_8859_1)); // trickling does not reset it
    ch.advanceTimeBy(2, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    ch.runPendingTasks();
    String out = readAll(ch);
    assertThat(out).startsWith("HTTP/1.1 408 Request Timeout").contains("connection: close");
    assertThat(ch.isOpen()).isFalse();
    ch.finishAndReleaseAll();
  }

  @Test
  void requestHeadersTimeoutStartsAtEachRequestsFirstByte() {
    EmbeddedChannel ch = channel(ProxyOptions.defaults().toBuilder().requestHeadersTimeout(Duration.ofSeconds(10)).build());
    ch.freezeTime();
    ch.writeInbound(Unpooled.copiedBuffer("GET /a HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.ISO_8859_1));
    ch.advanceTimeBy(30, TimeUnit.SECONDS); // an idle keep-alive connection: not a slow header
    ch.runScheduledPendingTasks();
    ch.writeInbound(Unpooled.copiedBuffer("GET /b HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.ISO_8859_1));
    String out = readAll(ch);
    assertThat(out.split("HTTP/1.1 404", -1)).hasSize(3);
    assertThat(ch.isOpen()).isTrue();
    ch.finishAndReleaseAll();
  }

  @Test
  void idleConnectionIsClosed() {
    EmbeddedChannel ch = channel(ProxyOptions.defaults().toBuilder().idleTimeout(Duration.ofSeconds(60)).build());
    ch.freezeTime();
    ch.writeInbound(Unpooled.copiedBuffer("GET /a HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.ISO_8859_1));
    readAll(ch);
    ch.advanceTimeBy(59, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isOpen()).isTrue();
    ch.advanceTimeBy(2, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isOpen()).isFalse();
    ch.finishAndReleaseAll();
  }

  @Test
  void maxRequestsPerConnectionClosesAfterTheLastOne() {
    EmbeddedChannel ch = channel(ProxyOptions.defaults().toBuilder().maxRequestsPerConnection(2).build());
    ch.writeInbound(Unpooled.copiedBuffer("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n"
        + "GET /3 HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.ISO_8859_1));
    ch.runPendingTasks();
    String out = readAll(ch);
    String[] responses = out.split("HTTP/1.1 404", -1);
    assertThat(responses).hasSize(3);
    assertThat(responses[1]).doesNotContain("connection: close");
    assertThat(responses[2]).contains("connection: close");
    assertThat(ch.isOpen()).isFalse();
    ch.finishAndReleaseAll();
  }
}
