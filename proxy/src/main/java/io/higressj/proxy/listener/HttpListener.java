package io.higressj.proxy.listener;

import io.higressj.proxy.DataPlane;
import io.higressj.proxy.RouteSelector;
import io.higressj.proxy.exchange.ProxyHandler;
import io.higressj.proxy.http1.RequestFramingHandler;
import io.higressj.proxy.http1.StrictDecoding;
import io.higressj.proxy.http2.Http2Downstream;
import io.higressj.proxy.tls.ServerCertificates;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SniHandler;
import io.netty.util.AsciiString;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AsyncMapping;
import java.net.InetSocketAddress;

/**
 * One HTTP listener: plain (HTTP/1.1, h2c by prior knowledge or Upgrade) or TLS (SNI certificate
 * selection, ALPN h2 or http/1.1). Every connection ends in a {@link ProxyHandler}, per connection
 * for HTTP/1.1 and per stream for HTTP/2.
 */
public final class HttpListener implements AutoCloseable {
  private final Channel serverChannel;
  private final String name;

  private HttpListener(String name, Channel serverChannel) {
    this.name = name;
    this.serverChannel = serverChannel;
  }

  /**
   * Binds and starts accepting.
   *
   * @param certificates null for a plain-text listener
   */
  public static HttpListener bind(String name, DataPlane dataPlane, EventLoopGroup group, String host, int port,
      ServerCertificates certificates) throws InterruptedException {
    return bind(name, dataPlane, group, host, port, certificates, RouteSelector.INGRESS);
  }

