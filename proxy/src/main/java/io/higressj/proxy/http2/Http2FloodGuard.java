package io.higressj.proxy.http2;

import io.higressj.proxy.Http2Options;
import io.higressj.proxy.ProxyOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2LocalFlowController;
import io.netty.handler.ssl.SslHandler;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sits in front of an HTTP/2 server codec and follows the frames on the wire in both directions,
 * reading nothing but frame headers (bytes pass through unchanged, never copied). It keeps the
 * per-connection budgets Netty does not: RST_STREAM (all of them: Netty counts only those for open
 * streams), SETTINGS, PING, PRIORITY, WINDOW_UPDATE and other frames per time window, and the size
 * of a header block (HEADERS and its CONTINUATION frames, before HPACK decoding). A client over a
 * budget gets GOAWAY {@code ENHANCE_YOUR_CALM} from the codec: the bytes before the offending frame
 * still reach the codec, nothing after it does. It also refuses HEADERS that would open a stream
 * with an id lower than one the client opened before (RFC 9113 5.1.1, GOAWAY {@code PROTOCOL_ERROR}),
 * which Netty cannot tell from a closed stream.
 *
 * <p>Outbound it counts the DATA frames the gateway sends (clients answer them with WINDOW_UPDATE
 * and PING frames, which earn budget) and notices a GOAWAY with an error code, after which inbound
 * bytes are dropped and the close becomes a delayed close, as for HTTP/1.1 (flush, half-close,
 * drop what the client still sends, close when it does or after a second): closing at once while
 * a flooding client is still sending makes the kernel answer with a reset, which can destroy the
 * GOAWAY before the client reads it. Once the GOAWAY is flushed, the connection's streams are
 * closed and the codec is torn down, so a connection being drained holds nothing but its socket.
 *
 * <p>When added, it also opens the connection's flow-control window to
 * {@link Http2Options#initialConnectionWindowSize()} (the codec already sent its SETTINGS).
 */
public final class Http2FloodGuard extends ChannelDuplexHandler {
  /** The name of this handler in a downstream pipeline. */
  public static final String NAME = "h2-guard";
  /** A header block may exceed the header list limit by this much (padding, table size updates) before it is a flood. */
  public static final int HEADER_BLOCK_SLACK = 512;

  private static final System.Logger LOG = System.getLogger(Http2FloodGuard.class.getName());
  private static final int PREFACE_LENGTH = 24;
  private static final long DELAYED_CLOSE_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final int MAX_GAPS = 8;

  private static final int DATA = 0x0;
  private static final int HEADERS = 0x1;
  private static final int PRIORITY = 0x2;
  private static final int RST_STREAM = 0x3;
  private static final int SETTINGS = 0x4;
  private static final int PUSH_PROMISE = 0x5;
  private static final int PING = 0x6;
  private static final int GOAWAY = 0x7;
  private static final int WINDOW_UPDATE = 0x8;
  private static final int CONTINUATION = 0x9;

  private final Http2FrameCodec codec;
  private final Http2Options options;
  private final long windowNanos;
  private final long maxHeaderBlock;
  private final FrameScanner inbound = new FrameScanner(PREFACE_LENGTH);
  private final FrameScanner outbound = new FrameScanner(0);
  private final FrameScanner.Listener inboundListener = this::onInboundFrame;
  private final FrameScanner.Listener outboundListener = this::onOutboundFrame;
  private final FrameScanner.PrefixListener goAwayListener = this::onGoAway;

  private long windowStart;
  private int resets;
  private int settings;
  private int pings;
  private int priorities;
  private int windowUpdates;
  private int others;
  private long dataFramesSent;
  private long headerBlock;
  private String violation;
  private Http2Error violationError = Http2Error.ENHANCE_YOUR_CALM;
  private int violationStart;
  /** The highest stream id the client opened, once known (-1 before the first frame). */
  private int highestStream = -1;
  /** Ranges of client stream ids skipped over (never opened): {from, to} pairs, the oldest forgotten. */
  private final int[] gaps = new int[2 * MAX_GAPS];
  private int gapCount;
  /** Inbound bytes are dropped: a budget was exceeded, or the gateway sent a GOAWAY with an error. */
  private boolean refusing;
  private boolean goAwayWithError;
  private boolean closing;

  /**
   * @param codec the codec this guard sits in front of (its connection's window is opened when the guard is added)
   * @param options the header list limit ({@link ProxyOptions#maxHeaderSize()}) and {@link ProxyOptions#http2()}
   */
  public Http2FloodGuard(Http2FrameCodec codec, ProxyOptions options) {
    this.codec = codec;
    this.options = options.http2();
    this.windowNanos = this.options.floodWindow().toNanos();
    this.maxHeaderBlock = (long) options.maxHeaderSize() + HEADER_BLOCK_SLACK;
  }

  private Channel channel;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    channel = ctx.channel();
    windowStart = System.nanoTime();
    Http2Connection connection = codec.connection();
    Http2LocalFlowController flow = connection.local().flowController();
    int delta = options.initialConnectionWindowSize() - flow.initialWindowSize(connection.connectionStream());
    if (delta > 0 && ctx.channel().isActive()) {
      flow.incrementWindowSize(connection.connectionStream(), delta);
      ctx.flush();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf buf)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (refusing) {
      buf.release();
      return;
    }
    if (inbound.scan(buf, inboundListener)) {
      ctx.fireChannelRead(buf);
      return;
    }
    refusing = true;
    int before = violationStart - buf.readerIndex();
    if (before > 0) ctx.fireChannelRead(buf.retainedSlice(buf.readerIndex(), before));
    buf.release();
    LOG.log(System.Logger.Level.DEBUG, () -> ctx.channel().remoteAddress() + ": HTTP/2 " + violation + ", GOAWAY " + violationError);
    // the codec answers a connection error with GOAWAY and closes
    ctx.fireExceptionCaught(Http2Exception.connectionError(violationError, "%s", violation));
  }

  /** Accounts one frame from the client; false (and {@link #violation}) when it goes over a budget. */
  private boolean onInboundFrame(FrameScanner f, int headerStart) {
    String over = account(f);
    if (over == null) return true;
    violation = over;
    violationStart = headerStart;
    return false;
  }

  private String account(FrameScanner f) {
    if (highestStream < 0) highestStream = codec.connection().remote().lastStreamCreated(); // stream 1 after an upgrade
    switch (f.type) {
      case HEADERS:
        if (!openedInOrder(f.streamId)) {
          violationError = Http2Error.PROTOCOL_ERROR;
          return "HEADERS opening stream " + f.streamId + " after stream " + highestStream;
        }
        headerBlock = f.length;
        return headerBlock > maxHeaderBlock ? "header block larger than " + maxHeaderBlock + " bytes" : null;
      case CONTINUATION:
        headerBlock += f.length;
        return headerBlock > maxHeaderBlock ? "header block larger than " + maxHeaderBlock + " bytes" : null;
      case DATA, PUSH_PROMISE:
        return null; // flow control bounds DATA, Netty counts empty ones; PUSH_PROMISE from a client is a protocol error
      default:
        break;
    }
    long now = System.nanoTime();
    if (now - windowStart >= windowNanos) {
      windowStart = now;
      resets = settings = pings = priorities = windowUpdates = others = 0;
      dataFramesSent = 0;
    }
    return switch (f.type) {
      case RST_STREAM -> over("RST_STREAM", ++resets, options.maxResetFramesPerWindow());
      case SETTINGS -> over("SETTINGS", ++settings, options.maxSettingsFramesPerWindow());
      case PING -> over("PING", ++pings, options.maxPingFramesPerWindow() + dataFramesSent);
      case PRIORITY -> over("PRIORITY", ++priorities, options.maxPriorityFramesPerWindow());
      case WINDOW_UPDATE -> over("WINDOW_UPDATE", ++windowUpdates,
          options.maxWindowUpdateFramesPerWindow() + Http2Options.WINDOW_UPDATES_PER_DATA_FRAME * dataFramesSent);
      default -> over("GOAWAY or extension", ++others, options.maxOtherFramesPerWindow());
    };
  }

  /**
   * RFC 9113 5.1.1: a new stream's id must be higher than every stream the client opened before,
   * a connection error PROTOCOL_ERROR otherwise. Netty cannot tell a lower id that was never used
   * from a closed stream (it answers RST_STREAM STREAM_CLOSED), so the ids a client skipped are
   * remembered here (the last {@value #MAX_GAPS} gaps; clients rarely skip any). False for HEADERS
   * on a skipped id. Even ids and stream 0 are left to Netty.
   */
  private boolean openedInOrder(int streamId) {
    if ((streamId & 1) == 0) return true;
    if (streamId > highestStream) {
      int from = highestStream < 1 ? 1 : highestStream + 2;
      if (streamId > from) {
        if (gapCount == MAX_GAPS) {
          System.arraycopy(gaps, 2, gaps, 0, gaps.length - 2);
          gapCount--;
        }
        gaps[2 * gapCount] = from;
        gaps[2 * gapCount + 1] = streamId - 2;
        gapCount++;
      }
      highestStream = streamId;
      return true;
    }
    for (int i = 0; i < gapCount; i++) {
      if (streamId >= gaps[2 * i] && streamId <= gaps[2 * i + 1]) return false;
    }
    return true;
  }

  private String over(String type, int count, long budget) {
    return count <= budget ? null
        : "more than " + budget + " " + type + " frames within " + options.floodWindow().toSeconds() + " s";
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof ByteBuf buf) outbound.scan(buf, outboundListener);
    ctx.write(msg, promise);
  }

  private boolean onOutboundFrame(FrameScanner f, int headerStart) {
    if (f.type == DATA) {
      dataFramesSent++;
    } else if (f.type == GOAWAY) {
      f.keepPrefix(8, goAwayListener); // last stream id, error code
    }
    return true;
  }

  private void onGoAway(byte[] payload) {
    int errorCode = (payload[4] & 0xff) << 24 | (payload[5] & 0xff) << 16 | (payload[6] & 0xff) << 8 | payload[7] & 0xff;
    if (errorCode == Http2Error.ENHANCE_YOUR_CALM.code() && !goAwayWithError && channel != null) {
      io.higressj.proxy.overload.FloodPenalty penalty = channel.attr(io.higressj.proxy.overload.FloodPenalty.KEY).get();
      if (penalty != null) penalty.flooded(channel);
    }
    if (errorCode != 0) {
      goAwayWithError = true;
      refusing = true;
    }
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    Channel ch = ctx.channel();
    if (!goAwayWithError || !ch.isActive()) {
      ctx.close(promise);
      return;
    }
    ch.closeFuture().addListener(f -> promise.trySuccess());
    if (closing) return;
    closing = true;
    ScheduledFuture<?> timer = ctx.executor().schedule(() -> {
      ctx.close();
    }, DELAYED_CLOSE_NANOS, TimeUnit.NANOSECONDS);
    ch.closeFuture().addListener(f -> timer.cancel(false));
    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
      if (!f.isSuccess()) {
        ctx.close();
        return;
      }
      // the GOAWAY is out and the connection is over: its streams end now (their exchanges and
      // buffered frames with them), and so does the codec (its buffered input), not after the drain
      Http2Downstream.closeStreams(ch);
      if (ch.pipeline().context(codec) != null) {
        // what the codec does when its channel goes inactive (removing it does not do that)
        codec.encoder().close();
        codec.decoder().close();
        codec.connection().close(ch.voidPromise());
        ch.pipeline().remove(codec);
      }
      // TLS: the client's close (or the timer) ends it; a half-close would skip the close_notify
      if (ch instanceof DuplexChannel d && ch.pipeline().get(SslHandler.class) == null) d.shutdownOutput();
      ch.config().setAutoRead(true); // drain: unread input at close would turn into a reset
      ch.read();
    });
  }

  /**
   * Follows frame boundaries in a byte stream, given in buffers of any size: sees each frame
   * header, and on request the first bytes of the frame's payload.
   */
  static final class FrameScanner {
    interface Listener {
      /** @param headerStart the index where the header began in the current buffer (its reader index if earlier) */
      boolean onHeader(FrameScanner frame, int headerStart);
    }

    interface PrefixListener {
      void onPrefix(byte[] prefix);
    }

    private final byte[] header = new byte[9];
    private final byte[] prefix = new byte[8];
    private long skip;
    private int headerFill;
    private int prefixWanted;
    private int prefixFill;
    private PrefixListener prefixListener;
    int length;
    int type;
    int flags;
    int streamId;

    /** @param preface bytes to pass over before the first frame (the client's connection preface) */
    FrameScanner(int preface) {
      skip = preface;
    }

    /** Asks for the first {@code n} (at most 8) payload bytes of the frame whose header was just seen. */
    void keepPrefix(int n, PrefixListener listener) {
      prefixWanted = Math.min(Math.min(n, prefix.length), length);
      prefixFill = 0;
      prefixListener = listener;
    }

    /** Scans {@code buf} (without moving its indexes); false when the listener said stop. */
    boolean scan(ByteBuf buf, Listener listener) {
      int i = buf.readerIndex();
      int end = buf.writerIndex();
      int headerStart = i;
      while (i < end) {
        if (skip > 0) {
          int n = (int) Math.min(skip, end - i);
          if (prefixFill < prefixWanted) {
            int k = Math.min(n, prefixWanted - prefixFill);
            buf.getBytes(i, prefix, prefixFill, k);
            prefixFill += k;
            if (prefixFill == prefixWanted) {
              PrefixListener l = prefixListener;
              prefixListener = null;
              prefixWanted = 0;
              l.onPrefix(prefix);
            }
          }
          skip -= n;
          i += n;
          continue;
        }
        if (headerFill == 0) headerStart = i;
        int k = Math.min(header.length - headerFill, end - i); // in one copy (a direct buffer checks every call)
        buf.getBytes(i, header, headerFill, k);
        headerFill += k;
        i += k;
        if (headerFill < header.length) continue;
        headerFill = 0;
        length = (header[0] & 0xff) << 16 | (header[1] & 0xff) << 8 | header[2] & 0xff;
        type = header[3] & 0xff;
        flags = header[4] & 0xff;
        streamId = (header[5] & 0x7f) << 24 | (header[6] & 0xff) << 16 | (header[7] & 0xff) << 8 | header[8] & 0xff;
        skip = length;
        prefixWanted = 0;
        prefixFill = 0;
        if (!listener.onHeader(this, headerStart)) return false;
      }
      return true;
    }
  }
}
