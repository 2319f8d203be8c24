package io.higressj.proxy.redis;

import io.higressj.api.RedisReply;
import io.higressj.api.RedisTarget;
import io.higressj.config.model.ClusterConfig;
import io.higressj.config.model.Endpoint;
import io.higressj.config.model.Snapshot;
import io.higressj.proxy.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The Redis connections of one event loop: one connection per target (cluster, credentials, database),
 * opened on first use, with AUTH and SELECT sent first, commands pipelined on it. A command not
 * answered within the target's timeout is answered with an error and its connection closed (the
 * replies would no longer match); a closed connection answers its pending commands with an error and
 * the next command opens a new one. Everything runs on the event loop.
 */
public final class RedisPool {
  private record Key(String cluster, String username, String password, int database) {}

  /** a connection without commands for this long is closed (a configuration change may leave some unused) */
  static final int IDLE_SECONDS = 300;

  private final EventLoop loop;
  private final Bootstrap bootstrap;
  private final Map<Key, Conn> conns = new HashMap<>();

  public RedisPool(EventLoop loop, Transport transport, int connectTimeoutMillis) {
    this.loop = loop;
    this.bootstrap = new Bootstrap()
        .group(loop)
        .channel(transport.socketChannel())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis);
  }

  /**
   * Sends {@code args} to {@code target}; {@code callback} runs later on the event loop. {@code pick}
   * chooses an endpoint of the target's cluster when a connection is opened.
   */
  public void command(Snapshot snapshot, Function<ClusterConfig, Endpoint> pick, RedisTarget target, List<String> args,
      Consumer<RedisReply> callback) {
    if (!loop.inEventLoop()) {
      loop.execute(() -> command(snapshot, pick, target, args, callback));
      return;
    }
    if (args == null || args.isEmpty()) {
      loop.execute(() -> callback.accept(RedisReply.clientError("empty command")));
      return;
    }
    Key key = new Key(target.cluster(), target.username(), target.password(), target.database());
    Conn c = conns.get(key);
    ClusterConfig cluster = snapshot.cluster(target.cluster());
    if (c != null && !c.closed && (cluster == null || !cluster.endpoints().contains(c.endpoint))) {
      // the service moved (or went away): its commands in flight finish, new ones go to a new endpoint
      c.retire();
      c = null;
    }
    if (c == null || c.closed) {
      if (cluster == null || cluster.endpoints().isEmpty()) {
        String why = cluster == null ? "no cluster named " + target.cluster() : "no endpoint in " + target.cluster();
        loop.execute(() -> callback.accept(RedisReply.clientError(why)));
        return;
      }
      c = new Conn(key, pick.apply(cluster));
      conns.put(key, c);
      c.open(target);
    }
    c.send(args, target.timeout().toNanos(), callback);
  }

  /** open connections, for tests */
  public int connections() {
    return conns.size();
  }

  private final class Pending {
    final Consumer<RedisReply> callback;
    ScheduledFuture<?> deadline;
    boolean done;

    Pending(Consumer<RedisReply> callback) {
      this.callback = callback;
    }

    void answer(RedisReply r) {
      if (done) return;
      done = true;
      if (deadline != null) deadline.cancel(false);
      callback.accept(r);
    }
  }

  private final class Conn extends SimpleChannelInboundHandler<RedisReply> {
    final Key key;
    final Endpoint endpoint;
    final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
    List<ByteBuf> unsent = new ArrayList<>(); // until connected
    Channel channel;
    boolean closed;
    boolean retired;

    Conn(Key key, Endpoint endpoint) {
      this.key = key;
      this.endpoint = endpoint;
    }

    void open(RedisTarget target) {
      if (target.password() != null) {
        List<String> auth = target.username() == null
            ? List.of("AUTH", target.password()) : List.of("AUTH", target.username(), target.password());
        send(auth, target.timeout().toNanos(), r -> {
          if (r.isError()) close(RedisReply.clientError("AUTH failed: " + r.text()));
        });
      }
      if (target.database() > 0) {
        send(List.of("SELECT", Integer.toString(target.database())), target.timeout().toNanos(), r -> {
          if (r.isError()) close(RedisReply.clientError("SELECT failed: " + r.text()));
        });
      }
      Conn self = this;
      ChannelFuture f = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
        @Override
        protected void initChannel(Channel ch) {
          ch.pipeline().addLast(new IdleStateHandler(0, 0, IDLE_SECONDS), new RespDecoder(), self);
        }
      }).connect(endpoint.address(), endpoint.port());
      channel = f.channel();
      f.addListener(done -> {
        if (!done.isSuccess()) {
          Throwable t = done.cause();
          close(RedisReply.clientError("connect to " + endpoint + " failed: " + (t == null ? "unknown" : t.getMessage())));
          return;
        }
        if (closed) return;
        List<ByteBuf> u = unsent;
        unsent = null;
        for (ByteBuf b : u) channel.write(b);
        channel.flush();
        channel.closeFuture().addListener(x -> close(RedisReply.clientError("connection to " + endpoint + " closed")));
      });
    }

    void send(List<String> args, long timeoutNanos, Consumer<RedisReply> callback) {
      Pending p = new Pending(callback);
      if (closed) {
        loop.execute(() -> p.answer(RedisReply.clientError("connection closed")));
        return;
      }
      ByteBuf b = (channel == null ? io.netty.buffer.ByteBufAllocator.DEFAULT : channel.alloc()).buffer();
      RespDecoder.encode(args, b);
      inFlight.add(p);
      p.deadline = loop.schedule(() -> {
        if (p.done) return;
        p.answer(RedisReply.clientError("timeout after " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"));
        close(RedisReply.clientError("connection closed after a timeout"));
      }, timeoutNanos, TimeUnit.NANOSECONDS);
      if (unsent != null) unsent.add(b);
      else channel.writeAndFlush(b);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, RedisReply reply) {
      Pending p = inFlight.poll();
      if (p == null) {
        close(RedisReply.clientError("unexpected reply"));
        return;
      }
      p.answer(reply);
      if (retired && inFlight.isEmpty()) close(RedisReply.clientError("connection retired"));
    }

    /** no new commands; closes when the last one is answered */
    void retire() {
      if (conns.get(key) == this) conns.remove(key);
      retired = true;
      if (inFlight.isEmpty()) close(RedisReply.clientError("connection retired"));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof IdleStateEvent && inFlight.isEmpty()) close(RedisReply.clientError("idle"));
      else ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      close(RedisReply.clientError("protocol error: " + cause.getMessage()));
    }

    void close(RedisReply why) {
      if (closed) return;
      closed = true;
      if (conns.get(key) == this) conns.remove(key);
      if (unsent != null) {
        for (ByteBuf b : unsent) b.release();
        unsent = null;
      }
      if (channel != null) channel.close();
      Pending p;
      while ((p = inFlight.poll()) != null) {
        Pending q = p;
        // answered later, never from inside command()
        loop.execute(() -> q.answer(why));
      }
    }
  }
}