  /**
   * Binds a listener that routes with its own table (a Gateway API listener).
   *
   * @param certificates SNI host name to TLS context; null for a plain-text listener
   * @param routes this listener's route table in a snapshot
   */
  public static HttpListener bind(String name, DataPlane dataPlane, EventLoopGroup group, String host, int port,
      AsyncMapping<String, SslContext> certificates, RouteSelector routes) throws InterruptedException {
    java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
    ServerBootstrap b = new ServerBootstrap()
        .group(group)
        .channel(dataPlane.transport().serverChannel())
        .option(ChannelOption.SO_BACKLOG, 4096)
        .option(ChannelOption.SO_REUSEADDR, true);
    // no TCP_NODELAY here: Netty's socket channels set it when they are made, and setting it again
    // was one system call more per accepted connection; keep-alive is set on the listener where it can be
    dataPlane.transport().keepAliveForAccepted(b)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            if (dataPlane.floodPenalty().refuses(ch.remoteAddress())) {
              ch.close(); // the per-client flood penalty
              return;
            }
            ch.attr(io.higressj.proxy.overload.FloodPenalty.KEY).set(dataPlane.floodPenalty());
            if (!admitToListener(dataPlane, open, ch) || !dataPlane.admitConnection(ch)) {
              ch.close(); // over maxConnections (per listener or overall): closed at once, as Envoy does
              return;
            }
            // connectionBufferLimits: what is queued for a client that does not read stays bounded; above the
            // high mark the exchange stops reading its upstream (back-pressure), below the low mark it resumes
            int limit = dataPlane.options().connectionBufferLimit();
            ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(limit / 2, limit));
            if (certificates == null) {
              initCleartext(ch.pipeline(), dataPlane, routes);
            } else {
              ch.pipeline().addLast("sni", new SniHandler(certificates));
              ch.pipeline().addLast("alpn", new Alpn(dataPlane, routes));
            }
          }
        });
    Channel ch = b.bind(host, port).sync().channel();
    return new HttpListener(name, ch);
  }

  /** Counts a connection on this listener; false when {@code maxConnectionsPerListener} are open on it already. */
  private static boolean admitToListener(DataPlane dataPlane, java.util.concurrent.atomic.AtomicInteger open, Channel ch) {
    int max = dataPlane.options().overload().maxConnectionsPerListener();
    if (open.incrementAndGet() > max && max > 0) {
      open.decrementAndGet();
      return false;
    }
    ch.closeFuture().addListener(f -> open.decrementAndGet());
    return true;
  }

  public String name() {
    return name;
  }

  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  @Override
  public void close() {
    serverChannel.close().syncUninterruptibly();
  }

  static HttpServerCodec newServerCodec(DataPlane dp) {
    return new HttpServerCodec(StrictDecoding.config(dp.options().maxInitialLineLength(), dp.options().maxHeaderSize()));
  }

  static RequestFramingHandler newFramingHandler(DataPlane dp) {
    return new RequestFramingHandler(dp.options().requestHeadersTimeout().toNanos());
  }

  /** The HTTP/2 settings and budgets of {@link io.higressj.proxy.Http2Options}; see {@link Http2Downstream}. */
  static Http2FrameCodec newFrameCodec(DataPlane dp) {
    return Http2Downstream.frameCodec(dp.options());
  }

  static Http2MultiplexHandler newMultiplexHandler(DataPlane dp, boolean tls, RouteSelector routes) {
    return new Http2MultiplexHandler(Http2Downstream.closedWithConnection(new ChannelInitializer<Http2StreamChannel>() {
      @Override
      protected void initChannel(Http2StreamChannel ch) {
        ch.pipeline().addLast("h2-http", new Http2StreamFrameToHttpObjectCodec(true, true));
        // the proxy handler adds the compressor when its request starts with gzip enabled
        ch.pipeline().addLast("proxy", new ProxyHandler(dp, true, tls, routes));
      }
    }));
  }

  private static void initCleartext(ChannelPipeline p, DataPlane dp, RouteSelector routes) {
    HttpServerCodec codec = newServerCodec(dp);
    HttpServerUpgradeHandler upgrade = new HttpServerUpgradeHandler(codec, protocol -> {
      if (!AsciiString.contentEquals("h2c", protocol)) return null;
      Http2FrameCodec frames = newFrameCodec(dp);
      return new Http2ServerUpgradeCodec(frames, Http2Downstream.guardOnUpgrade(frames, dp.options()),
          newMultiplexHandler(dp, false, routes), Http2Downstream.errorSink());
    }, 64 * 1024);
    ChannelHandler priorKnowledge = new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        // an initializer adds at the end, behind the HTTP/1.1 proxy handler: put HTTP/2 in its place
        ChannelPipeline pl = ch.pipeline();
        if (pl.get(RequestFramingHandler.NAME) != null) pl.remove(RequestFramingHandler.NAME); // HTTP/1.1 only
        Http2FrameCodec frames = newFrameCodec(dp);
        pl.addBefore("proxy", "h2-frames", frames);
        pl.addBefore("proxy", "h2-streams", newMultiplexHandler(dp, false, routes));
        pl.addBefore("proxy", "h2-errors", Http2Downstream.errorSink());
        pl.remove("proxy");
        Http2Downstream.guard(pl, frames, dp.options());
      }
    };
    p.addLast("h2c", new CleartextHttp2ServerUpgradeHandler(codec, upgrade, priorKnowledge));
    // the h2c handler put the codec right behind itself: the framing checks go in between
    p.addAfter("h2c", RequestFramingHandler.NAME, newFramingHandler(dp));
    // no compressor yet: the proxy handler adds it when a request starts with gzip enabled
    p.addLast("proxy", new ProxyHandler(dp, false, false, routes));
  }

  /** After the TLS handshake: HTTP/2 or HTTP/1.1 as ALPN chose. */
  private static final class Alpn extends ApplicationProtocolNegotiationHandler {
    private final DataPlane dp;
    private final RouteSelector routes;

    Alpn(DataPlane dp, RouteSelector routes) {
      super(ApplicationProtocolNames.HTTP_1_1);
      this.dp = dp;
      this.routes = routes;
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
      if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
        Http2FrameCodec frames = newFrameCodec(dp);
        ctx.pipeline().addLast(frames, newMultiplexHandler(dp, true, routes));
        ctx.pipeline().addLast("h2-errors", Http2Downstream.errorSink());
        Http2Downstream.guard(ctx.pipeline(), frames, dp.options());
      } else {
        ctx.pipeline().addLast(RequestFramingHandler.NAME, newFramingHandler(dp));
        ctx.pipeline().addLast("codec", newServerCodec(dp));
        ctx.pipeline().addLast("proxy", new ProxyHandler(dp, false, true, routes));
      }
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // a failed handshake is the client's problem, not worth a stack trace
    }
  }
}
