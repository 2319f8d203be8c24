package io.higressj.proxy.tcp;

import io.higressj.config.model.ClusterConfig;
import io.higressj.config.model.Endpoint;
import io.higressj.config.model.RoutePolicy;
import io.higressj.config.model.Snapshot;
import io.higressj.proxy.DataPlane;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiFunction;

/**
 * A Gateway listener that forwards connections, not requests: plain TCP to the clusters of its TCPRoute,
 * or TLS passthrough, where the server name of the client's hello chooses the TLSRoute and the encrypted
 * bytes go through untouched. A connection without a destination (no route, no cluster, no endpoint, an
 * unreachable endpoint) is closed.
 */
public final class L4Listener implements AutoCloseable {
  private final Channel serverChannel;

  private L4Listener(Channel serverChannel) {
    this.serverChannel = serverChannel;
  }

  /**
   * @param clusters the weighted clusters a connection may go to, from a snapshot and the SNI name (null
   *     for TCP, or when the client sent none); null or empty: the connection is closed
   * @param sni whether to read the TLS client hello's server name first (TLS passthrough)
   */
  public static L4Listener bind(DataPlane dp, EventLoopGroup group, String host, int port, boolean sni,
      BiFunction<Snapshot, String, List<RoutePolicy.WeightedCluster>> clusters) throws InterruptedException {
    ServerBootstrap b = new ServerBootstrap()
        .group(group)
        .channel(dp.transport().serverChannel())
        .option(ChannelOption.SO_REUSEADDR, true)
        // TCP_NODELAY is on already: Netty's socket channels set it when they are made (TransportDefaultsTest)
        .childOption(ChannelOption.AUTO_READ, false)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            if (sni) {
              ch.pipeline().addLast("sni", new SniPeek(dp, clusters));
            } else {
              ch.pipeline().addLast("splice", new Splice(dp, pick(dp.snapshots().get(), clusters.apply(dp.snapshots().get(), null))));
            }
          }
        });
    return new L4Listener(b.bind(host, port).sync().channel());
  }

  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  @Override
  public void close() {
    serverChannel.close().syncUninterruptibly();
  }

  /** One of {@code clusters} by weight, or null. */
  static ClusterConfig pick(Snapshot s, List<RoutePolicy.WeightedCluster> clusters) {
    if (clusters == null || clusters.isEmpty()) return null;
    int total = 0;
    for (RoutePolicy.WeightedCluster c : clusters) total += c.weight();
    if (total <= 0) return null;
    int pick = ThreadLocalRandom.current().nextInt(total);
    for (RoutePolicy.WeightedCluster c : clusters) {
      pick -= c.weight();
      if (pick < 0) return s.clusters().get(c.cluster());
    }
    return null;
  }

  /** Reads the client hello's server name without consuming it, then splices to the route it selects. */
  private static final class SniPeek extends AbstractSniHandler<ClusterConfig> {
    private final DataPlane dp;
    private final BiFunction<Snapshot, String, List<RoutePolicy.WeightedCluster>> clusters;

    SniPeek(DataPlane dp, BiFunction<Snapshot, String, List<RoutePolicy.WeightedCluster>> clusters) {
      super(10_000L);
      this.dp = dp;
      this.clusters = clusters;
    }

    @Override
    protected Future<ClusterConfig> lookup(ChannelHandlerContext ctx, String hostname) {
      Snapshot s = dp.snapshots().get();
      return ctx.executor().newSucceededFuture(pick(s, clusters.apply(s, hostname)));
    }

    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, String hostname, Future<ClusterConfig> future) {
      ClusterConfig c = future.getNow();
      if (c == null) {
        ctx.close();
        return;
      }
      // the hello read so far follows the handler once it is replaced
      ctx.pipeline().replace(this, "splice", new Splice(dp, c));
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      ctx.read();
      super.channelActive(ctx);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
      super.channelReadComplete(ctx);
      if (ctx.pipeline().get("sni") == this) ctx.read(); // more of the hello is needed
    }
  }

  /** Connects to an endpoint of the cluster, then relays bytes both ways with back-pressure. */
  private static final class Splice extends ChannelInboundHandlerAdapter {
    private final DataPlane dp;
    private final ClusterConfig cluster;
    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    private Channel upstream;
    private boolean closed;

    Splice(DataPlane dp, ClusterConfig cluster) {
      this.dp = dp;
      this.cluster = cluster;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      if (ctx.channel().isActive()) connect(ctx);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      connect(ctx);
      ctx.fireChannelActive();
    }

    private void connect(ChannelHandlerContext ctx) {
      if (upstream != null || closed) return;
      Channel down = ctx.channel();
      if (cluster == null || cluster.endpoints().isEmpty()) {
        closed = true;
        down.close();
        return;
      }
      Endpoint e = dp.pickEndpoint(down.eventLoop(), cluster);
      Bootstrap b = new Bootstrap()
          .group(down.eventLoop())
          .channel(dp.transport().socketChannel())
          .option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.AUTO_READ, false)
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
          .handler(new Relay(down));
      upstream = b.connect(e.address(), e.port()).addListener((ChannelFutureListener) f -> {
        if (!f.isSuccess()) {
          drop();
          down.close();
          return;
        }
        Channel up = f.channel();
        while (!pending.isEmpty()) up.write(pending.poll());
        up.flush();
        up.read();
        down.read();
      }).channel();
    }

    private void drop() {
      while (!pending.isEmpty()) ReferenceCountUtil.release(pending.poll());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (upstream == null || !upstream.isActive()) {
        if (closed) {
          ReferenceCountUtil.release(msg);
          return;
        }
        pending.add(msg);
        return;
      }
      upstream.write(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (upstream != null && upstream.isActive()) {
        upstream.flush();
        if (upstream.isWritable()) ctx.read();
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable() && upstream != null && upstream.isActive()) upstream.read();
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      closed = true;
      drop();
      if (upstream != null && upstream.isActive()) {
        upstream.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** The upstream side: its bytes go to the client. */
  private static final class Relay extends ChannelInboundHandlerAdapter {
    private final Channel down;

    Relay(Channel down) {
      this.down = down;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!down.isActive()) {
        ReferenceCountUtil.release(msg);
        return;
      }
      down.write(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      down.flush();
      if (down.isWritable()) ctx.read();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable()) down.read();
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (down.isActive()) down.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
