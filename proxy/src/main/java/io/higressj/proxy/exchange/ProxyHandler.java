package io.higressj.proxy.exchange;

import io.higressj.config.model.RouteTable;
import io.higressj.config.model.Snapshot;
import io.higressj.proxy.DataPlane;
import io.higressj.proxy.DeadlineTimer;
import io.higressj.proxy.RouteSelector;
import io.higressj.proxy.compression.HttpCompressionHandler;
import io.higressj.proxy.http1.RequestFramingHandler;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The downstream end of the proxy: one per HTTP/1.1 connection or per HTTP/2 stream. Requests are
 * served one at a time; pipelined HTTP/1.1 requests wait (with reading paused) until the previous
 * response is complete, so responses go out in request order.
 */
public final class ProxyHandler extends ChannelInboundHandlerAdapter {
  private static final Duration DELAYED_CLOSE = Duration.ofSeconds(1); // Envoy's delayed_close_timeout default

  private final DataPlane dataPlane;
  private final boolean http2;
  private final boolean tls;
  private final RouteSelector routes;
  private ChannelHandlerContext ctx;
  private Exchange current;
  private ArrayDeque<Object> queued;
  private int requests;
  /** the h2c upgrade handler was dropped from this HTTP/1.1 connection (or there was none) */
  private boolean upgradeSettled;
  private boolean closing;
  private ScheduledFuture<?> idleTimer;
  private long idleSinceNanos; // when the last exchange ended (or the handler was added), on the executor's clock
  /** the current exchange's upstream response timeout and response idle timeout (made at first use) */
  private DeadlineTimer responseTimeout;
  private DeadlineTimer responseIdle;
  /** the response compressor in front of this handler, added at the first request that started with gzip enabled */
  private HttpCompressionHandler compressor;

  /**
   * @param http2 this handler serves one HTTP/2 stream (behind Http2StreamFrameToHttpObjectCodec)
   * @param tls the downstream connection is TLS (X-Forwarded-Proto: https)
   */
  public ProxyHandler(DataPlane dataPlane, boolean http2, boolean tls) {
    this(dataPlane, http2, tls, RouteSelector.INGRESS);
  }

  /** @param routes the route table of this listener in a snapshot (a Gateway listener's own, or the Ingress one) */
  public ProxyHandler(DataPlane dataPlane, boolean http2, boolean tls, RouteSelector routes) {
    this.dataPlane = dataPlane;
    this.http2 = http2;
    this.tls = tls;
    this.routes = routes;
  }

  RouteTable routes(Snapshot s) {
    return routes.routes(s);
  }

  /** Whether a request for {@code host} belongs to another listener than this TLS connection's server name. */
  boolean misdirected(Snapshot s, String host) {
    return tls && routes.misdirected(s, sni(), host);
  }

  private String sni;

  /** The TLS server name the client sent, or null. */
  String sni() {
    if (sni == null) {
      var ch = ctx.channel();
      if (http2 && ch.parent() != null) ch = ch.parent();
      SslHandler ssl = ch.pipeline().get(SslHandler.class);
      String name = "";
      if (ssl != null && ssl.engine().getSession() instanceof javax.net.ssl.ExtendedSSLSession ext) {
        for (javax.net.ssl.SNIServerName n : ext.getRequestedServerNames()) {
          if (n instanceof javax.net.ssl.SNIHostName h) name = h.getAsciiName();
        }
      }
      sni = name;
    }
    return sni.isEmpty() ? null : sni;
  }

  DataPlane dataPlane() {
    return dataPlane;
  }

  boolean http2() {
    return http2;
  }

  boolean tls() {
    return tls;
  }

  ChannelHandlerContext ctx() {
    return ctx;
  }

  private String clientIp;

  /** The downstream peer's IP, computed once per connection (or stream). */
  String clientIp() {
    String ip = clientIp;
    if (ip == null) {
      var ch = ctx.channel();
      if (http2 && ch.parent() != null) ch = ch.parent();
      SocketAddress a = ch.remoteAddress();
      ip = a instanceof InetSocketAddress isa && isa.getAddress() != null ? isa.getAddress().getHostAddress() : String.valueOf(a);
      clientIp = ip;
    }
    return ip;
  }

  /** True when the request being started is the last one this connection may carry. */
  boolean lastRequestOnConnection() {
    int max = dataPlane.options().maxRequestsPerConnection();
    return !http2 && max > 0 && requests >= max;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    idleSinceNanos = ctx.executor().ticker().nanoTime();
    scheduleIdle();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancelIdle();
    cancelDeadlines();
  }

