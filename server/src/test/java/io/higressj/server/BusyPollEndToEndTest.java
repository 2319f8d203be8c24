package io.higressj.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --busy-poll}: the event loops poll after I/O, serve as usual, and go back to sleep when idle. */
class BusyPollEndToEndTest {
  @TempDir
  Path dir;

  /** CPU time of the gateway's event loop threads ("gateway-N-M"), in nanoseconds. */
  static long eventLoopCpuNanos() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("gateway-")) total += Math.max(0, mx.getThreadCpuTime(t.threadId()));
    }
    return total;
  }

  @Test
  void busyPollingLoopsServeAndSleepWhenIdle() throws Exception {
    try (GatewayFixture f = new GatewayFixture(dir)) {
      f.fooToEcho();
      f.start(ServerOptions.forTest(dir).withBusyPoll(Duration.ofNanos(50_000)));
      try (RawHttp conn = new RawHttp(f.gateway().httpPort())) {
        for (int i = 0; i < 200; i++) {
          assertThat(conn.request("foo.com", "/r" + i).status()).isEqualTo(200);
        }
      }
      // polling is bounded: idle loops block again (unbounded polling would use about the whole second)
      Thread.sleep(100);
      long before = eventLoopCpuNanos();
      Thread.sleep(1_000);
      long used = eventLoopCpuNanos() - before;
      assertThat(used).as("event loop CPU over an idle second: %d µs", used / 1000).isLessThan(100_000_000L);
    }
  }
}
