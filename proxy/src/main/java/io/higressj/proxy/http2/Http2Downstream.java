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
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the pieces of a downstream HTTP/2 connection: the frame codec with the settings and
 * Netty's own budgets from {@link ProxyOptions}, the {@link Http2FloodGuard} in front of it, and a
 * handler at the end of the connection pipeline for the errors the codec has already answered.
 */
public final class Http2Downstream {
  /** The name of the handler that consolidates the flushes of a connection's streams. */
  public static final String FLUSHES = "h2-flushes";

  private static final System.Logger LOG = System.getLogger(Http2Downstream.class.getName());
  private static final String STREAM_ERRORS = "h2-stream-errors";
  private static final String MALFORMED_REQUESTS = "h2-malformed";
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

  /**
   * Puts an {@link Http2FloodGuard} in front of {@code codec}, which must be in {@code pipeline} already,
   * and the connection's limits ({@link Http2ConnectionLimits}) behind it.
   */
  public static void guard(ChannelPipeline pipeline, Http2FrameCodec codec, ProxyOptions options) {
    String name = pipeline.context(codec).name();
    pipeline.addBefore(name, Http2FloodGuard.NAME, new Http2FloodGuard(codec, options));
    // the responses of a connection's streams arrive from their own upstream connections, each read
    // ending in a flush: consolidated, the responses completed in one pass of the event loop go out
    // in one write instead of one each (flushed at the end of a read of this connection, or by a
    // task right after the pass, or after 256 flushes)
    pipeline.addBefore(Http2FloodGuard.NAME, FLUSHES, new FlushConsolidationHandler(256, true));
    // the request cap and idle timeout of the connection, between the codec and the stream multiplexer
    pipeline.addAfter(name, Http2ConnectionLimits.NAME, new Http2ConnectionLimits(codec, options));
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
   *
   * <p>Each stream channel also gets, first in its pipeline, the handler that answers a stream
   * error with RST_STREAM and the error's code ({@link StreamErrors}), then the request checks
   * Netty's codec leaves out ({@link MalformedRequests}).
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
        stream.pipeline().addLast(STREAM_ERRORS, StreamErrors.INSTANCE);
        stream.pipeline().addLast(MALFORMED_REQUESTS, new MalformedRequests());
        stream.pipeline().addLast(streamInitializer);
      }
    };
  }

  /**
   * The first handler of every stream channel. For a stream error on a stream it knows, Netty's
   * frame codec sends no RST_STREAM itself: it hands the error to the stream channel, whose close
   * would reset the stream with CANCEL. RFC 9113 5.4.2 wants the error's own code (PROTOCOL_ERROR,
   * STREAM_CLOSED, FLOW_CONTROL_ERROR, FRAME_SIZE_ERROR), so it is sent here before the channel
   * closes. The error is the client's: it is logged at debug level only and goes no further.
   */
  @ChannelHandler.Sharable
  private static final class StreamErrors extends ChannelInboundHandlerAdapter {
    static final StreamErrors INSTANCE = new StreamErrors();

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // the multiplexer hands the stream the codec's StreamException (the cause of its Http2FrameStreamException)
      Http2Error error = cause instanceof Http2Exception.StreamException e ? e.error()
          : cause instanceof Http2FrameStreamException e ? e.error() : null;
      if (error == null) {
        ctx.fireExceptionCaught(cause);
        return;
      }
      LOG.log(System.Logger.Level.DEBUG, () -> ctx.channel() + ": HTTP/2 stream error " + error + ": " + cause.getMessage());
      ctx.writeAndFlush(new DefaultHttp2ResetFrame(error));
      ctx.close();
    }
  }

  /**
   * The rules of RFC 9113 8.3.1 for a request's pseudo-header fields that Netty's header
   * validation does not check (it checks names, order, unknown and connection-specific fields):
   * exactly one {@code :method}, {@code :scheme} and {@code :path}, a path in origin form (or
   * {@code *} for OPTIONS), CONNECT with {@code :authority} and without {@code :scheme} and
   * {@code :path}; no field value starting or ending with whitespace (8.2.1); and no pseudo-header
   * fields in trailers (8.1). A request that breaks one is
   * malformed (8.1.1): RST_STREAM PROTOCOL_ERROR, and nothing of it goes further.
   */
  private static final class MalformedRequests extends ChannelInboundHandlerAdapter {
    private boolean headersSeen;
    private boolean refused;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (refused) {
        ReferenceCountUtil.release(msg);
        return;
      }
      if (msg instanceof Http2HeadersFrame frame) {
        String problem = headersSeen ? trailersProblem(frame.headers()) : requestProblem(frame.headers());
        headersSeen = true;
        if (problem != null) {
          refused = true;
          ReferenceCountUtil.release(msg);
          LOG.log(System.Logger.Level.DEBUG, () -> ctx.channel() + ": malformed HTTP/2 request: " + problem);
          ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.PROTOCOL_ERROR));
          ctx.close();
          return;
        }
      }
      ctx.fireChannelRead(msg);
    }

    static String requestProblem(Http2Headers h) {
      CharSequence method = h.method();
      if (method == null || h.getAll(Http2Headers.PseudoHeaderName.METHOD.value()).size() != 1) return "not exactly one :method";
      int schemes = h.getAll(Http2Headers.PseudoHeaderName.SCHEME.value()).size();
      List<CharSequence> paths = h.getAll(Http2Headers.PseudoHeaderName.PATH.value());
      if (HttpMethod.CONNECT.asciiName().contentEquals(method)) {
        if (h.authority() == null || schemes != 0 || !paths.isEmpty()) return "CONNECT needs :authority and no :scheme or :path";
        return valuesProblem(h);
      }
      if (schemes != 1) return "not exactly one :scheme";
      if (paths.size() != 1) return "not exactly one :path";
      CharSequence path = paths.get(0);
      boolean asterisk = HttpMethod.OPTIONS.asciiName().contentEquals(method) && "*".contentEquals(path);
      if (!asterisk && (path.isEmpty() || path.charAt(0) != '/')) return ":path not in origin form";
      return valuesProblem(h);
    }

    static String trailersProblem(Http2Headers h) {
      for (Map.Entry<CharSequence, CharSequence> e : h) {
        if (Http2Headers.PseudoHeaderName.hasPseudoHeaderFormat(e.getKey())) return "pseudo-header field in trailers";
      }
      return valuesProblem(h);
    }

    /**
     * RFC 9113 8.2.1: no field value starts or ends with whitespace (Netty checks NUL, CR and LF).
     * Other control characters are invalid too (RFC 9110 5.5): refused here as HTTP/1.1 refuses
     * them, rather than failing later when the request is converted for the upstream.
     */
    static String valuesProblem(Http2Headers h) {
      for (Map.Entry<CharSequence, CharSequence> e : h) {
        CharSequence v = e.getValue();
        int n = v.length();
        if (n > 0 && (isWhitespace(v.charAt(0)) || isWhitespace(v.charAt(n - 1)))) return "whitespace around the value of " + e.getKey();
        for (int i = 0; i < n; i++) {
          char c = v.charAt(i);
          if (c < 0x20 && c != '\t' || c == 0x7f) return "control character in the value of " + e.getKey();
        }
      }
      return null;
    }

    private static boolean isWhitespace(char c) {
      return c == ' ' || c == '\t';
    }
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
      // a server connection (what the builder makes by default), with our remote flow controller
      DefaultHttp2Connection connection = new DefaultHttp2Connection(true);
      connection.remote().flowController(new RemoteFlowController(connection));
      connection(connection);
      gracefulShutdownTimeoutMillis(0); // as forServer()
    }

    @Override
    protected Http2FrameCodec build(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings) {
      Codec codec = new Codec(encoder, decoder, settings, decoupleCloseAndGoAway(), flushPreface(), maxHeaderListSize);
      codec.gracefulShutdownTimeoutMillis(gracefulShutdownTimeoutMillis());
      return codec;
    }
  }

  /**
   * Netty's remote flow controller, except that a SETTINGS_INITIAL_WINDOW_SIZE change that takes a
   * stream's window past 2^31-1 is a connection error FLOW_CONTROL_ERROR, as RFC 9113 6.9.2 asks.
   * Netty makes it a stream error of the first stream it finds overflowing.
   */
  private static final class RemoteFlowController extends DefaultHttp2RemoteFlowController {
    RemoteFlowController(Http2Connection connection) {
      super(connection);
    }

    @Override
    public void initialWindowSize(int newWindowSize) throws Http2Exception {
      try {
        super.initialWindowSize(newWindowSize);
      } catch (Http2Exception e) {
        if (!Http2Exception.isStreamError(e)) throw e;
        throw Http2Exception.connectionError(Http2Error.FLOW_CONTROL_ERROR, e,
            "SETTINGS_INITIAL_WINDOW_SIZE %d overflows a stream's window", newWindowSize);
      }
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

    /**
     * For a connection error that closes at once, Netty's GOAWAY names stream 2^31-1 as the last
     * one it might have processed, in case the error struck while a stream was being created.
     * Here a request starts only after its stream was created, so the last stream created is
     * exact, and RFC 9113 5.4.1 asks for it: a client then knows which of its requests it may
     * retry. Netty's own GOAWAY after this one is not sent (the last stream id may not increase).
     */
    @Override
    protected void onConnectionError(ChannelHandlerContext ctx, boolean outbound, Throwable cause, Http2Exception http2Ex) {
      if (http2Ex != null && http2Ex.shutdownHint() == Http2Exception.ShutdownHint.HARD_SHUTDOWN && !connection().goAwaySent()
          && ctx.channel().isActive()) {
        goAway(ctx, connection().remote().lastStreamCreated(), http2Ex.error().code(), Http2CodecUtil.toByteBuf(ctx, cause),
            ctx.newPromise());
      }
      super.onConnectionError(ctx, outbound, cause, http2Ex);
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