  /** The upstream response timeout of the exchange in progress. */
  DeadlineTimer responseTimeout() {
    DeadlineTimer t = responseTimeout;
    if (t == null) responseTimeout = t = new DeadlineTimer(ctx.executor());
    return t;
  }

  /** The response idle timeout of the exchange in progress. */
  DeadlineTimer responseIdle() {
    DeadlineTimer t = responseIdle;
    if (t == null) responseIdle = t = new DeadlineTimer(ctx.executor());
    return t;
  }

  private void cancelDeadlines() {
    if (responseTimeout != null) responseTimeout.disarm();
    if (responseIdle != null) responseIdle.disarm();
  }

  /** HTTP/1.1 only (HTTP/2 connections: {@link io.higressj.proxy.http2.Http2ConnectionLimits}): closes a connection without a request in progress. */
  private void scheduleIdle() {
    long nanos = dataPlane.options().idleTimeout().toNanos();
    if (http2 || nanos <= 0 || idleTimer != null || closing) return;
    idleTimer = ctx.executor().schedule(this::onIdle, nanos, TimeUnit.NANOSECONDS);
  }

  private void cancelIdle() {
    if (idleTimer != null) {
      idleTimer.cancel(false);
      idleTimer = null;
    }
  }

  /**
   * The idle timer is not cancelled when a request starts nor scheduled again when it ends (two
   * timer-queue operations per request): it stays armed, and when it fires it looks at what happened
   * meanwhile, closing the connection only if it has been without a request for the whole timeout.
   */
  private void onIdle() {
    idleTimer = null;
    if (closing || !ctx.channel().isActive()) return;
    long nanos = dataPlane.options().idleTimeout().toNanos();
    if (nanos <= 0) return;
    long left = current != null || queued != null && !queued.isEmpty() ? nanos : nanos - (ctx.executor().ticker().nanoTime() - idleSinceNanos);
    if (left > 0) {
      idleTimer = ctx.executor().schedule(this::onIdle, left, TimeUnit.NANOSECONDS);
      return;
    }
    closing = true;
    ctx.close();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (closing) {
      // the connection ends after the response already sent: nothing read after it is served
      ReferenceCountUtil.release(msg);
      return;
    }
    if (queued != null && !queued.isEmpty() || (current != null && current.requestComplete() && msg instanceof HttpRequest)) {
      // a pipelined request: hold it until the current exchange is done
      if (queued == null) queued = new ArrayDeque<>();
      queued.add(msg);
      ctx.channel().config().setAutoRead(false);
      return;
    }
    dispatch(msg);
  }

