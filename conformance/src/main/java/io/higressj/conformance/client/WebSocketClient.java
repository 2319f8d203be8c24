package io.higressj.conformance.client;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A WebSocket client (RFC 6455) for the echo exchanges of Gateway API FORMAT.md 12.2. */
public final class WebSocketClient {
  private final WireClient wire;

  public WebSocketClient(WireClient wire) {
    this.wire = requireNonNull(wire, "wire");
  }

  /** An open WebSocket: send messages, receive whole messages (payload bytes). */
  public static final class Session implements AutoCloseable {
    private final Channel channel;
    private final BlockingQueue<Object> received;

    private Session(Channel channel, BlockingQueue<Object> received) {
      this.channel = channel;
      this.received = received;
    }

    public void send(byte[] payload, boolean text) throws IOException {
      ByteBuf buf = Unpooled.wrappedBuffer(payload);
      WebSocketFrame frame = text ? new TextWebSocketFrame(buf) : new BinaryWebSocketFrame(buf);
      try {
        channel.writeAndFlush(frame).sync();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted");
      } catch (RuntimeException e) {
        throw new IOException("cannot send a WebSocket message: " + e.getMessage(), e);
      }
    }

    /** The next message's payload. */
    public byte[] receive(Duration timeout) throws IOException {
      try {
        Object o = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (o == null) throw new IOException("no WebSocket message within " + timeout.toMillis() + " ms");
        if (o instanceof Throwable t) throw new IOException(t.getMessage(), t);
        return (byte[]) o;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted");
      }
    }

    @Override
    public void close() {
      channel.close().awaitUninterruptibly();
    }
  }

  /**
   * Connects to {@code address}, sends the upgrade request for {@code path} with
   * {@code Host: authority} and the given {@code Origin}, and waits for the handshake.
   */
  public Session open(InetSocketAddress address, String authority, String path, String origin, Duration timeout) throws IOException {
    URI uri;
    try {
      uri = new URI("ws://" + authority + path);
    } catch (URISyntaxException e) {
      throw new IOException("invalid WebSocket URL ws://" + authority + path + ": " + e.getMessage());
    }
    DefaultHttpHeaders custom = new DefaultHttpHeaders();
    if (origin != null) custom.add("Origin", origin);
    WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
        .webSocketUri(uri)
        .customHeaders(custom)
        .generateOriginHeader(false)
        .handshakeTimeoutMillis(timeout.toMillis())
        .build();
    CompletableFuture<Void> handshake = new CompletableFuture<>();
    BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    Bootstrap b = new Bootstrap().group(wire.group()).channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20),
                new WebSocketClientProtocolHandler(config), new Receiver(handshake, received));
          }
        });
    var connect = b.connect(address);
    try {
      connect.await();
      if (!connect.isSuccess()) {
        throw new IOException("cannot connect to " + address + ": " + connect.cause().getMessage(), connect.cause());
      }
      handshake.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return new Session(connect.channel(), received);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      connect.channel().close();
      throw new IOException("interrupted");
    } catch (ExecutionException e) {
      connect.channel().close();
      throw new IOException("WebSocket handshake failed: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      connect.channel().close();
      throw new IOException("WebSocket handshake did not complete within " + timeout.toMillis() + " ms");
    } catch (IOException e) {
      connect.channel().close();
      throw e;
    }
  }

  /** Completes the handshake future and queues whole messages (fragments joined). */
  private static final class Receiver extends SimpleChannelInboundHandler<WebSocketFrame> {
    private final CompletableFuture<Void> handshake;
    private final BlockingQueue<Object> received;
    private ByteArrayOutputStream fragments;

    Receiver(CompletableFuture<Void> handshake, BlockingQueue<Object> received) {
      this.handshake = handshake;
      this.received = received;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) handshake.complete(null);
      else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
        handshake.completeExceptionally(new IOException("handshake timed out"));
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
      if (!(frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame || frame instanceof ContinuationWebSocketFrame)) return;
      if (fragments == null) fragments = new ByteArrayOutputStream();
      ByteBuf c = frame.content();
      byte[] bytes = new byte[c.readableBytes()];
      c.getBytes(c.readerIndex(), bytes);
      fragments.writeBytes(bytes);
      if (frame.isFinalFragment()) {
        received.add(fragments.toByteArray());
        fragments = null;
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      handshake.completeExceptionally(new IOException("connection closed during the handshake"));
      received.add(new IOException("connection closed"));
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      handshake.completeExceptionally(cause);
      received.add(cause);
      ctx.close();
    }
  }
}
