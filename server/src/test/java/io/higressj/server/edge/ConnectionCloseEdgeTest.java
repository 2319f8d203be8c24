package io.higressj.server.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.proxy.DataPlane;
import io.higressj.server.GatewayFixture;
import io.higressj.server.RawHttp;
import io.higressj.server.ServerOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How an HTTP/1.1 connection ends after a response: at once when the client asked for it and has sent
 * everything (nothing can follow to turn the close into a reset), with the delayed close (half-close,
 * drain, then close within a second) when the client may still be sending.
 */
class ConnectionCloseEdgeTest {
  @TempDir Path dir;
  GatewayFixture f;
  int port;

  @BeforeEach
  void start() throws Exception {
    f = new GatewayFixture(dir);
    f.fooToEcho();
    f.start(ServerOptions.forTest(dir));
    port = f.gateway().httpPort();
  }

  @AfterEach
  void stop() throws Exception {
    f.close();
  }

  /** The milliseconds until the gateway holds no client connection (at most {@code max}). */
  private long millisUntilNoConnection(long max) throws InterruptedException {
    DataPlane dp = f.gateway().dataPlane();
    long t0 = System.nanoTime();
    while (dp.openConnections() > 0 && (System.nanoTime() - t0) / 1_000_000 < max) Thread.sleep(5);
    return (System.nanoTime() - t0) / 1_000_000;
  }

  @Test
  void aClientThatAsksToCloseIsClosedAtOnce() throws Exception {
    try (RawHttp c = new RawHttp(port)) {
      c.send("GET /a HTTP/1.1\r\nHost: foo.com\r\nConnection: close\r\n\r\n");
      String all = c.readToEnd(); // the gateway's FIN
      assertThat(all).startsWith("HTTP/1.1 200 ").contains("\"path\":\"/a\"");
      // the client has not closed its end: the delayed close would hold the connection for a second
      assertThat(millisUntilNoConnection(3000)).isLessThan(500);
    }
  }

  @Test
  void anHttp10ClientWithoutKeepAliveIsClosedAtOnce() throws Exception {
    try (RawHttp c = new RawHttp(port)) {
      c.send("GET /b HTTP/1.0\r\nHost: foo.com\r\n\r\n");
      assertThat(c.readToEnd()).startsWith("HTTP/1.1 200 ").contains("\"path\":\"/b\"");
      assertThat(millisUntilNoConnection(3000)).isLessThan(500);
    }
  }

  @Test
  void requestsSentAfterAskingToCloseDoNotCostTheResponse() throws Exception {
    try (RawHttp c = new RawHttp(port)) {
      // against RFC 9112 (9.6), a request after "close": the delayed close drains it instead of resetting
      c.send("GET /c HTTP/1.1\r\nHost: foo.com\r\nConnection: close\r\n\r\n"
          + "GET /d HTTP/1.1\r\nHost: foo.com\r\n\r\n".repeat(50));
      String all = c.readToEnd();
      assertThat(all).startsWith("HTTP/1.1 200 ").contains("\"path\":\"/c\"").doesNotContain("\"path\":\"/d\"");
      assertThat(all.split("HTTP/1.1 ", -1)).hasSize(2);
    }
  }

  @Test
  void theGatewaysOwnCloseWaitsForTheClient() throws Exception {
    try (RawHttp c = new RawHttp(port)) {
      // a request the gateway refuses while its body is still to come: it closes, the client did not ask to
      c.send("POST /e HTTP/1.1\r\nHost: foo.com\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\n");
      String all = c.readToEnd();
      assertThat(all).startsWith("HTTP/1.1 400 ");
      // the client never closed: the delayed close ends the connection after its second, not at once
      assertThat(millisUntilNoConnection(3000)).isGreaterThan(300);
    }
  }
}
