package io.higressj.server.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.proxy.ProxyOptions;
import io.higressj.server.GatewayFixture;
import io.higressj.server.RawHttp;
import io.higressj.server.ServerOptions;
import io.higressj.testing.echo.EchoServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Request line, header size and count limits, the request-headers (slowloris) and idle timeouts, the request cap. */
class LimitsEdgeTest {
  @TempDir Path dir;
  GatewayFixture f;
  EchoServer echo;

  private int start(ProxyOptions options) throws Exception {
    f = new GatewayFixture(dir);
    echo = f.fooToEcho();
    f.start(ServerOptions.forTest(dir).withProxy(options));
    return f.gateway().httpPort();
  }

  @AfterEach
  void stop() throws Exception {
    f.close();
  }

  private static void assertOneResponseThenClose(RawHttp c, int status) throws Exception {
    String all = c.readToEnd();
    assertThat(all).startsWith("HTTP/1.1 " + status + " ");
    assertThat(all.split("HTTP/1.1 ", -1)).hasSize(2);
  }

  @Test
  void requestLineLongerThanTheLimitIs414() throws Exception {
    int port = start(ProxyOptions.defaults().toBuilder().maxInitialLineLength(1024).build());
    try (RawHttp c = new RawHttp(port)) {
      c.send(RawHttp.get("foo.com", "/" + "a".repeat(1100)) + RawHttp.get("foo.com", "/next"));
      assertOneResponseThenClose(c, 414);
    }
    try (RawHttp c = new RawHttp(port)) {
      assertThat(c.request("foo.com", "/" + "a".repeat(900)).status()).isEqualTo(200);
    }
    assertThat(echo.recentRequests()).hasSize(1);
  }

  @Test
  void headersLargerThanTheLimitAre431() throws Exception {
    int port = start(ProxyOptions.defaults().toBuilder().maxHeaderSize(2048).build());
    try (RawHttp c = new RawHttp(port)) {
      c.send("GET / HTTP/1.1\r\nHost: foo.com\r\nX-Big: " + "b".repeat(2100) + "\r\n\r\n" + RawHttp.get("foo.com", "/next"));
      assertOneResponseThenClose(c, 431);
    }
    assertThat(echo.recentRequests()).isEmpty();
  }

  @Test
  void moreHeadersThanTheLimitAre431() throws Exception {
    int port = start(ProxyOptions.defaults().toBuilder().maxHeadersCount(10).build());
    try (RawHttp c = new RawHttp(port)) {
      c.send("GET / HTTP/1.1\r\nHost: foo.com\r\n" + "X-H: v\r\n".repeat(9) + "\r\n");
      assertThat(c.read().status()).isEqualTo(200); // 10 fields: the limit itself is fine
      c.send("GET / HTTP/1.1\r\nHost: foo.com\r\n" + "X-H: v\r\n".repeat(10) + "\r\n" + RawHttp.get("foo.com", "/next"));
      assertOneResponseThenClose(c, 431);
    }
    assertThat(echo.recentRequests()).hasSize(1);
  }

  @Test
  void slowlorisTricklingHeadersGets408AndClose() throws Exception {
    int port = start(ProxyOptions.defaults().toBuilder().requestHeadersTimeout(Duration.ofMillis(500)).build());
    try (RawHttp c = new RawHttp(port)) {
      c.send("GET /slow HTTP/1.1\r\nHost: foo.com\r\n");
      // one header line every 100 ms: each byte is "activity", but the head never completes in time
      Thread thread = Thread.ofVirtual().start(() -> {
        try {
          for (int i = 0; i < 50; i++) {
            Thread.sleep(100);
            c.send("X-Slow-" + i + ": x\r\n");
          }
        } catch (Exception closed) {
          // the gateway closed the connection: what we expect
        }
      });
      assertOneResponseThenClose(c, 408);
      thread.join();
    }
    assertThat(echo.recentRequests()).isEmpty();
  }

  @Test
  void aSlowClientThatFinishesItsHeadersInTimeIsServed() throws Exception {
    int port = start(ProxyOptions.defaults().toBuilder().requestHeadersTimeout(Duration.ofSeconds(5)).build());
    try (RawHttp c = new RawHttp(port)) {
      for (String part : new String[] {"GET /slow HT", "TP/1.1\r\nHo", "st: foo.com\r\n", "\r\n"}) {
        c.send(part);
        Thread.sleep(50);
      }
      assertThat(c.read().status()).isEqualTo(200);
    }
  }

