package io.higressj.proxy.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sits in front of the HTTP/1.1 server codec and follows every request's framing byte by byte
 * (head, then Content-Length or chunked body and trailers), so each head is checked by
 * {@link HeadScanner} before the codec sees it, and the chunked framing is checked strictly.
 * Bytes pass through unchanged. A violation stops the connection's input: the bytes before the
 * offending one are passed on (earlier pipelined requests are still served), then a request whose
 * decoder result failed with a {@link ProtocolViolationException} (a violation in a head) or a
 * failed last content (in a body) follows, and every later byte is dropped. The proxy answers that
 * request with its status and closes, as it does for the codec's own failures.
 *
 * <p>It also keeps the request-headers timeout: from a head's first byte to its last, at most the
 * configured time may pass while the connection is being read, else the head fails with 408.
 */
public final class RequestFramingHandler extends ChannelInboundHandlerAdapter {
  /** The name this handler has in a downstream pipeline (removed when the connection stops being HTTP/1.1). */
  public static final String NAME = "framing";

  private enum State { HEAD, FIXED, CHUNK_SIZE, CHUNK_EXT, CHUNK_SIZE_LF, CHUNK_DATA, CHUNK_DATA_CR, CHUNK_DATA_LF,
    TRAILERS, PASS, DEAD }

  private static final int MAX_CHUNK_EXTENSIONS = 4096;

  private final long headersTimeoutNanos;
  private final HeadScanner head = new HeadScanner(true);
  private final HeadScanner trailers = new HeadScanner(true);
  private State state = State.HEAD;
  private long remaining;
  private int sizeDigits;
  private int extensionLength;
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> headersTimer;
  private long headStartNanos;

