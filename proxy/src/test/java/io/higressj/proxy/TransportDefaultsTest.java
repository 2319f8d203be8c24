package io.higressj.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the listeners rely on Netty for without asking: an accepted connection has Nagle's algorithm off
 * (TCP_NODELAY), which {@code HttpListener} therefore does not set again for each connection; and what
 * {@link Transport#keepAliveForAccepted} relies on the kernel for: keep-alive set on a listening socket
 * is on for every connection it accepts.
 */
class TransportDefaultsTest {
  @Test
  void acceptedConnectionsHaveNoDelayOnEveryTransport() throws Exception {
    for (Transport t : Transport.values()) {
      if (t == Transport.EPOLL && Transport.best() != Transport.EPOLL) continue; // not on this machine
      EventLoopGroup group = t.newGroup(1, "nodelay-test");
      try {
        CompletableFuture<Boolean> noDelay = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(group).channel(t.serverChannel())
            .childHandler(new ChannelInitializer<>() {
              @Override
              protected void initChannel(Channel ch) {
                noDelay.complete(ch.config().getOption(ChannelOption.TCP_NODELAY));
              }
            })
            .bind("127.0.0.1", 0).sync().channel();
        try (Socket s = new Socket("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort())) {
          assertThat(noDelay.get(5, TimeUnit.SECONDS)).as("%s", t).isTrue();
        }
        server.close().sync();
      } finally {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
      }
    }
  }

  @Test
  void acceptedConnectionsHaveKeepAliveOnEveryTransport() throws Exception {
    for (Transport t : Transport.values()) {
      if (t == Transport.EPOLL && Transport.best() != Transport.EPOLL) continue; // not on this machine
      EventLoopGroup group = t.newGroup(1, "keepalive-test");
      try {
        assertThat(keepAliveOfAccepted(t, group, false)).as("%s without asking", t).isFalse();
        assertThat(keepAliveOfAccepted(t, group, true)).as("%s", t).isTrue();
      } finally {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
      }
    }
  }

  /** SO_KEEPALIVE of a connection accepted by a listener set up with or without keepAliveForAccepted (read back from the socket). */
  private static boolean keepAliveOfAccepted(Transport t, EventLoopGroup group, boolean asked) throws Exception {
    CompletableFuture<Boolean> keepAlive = new CompletableFuture<>();
    ServerBootstrap b = new ServerBootstrap().group(group).channel(t.serverChannel());
    if (asked) t.keepAliveForAccepted(b);
    Channel server = b.childHandler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            keepAlive.complete(ch.config().getOption(ChannelOption.SO_KEEPALIVE));
          }
        })
        .bind("127.0.0.1", 0).sync().channel();
    try (Socket s = new Socket("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort())) {
      return keepAlive.get(5, TimeUnit.SECONDS);
    } finally {
      server.close().sync();
    }
  }
}
