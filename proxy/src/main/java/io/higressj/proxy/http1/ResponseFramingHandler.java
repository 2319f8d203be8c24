package io.higressj.proxy.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Sits in front of an upstream connection's HTTP/1.1 client codec and checks each response head
 * with {@link HeadScanner} (interim 1xx heads included) before the codec sees it. The body is left
 * to the codec, which rejects bad chunking itself; the connection serves one request at a time, so
 * the next head is expected only when the connection is handed to the next exchange
 * ({@link #expectResponse()}); bytes that arrive in between are the pool's problem (it closes
 * such a connection). A violation passes on the bytes before it, then a response whose decoder
 * result failed with a {@link ProtocolViolationException} (status 502), and drops all later input.
 */
public final class ResponseFramingHandler extends ChannelInboundHandlerAdapter {
  /** The name this handler has in an upstream pipeline. */
  public static final String NAME = "framing";

  private enum State { HEAD, BODY, PASS, DEAD }

  private final HeadScanner head = new HeadScanner(false);
  private State state = State.HEAD;

  /** The connection is about to send a request: the next bytes from upstream start a response head. */
  public void expectResponse() {
    if (state == State.BODY) {
      head.reset(false);
      state = State.HEAD;
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    state = State.PASS;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf buf) || state == State.PASS || state == State.BODY) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (state == State.DEAD) {
      buf.release();
      return;
    }
    int start = buf.readerIndex();
    int end = buf.writerIndex();
    int i = start;
    while (i < end && state == State.HEAD) {
      i = head.feed(buf, i, end);
      HeadScanner.Result r = head.result();
      if (r == HeadScanner.Result.BAD) {
        if (i > start) ctx.fireChannelRead(buf.retainedSlice(start, i - start));
        buf.release();
        state = State.DEAD;
        FullHttpResponse failed = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_GATEWAY, Unpooled.EMPTY_BUFFER);
        failed.setDecoderResult(DecoderResult.failure(new ProtocolViolationException(502, head.violation())));
        ctx.fireChannelRead(failed);
        return;
      }
      if (r == HeadScanner.Result.DONE) {
        int status = head.status();
        if (status >= 100 && status < 200 && status != 101) {
          head.reset(false); // an interim response: the final one follows
        } else {
          state = State.BODY;
        }
      }
    }
    ctx.fireChannelRead(buf);
  }
}
