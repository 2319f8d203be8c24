package io.higressj.proxy.compression;

import static java.util.Objects.requireNonNull;

import io.higressj.config.model.SnapshotHolder;
import io.higressj.config.settings.Gzip;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Gzips responses as the current snapshot's {@link Gzip} settings say, between the HTTP codec and the
 * proxy handler: per HTTP/1.1 connection or per HTTP/2 stream. The proxy handler adds it to its pipeline
 * at the first request that starts while gzip is enabled (a connection or stream that never sees gzip
 * enabled never has it: one handler fewer for each response to pass) and tells it each request
 * ({@link #expect}). Once there it stays, and reads the settings when a response's headers are written,
 * so a ConfigMap change applies to the next response without touching connections.
 *
 * <p>A response is compressed when gzip is enabled and
 *
 * <ul>
 *   <li>its request accepts gzip ({@link AcceptEncoding}), is not HEAD and not HTTP/1.0 (which cannot
 *       carry a body of unknown length on a kept-alive connection);
 *   <li>it has a body: not 1xx, 204, 304, nor a 206 or other {@code Content-Range} part;
 *   <li>it is not encoded already ({@code Content-Encoding} other than identity) and its
 *       {@code Cache-Control} has no {@code no-transform};
 *   <li>its media type is in {@code contentType} (a response without {@code Content-Type} qualifies, as in Envoy);
 *   <li>its {@code Content-Length} is at least {@code minContentLength} (without one it counts as large);
 *   <li>it has no {@code ETag}, unless {@code disableOnEtagHeader} is false: then a strong ETag is removed.
 * </ul>
 *
 * Every response that qualifies on its own side gets {@code Vary: Accept-Encoding}, compressed or not, so
 * that caches keep both forms apart. A compressed response loses {@code Content-Length}, gets {@code
 * Content-Encoding: gzip} and (HTTP/1.1) chunked framing. Each body chunk is compressed as it passes and
 * each flush of the channel flushes the compressor, so streamed responses (SSE) stay streamed.
 */
public final class HttpCompressionHandler extends ChannelDuplexHandler {
  public static final String NAME = "compress";

  /** What a response needs to know of its request. */
  private record Request(boolean head, boolean http10, String acceptEncoding) {}

  /** A request that accepts no encoding: its response is never compressed, whatever its method and version. */
  private static final Request NO_ENCODING = new Request(false, false, null);

  private final SnapshotHolder snapshots;
  private final boolean http2;
  /** requests whose responses have not started, oldest first */
  private final ArrayDeque<Request> requests = new ArrayDeque<>(2);
  /** compressing the body of the response being written; null: bodies pass unchanged */
  private GzipEncoder encoder;

  /**
   * @param http2 the handler serves one HTTP/2 stream (no chunked framing, no HTTP/1.0)
   */
  public HttpCompressionHandler(SnapshotHolder snapshots, boolean http2) {
    this.snapshots = requireNonNull(snapshots, "snapshots");
    this.http2 = http2;
  }

  /**
   * The request whose response comes next: the proxy handler tells it as it starts an exchange (one at a
   * time per connection), so the handler is not on the path of what is read, and can be added to a
   * connection when gzip is turned on while it is open.
   */
  public void expect(HttpRequest req) {
    String accept = req.headers().get(HttpHeaderNames.ACCEPT_ENCODING);
    if (accept == null) {
      requests.add(NO_ENCODING); // the common case without gzip in play: nothing allocated
    } else {
      List<String> all = req.headers().getAll(HttpHeaderNames.ACCEPT_ENCODING);
      requests.add(new Request(HttpMethod.HEAD.equals(req.method()),
          !http2 && req.protocolVersion().equals(HttpVersion.HTTP_1_0), all.size() == 1 ? accept : String.join(",", all)));
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpResponse res) {
      writeResponse(ctx, res, promise);
    } else if (encoder != null && msg instanceof HttpContent c) {
      writeContent(ctx, c, promise);
    } else {
      ctx.write(msg, promise);
    }
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    if (encoder != null && encoder.unflushed()) {
      List<ByteBuf> out = new ArrayList<>(1);
      try {
        encoder.flush(out);
      } catch (RuntimeException e) {
        release(out);
        fail(ctx, null, e);
        return;
      }
      for (ByteBuf b : out) ctx.write(new DefaultHttpContent(b));
    }
    ctx.flush();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closeEncoder();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    closeEncoder();
  }

  private void writeResponse(ChannelHandlerContext ctx, HttpResponse res, ChannelPromise promise) {
    int code = res.status().code();
    if (code < 200 && code != 101) { // 100-continue and other interim responses: the real one follows
      ctx.write(res, promise);
      return;
    }
    Request req = requests.poll();
    closeEncoder(); // a response that ended without its last content (cannot happen with the proxy handler)
    if (code == 101) { // the connection becomes a tunnel: nothing here is HTTP any more
      ctx.write(res, promise);
      ctx.pipeline().remove(this);
      return;
    }
    Gzip gzip = snapshots.get().settings().gzip();
    if (!gzip.enable() || !qualifies(res, gzip)) {
      ctx.write(res, promise);
      return;
    }
    HttpHeaders h = res.headers();
    addVary(h);
    if (req == null || req.head() || req.http10() || !AcceptEncoding.allowsGzip(req.acceptEncoding())) {
      ctx.write(res, promise);
      return;
    }
    h.remove(HttpHeaderNames.CONTENT_LENGTH);
    h.set(HttpHeaderNames.CONTENT_ENCODING, HttpHeaderValues.GZIP);
    String etag = h.get(HttpHeaderNames.ETAG);
    if (etag != null && !etag.startsWith("W/")) h.remove(HttpHeaderNames.ETAG); // no longer byte-identical
    if (!http2) h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    encoder = new GzipEncoder(gzip, ctx.alloc());
    if (res instanceof FullHttpResponse full) {
      ctx.write(new DefaultHttpResponse(full.protocolVersion(), full.status(), full.headers()));
      writeContent(ctx, new DefaultLastHttpContent(full.content(), full.trailingHeaders()), promise);
    } else {
      ctx.write(res, promise);
    }
  }

  /** Compresses one body chunk; the last one also ends the gzip member and the response. */
  private void writeContent(ChannelHandlerContext ctx, HttpContent c, ChannelPromise promise) {
    boolean last = c instanceof LastHttpContent;
    HttpHeaders trailers = last ? ((LastHttpContent) c).trailingHeaders() : null;
    List<ByteBuf> out = new ArrayList<>(2);
    try {
      encoder.write(c.content(), out);
      if (last) encoder.finish(out);
    } catch (RuntimeException e) {
      release(out);
      fail(ctx, promise, e);
      return;
    } finally {
      c.release();
    }
    if (last) closeEncoder();
    int n = out.size();
    if (last) {
      for (int i = 0; i < n - 1; i++) ctx.write(new DefaultHttpContent(out.get(i)));
      ByteBuf tail = n == 0 ? Unpooled.EMPTY_BUFFER : out.get(n - 1);
      ctx.write(trailers.isEmpty() ? new DefaultLastHttpContent(tail) : new DefaultLastHttpContent(tail, trailers), promise);
    } else if (n == 0) {
      promise.trySuccess(); // all of it is inside the compressor until the next flush
    } else {
      for (int i = 0; i < n - 1; i++) ctx.write(new DefaultHttpContent(out.get(i)));
      ctx.write(new DefaultHttpContent(out.get(n - 1)), promise);
    }
  }

  /** The response-side conditions (everything but the request's). */
  static boolean qualifies(HttpResponse res, Gzip gzip) {
    int code = res.status().code();
    if (code == 204 || code == 304 || code == 206) return false;
    HttpHeaders h = res.headers();
    if (h.contains(HttpHeaderNames.CONTENT_RANGE)) return false;
    String encoding = h.get(HttpHeaderNames.CONTENT_ENCODING);
    if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) return false;
    for (String cc : h.getAll(HttpHeaderNames.CACHE_CONTROL)) {
      for (String directive : cc.split(",")) {
        if (directive.trim().equalsIgnoreCase("no-transform")) return false;
      }
    }
    String type = h.get(HttpHeaderNames.CONTENT_TYPE);
    if (type != null && !gzip.compresses(mediaType(type))) return false;
    long length = contentLength(res);
    if (length >= 0 && length < gzip.minContentLength()) return false;
    return !(gzip.disableOnEtagHeader() && h.contains(HttpHeaderNames.ETAG));
  }

  /** The type/subtype of a Content-Type value, lower case, without parameters. */
  static String mediaType(String contentType) {
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  /** The body length the response declares (a full response: its content), or -1 when unknown. */
  private static long contentLength(HttpResponse res) {
    String v = res.headers().get(HttpHeaderNames.CONTENT_LENGTH);
    if (v != null) {
      try {
        return Long.parseLong(v.trim());
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    return res instanceof FullHttpResponse full ? full.content().readableBytes() : -1;
  }

  /** Adds {@code Accept-Encoding} to {@code Vary} unless it is there already (or {@code Vary: *}). */
  static void addVary(HttpHeaders h) {
    List<String> vary = h.getAll(HttpHeaderNames.VARY);
    for (String v : vary) {
      for (String token : v.split(",")) {
        String t = token.trim();
        if (t.equals("*") || t.equalsIgnoreCase("accept-encoding")) return;
      }
    }
    h.set(HttpHeaderNames.VARY, vary.isEmpty() ? "Accept-Encoding" : String.join(", ", vary) + ", Accept-Encoding");
  }

  private void closeEncoder() {
    if (encoder != null) {
      encoder.close();
      encoder = null;
    }
  }

  /** The body cannot be completed: the client must see the response was cut short. */
  private void fail(ChannelHandlerContext ctx, ChannelPromise promise, Throwable cause) {
    closeEncoder();
    if (promise != null) promise.tryFailure(cause);
    ctx.close();
  }

  private static void release(List<ByteBuf> out) {
    for (ByteBuf b : out) b.release();
    out.clear();
  }
}
