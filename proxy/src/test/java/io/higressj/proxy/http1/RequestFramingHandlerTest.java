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
    return Stream.of(
        // Content-Length and Transfer-Encoding
        Arguments.of("contentLengthAndTransferEncoding", POST + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        Arguments.of("transferEncodingAndContentLength", POST + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        Arguments.of("duplicateEqualContentLength", POST + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 400),
        Arguments.of("differingContentLength", POST + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
        Arguments.of("contentLengthList", POST + "Content-Length: 3, 3\r\n\r\nabc", 400),
        Arguments.of("contentLengthSign", POST + "Content-Length: +3\r\n\r\nabc", 400),
        Arguments.of("contentLengthNegative", POST + "Content-Length: -1\r\n\r\nabc", 400),
        Arguments.of("contentLengthHex", POST + "Content-Length: 0x3\r\n\r\nabc", 400),
        Arguments.of("contentLengthEmpty", POST + "Content-Length: \r\n\r\nabc", 400),
        Arguments.of("contentLengthOverflow", POST + "Content-Length: 99999999999999999999999\r\n\r\nabc", 400),
        Arguments.of("contentLengthSpaceBeforeColon", POST + "Content-Length : 3\r\n\r\nabc", 400),
        // Transfer-Encoding other than one final chunked
        Arguments.of("transferEncodingXchunked", POST + "Transfer-Encoding: xchunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        Arguments.of("transferEncodingChunkedIdentity", POST + "Transfer-Encoding: chunked, identity\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        Arguments.of("transferEncodingIdentity", POST + "Transfer-Encoding: identity\r\n\r\nabc", 400),
        Arguments.of("transferEncodingGzipChunked", POST + "Transfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        Arguments.of("transferEncodingChunkedTwice", POST + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        Arguments.of("transferEncodingSpaceBeforeColon", POST + "Transfer-Encoding : chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        Arguments.of("transferEncodingVerticalTab", POST + "Transfer-Encoding:\u000bchunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        Arguments.of("transferEncodingFormFeed", POST + "Transfer-Encoding:\fchunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        Arguments.of("transferEncodingTrailingVerticalTab", POST + "Transfer-Encoding: chunked\u000b\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        Arguments.of("transferEncodingEmpty", POST + "Transfer-Encoding: \r\n\r\n", 400),
        Arguments.of("transferEncodingOnHttp10", "POST / HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        // line endings and folding
        Arguments.of("bareLfAfterRequestLine", "GET / HTTP/1.1\nHost: x\r\n\r\n", 400),
        Arguments.of("bareLfAfterHeader", GET + "X-A: b\n\r\n", 400),
        Arguments.of("bareLfEndsHeaders", GET + "\n", 400),
        Arguments.of("bareCrInHeaderLine", GET + "X-A: b\rX-B: c\r\n\r\n", 400),
        Arguments.of("bareCrInRequestLine", "GET / HTTP/1.1\rHost: x\r\n\r\n", 400),
        Arguments.of("obsFoldSpace", GET + "X-A: b\r\n c\r\n\r\n", 400),
        Arguments.of("obsFoldTab", GET + "X-A: b\r\n\tc\r\n\r\n", 400),
        Arguments.of("obsFoldOfTransferEncoding", POST + "Transfer-Encoding:\r\n chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        Arguments.of("whitespaceBeforeFirstHeader", "GET / HTTP/1.1\r\n Host: x\r\n\r\n", 400),
        // field lines
        Arguments.of("headerWithoutColon", GET + "X-A b\r\n\r\n", 400),
        Arguments.of("headerNameOnly", GET + "X-A\r\n\r\n", 400),
        Arguments.of("emptyHeaderName", GET + ": b\r\n\r\n", 400),
        Arguments.of("nulInHeaderValue", GET + "X-A: b\0c\r\n\r\n", 400),
        Arguments.of("nulInHeaderName", GET + "X-\0A: b\r\n\r\n", 400),
        Arguments.of("crInHeaderValue", GET + "X-A: b\rc\r\n\r\n", 400),
        Arguments.of("controlCharacterInHeaderValue", GET + "X-A: b\u0001c\r\n\r\n", 400),
        Arguments.of("delInHeaderValue", GET + "X-A: b\u007fc\r\n\r\n", 400),
        Arguments.of("spaceInHeaderName", GET + "X A: b\r\n\r\n", 400),
        Arguments.of("nonAsciiInHeaderName", GET + "X-\u00e9: b\r\n\r\n", 400),
        // Host
        Arguments.of("missingHostOnHttp11", "GET / HTTP/1.1\r\n\r\n", 400),
        Arguments.of("duplicateHost", GET + "Host: y\r\n\r\n", 400),
        Arguments.of("invalidHost", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400),
        Arguments.of("hostWithUserinfo", "GET / HTTP/1.1\r\nHost: a@b\r\n\r\n", 400),
        Arguments.of("absoluteFormDisagreesWithHost", "GET http://a.example/ HTTP/1.1\r\nHost: b.example\r\n\r\n", 400),
        // request line and version
        Arguments.of("http09RequestLine", "GET /\r\n\r\n", 400),
        Arguments.of("versionHttp12", "GET / HTTP/1.2\r\nHost: x\r\n\r\n", 505),
        Arguments.of("versionHttp20", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505),
        Arguments.of("versionHttp30", "GET / HTTP/3.0\r\nHost: x\r\n\r\n", 505),
        Arguments.of("versionLowerCase", "GET / http/1.1\r\nHost: x\r\n\r\n", 400),
        Arguments.of("versionUnknownProtocol", "GET / FOO/1.1\r\nHost: x\r\n\r\n", 400),
        Arguments.of("versionTwoDigits", "GET / HTTP/1.10\r\nHost: x\r\n\r\n", 400),
        Arguments.of("requestLineDoubleSpace", "GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        Arguments.of("requestLineTab", "GET\t/ HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        Arguments.of("requestLineTrailingSpace", "GET / HTTP/1.1 \r\nHost: x\r\n\r\n", 400),
        Arguments.of("controlCharacterInTarget", "GET /a\u0001b HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        Arguments.of("nonAsciiInTarget", "GET /caf\u00e9 HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        Arguments.of("fragmentInTarget", "GET /a#b HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        Arguments.of("invalidMethod", "G(T / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        Arguments.of("leadingWhitespaceBeforeRequestLine", " GET / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        // paths
        Arguments.of("pathAboveRoot", "GET /../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        Arguments.of("pathEncodedDotsAboveRoot", "GET /a/%2e%2e/%2E%2E/b HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        Arguments.of("pathInvalidPercentEncoding", "GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        // limits
        Arguments.of("requestLineTooLong", "GET /" + "a".repeat(17 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        Arguments.of("headersTooLarge", GET + "X-A: " + "a".repeat(61 * 1024) + "\r\n\r\n", 431),
        Arguments.of("tooManyHeaders", GET + "X-A: a\r\n".repeat(100) + "\r\n", 431));
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
    return Stream.of(
        Arguments.of("chunkSizeNotHex", POST + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("chunkSizeHexPrefix", POST + "Transfer-Encoding: chunked\r\n\r\n0x3\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("chunkSizeNegative", POST + "Transfer-Encoding: chunked\r\n\r\n-3\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("chunkSizeOverflow", POST + "Transfer-Encoding: chunked\r\n\r\nfffffffffffffffff3\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("chunkSizeTrailingSpace", POST + "Transfer-Encoding: chunked\r\n\r\n3 \r\nabc\r\n0\r\n\r\n"),
        Arguments.of("chunkSizeLeadingSpace", POST + "Transfer-Encoding: chunked\r\n\r\n 3\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("chunkSizeEmpty", POST + "Transfer-Encoding: chunked\r\n\r\n\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("chunkExtensionControlCharacter", POST + "Transfer-Encoding: chunked\r\n\r\n3;a=\u0001b\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("chunkExtensionBareCr", POST + "Transfer-Encoding: chunked\r\n\r\n3;a\rb\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("chunkDataLongerThanSize", POST + "Transfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n"),
        Arguments.of("chunkDataBareLf", POST + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\n0\r\n\r\n"),
        Arguments.of("chunkSizeBareLf", POST + "Transfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n"),
        Arguments.of("lastChunkBareLf", POST + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\n\r\n"),
        Arguments.of("trailerBareLf", POST + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\n"),
        Arguments.of("trailerObsFold", POST + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: a\r\n b\r\n\r\n"));
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
