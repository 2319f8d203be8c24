package io.higressj.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;

/** Native epoll where it is available (Linux), NIO elsewhere. */
public enum Transport {
  EPOLL,
  NIO;

  public static Transport best() {
    return Epoll.isAvailable() ? EPOLL : NIO;
  }

  public EventLoopGroup newGroup(int threads, String name) {
    return newGroup(threads, name, java.time.Duration.ZERO);
  }

  /**
   * @param busyPoll how long a loop keeps polling without blocking after it handled I/O ({@link
   *     BusyPollStrategy}); zero: it blocks at once, as Netty's loops do
   */
  public EventLoopGroup newGroup(int threads, String name, java.time.Duration busyPoll) {
    long poll = busyPoll.toNanos();
    IoHandlerFactory f;
    if (poll <= 0) {
      f = this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    } else if (this == EPOLL) {
      f = EpollIoHandler.newFactory(0, () -> new BusyPollStrategy(poll));
    } else {
      f = NioIoHandler.newFactory(java.nio.channels.spi.SelectorProvider.provider(), () -> new BusyPollStrategy(poll));
    }
    return new MultiThreadIoEventLoopGroup(threads, new io.netty.util.concurrent.DefaultThreadFactory(name, true), f);
  }

  public Class<? extends ServerChannel> serverChannel() {
    return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  /**
   * Asks for TCP keep-alive on every connection {@code b} accepts. With epoll it is set once, on the
   * listening socket: Linux copies the listener's socket flags into each socket it accepts (keep-alive
   * timer included), which saves a {@code setsockopt} per connection (1.2% of the CPU of a connection
   * per request). NIO's server sockets do not take the option: each accepted socket gets it.
   */
  public ServerBootstrap keepAliveForAccepted(ServerBootstrap b) {
    return this == EPOLL ? b.option(LISTENER_KEEPALIVE, 1) : b.childOption(ChannelOption.SO_KEEPALIVE, true);
  }

  /**
   * {@code SO_KEEPALIVE} at level {@code SOL_SOCKET}, by the numbers of Linux's generic ABI (1, 9), which
   * the architectures Netty's epoll transport is built for use (x86_64, aarch64, riscv64); were the call
   * refused, Netty would log it and bind the listener all the same
   */
  private static final IntegerUnixChannelOption LISTENER_KEEPALIVE = new IntegerUnixChannelOption("SO_KEEPALIVE", 1, 9);

  public Class<? extends SocketChannel> socketChannel() {
    return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
  }
}