  /** @param headersTimeoutNanos the request-headers timeout; 0 disables it */
  public RequestFramingHandler(long headersTimeoutNanos) {
    this.headersTimeoutNanos = headersTimeoutNanos;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    state = State.PASS;
    cancelTimer();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelTimer();
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf buf) || state == State.PASS) {
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
    while (i < end) {
      switch (state) {
        case HEAD -> {
          boolean wasStarted = head.started();
          i = head.feed(buf, i, end);
          if (!wasStarted && head.started()) startTimer();
          HeadScanner.Result r = head.result();
          if (r == HeadScanner.Result.BAD) {
            rejectHead(buf, start, i, 400, head.violation());
            return;
          }
          if (r == HeadScanner.Result.DONE) {
            cancelTimer();
            if (head.chunked()) {
              enterChunkSize();
            } else if (head.contentLength() > 0) {
              remaining = head.contentLength();
              state = State.FIXED;
            } else {
              head.reset(false);
            }
          }
        }
        case FIXED -> {
          int n = (int) Math.min(remaining, end - i);
          i += n;
          remaining -= n;
          if (remaining == 0) nextMessage();
        }
        case CHUNK_SIZE -> {
          int b = buf.getByte(i) & 0xFF;
          int digit = hex(b);
          if (digit >= 0) {
            if (++sizeDigits > 8 || (remaining = remaining * 16 + digit) > Integer.MAX_VALUE) {
              rejectBody(buf, start, i, "chunk size too large");
              return;
            }
          } else if (sizeDigits > 0 && b == ';') {
            state = State.CHUNK_EXT;
          } else if (sizeDigits > 0 && b == '\r') {
            state = State.CHUNK_SIZE_LF;
          } else {
            rejectBody(buf, start, i, "invalid chunk size");
            return;
          }
          i++;
        }
        case CHUNK_EXT -> {
          int b = buf.getByte(i) & 0xFF;
          if (b == '\r') {
            state = State.CHUNK_SIZE_LF;
          } else if (b < 0x20 && b != '\t' || b == 0x7F || ++extensionLength > MAX_CHUNK_EXTENSIONS) {
            rejectBody(buf, start, i, "invalid chunk extension");
            return;
          }
          i++;
        }
        case CHUNK_SIZE_LF -> {
          if (buf.getByte(i) != '\n') {
            rejectBody(buf, start, i, "bare CR after a chunk size");
            return;
          }
          i++;
          if (remaining == 0) {
            trailers.reset(true);
            state = State.TRAILERS;
          } else {
            state = State.CHUNK_DATA;
          }
        }
        case CHUNK_DATA -> {
          int n = (int) Math.min(remaining, end - i);
          i += n;
          remaining -= n;
          if (remaining == 0) state = State.CHUNK_DATA_CR;
        }
        case CHUNK_DATA_CR, CHUNK_DATA_LF -> {
          byte want = state == State.CHUNK_DATA_CR ? (byte) '\r' : (byte) '\n';
          if (buf.getByte(i) != want) {
            rejectBody(buf, start, i, "chunk data not followed by CRLF");
            return;
          }
          i++;
          if (state == State.CHUNK_DATA_CR) {
            state = State.CHUNK_DATA_LF;
          } else {
            enterChunkSize();
          }
        }
        case TRAILERS -> {
          i = trailers.feed(buf, i, end);
          if (trailers.result() == HeadScanner.Result.BAD) {
            rejectBody(buf, start, i, "trailer: " + trailers.violation());
            return;
          }
          if (trailers.result() == HeadScanner.Result.DONE) nextMessage();
        }
        default -> throw new IllegalStateException("state " + state);
      }
    }
    // only a head left incomplete by this read needs the timer (most heads arrive in one read)
    if (state == State.HEAD && head.started() && headersTimer == null && headersTimeoutNanos > 0) {
      long left = headersTimeoutNanos - (System.nanoTime() - headStartNanos);
      headersTimer = ctx.executor().schedule(this::onHeadersTimeout, Math.max(left, 0), TimeUnit.NANOSECONDS);
    }
    ctx.fireChannelRead(buf);
  }

  private void enterChunkSize() {
    state = State.CHUNK_SIZE;
    remaining = 0;
    sizeDigits = 0;
    extensionLength = 0;
  }

  private void nextMessage() {
    head.reset(false);
    state = State.HEAD;
  }

  private static int hex(int b) {
    if (b >= '0' && b <= '9') return b - '0';
    if (b >= 'a' && b <= 'f') return b - 'a' + 10;
    if (b >= 'A' && b <= 'F') return b - 'A' + 10;
    return -1;
  }

  /** Passes on the bytes before the offending one, then the failed request; drops all later input. */
  private void rejectHead(ByteBuf buf, int start, int at, int status, String why) {
    passPrefix(buf, start, at);
    failRequest(status, why);
  }

  private void rejectBody(ByteBuf buf, int start, int at, String why) {
    passPrefix(buf, start, at);
    state = State.DEAD;
    LastHttpContent failed = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
    failed.setDecoderResult(DecoderResult.failure(new ProtocolViolationException(400, why)));
    ctx.fireChannelRead(failed);
  }

  private void passPrefix(ByteBuf buf, int start, int at) {
    if (at > start) {
      ctx.fireChannelRead(buf.retainedSlice(start, at - start));
    }
    buf.release();
  }

  private void failRequest(int status, String why) {
    state = State.DEAD;
    cancelTimer();
    FullHttpRequest failed = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/bad-request", Unpooled.EMPTY_BUFFER);
    failed.setDecoderResult(DecoderResult.failure(new ProtocolViolationException(status, why)));
    ctx.fireChannelRead(failed);
    ctx.fireChannelReadComplete();
  }

  private void startTimer() {
    if (headersTimeoutNanos <= 0) return;
    headStartNanos = System.nanoTime(); // the timer itself is armed when the read ends mid-head
  }

  private void cancelTimer() {
    if (headersTimer != null) {
      headersTimer.cancel(false);
      headersTimer = null;
    }
  }

  private void onHeadersTimeout() {
    headersTimer = null;
    if (state != State.HEAD || !head.started()) return;
    if (!ctx.channel().config().isAutoRead()) {
      // the gateway itself is not reading (an earlier request is being served): not the client's delay
      headersTimer = ctx.executor().schedule(this::onHeadersTimeout, headersTimeoutNanos, TimeUnit.NANOSECONDS);
      return;
    }
    long waited = System.nanoTime() - headStartNanos;
    failRequest(408, "request headers not complete after " + TimeUnit.NANOSECONDS.toMillis(waited) + " ms");
  }
}
