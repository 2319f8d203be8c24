package io.higressj.server.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.higressj.config.model.SnapshotDump;
import io.higressj.config.model.SnapshotHolder;
import io.higressj.proxy.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The admin endpoint (127.0.0.1:15000 by default): {@code /config_dump} (the current snapshot:
 * version, listeners, virtual hosts and routes in match order, clusters and endpoints, problems) and
 * {@code /ready} (200 once the first configuration is applied and the listeners are bound).
 */
public final class AdminServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** A listener as shown in /config_dump. */
  public record ListenerInfo(String name, String protocol, String address, int port, String gatewayNamespace,
      String gatewayName, int gatewayPort) {
    public ListenerInfo(String name, String protocol, String address, int port) {
      this(name, protocol, address, port, null, null, -1);
    }
  }

  private final Channel channel;

  private AdminServer(Channel channel) {
    this.channel = channel;
  }

  public static AdminServer bind(EventLoopGroup group, Transport transport, String address, int port,
      SnapshotHolder snapshots, Supplier<List<ListenerInfo>> listeners, BooleanSupplier ready) throws InterruptedException {
    return bind(group, transport, address, port, snapshots, listeners, ready, null);
  }

  /** @param status {@code GET /status}: the objects' status (Gateway API); null: 404 */
  public static AdminServer bind(EventLoopGroup group, Transport transport, String address, int port,
      SnapshotHolder snapshots, Supplier<List<ListenerInfo>> listeners, BooleanSupplier ready,
      Supplier<com.fasterxml.jackson.databind.JsonNode> status) throws InterruptedException {
    Channel ch = new ServerBootstrap()
        .group(group)
        .channel(transport.serverChannel())
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel c) {
            c.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                new Handler(snapshots, listeners, ready, status));
          }
        })
        .bind(address, port).sync().channel();
    return new AdminServer(ch);
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
  }

  private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final SnapshotHolder snapshots;
    private final Supplier<List<ListenerInfo>> listeners;
    private final BooleanSupplier ready;
    private final Supplier<com.fasterxml.jackson.databind.JsonNode> status;

    Handler(SnapshotHolder snapshots, Supplier<List<ListenerInfo>> listeners, BooleanSupplier ready,
        Supplier<com.fasterxml.jackson.databind.JsonNode> status) {
      this.snapshots = snapshots;
      this.listeners = listeners;
      this.ready = ready;
      this.status = status;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) throws Exception {
      String path = req.uri();
      int q = path.indexOf('?');
      if (q >= 0) path = path.substring(0, q);
      FullHttpResponse res;
      switch (path) {
        case "/config_dump" -> {
          ObjectNode dump = SnapshotDump.toJson(snapshots.get());
          ArrayNode ls = JSON.createArrayNode();
          for (ListenerInfo l : listeners.get()) {
            ObjectNode o = ls.addObject().put("name", l.name()).put("protocol", l.protocol()).put("address", l.address()).put("port", l.port());
            if (l.gatewayName() != null) {
              o.putObject("gateway").put("namespace", l.gatewayNamespace()).put("name", l.gatewayName());
              o.put("gatewayPort", l.gatewayPort());
            }
          }
          dump.set("listeners", ls);
          res = reply(HttpResponseStatus.OK, "application/json", JSON.writeValueAsString(dump) + "\n");
        }
        case "/status" -> res = status == null ? reply(HttpResponseStatus.NOT_FOUND, "text/plain", "no status\n")
            : reply(HttpResponseStatus.OK, "application/json", JSON.writeValueAsString(status.get()) + "\n");
        case "/ready" -> res = ready.getAsBoolean()
            ? reply(HttpResponseStatus.OK, "text/plain", "ready\n")
            : reply(HttpResponseStatus.SERVICE_UNAVAILABLE, "text/plain", "not ready\n");
        case "/" -> res = reply(HttpResponseStatus.OK, "text/plain", "Higress-J admin: /config_dump /status /ready\n");
        default -> res = reply(HttpResponseStatus.NOT_FOUND, "text/plain", "not found\n");
      }
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      HttpUtil.setKeepAlive(res, keepAlive);
      var f = ctx.writeAndFlush(res);
      if (!keepAlive) f.addListener(ChannelFutureListener.CLOSE);
    }

    private static FullHttpResponse reply(HttpResponseStatus status, String type, String body) {
      FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
          Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
      res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
      return res;
    }
  }
}
