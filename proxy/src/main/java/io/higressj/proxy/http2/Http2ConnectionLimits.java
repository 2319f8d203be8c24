package io.higressj.proxy.http2;

import io.higressj.proxy.ProxyOptions;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The connection-level limits of an HTTP/1.1 connection, applied to an HTTP/2 connection the way
 * Envoy applies them: {@link ProxyOptions#maxRequestsPerConnection()} (after that many streams the
 * gateway sends GOAWAY {@code NO_ERROR} naming the last one, serves the streams it accepted and
 * closes when they end; streams the client opens later are refused by the codec) and {@link
 * ProxyOptions#idleTimeout()} (a connection without an open stream for that long gets GOAWAY {@code
 * NO_ERROR} and is closed; a stream that is open but quiet, a server-sent event stream for instance,
 * keeps it).
 *
 * <p>Sits right behind the frame codec, in front of the stream multiplexer, and sees every frame
 * object the codec reads; it passes them all on.
 */
final class Http2ConnectionLimits extends ChannelDuplexHandler {
  static final String NAME = "h2-limits";

  private final Http2FrameCodec codec;
  private final int maxRequests;
  private final long idleNanos;
  /** how often the idle check runs: a quarter of the timeout (at least 10 ms); 0 when there is no timeout */
  private final long checkEveryNanos;
  private int requests;
  private int lastStreamId;
  private boolean draining;
  private ScheduledFuture<?> idleCheck;
  private long lastActiveNanos;
  private boolean activity; // a stream frame read or written since the last check

  Http2ConnectionLimits(Http2FrameCodec codec, ProxyOptions options) {
    this.codec = codec;
    this.maxRequests = options.maxRequestsPerConnection();
    this.idleNanos = options.idleTimeout().toNanos();
    this.checkEveryNanos = idleNanos > 0 ? Math.max(TimeUnit.MILLISECONDS.toNanos(10), idleNanos / 4) : 0;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) startIdleChecks(ctx);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    startIdleChecks(ctx);
    super.channelActive(ctx);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    if (msg instanceof Http2StreamFrame) activity = true;
    super.write(ctx, msg, promise);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof Http2StreamFrame) activity = true;
    if (msg instanceof Http2HeadersFrame h && h.stream() != null && h.stream().id() > lastStreamId) {
      lastStreamId = h.stream().id(); // a new stream (trailers come on a known one)
      requests++;
      ctx.fireChannelRead(msg);
      if (maxRequests > 0 && requests >= maxRequests && !draining) drain(ctx);
      return;
    }
    super.channelRead(ctx, msg);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancelIdleCheck();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancelIdleCheck();
    super.channelInactive(ctx);
  }

  /**
   * GOAWAY NO_ERROR naming the last stream accepted; the connection closes when its open streams have
   * ended (each is bounded by the stream timeouts), at once when none is open.
   */
  private void drain(ChannelHandlerContext ctx) {
    draining = true;
    // extra stream ids 0: the last stream id is the highest the client opened, so nothing after it is served
    ctx.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR, Unpooled.EMPTY_BUFFER));
    if (codec.connection().numActiveStreams() == 0) {
      ctx.channel().close();
      return;
    }
    codec.connection().addListener(new Http2ConnectionAdapter() {
      @Override
      public void onStreamClosed(Http2Stream stream) {
        // called while the codec still counts the stream: close after it is done with it
        ctx.executor().execute(() -> {
          if (codec.connection().numActiveStreams() == 0) ctx.channel().close();
        });
      }
    });
  }

  private void startIdleChecks(ChannelHandlerContext ctx) {
    if (checkEveryNanos == 0 || idleCheck != null) return;
    lastActiveNanos = ctx.executor().ticker().nanoTime();
    idleCheck = ctx.executor().schedule(() -> checkIdle(ctx), checkEveryNanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Runs every {@link #checkEveryNanos}: a connection with an open stream, or with stream frames
   * since the last check, is active; one that was not for the whole timeout is closed (so within
   * 1.25 times the timeout of its last stream frame).
   */
  private void checkIdle(ChannelHandlerContext ctx) {
    idleCheck = null;
    if (!ctx.channel().isActive() || draining) return; // a draining connection closes when its streams end
    long now = ctx.executor().ticker().nanoTime();
    if (activity || codec.connection().numActiveStreams() > 0) {
      activity = false;
      lastActiveNanos = now;
    } else if (now - lastActiveNanos >= idleNanos) {
      drain(ctx);
      return;
    }
    idleCheck = ctx.executor().schedule(() -> checkIdle(ctx), checkEveryNanos, TimeUnit.NANOSECONDS);
  }

  private void cancelIdleCheck() {
    if (idleCheck != null) {
      idleCheck.cancel(false);
      idleCheck = null;
    }
  }
}
