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
 * (TCP_NODELAY), which {@code HttpListener} therefore does not set again for each connection.
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
}
