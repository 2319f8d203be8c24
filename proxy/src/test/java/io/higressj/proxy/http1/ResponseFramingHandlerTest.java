package io.higressj.proxy.http1;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Upstream responses through the framing checks and Netty's client codec. */
class ResponseFramingHandlerTest {
  private static final String OK = "HTTP/1.1 200 OK\r\n";

  private static EmbeddedChannel channel() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.pipeline().addLast(ResponseFramingHandler.NAME, new ResponseFramingHandler());
    ch.pipeline().addLast("codec", new HttpClientCodec(StrictDecoding.config(4096, 8192), false, false));
    ch.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
    for (Object o; (o = ch.readOutbound()) != null; ) ReferenceCountUtil.release(o);
    return ch;
  }

  private static List<String> decode(EmbeddedChannel ch, String raw) {
    ch.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
    List<String> out = new ArrayList<>();
    for (Object o; (o = ch.readInbound()) != null; ) {
      HttpObject h = (HttpObject) o;
      String kind = h instanceof HttpResponse r ? "response " + r.status().code() : "content";
      if (h instanceof HttpContent c && !(h instanceof HttpResponse)) kind += " " + c.content().toString(StandardCharsets.ISO_8859_1);
      out.add(kind + (h.decoderResult().isFailure() ? " FAILED" : ""));
      ReferenceCountUtil.release(o);
    }
    return out;
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of("contentLengthAndTransferEncoding", OK + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("differingContentLength", OK + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"),
        Arguments.of("duplicateContentLength", OK + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc"),
        Arguments.of("invalidContentLength", OK + "Content-Length: 3x\r\n\r\nabc"),
        Arguments.of("transferEncodingXchunked", OK + "Transfer-Encoding: xchunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("transferEncodingChunkedIdentity", OK + "Transfer-Encoding: chunked, identity\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("transferEncodingGzip", OK + "Transfer-Encoding: gzip\r\n\r\nabc"),
        Arguments.of("transferEncodingOnHttp10", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("headerInjectionBareCr", OK + "X-A: a\rSet-Cookie: x=1\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of("nulInHeaderValue", OK + "X-A: a\0b\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of("obsFold", OK + "X-A: a\r\n b\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of("headerWithoutColon", OK + "X-A a\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of("bareLf", OK + "X-A: a\nContent-Length: 0\r\n\r\n"),
        Arguments.of("versionHttp12", "HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of("statusCodeFourDigits", "HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of("statusCodeTwoDigits", "HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of("notHttp", "SSH-2.0-OpenSSH\r\n\r\n"),
        Arguments.of("obsFoldInFinalAfterInterim", "HTTP/1.1 100 Continue\r\n\r\n" + OK + "X-A: a\r\n b\r\nContent-Length: 0\r\n\r\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refusedResponsesFailBeforeAnythingIsForwarded(String rule, String raw) {
    EmbeddedChannel ch = channel();
    List<String> out = decode(ch, raw);
    assertThat(out).as(rule).isNotEmpty();
    assertThat(out.get(out.size() - 1)).as(rule + ": " + out).endsWith("FAILED");
    assertThat(out.stream().filter(s -> s.startsWith("response") && !s.endsWith("FAILED") && !s.startsWith("response 100")))
        .as(rule + ": no response decoded as valid: " + out).isEmpty();
    ch.finishAndReleaseAll();
  }

  @Test
  void badChunkingIsLeftToTheCodecWhichFailsTheContent() {
    EmbeddedChannel ch = channel();
    List<String> out = decode(ch, OK + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n");
    assertThat(out.get(0)).isEqualTo("response 200");
    assertThat(out.get(out.size() - 1)).endsWith("FAILED");
    ch.finishAndReleaseAll();
  }

  @Test
  void theNextHeadIsCheckedAfterExpectResponse() {
    EmbeddedChannel ch = channel();
    assertThat(decode(ch, OK + "Content-Length: 2\r\n\r\nok")).containsExactly("response 200", "content ok");
    ((ResponseFramingHandler) ch.pipeline().get(ResponseFramingHandler.NAME)).expectResponse();
    ch.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/2"));
    for (Object o; (o = ch.readOutbound()) != null; ) ReferenceCountUtil.release(o);
    List<String> out = decode(ch, OK + "X-A: a\r\n b\r\nContent-Length: 0\r\n\r\n");
    assertThat(out).containsExactly("response 502 FAILED");
    ch.finishAndReleaseAll();
  }

  @Test
  void interimResponsesAndPlainOnesPass() {
    EmbeddedChannel ch = channel();
    assertThat(decode(ch, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200\r\nTransfer-Encoding: Chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"))
        .containsExactly("response 100", "content ", "response 200", "content ok", "content ");
    ch.finishAndReleaseAll();
  }
}
