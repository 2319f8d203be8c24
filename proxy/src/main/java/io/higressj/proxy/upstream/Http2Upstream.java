package io.higressj.proxy.upstream;

import io.higressj.config.model.UpstreamProtocol;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * One multiplexed HTTP/2 connection to an endpoint (h2c with prior knowledge, or h2 negotiated by ALPN
 * over TLS). Every exchange gets a stream of its own, seen through an HTTP/1-style codec so that the
 * exchange writes and reads the same message objects as on HTTP/1.1. Requests that arrive while the
 * connection is being set up wait for it. After a GOAWAY or a close, new requests get a new connection.
 */
final class Http2Upstream {
  private final UpstreamPool pool;
  private final UpstreamPool.Key key;
  private Channel parent;
  private boolean ready;
  private boolean broken;
  private List<Runnable> waiting = new ArrayList<>();

  Http2Upstream(UpstreamPool pool, UpstreamPool.Key key) {
    this.pool = pool;
    this.key = key;
    UpstreamProtocol protocol = key.protocol();
    ChannelFuture f = pool.connect(key, new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        if (protocol.tls()) p.addLast("tls", UpstreamTls.handler(protocol, key.endpoint(), ch));
        p.addLast("idle", new IdleStateHandler(0, 0, pool.options().upstreamIdleTimeout().toMillis(), TimeUnit.MILLISECONDS));
        p.addLast("h2", Http2FrameCodecBuilder.forClient()
            .initialSettings(Http2Settings.defaultSettings().pushEnabled(false).initialWindowSize(1 << 20))
            .validateHeaders(true)
            .build());
        p.addLast("mux", new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
        p.addLast("lifecycle", new Lifecycle());
      }
    });
    parent = f.channel();
    f.addListener((ChannelFuture done) -> {
      if (!done.isSuccess()) {
        fail(done.cause());
        return;
      }
      SslHandler ssl = done.channel().pipeline().get(SslHandler.class);
      if (ssl == null) {
        becomeReady();
      } else {
        ssl.handshakeFuture().addListener((Future<Channel> hs) -> {
          if (!hs.isSuccess()) {
            fail(hs.cause());
          } else if (!ApplicationProtocolNames.HTTP_2.equals(ssl.applicationProtocol())) {
            fail(new IllegalStateException("upstream " + key.endpoint() + " did not negotiate h2 (ALPN: "
                + ssl.applicationProtocol() + ")"));
          } else {
            becomeReady();
          }
        });
      }
    });
  }

  UpstreamPool.Key key() {
    return key;
  }

  /** Whether new streams may still be opened here. */
  boolean usable() {
    return !broken && (!ready || parent.isActive());
  }

  private void becomeReady() {
    if (waiting == null) return; // failed meanwhile
    ready = true;
    List<Runnable> w = waiting;
    waiting = null;
    for (Runnable r : w) r.run();
  }

  private void fail(Throwable cause) {
    broken = true;
    failed = cause;
    pool.forget(this);
    List<Runnable> w = waiting;
    waiting = null;
    if (w != null) {
      for (Runnable r : w) r.run();
    }
    parent.close();
  }

  private Throwable failed;

  void openStream(UpstreamListener listener, BiConsumer<UpstreamConnection, Throwable> callback) {
    if (!ready) {
      if (broken) {
        callback.accept(null, failed);
        return;
      }
      waiting.add(() -> openStream(listener, callback));
      return;
    }
    UpstreamConnection conn = new UpstreamConnection(pool, key, true);
    conn.attach(listener);
    new Http2StreamChannelBootstrap(parent)
        .handler(new ChannelInitializer<Http2StreamChannel>() {
          @Override
          protected void initChannel(Http2StreamChannel ch) {
            ch.pipeline().addLast("codec", new Http2StreamFrameToHttpObjectCodec(false, false));
            ch.pipeline().addLast("upstream", conn);
          }
        })
        .open()
        .addListener((Future<Http2StreamChannel> f) -> {
          if (f.isSuccess()) {
            callback.accept(conn, null);
          } else {
            broken = true; // e.g. the peer's stream limit or a GOAWAY: the next request takes a new connection
            pool.forget(this);
            callback.accept(null, f.cause());
          }
        });
  }

  /** Tracks the connection: a GOAWAY or a close retires it; idle with no streams closes it. */
  private final class Lifecycle extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Http2GoAwayFrame) {
        broken = true;
        pool.forget(Http2Upstream.this);
      }
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      broken = true;
      pool.forget(Http2Upstream.this);
      ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof IdleStateEvent && ctx.pipeline().get(Http2FrameCodec.class).connection().numActiveStreams() == 0) {
        broken = true;
        pool.forget(Http2Upstream.this);
        ctx.close();
      } else if (!(evt instanceof IdleStateEvent)) {
        ctx.fireUserEventTriggered(evt);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      broken = true;
      pool.forget(Http2Upstream.this);
      ctx.close();
    }
  }
}
