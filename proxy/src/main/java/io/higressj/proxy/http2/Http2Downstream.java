package io.higressj.proxy.http2;

import io.higressj.proxy.Http2Options;
import io.higressj.proxy.ProxyOptions;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.AttributeKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;

/**
 * Builds the pieces of a downstream HTTP/2 connection: the frame codec with the settings and
 * Netty's own budgets from {@link ProxyOptions}, the {@link Http2FloodGuard} in front of it, and a
 * handler at the end of the connection pipeline for the errors the codec has already answered.
 */
public final class Http2Downstream {
  private static final System.Logger LOG = System.getLogger(Http2Downstream.class.getName());
  private static final AttributeKey<Set<Channel>> STREAMS = AttributeKey.valueOf(Http2Downstream.class, "streams");

  private Http2Downstream() {}

  /**
   * A server frame codec announcing {@link Http2Options}'s settings and SETTINGS_MAX_HEADER_LIST_SIZE =
   * {@link ProxyOptions#maxHeaderSize()}, with Netty's budgets set from {@link Http2Options}: RST_STREAM
   * received and sent per window, consecutive empty DATA frames, small CONTINUATION frames, queued
   * control frames. A header list over the limit is answered 431 on its stream (Netty), then the
   * connection ends with GOAWAY {@code ENHANCE_YOUR_CALM}, as HTTP/1.1 answers 431 and closes.
   */
  public static Http2FrameCodec frameCodec(ProxyOptions options) {
    Http2Options h2 = options.http2();
    int windowSeconds = (int) h2.floodWindow().toSeconds();
    return new Builder(options.maxHeaderSize())
        .initialSettings(new Http2Settings()
            .maxConcurrentStreams(h2.maxConcurrentStreams())
            .initialWindowSize(h2.initialStreamWindowSize())
            .maxFrameSize(h2.maxFrameSize())
            .maxHeaderListSize(options.maxHeaderSize()))
        .validateHeaders(true)
        .decoderEnforceMaxRstFramesPerWindow(h2.maxResetFramesPerWindow(), windowSeconds)
        .encoderEnforceMaxRstFramesPerWindow(h2.maxResetFramesPerWindow(), windowSeconds)
        .decoderEnforceMaxConsecutiveEmptyDataFrames(h2.maxConsecutiveEmptyDataFrames())
        .decoderEnforceMaxSmallContinuationFrames(h2.maxSmallContinuationFrames())
        .encoderEnforceMaxQueuedControlFrames(h2.maxQueuedControlFrames())
        .build();
  }

  /** Puts an {@link Http2FloodGuard} in front of {@code codec}, which must be in {@code pipeline} already. */
  public static void guard(ChannelPipeline pipeline, Http2FrameCodec codec, ProxyOptions options) {
    pipeline.addBefore(pipeline.context(codec).name(), Http2FloodGuard.NAME, new Http2FloodGuard(codec, options));
  }

  /**
   * For the h2c upgrade, where Netty adds the codec and the handlers given with it: the first of
   * those handlers, which guards the codec in front of it and removes itself.
   */
  public static ChannelHandler guardOnUpgrade(Http2FrameCodec codec, ProxyOptions options) {
    return new ChannelHandlerAdapter() {
      @Override
      public void handlerAdded(ChannelHandlerContext ctx) {
        guard(ctx.pipeline(), codec, options);
        ctx.pipeline().remove(this);
      }
    };
  }

  /**
   * Wraps the initializer of a connection's stream channels so that the stream channels can be
   * closed with the connection ({@link #closeStreams}), which happens when the connection closes.
   * Netty leaves a stream channel open after its stream ended while it holds frames nobody has read
   * yet (the proxy stops reading a stream while its upstream is not ready): the exchange would
   * notice only when its upstream answered or timed out, and the frames' buffers would be held
   * until then. A client that floods and is disconnected must not leave that behind.
   */
  public static ChannelHandler closedWithConnection(ChannelHandler streamInitializer) {
    return new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel stream) {
        Channel connection = stream.parent();
        if (connection != null) {
          Set<Channel> streams = connection.attr(STREAMS).get();
          if (streams == null) {
            streams = new HashSet<>(); // only touched on the connection's event loop
            connection.attr(STREAMS).set(streams);
            connection.closeFuture().addListener(f -> closeStreams(connection));
          }
          Set<Channel> open = streams;
          open.add(stream);
          stream.closeFuture().addListener(f -> open.remove(stream));
        }
        stream.pipeline().addLast(streamInitializer);
      }
    };
  }

  /** Closes the stream channels of {@code connection} still open (see {@link #closedWithConnection}). */
  public static void closeStreams(Channel connection) {
    Set<Channel> streams = connection.attr(STREAMS).get();
    if (streams == null || streams.isEmpty()) return;
    for (Channel stream : new ArrayList<>(streams)) stream.close();
  }

  /**
   * The last handler of a connection's pipeline. The codec passes on every connection error after
   * it has sent the GOAWAY and started the close; these end here, logged at debug level only (a
   * flood of bad connections must not flood the log). Anything else closes the connection.
   */
  public static ChannelHandler errorSink() {
    return ErrorSink.INSTANCE;
  }

  @ChannelHandler.Sharable
  private static final class ErrorSink extends ChannelInboundHandlerAdapter {
    static final ErrorSink INSTANCE = new ErrorSink();

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.log(System.Logger.Level.DEBUG, () -> ctx.channel().remoteAddress() + ": HTTP/2 connection error: " + cause);
      if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) == null) ctx.close();
    }
  }

  /** {@link Http2FrameCodecBuilder#forServer()}, building a {@link Codec}. */
  private static final class Builder extends Http2FrameCodecBuilder {
    private final long maxHeaderListSize;

    Builder(long maxHeaderListSize) {
      this.maxHeaderListSize = maxHeaderListSize;
      server(true);
      gracefulShutdownTimeoutMillis(0); // as forServer()
    }

    @Override
    protected Http2FrameCodec build(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings) {
      Codec codec = new Codec(encoder, decoder, settings, decoupleCloseAndGoAway(), flushPreface(), maxHeaderListSize);
      codec.gracefulShutdownTimeoutMillis(gracefulShutdownTimeoutMillis());
      return codec;
    }
  }

  /** Netty's frame codec, ending the connection after it answered a header list over the limit with 431. */
  private static final class Codec extends Http2FrameCodec {
    private final long maxHeaderListSize;

    Codec(Http2ConnectionEncoder encoder, Http2ConnectionDecoder decoder, Http2Settings settings, boolean decoupleCloseAndGoAway,
        boolean flushPreface, long maxHeaderListSize) {
      super(encoder, decoder, settings, decoupleCloseAndGoAway, flushPreface);
      this.maxHeaderListSize = maxHeaderListSize;
    }

    @Override
    public void onError(ChannelHandlerContext ctx, boolean outbound, Throwable cause) {
      super.onError(ctx, outbound, cause);
      Http2Exception e = Http2CodecUtil.getEmbeddedHttp2Exception(cause);
      if (!outbound && e instanceof Http2Exception.HeaderListSizeException h && h.duringDecode()) {
        // an HPACK bomb decodes to far more than it weighs: one is enough to end the connection
        super.onError(ctx, false, Http2Exception.connectionError(Http2Error.ENHANCE_YOUR_CALM,
            "header list larger than %d bytes", maxHeaderListSize));
      }
    }
  }
}