  @Test
  void idleConnectionIsClosedButNotWhileARequestIsInProgress() throws Exception {
    int port = start(ProxyOptions.defaults().toBuilder().idleTimeout(Duration.ofMillis(300)).build());
    try (RawHttp c = new RawHttp(port)) {
      // the upstream takes longer than the idle timeout: the request is in progress, not idle
      c.send("GET / HTTP/1.1\r\nHost: foo.com\r\nX-Delay: 700\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(200);
      assertThat(c.closedByPeer()).isTrue();
    }
  }

  @Test
  void maxRequestsPerConnectionAnswersTheLastWithCloseAndServesNoMore() throws Exception {
    int port = start(ProxyOptions.defaults().toBuilder().maxRequestsPerConnection(2).build());
    try (RawHttp c = new RawHttp(port)) {
      c.send(RawHttp.get("foo.com", "/1") + RawHttp.get("foo.com", "/2") + RawHttp.get("foo.com", "/3"));
      RawHttp.Response r1 = c.read();
      RawHttp.Response r2 = c.read();
      assertThat(r1.headers()).doesNotContainKey("connection");
      assertThat(r2.headers().get("connection")).isEqualTo("close");
      assertThat(c.closedByPeer()).isTrue();
    }
    assertThat(echo.recentRequests()).extracting(EchoServer.RecordedRequest::path).containsExactly("/1", "/2");
  }

  @Test
  void connectionsOverMaxConnectionsAreClosedAndOthersKeepServing() throws Exception {
    int port = start(ProxyOptions.defaults().toBuilder()
        .overload(new ProxyOptions.Overload(2, 0.95, 0.95)).build());
    try (RawHttp a = new RawHttp(port); RawHttp b = new RawHttp(port)) {
      assertThat(a.request("foo.com", "/a").status()).isEqualTo(200);
      assertThat(b.request("foo.com", "/b").status()).isEqualTo(200);
      try (RawHttp c = new RawHttp(port)) {
        String got;
        try {
          c.send(RawHttp.get("foo.com", "/c"));
          got = c.readToEnd();
        } catch (java.net.SocketException e) {
          got = ""; // reset: the gateway closed before reading what was sent
        }
        assertThat(got).isEmpty(); // closed without an answer
      }
      assertThat(a.request("foo.com", "/a2").status()).isEqualTo(200);
    }
    // closed connections free their places (once the gateway has seen them close)
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (true) {
      try (RawHttp d = new RawHttp(port)) {
        if (d.request("foo.com", "/d").status() == 200) break;
      } catch (java.io.IOException e) {
        if (System.nanoTime() > deadline) throw e;
        Thread.sleep(20);
      }
    }
    assertThat(echo.recentRequests()).extracting(r -> r.path()).doesNotContain("/c");
  }

  @Test
  void underMemoryPressureNewRequestsGet503AndNothingReachesTheUpstream() throws Exception {
    // a threshold every running gateway is above: Netty's buffers take some direct memory at once
    int port = start(ProxyOptions.defaults().toBuilder()
        .overload(new ProxyOptions.Overload(0, 0.95, 1e-12)).build());
    Thread.sleep(300); // two samples of the memory in use
    try (RawHttp c = new RawHttp(port)) {
      c.send(RawHttp.get("foo.com", "/") + RawHttp.get("foo.com", "/next"));
      RawHttp.Response r = c.read();
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.body()).contains("overloaded");
      assertThat(r.headers()).containsEntry("connection", "close");
    }
    assertThat(echo.recentRequests()).isEmpty();
  }

  @Test
  void aRequestBodyThatStopsArrivingGets408AndClose() throws Exception {
    int port = start(ProxyOptions.defaults().toBuilder().requestBodyIdleTimeout(Duration.ofMillis(500)).build());
    try (RawHttp c = new RawHttp(port)) {
      c.send("POST /stalled HTTP/1.1\r\nHost: foo.com\r\nContent-Length: 10\r\n\r\nabc");
      long t0 = System.nanoTime();
      String all = c.readToEnd();
      assertThat(all).startsWith("HTTP/1.1 408 ").contains("request body timeout");
      assertThat(System.nanoTime() - t0).isGreaterThan(Duration.ofMillis(300).toNanos());
    }
  }

  @Test
  void aSlowButSteadyRequestBodyIsServed() throws Exception {
    int port = start(ProxyOptions.defaults().toBuilder().requestBodyIdleTimeout(Duration.ofMillis(500)).build());
    try (RawHttp c = new RawHttp(port)) {
      c.send("POST /steady HTTP/1.1\r\nHost: foo.com\r\nContent-Length: 8\r\n\r\n");
      for (int i = 0; i < 8; i++) { // 1.6 s in all, never 500 ms without a byte
        Thread.sleep(200);
        c.send("x");
      }
      assertThat(c.read().status()).isEqualTo(200);
    }
  }
}
