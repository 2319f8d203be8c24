package io.higressj.proxy.upstream;

import io.higressj.config.model.Endpoint;
import io.higressj.config.model.UpstreamProtocol;
import io.higressj.proxy.ProxyOptions;
import io.higressj.proxy.Transport;
import io.higressj.proxy.http1.ResponseFramingHandler;
import io.higressj.proxy.http1.StrictDecoding;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Upstream connections of one event loop, by endpoint and protocol: keep-alive HTTP/1.1 connections
 * (clear text or TLS) that serve one exchange at a time, and one multiplexed HTTP/2 connection (h2c or
 * h2 over TLS) per endpoint on which every exchange opens a stream. Only its event loop touches it, so
 * there is no locking, and a downstream connection and the upstream connections serving it share a
 * thread. Pools are keyed by endpoint and protocol, not by snapshot: they survive configuration changes.
 */
public final class UpstreamPool {
  private final EventLoop loop;
  private final java.util.function.Supplier<ProxyOptions> options;
  private final Bootstrap bootstrap;
  private final Map<Key, ArrayDeque<UpstreamConnection>> idle = new HashMap<>();
  private final Map<Key, Http2Upstream> http2 = new HashMap<>();

  /** What a connection is for: connections are shared only between requests with the same key. */
  record Key(Endpoint endpoint, UpstreamProtocol protocol) {}

  public UpstreamPool(EventLoop loop, Transport transport, ProxyOptions options) {
    this(loop, transport, () -> options);
  }

  /** A pool whose connection settings follow {@code options} (read for each new connection). */
  public UpstreamPool(EventLoop loop, Transport transport, java.util.function.Supplier<ProxyOptions> options) {
    this.loop = loop;
    this.options = options;
    this.bootstrap = new Bootstrap()
        .group(loop)
        .channel(transport.socketChannel())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.get().upstreamConnectTimeout().toMillis());
  }

  public EventLoop eventLoop() {
    return loop;
  }

  ProxyOptions options() {
    return options.get();
  }

  /** An HTTP/1.1 connection in clear text: {@link #acquire(Endpoint, UpstreamProtocol, UpstreamListener, BiConsumer)}. */
  public void acquire(Endpoint endpoint, UpstreamListener listener, BiConsumer<UpstreamConnection, Throwable> callback) {
    acquire(endpoint, UpstreamProtocol.HTTP1, listener, callback);
  }

  /**
   * Hands {@code callback} a connection to {@code endpoint} speaking {@code protocol} (the connect
   * failure instead), on this pool's event loop, attached to {@code listener}: an idle HTTP/1.1
   * connection or a new one, or a new stream of the endpoint's HTTP/2 connection.
   */
  public void acquire(Endpoint endpoint, UpstreamProtocol protocol, UpstreamListener listener,
      BiConsumer<UpstreamConnection, Throwable> callback) {
    Key key = new Key(endpoint, protocol);
    if (protocol.http2()) {
      Http2Upstream h = http2.get(key);
      if (h == null || !h.usable()) {
        h = new Http2Upstream(this, key);
        http2.put(key, h);
      }
      h.openStream(listener, callback);
      return;
    }
    ArrayDeque<UpstreamConnection> q = idle.get(key);
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
    UpstreamConnection conn = new UpstreamConnection(this, key);
    ChannelFuture f = connect(key, new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        ProxyOptions options = UpstreamPool.this.options.get();
        int limit = options.upstreamConnectionBufferLimit(); // upstream.connectionBufferLimits
        ch.config().setWriteBufferWaterMark(new io.netty.channel.WriteBufferWaterMark(limit / 2, limit));
        if (protocol.tls()) p.addLast("tls", UpstreamTls.handler(protocol, endpoint, ch));
        // no idle-state handler: the connection times its stays in the pool itself (UpstreamConnection.markIdle)
        ResponseFramingHandler framing = new ResponseFramingHandler();
        p.addLast(ResponseFramingHandler.NAME, framing);
        conn.framing(framing);
        p.addLast("codec", new HttpClientCodec(
            StrictDecoding.config(options.maxInitialLineLength(), options.maxHeaderSize()), false, false));
        p.addLast("upstream", conn);
      }
    });
    conn.attach(listener);
    f.addListener((ChannelFuture done) -> {
      if (done.isSuccess()) callback.accept(conn, null);
      else callback.accept(null, done.cause());
    });
  }

  ChannelFuture connect(Key key, ChannelInitializer<Channel> init) {
    Endpoint e = key.endpoint();
    // IP literals resolve without DNS; names (ExternalName services) use the JDK resolver
    return bootstrap.clone().handler(init).connect(new InetSocketAddress(e.address(), e.port()));
  }

  void forget(Http2Upstream h) {
    http2.remove(h.key(), h);
  }

  void release(UpstreamConnection c) {
    if (!c.channel().isActive()) return;
    ArrayDeque<UpstreamConnection> q = idle.computeIfAbsent(c.key(), k -> new ArrayDeque<>());
    if (q.size() >= options.get().maxIdleConnectionsPerEndpoint()) {
      c.channel().close();
      return;
    }
    c.markIdle();
    // back-pressure of the last exchange must not outlive it (checked first: setting it is an atomic swap)
    if (!c.channel().config().isAutoRead()) c.channel().config().setAutoRead(true);
    q.addLast(c);
  }

  void remove(UpstreamConnection c) {
    if (!c.idleInPool()) return;
    ArrayDeque<UpstreamConnection> q = idle.get(c.key());
    if (q != null) {
      q.remove(c);
      if (q.isEmpty()) idle.remove(c.key());
    }
  }

  /** Idle HTTP/1.1 connections held now (for the admin endpoint and tests). */
  public int idleCount() {
    int n = 0;
    for (ArrayDeque<UpstreamConnection> q : idle.values()) n += q.size();
    return n;
  }

  /** HTTP/2 connections held now (for tests). */
  public int http2Count() {
    return http2.size();
  }
}
