package io.higressj.proxy.filter;

import io.higressj.api.CalloutRequest;
import io.higressj.api.CalloutResponse;
import io.higressj.config.model.ClusterConfig;
import io.higressj.config.model.Endpoint;
import io.higressj.config.model.UpstreamProtocol;
import io.higressj.proxy.DataPlane;
import io.higressj.proxy.upstream.UpstreamConnection;
import io.higressj.proxy.upstream.UpstreamListener;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An HTTP request a filter sends on its own, through the event loop's upstream pool (the same
 * connections, TLS and HTTP/2 handling as proxied requests). The answer is read whole (up to {@link
 * #MAX_BODY} bytes) and handed to the callback on the event loop; a failure or the timeout answers
 * status 0 with the reason.
 */
final class Callout implements UpstreamListener {
  static final int MAX_BODY = 16 << 20;

  private final Consumer<CalloutResponse> callback;
  private final HttpRequest request;
  private final byte[] body;
  private UpstreamConnection conn;
  private ScheduledFuture<?> deadline;
  private HttpResponse head;
  private ByteBuf received;
  private boolean keepAlive;
  private boolean finished;

  private Callout(HttpRequest request, byte[] body, Consumer<CalloutResponse> callback) {
    this.request = request;
    this.body = body;
    this.callback = callback;
  }

  static void send(FilterHost host, CalloutRequest req, Duration timeout, Consumer<CalloutResponse> callback) {
    EventLoop loop = host.eventLoop();
    DataPlane dp = host.dataPlane();
    Endpoint endpoint;
    UpstreamProtocol protocol;
    String target = req.path();
    String authority;
    String t = req.target();
    if (t.startsWith("http://") || t.startsWith("https://")) {
      URI u;
      try {
        u = URI.create(t);
      } catch (IllegalArgumentException e) {
        fail(loop, callback, "bad callout URL " + t);
        return;
      }
      boolean tls = "https".equals(u.getScheme());
      if (u.getHost() == null) {
        fail(loop, callback, "bad callout URL " + t);
        return;
      }
      String h = u.getHost();
      if (h.startsWith("[")) h = h.substring(1, h.length() - 1);
      int port = u.getPort() > 0 ? u.getPort() : tls ? 443 : 80;
      endpoint = new Endpoint(h, port);
      // https: the server's certificate is checked against the JDK's trust store and the URL's host name
      boolean ip = h.indexOf(':') >= 0 || h.chars().allMatch(ch -> ch == '.' || ch >= '0' && ch <= '9');
      protocol = tls ? new UpstreamProtocol(false, true, ip ? null : h, true, null, null, null) : UpstreamProtocol.HTTP1;
      authority = u.getPort() > 0 ? u.getHost() + ":" + port : u.getHost();
      if (target == null) {
        String p = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        target = u.getRawQuery() == null ? p : p + "?" + u.getRawQuery();
      }
    } else {
      ClusterConfig cluster = host.snapshot().cluster(t);
      if (cluster == null) {
        fail(loop, callback, "no cluster named " + t);
        return;
      }
      if (cluster.endpoints().isEmpty()) {
        fail(loop, callback, "no healthy upstream in " + t);
        return;
      }
      endpoint = dp.pickEndpoint(loop, cluster, null);
      protocol = cluster.protocol();
      String[] parts = t.split("\\|", -1);
      authority = parts.length == 4 ? parts[3] : endpoint.toString();
      if (target == null) target = "/";
    }
    HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(req.method()), target);
    for (Map.Entry<String, String> e : req.headers()) r.headers().add(e.getKey(), e.getValue());
    if (!r.headers().contains(HttpHeaderNames.HOST)) r.headers().set(HttpHeaderNames.HOST, authority);
    r.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, req.body().length);
    Callout c = new Callout(r, req.body(), callback);
    long nanos = timeout == null || timeout.isZero() || timeout.isNegative()
        ? dp.options().upstreamResponseTimeout().toNanos() : timeout.toNanos();
    c.deadline = loop.schedule(() -> c.finish(null, "timeout"), nanos, TimeUnit.NANOSECONDS);
    dp.pool(loop).acquire(endpoint, protocol, c, c::onConnected);
  }

  private static void fail(EventLoop loop, Consumer<CalloutResponse> callback, String why) {
    // never call back from inside callout(): the filter has not returned PAUSE yet
    loop.execute(() -> callback.accept(new CalloutResponse(0, List.of(), null, why)));
  }

  private void onConnected(UpstreamConnection c, Throwable cause) {
    if (finished) {
      if (c != null) c.release();
      return;
    }
    if (c == null) {
      finish(null, "connect failed: " + (cause == null ? "unknown" : cause.getMessage()));
      return;
    }
    conn = c;
    c.channel().write(request);
    c.channel().writeAndFlush(new DefaultLastHttpContent(Unpooled.wrappedBuffer(body)));
  }

  @Override
  public void onUpstreamMessage(UpstreamConnection c, Object msg) {
    if (finished || c != conn) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpResponse res) {
      if (res.decoderResult().isFailure()) {
        ReferenceCountUtil.release(msg);
        finish(null, "upstream protocol error");
        return;
      }
      if (res.status().code() >= 100 && res.status().code() < 200) {
        ReferenceCountUtil.release(msg);
        return;
      }
      head = res;
      keepAlive = HttpUtil.isKeepAlive(res);
      received = Unpooled.buffer();
    }
    if (msg instanceof HttpContent content) {
      try {
        if (head == null) return;
        if (received.readableBytes() + content.content().readableBytes() > MAX_BODY) {
          finish(null, "response body over " + MAX_BODY + " bytes");
          return;
        }
        received.writeBytes(content.content());
        if (content instanceof LastHttpContent) {
          UpstreamConnection done = conn;
          conn = null;
          if (keepAlive) done.release();
          else done.discard();
          List<Map.Entry<String, String>> headers = new ArrayList<>();
          for (Map.Entry<String, String> e : head.headers()) headers.add(Map.entry(e.getKey(), e.getValue()));
          finish(new CalloutResponse(head.status().code(), headers, ByteBufUtil.getBytes(received), null), null);
        }
      } finally {
        content.release();
      }
    }
  }

  @Override
  public void onUpstreamReadComplete(UpstreamConnection c) {}

  @Override
  public void onUpstreamWritabilityChanged(UpstreamConnection c) {}

  @Override
  public void onUpstreamClosed(UpstreamConnection c, Throwable cause) {
    if (c != conn) return;
    conn = null;
    finish(null, "upstream connection closed before the response");
  }

  private void finish(CalloutResponse res, String failure) {
    if (finished) return;
    finished = true;
    if (deadline != null) deadline.cancel(false);
    UpstreamConnection c = conn;
    conn = null;
    if (c != null) c.discard();
    if (received != null) {
      received.release();
      received = null;
    }
    callback.accept(res != null ? res : new CalloutResponse(0, List.of(), null, failure));
  }
}
