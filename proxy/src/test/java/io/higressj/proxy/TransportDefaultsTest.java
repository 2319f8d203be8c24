package io.higressj.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
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
    for (Transport t : transports()) {
      EventLoopGroup group = t.newGroup(1, "nodelay-test");
      try {
        assertThat(optionOfAccepted(t, group, false, ChannelOption.TCP_NODELAY)).as("%s", t).isTrue();
      } finally {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
      }
    }
  }

  @Test
  void acceptedConnectionsHaveKeepAliveOnEveryTransport() throws Exception {
    for (Transport t : transports()) {
      EventLoopGroup group = t.newGroup(1, "keepalive-test");
      try {
        assertThat(optionOfAccepted(t, group, false, ChannelOption.SO_KEEPALIVE)).as("%s without asking", t).isFalse();
        assertThat(optionOfAccepted(t, group, true, ChannelOption.SO_KEEPALIVE)).as("%s", t).isTrue();
      } finally {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
      }
    }
  }

  /** The transports this machine has (epoll only where it is available). */
  private static List<Transport> transports() {
    return Arrays.stream(Transport.values()).filter(t -> t != Transport.EPOLL || Transport.best() == Transport.EPOLL).toList();
  }

  /**
   * {@code option} of a connection accepted by a listener set up with or without {@link
   * Transport#keepAliveForAccepted} ({@code keepAlive}), read back from the accepted socket.
   */
  private static boolean optionOfAccepted(Transport t, EventLoopGroup group, boolean keepAlive, ChannelOption<Boolean> option)
      throws Exception {
    CompletableFuture<Boolean> value = new CompletableFuture<>();
    ServerBootstrap b = new ServerBootstrap().group(group).channel(t.serverChannel());
    if (keepAlive) t.keepAliveForAccepted(b);
    Channel server = b.childHandler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            value.complete(ch.config().getOption(option));
          }
        })
        .bind("127.0.0.1", 0).sync().channel();
    try (Socket s = new Socket("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort())) {
      return value.get(5, TimeUnit.SECONDS);
    } finally {
      server.close().sync();
    }
  }
}
