package io.higressj.proxy.upstream;

import io.higressj.config.model.Endpoint;
import io.higressj.proxy.DeadlineTimer;
import io.higressj.proxy.http1.ResponseFramingHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * One HTTP/1.1 connection to an endpoint. It serves one exchange at a time; between exchanges it
 * waits in its event loop's {@link UpstreamPool}.
 */
public final class UpstreamConnection extends ChannelInboundHandlerAdapter {
  private final UpstreamPool pool;
  private final UpstreamPool.Key key;
  private final Endpoint endpoint;
  /** an HTTP/2 stream: one exchange, then gone; never pooled */
  private final boolean stream;
  private Channel channel;
  /** the HTTP/1.1 response head checks in this connection's pipeline (null for an HTTP/2 stream) */
  private ResponseFramingHandler framing;
  private UpstreamListener owner;
  private int uses;
  private boolean idleInPool;
  /**
   * The upstream idle timeout of a stay in the pool, made at the first one: set when the connection
   * goes into the pool, cleared when an exchange takes it (no timer-queue operation per request).
   */
  private DeadlineTimer idle;
  private final Runnable closeIdle = () -> channel.close();

  UpstreamConnection(UpstreamPool pool, UpstreamPool.Key key) {
    this(pool, key, false);
  }

  UpstreamConnection(UpstreamPool pool, UpstreamPool.Key key, boolean stream) {
    this.pool = pool;
    this.key = key;
    this.endpoint = key.endpoint();
    this.stream = stream;
  }

  UpstreamPool.Key key() {
    return key;
  }

  /** Whether this is a stream of a multiplexed HTTP/2 connection (no upgrade, no reuse). */
  public boolean isStream() {
    return stream;
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  public Channel channel() {
    return channel;
  }

  /** True when this connection served an exchange before: a failure may be a stale keep-alive. */
  public boolean reused() {
    return uses > 1;
  }

  void attach(UpstreamListener listener) {
    this.owner = listener;
    this.idleInPool = false;
    uses++;
    if (idle != null) idle.disarm();
    if (framing != null) framing.expectResponse();
  }

  /** Set when the connection's pipeline is built. */
  void framing(ResponseFramingHandler framing) {
    this.framing = framing;
  }

  boolean idleInPool() {
    return idleInPool;
  }

  /**
   * Puts the connection into the pool's keeping; it is closed once it has been there for the upstream
   * idle timeout without being taken out.
   */
  void markIdle() {
    owner = null;
    idleInPool = true;
    if (idle == null) idle = new DeadlineTimer(channel.eventLoop());
    idle.arm(pool.options().upstreamIdleTimeout().toNanos(), closeIdle); // closing also takes it out of the pool
  }

  /** Returns the connection to the pool; call when request and response are both complete. */
  public void release() {
    owner = null;
    if (stream) {
      if (channel.isActive()) channel.close(); // both sides ended: closing frees the stream at once
      return;
    }
    pool.release(this);
  }

  /** Closes the connection and forgets its owner: it will not be reused. */
  public void discard() {
    owner = null;
    channel.close();
  }

  /** Detaches the connection from the pool for good (WebSocket tunnel). */
  public void detach() {
    owner = null;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    UpstreamListener o = owner;
    if (o != null) {
      o.onUpstreamMessage(this, msg);
    } else {
      // bytes from an idle connection: the upstream broke framing; never reuse it
      ReferenceCountUtil.release(msg);
      ctx.close();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    UpstreamListener o = owner;
    if (o != null) o.onUpstreamReadComplete(this);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    UpstreamListener o = owner;
    if (o != null) o.onUpstreamWritabilityChanged(this);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (idle != null) idle.disarm();
    if (!stream) pool.remove(this);
    UpstreamListener o = owner;
    owner = null;
    if (o != null) o.onUpstreamClosed(this, null);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    ReferenceCountUtil.release(evt); // (idle connections are timed by markIdle, not by an idle-state handler)
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    UpstreamListener o = owner;
    owner = null;
    ctx.close();
    if (o != null) o.onUpstreamClosed(this, cause);
  }
}
