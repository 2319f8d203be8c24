package io.higressj.proxy.upstream;

import io.higressj.config.model.Endpoint;
import io.higressj.proxy.ProxyOptions;
import io.higressj.proxy.Transport;
import io.higressj.proxy.http1.ResponseFramingHandler;
import io.higressj.proxy.http1.StrictDecoding;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Keep-alive HTTP/1.1 connections of one event loop, by endpoint. Only its event loop touches it,
 * so there is no locking, and a downstream connection and the upstream connections serving it share
 * a thread. Pools are keyed by endpoint, not by snapshot: they survive configuration changes.
 */
public final class UpstreamPool {
  private final EventLoop loop;
  private final ProxyOptions options;
  private final Bootstrap bootstrap;
  private final Map<Endpoint, ArrayDeque<UpstreamConnection>> idle = new HashMap<>();

  public UpstreamPool(EventLoop loop, Transport transport, ProxyOptions options) {
    this.loop = loop;
    this.options = options;
    this.bootstrap = new Bootstrap()
        .group(loop)
        .channel(transport.socketChannel())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.upstreamConnectTimeout().toMillis());
  }

  public EventLoop eventLoop() {
    return loop;
  }

  /**
   * Hands {@code callback} an idle connection to {@code endpoint} or a new one (or the connect
   * failure), on this pool's event loop. The connection is attached to {@code listener}.
   */
  public void acquire(Endpoint endpoint, UpstreamListener listener, BiConsumer<UpstreamConnection, Throwable> callback) {
    ArrayDeque<UpstreamConnection> q = idle.get(endpoint);
    if (q != null) {
      UpstreamConnection c;
      while ((c = q.pollLast()) != null) {
        if (c.channel().isActive()) {
          c.attach(listener);
          callback.accept(c, null);
          return;
        }
      }
    }
    UpstreamConnection conn = new UpstreamConnection(this, endpoint);
    ChannelFuture f = bootstrap.clone()
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, options.upstreamIdleTimeout().toMillis(), TimeUnit.MILLISECONDS));
            ch.pipeline().addLast(ResponseFramingHandler.NAME, new ResponseFramingHandler());
            ch.pipeline().addLast("codec", new HttpClientCodec(
                StrictDecoding.config(options.maxInitialLineLength(), options.maxHeaderSize()),
                false, false));
            ch.pipeline().addLast("upstream", conn);
          }
        })
        .connect(address(endpoint));
    conn.attach(listener);
    f.addListener((ChannelFuture done) -> {
      if (done.isSuccess()) callback.accept(conn, null);
      else callback.accept(null, done.cause());
    });
  }

  private static InetSocketAddress address(Endpoint e) {
    // IP literals resolve without DNS; names (ExternalName services) use the JDK resolver
    return new InetSocketAddress(e.address(), e.port());
  }

  void release(UpstreamConnection c) {
    if (!c.channel().isActive()) return;
    ArrayDeque<UpstreamConnection> q = idle.computeIfAbsent(c.endpoint(), k -> new ArrayDeque<>());
    if (q.size() >= options.maxIdleConnectionsPerEndpoint()) {
      c.channel().close();
      return;
    }
    c.markIdle();
    c.channel().config().setAutoRead(true); // back-pressure of the last exchange must not outlive it
    q.addLast(c);
  }

  void remove(UpstreamConnection c) {
    if (!c.idleInPool()) return;
    ArrayDeque<UpstreamConnection> q = idle.get(c.endpoint());
    if (q != null) {
      q.remove(c);
      if (q.isEmpty()) idle.remove(c.endpoint());
    }
  }

  /** Idle connections held now (for the admin endpoint and tests). */
  public int idleCount() {
    int n = 0;
    for (ArrayDeque<UpstreamConnection> q : idle.values()) n += q.size();
    return n;
  }
}
