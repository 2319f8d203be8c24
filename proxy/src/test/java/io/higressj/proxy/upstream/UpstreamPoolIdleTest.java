package io.higressj.proxy.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.higressj.config.model.Endpoint;
import io.higressj.proxy.ProxyOptions;
import io.higressj.proxy.Transport;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The upstream idle timeout on real sockets: a pooled HTTP/1.1 connection is closed once it has waited
 * in the pool for the timeout, a connection in use is never closed by it, and a connection that went
 * back into the pool is timed from its last return.
 */
class UpstreamPoolIdleTest {
  private static final long IDLE_MS = 300;

  private EventLoopGroup group;
  private EventLoop loop;
  private ServerSocket server;
  private UpstreamPool pool;
  private Endpoint endpoint;

  @BeforeEach
  void start() throws IOException {
    group = Transport.best().newGroup(1, "idle-test");
    loop = group.next();
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    endpoint = new Endpoint("127.0.0.1", server.getLocalPort());
    ProxyOptions options = ProxyOptions.defaults().toBuilder().upstreamIdleTimeout(Duration.ofMillis(IDLE_MS)).build();
    pool = new UpstreamPool(loop, Transport.best(), options);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  @Test
  void aPooledConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    UpstreamConnection conn = acquire();
    try (Socket peer = server.accept()) {
      onLoop(conn::release);
      assertEquals(1, onLoop(pool::idleCount));
      long released = System.nanoTime();
      peer.setSoTimeout(5_000);
      assertEquals(-1, peer.getInputStream().read(), "the gateway closes the pooled connection");
      long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - released);
      assertTrue(waitedMs >= IDLE_MS - 20, "closed after " + waitedMs + " ms, before the idle timeout");
      awaitNoIdleConnection();
    }
  }

  @Test
  void aConnectionInUseOutlivesTheTimeoutAndIsTimedFromItsLastReturn() throws Exception {
    UpstreamConnection conn = acquire();
    try (Socket peer = server.accept()) {
      // pooled for a while, then taken by a second exchange and kept well past the timeout
      onLoop(conn::release);
      Thread.sleep(IDLE_MS / 2);
      UpstreamConnection again = acquire();
      assertSame(conn, again, "the pooled connection is reused");
      Thread.sleep(IDLE_MS * 2);
      assertTrue(onLoop(() -> conn.channel().isActive()), "a connection in use is not closed by the idle timeout");
      // back in the pool: closed an idle timeout after this return, not after the first one
      onLoop(again::release);
      long released = System.nanoTime();
      Thread.sleep(IDLE_MS / 2);
      assertTrue(onLoop(() -> conn.channel().isActive()), "closed before it was idle for the timeout");
      peer.setSoTimeout(5_000);
      assertEquals(-1, peer.getInputStream().read());
      long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - released);
      assertTrue(waitedMs >= IDLE_MS - 20, "closed after " + waitedMs + " ms");
      awaitNoIdleConnection();
    }
  }

  /** The pool forgets a closed connection when its channel reports inactive, just after the peer saw the close. */
  private void awaitNoIdleConnection() throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (onLoop(pool::idleCount) != 0 && System.nanoTime() < until) Thread.sleep(5);
    assertEquals(0, onLoop(pool::idleCount));
  }

  /** A connection to the test server, attached to a listener that expects nothing. */
  private UpstreamConnection acquire() throws Exception {
    CompletableFuture<UpstreamConnection> got = new CompletableFuture<>();
    loop.execute(() -> pool.acquire(endpoint, new Ignoring(), (c, cause) -> {
      if (cause != null) got.completeExceptionally(cause);
      else got.complete(c);
    }));
    UpstreamConnection c = got.get(5, TimeUnit.SECONDS);
    assertNull(onLoop(() -> c.idleInPool() ? "idle" : null), "an acquired connection is not idle");
    return c;
  }

  private <T> T onLoop(java.util.concurrent.Callable<T> task) throws Exception {
    return loop.submit(task).get(5, TimeUnit.SECONDS);
  }

  private void onLoop(Runnable task) throws Exception {
    loop.submit(task).get(5, TimeUnit.SECONDS);
  }

  private static final class Ignoring implements UpstreamListener {
    @Override
    public void onUpstreamMessage(UpstreamConnection conn, Object msg) {
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void onUpstreamReadComplete(UpstreamConnection conn) {}

    @Override
    public void onUpstreamWritabilityChanged(UpstreamConnection conn) {}

    @Override
    public void onUpstreamClosed(UpstreamConnection conn, Throwable cause) {}
  }
}
