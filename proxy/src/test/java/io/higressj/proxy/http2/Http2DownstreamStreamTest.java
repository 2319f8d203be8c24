package io.higressj.proxy.http2;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The handlers {@link Http2Downstream#closedWithConnection} puts first in every stream channel, on
 * an {@link EmbeddedChannel} standing in for one: RFC 9113 8.3.1 request rules (RST_STREAM
 * PROTOCOL_ERROR, the stream closed, nothing passed on) and stream errors reset with their own
 * code. End to end: {@code server/.../edge/h2/H2SpecMessagesTest}.
 */
class Http2DownstreamStreamTest {
  EmbeddedChannel stream;

  @AfterEach
  void release() {
    if (stream != null) stream.finishAndReleaseAll();
  }

  private void start() {
    stream = new EmbeddedChannel(Http2Downstream.closedWithConnection(new ChannelInboundHandlerAdapter()));
  }

  /** Headers as a client sent them: not validated here (the codec's HPACK decoder validated what it checks). */
  static Http2Headers headers() {
    return new DefaultHttp2Headers(false);
  }

  static Http2Headers request(String method, String path) {
    return headers().method(method).scheme("http").authority("foo.com").path(path);
  }

  private void assertReset(Http2Error error) {
    Object out = stream.readOutbound();
    assertThat(out).isInstanceOf(Http2ResetFrame.class);
    assertThat(((Http2ResetFrame) out).errorCode()).isEqualTo(error.code());
    assertThat(stream.isOpen()).isFalse();
    assertThat((Object) stream.readInbound()).isNull();
  }

  private void assertMalformed(Http2Headers h) {
    start();
    stream.writeInbound(new DefaultHttp2HeadersFrame(h, false));
    assertReset(Http2Error.PROTOCOL_ERROR);
    stream.finishAndReleaseAll();
  }

  @Test
  void aWellFormedRequestAndItsTrailersPass() {
    start();
    stream.writeInbound(new DefaultHttp2HeadersFrame(request("GET", "/a").add("x-a", "b"), false));
    stream.writeInbound(new DefaultHttp2HeadersFrame(headers().add("x-trailer", "t"), true));
    assertThat((Object) stream.readInbound()).isInstanceOf(Http2HeadersFrame.class);
    assertThat((Object) stream.readInbound()).isInstanceOf(Http2HeadersFrame.class);
    assertThat((Object) stream.readOutbound()).isNull();
  }

  @Test
  void asteriskFormIsForOptionsOnly() {
    start();
    stream.writeInbound(new DefaultHttp2HeadersFrame(request("OPTIONS", "*"), true));
    assertThat((Object) stream.readInbound()).isInstanceOf(Http2HeadersFrame.class);
    assertMalformed(request("GET", "*"));
  }

  @Test
  void connectNeedsAuthorityAndNoSchemeOrPath() {
    start();
    stream.writeInbound(new DefaultHttp2HeadersFrame(headers().method("CONNECT").authority("foo.com:443"), false));
    assertThat((Object) stream.readInbound()).isInstanceOf(Http2HeadersFrame.class);
    assertMalformed(headers().method("CONNECT"));
    assertMalformed(request("CONNECT", "/"));
  }

  @Test
  void missingOrRepeatedPseudoHeadersAreMalformed() {
    assertMalformed(headers().scheme("http").authority("foo.com").path("/"));
    assertMalformed(headers().method("GET").authority("foo.com").path("/"));
    assertMalformed(headers().method("GET").scheme("http").authority("foo.com"));
    assertMalformed(request("GET", "/").add(":path", "/b"));
    assertMalformed(request("GET", "/").add(":scheme", "https"));
    assertMalformed(request("GET", ""));
    assertMalformed(request("GET", "a/b"));
  }

  @Test
  void whitespaceAroundAValueAndControlCharactersAreMalformed() {
    assertMalformed(request("GET", "/").add("x-a", " b"));
    assertMalformed(request("GET", "/").add("x-a", "b\t"));
    assertMalformed(request("GET", "/").add("x-a", "b\u0001c"));
    assertMalformed(request("GET", "/").add("x-a", "b\u007fc"));
  }

  @Test
  void pseudoHeadersInTrailersAreMalformed() {
    start();
    stream.writeInbound(new DefaultHttp2HeadersFrame(request("POST", "/a"), false));
    assertThat((Object) stream.readInbound()).isInstanceOf(Http2HeadersFrame.class);
    stream.writeInbound(new DefaultHttp2HeadersFrame(headers().path("/b"), true));
    assertReset(Http2Error.PROTOCOL_ERROR);
  }

  @Test
  void aStreamErrorResetsTheStreamWithItsCode() {
    start();
    stream.pipeline().fireExceptionCaught(Http2Exception.streamError(1, Http2Error.FLOW_CONTROL_ERROR, "window overflow"));
    assertReset(Http2Error.FLOW_CONTROL_ERROR);
  }
}