  private void dispatch(Object msg) {
    if (msg instanceof HttpRequest req) {
      if (current != null) { // cannot happen with a conforming decoder; never mix two exchanges
        ReferenceCountUtil.release(msg);
        ctx.close();
        return;
      }
      requests++;
      if (!upgradeSettled) settleUpgrade();
      compress(req);
      Exchange e = new Exchange(this, req);
      current = e;
      e.start();
      if (msg instanceof FullHttpRequest full) {
        e.onRequestContent(new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
      }
    } else if (msg instanceof HttpContent c) {
      Exchange e = current;
      if (e == null) {
        boolean broken = c.decoderResult().isFailure();
        c.release(); // rest of a body whose exchange already ended (local reply)
        if (broken && !http2) closeAfterResponse();
      } else {
        e.onRequestContent(c);
      }
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  /**
   * Tells the response compressor the request whose response comes next, after adding one in front of
   * this handler if gzip is enabled and there is none yet. Exchanges run one at a time, so the request
   * told is always the one answered next. With gzip off (the default) a connection never gets one.
   */
  private void compress(HttpRequest req) {
    HttpCompressionHandler c = compressor;
    if (c == null) {
      if (!dataPlane.snapshots().get().settings().gzip().enable()) return;
      c = new HttpCompressionHandler(dataPlane.snapshots(), http2);
      ctx.pipeline().addBefore(ctx.name(), HttpCompressionHandler.NAME, c);
      compressor = c;
    }
    c.expect(req);
  }

  /**
   * A clear-text connection upgrades to h2c on its first request or not at all (RFC 9113 dropped the
   * upgrade; clients that use it, curl and the JDK's, upgrade on the first request): a request that
   * reached this handler was not upgraded, so the upgrade handler leaves the pipeline, and the
   * connection's later requests and bodies pass one handler fewer. A later {@code Upgrade: h2c} is
   * ignored, as a server may (RFC 9110, section 7.8), and the request served over HTTP/1.1.
   */
  private void settleUpgrade() {
    upgradeSettled = true;
    if (http2) return;
    var pipeline = ctx.pipeline();
    var upgrade = pipeline.context(HttpServerUpgradeHandler.class);
    if (upgrade != null) pipeline.remove(upgrade.handler());
  }

  /** Called by the exchange when both its request and response are complete. */
  void exchangeDone(Exchange e, boolean keepAlive) {
    if (current != e) return;
    current = null;
    if (!keepAlive || http2) {
      cancelDeadlines(); // no exchange follows (an HTTP/2 stream carries one): the pending checks must not keep this
      if (http2) return;
      if (e.clientDone() && (queued == null || queued.isEmpty())) closeNow();
      else closeAfterResponse();
      return;
    }
    while (queued != null && !queued.isEmpty()) {
      if (queued.peek() instanceof HttpRequest && current != null || closing) break;
      dispatch(queued.poll());
    }
    if (closing) return;
    updateAutoRead();
    if (current == null) {
      idleSinceNanos = ctx.executor().ticker().nanoTime();
      scheduleIdle(); // armed already unless the timeout was off when the connection started
    }
  }

  /** The connection became a tunnel: this handler is out of the pipeline. */
  void exchangeTunneled(Exchange e) {
    if (current == e) current = null;
  }

  /**
   * Reads from downstream only when nothing is queued and the current exchange can take more (its
   * upstream is connected and writable).
   */
  void updateAutoRead() {
    boolean read = (queued == null || queued.isEmpty()) && (current == null || current.wantsDownstreamReads());
    var config = ctx.channel().config();
    if (config.isAutoRead() != read) {
      config.setAutoRead(read);
      if (read) ctx.read();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    Exchange e = current;
    if (e != null) e.flushUpstream();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    Exchange e = current;
    if (e != null) e.onDownstreamWritabilityChanged();
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof HttpServerUpgradeHandler.UpgradeEvent) {
      // h2c upgrade: the multiplexer serves the connection from now on
      if (ctx.pipeline().get(RequestFramingHandler.NAME) != null) ctx.pipeline().remove(RequestFramingHandler.NAME);
      ctx.pipeline().remove(this);
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Exchange e = current;
    current = null;
    if (e != null) e.onDownstreamClosed();
    releaseQueued();
    cancelIdle();
    cancelDeadlines();
    ctx.fireChannelInactive();
  }

  /**
   * Ends the connection once what was written so far is flushed, when the client asked for that and has
   * nothing more to send ({@link Exchange#clientDone}): nothing can arrive to turn the close into a
   * reset, so the delayed close ({@link #closeAfterResponse}) is not needed. nginx closes such a
   * connection at once too. The half-close, the read of the client's FIN and the timer cost a
   * connection per request about 10 µs of CPU more (docs/performance.md).
   */
  private void closeNow() {
    if (closing) return;
    closing = true;
    cancelIdle();
    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }

  /**
   * Ends an HTTP/1.1 connection after what was written so far, the way Envoy's delayed close does:
   * flush, half-close, then read and drop whatever the client still sends until it closes too (or
   * {@link #DELAYED_CLOSE} passes). Closing at once while the client is still sending makes the
   * kernel answer with a reset, which can destroy the response before the client reads it.
   */
  void closeAfterResponse() {
    if (closing) return;
    closing = true;
    cancelIdle();
    releaseQueued();
    Channel ch = ctx.channel();
    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
      if (!f.isSuccess() || !(ch instanceof DuplexChannel d) || ch.pipeline().get(SslHandler.class) != null) {
        ch.close(); // TLS: the close_notify of a full close is the clean end
        return;
      }
      d.shutdownOutput().addListener(x -> {
        ch.config().setAutoRead(true); // drain: unread input at close() would turn into a reset
        ch.eventLoop().schedule(() -> { ch.close(); }, DELAYED_CLOSE.toNanos(), TimeUnit.NANOSECONDS);
      });
    });
  }

  private void releaseQueued() {
    if (queued != null) {
      for (Object o : queued) ReferenceCountUtil.release(o);
      queued.clear();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof java.io.IOException)) { // a reset by the peer is routine; anything else is a bug of ours
      LOG.log(System.Logger.Level.WARNING, "closing " + ctx.channel() + " after an unexpected error", cause);
    }
    ctx.close();
  }

  private static final System.Logger LOG = System.getLogger("io.higressj.proxy");
}
