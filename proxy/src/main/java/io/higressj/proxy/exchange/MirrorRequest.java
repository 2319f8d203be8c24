package io.higressj.proxy.exchange;

import io.higressj.config.model.ClusterConfig;
import io.higressj.config.model.Endpoint;
import io.higressj.proxy.DataPlane;
import io.higressj.proxy.upstream.UpstreamConnection;
import io.higressj.proxy.upstream.UpstreamListener;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A copy of a request sent to a mirror cluster, fire and forget: the answer is read and dropped, a
 * failure only ends the copy. The copy's Host gets {@code -shadow} appended, as Envoy does, so the
 * mirror can tell copies from real traffic. It runs on the exchange's event loop and never touches it.
 */
final class MirrorRequest implements UpstreamListener {
  private final ArrayDeque<HttpContent> body;
  private final HttpRequest request;
  private UpstreamConnection conn;
  private ScheduledFuture<?> deadline;
  private boolean done;

  private MirrorRequest(HttpRequest request, ArrayDeque<HttpContent> body) {
    this.request = request;
    this.body = body;
  }

  /**
   * Sends a copy of {@code original} (headers as prepared for the upstream) with {@code body} (owned
   * from now on; null: no body) to an endpoint of {@code cluster}.
   */
  static void send(DataPlane dp, EventLoop loop, ClusterConfig cluster, HttpRequest original, ArrayDeque<HttpContent> body) {
    if (cluster.endpoints().isEmpty()) {
      release(body);
      return;
    }
    HttpRequest copy = new DefaultHttpRequest(HttpVersion.HTTP_1_1, original.method(), original.uri(),
        original.headers().copy());
    String host = copy.headers().get(HttpHeaderNames.HOST);
    if (host != null) copy.headers().set(HttpHeaderNames.HOST, shadow(host));
    MirrorRequest m = new MirrorRequest(copy, body);
    Endpoint e = dp.pickEndpoint(loop, cluster, null);
    m.deadline = loop.schedule(m::abandon, dp.options().upstreamResponseTimeout().toMillis(), TimeUnit.MILLISECONDS);
    dp.pool(loop).acquire(e, cluster.protocol(), m, m::onConnected);
  }

  /** {@code host[:port]} with {@code -shadow} after the host name. */
  static String shadow(String host) {
    int colon = host.lastIndexOf(':');
    if (colon > 0 && host.indexOf(']') < colon && host.indexOf(':') == colon) {
      return host.substring(0, colon) + "-shadow" + host.substring(colon);
    }
    return host + "-shadow";
  }

  private void onConnected(UpstreamConnection c, Throwable cause) {
    if (c == null || done) {
      if (c != null) c.release();
      end();
      return;
    }
    conn = c;
    c.channel().write(request);
    boolean last = false;
    if (body != null) {
      HttpContent h;
      while ((h = body.poll()) != null) {
        last = h instanceof LastHttpContent;
        c.channel().write(h);
      }
    }
    if (!last) c.channel().write(LastHttpContent.EMPTY_LAST_CONTENT);
    c.channel().flush();
  }

  @Override
  public void onUpstreamMessage(UpstreamConnection c, Object msg) {
    boolean last = msg instanceof LastHttpContent;
    ReferenceCountUtil.release(msg);
    if (last && !done) {
      conn = null;
      c.release();
      end();
    }
  }

  @Override
  public void onUpstreamReadComplete(UpstreamConnection c) {}

  @Override
  public void onUpstreamWritabilityChanged(UpstreamConnection c) {}

  @Override
  public void onUpstreamClosed(UpstreamConnection c, Throwable cause) {
    conn = null;
    end();
  }

  private void abandon() {
    deadline = null;
    UpstreamConnection c = conn;
    conn = null;
    if (c != null) c.discard();
    end();
  }

  private void end() {
    if (done) return;
    done = true;
    if (deadline != null) deadline.cancel(false);
    release(body);
  }

  private static void release(ArrayDeque<HttpContent> body) {
    if (body == null) return;
    HttpContent h;
    while ((h = body.poll()) != null) h.release();
  }
}
