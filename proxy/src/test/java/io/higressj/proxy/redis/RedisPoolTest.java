package io.higressj.proxy.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.api.RedisReply;
import io.higressj.api.RedisTarget;
import io.higressj.config.model.ClusterConfig;
import io.higressj.config.model.Endpoint;
import io.higressj.config.model.RouteTable;
import io.higressj.config.model.Snapshot;
import io.higressj.config.model.TlsConfig;
import io.higressj.proxy.Transport;
import io.higressj.testing.redis.RedisServer;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RedisPoolTest {
  static EventLoopGroup group;
  static EventLoop loop;

  @BeforeAll
  static void start() {
    group = Transport.best().newGroup(1, "redis-test");
    loop = group.next();
  }

  @AfterAll
  static void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  static Snapshot snapshot(String name, int port) {
    ClusterConfig c = new ClusterConfig(name, "redis", port, List.of(new Endpoint("127.0.0.1", port)));
    return new Snapshot(1, Instant.now(), RouteTable.empty(), Map.of(name, c), TlsConfig.empty(), List.of());
  }

  static RedisReply run(RedisPool pool, Snapshot snap, RedisTarget t, String... args) throws Exception {
    CompletableFuture<RedisReply> f = new CompletableFuture<>();
    loop.execute(() -> pool.command(snap, c -> c.endpoints().get(0), t, List.of(args), f::complete));
    return f.get(10, TimeUnit.SECONDS);
  }

  @Test
  void decoderWaitsForPartialFramesAndSplitsPipelinedReplies() {
    EmbeddedChannel ch = new EmbeddedChannel(new RespDecoder());
    ch.writeInbound(Unpooled.copiedBuffer("*2\r\n$3\r\nfo", StandardCharsets.UTF_8));
    assertThat((Object) ch.readInbound()).isNull();
    ch.writeInbound(Unpooled.copiedBuffer("o\r\n:42\r\n+OK\r\n-ERR bad\r\n$-1\r\n$0\r\n\r\n", StandardCharsets.UTF_8));
    RedisReply.Array a = ch.readInbound();
    assertThat(((RedisReply.Bulk) a.elements().get(0)).text()).isEqualTo("foo");
    assertThat(a.elements().get(1)).isEqualTo(new RedisReply.Integer(42));
    assertThat((Object) ch.readInbound()).isEqualTo(new RedisReply.SimpleString("OK"));
    assertThat((Object) ch.readInbound()).isEqualTo(new RedisReply.Error("ERR bad"));
    assertThat((Object) ch.readInbound()).isEqualTo(RedisReply.NULL);
    assertThat(((RedisReply.Bulk) ch.readInbound()).text()).isEmpty();
  }

  @Test
  void decoderRejectsGarbage() {
    EmbeddedChannel ch = new EmbeddedChannel(new RespDecoder());
    try {
      ch.writeInbound(Unpooled.copiedBuffer("?what\r\n", StandardCharsets.UTF_8));
    } catch (Exception expected) {
      // DecoderException
    }
    assertThat((Object) ch.readInbound()).isNull();
  }

  @Test
  void pipelinedCommandsAgainstARealServerWithAuthAndSelect() throws Exception {
    try (RedisServer server = RedisServer.start("s3cret")) {
      Snapshot snap = snapshot("outbound|6379||redis", server.port());
      RedisPool pool = new RedisPool(loop, Transport.best(), 1000);
      RedisTarget t = new RedisTarget("outbound|6379||redis", null, "s3cret", 3, Duration.ofSeconds(2));
      List<CompletableFuture<RedisReply>> fs = new ArrayList<>();
      CompletableFuture<Void> sent = new CompletableFuture<>();
      loop.execute(() -> {
        for (int i = 0; i < 50; i++) {
          CompletableFuture<RedisReply> f = new CompletableFuture<>();
          fs.add(f);
          pool.command(snap, c -> c.endpoints().get(0), t, List.of("INCR", "k"), f::complete);
        }
        sent.complete(null);
      });
      sent.get(5, TimeUnit.SECONDS);
      for (int i = 0; i < 50; i++) assertThat(fs.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(new RedisReply.Integer(i + 1));
      assertThat(run(pool, snap, t, "SET", "x", "ünï", "NX", "EX", "60")).isEqualTo(new RedisReply.SimpleString("OK"));
      assertThat(run(pool, snap, t, "SET", "x", "again", "NX", "EX", "60")).isEqualTo(RedisReply.NULL);
      assertThat(run(pool, snap, t, "GET", "x").text()).isEqualTo("ünï");
      // SELECT 3 happened: database 0 has no k
      assertThat(server.call("GET", "k")).isNull();
      assertThat(server.call("SELECT", "3")).isEqualTo("OK");
      assertThat(run(pool, snap, t, "WRONGCMD").isError()).isTrue();

      RedisTarget wrong = new RedisTarget("outbound|6379||redis", null, "wrong", 0, Duration.ofSeconds(2));
      assertThat(run(pool, snap, wrong, "PING").text()).contains("AUTH failed");

      // the server drops the connection: the next command reconnects
      assertThat((Long) server.call("CLIENT", "KILL", "TYPE", "normal")).isGreaterThanOrEqualTo(1L);
      Thread.sleep(200);
      assertThat(run(pool, snap, t, "GET", "x").text()).isEqualTo("ünï");
    }
  }

  @Test
  void aServiceThatMovesIsFollowed() throws Exception {
    try (RedisServer a = RedisServer.start(); RedisServer b = RedisServer.start()) {
      a.call("SET", "who", "a");
      b.call("SET", "who", "b");
      RedisPool pool = new RedisPool(loop, Transport.best(), 1000);
      RedisTarget t = new RedisTarget("svc", null, null, 0, Duration.ofSeconds(2));
      assertThat(run(pool, snapshot("svc", a.port()), t, "GET", "who").text()).isEqualTo("a");
      assertThat(run(pool, snapshot("svc", b.port()), t, "GET", "who").text()).isEqualTo("b");
      assertThat(run(pool, Snapshot.empty(), t, "GET", "who").text()).startsWith("ERR higressj: no cluster named");
      CompletableFuture<Integer> n = new CompletableFuture<>();
      loop.execute(() -> n.complete(pool.connections()));
      assertThat(n.get(5, TimeUnit.SECONDS)).isZero();
    }
  }

  @Test
  void unknownClusterAndRefusedConnectionAreErrors() throws Exception {
    RedisPool pool = new RedisPool(loop, Transport.best(), 1000);
    RedisTarget t = new RedisTarget("outbound|6379||none", null, null, 0, Duration.ofSeconds(1));
    assertThat(run(pool, Snapshot.empty(), t, "PING").text()).startsWith("ERR higressj: no cluster named");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    assertThat(run(pool, snapshot("outbound|6379||none", port), t, "PING").text()).contains("connect to");
  }

  @Test
  void aServerThatNeverAnswersTimesOut() throws Exception {
    try (ServerSocket silent = new ServerSocket(0)) {
      Thread.ofVirtual().start(() -> {
        try {
          silent.accept();
          Thread.sleep(10_000);
        } catch (Exception ignored) {
          // closed
        }
      });
      RedisPool pool = new RedisPool(loop, Transport.best(), 1000);
      RedisTarget t = new RedisTarget("r", null, null, 0, Duration.ofMillis(200));
      long start = System.nanoTime();
      RedisReply r = run(pool, snapshot("r", silent.getLocalPort()), t, "PING");
      assertThat(r.text()).startsWith("ERR higressj: timeout");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }
  }
}
