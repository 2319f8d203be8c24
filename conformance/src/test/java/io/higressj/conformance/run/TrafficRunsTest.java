package io.higressj.conformance.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TrafficRunsTest {
  static Map<String, AtomicInteger> counts(Object... namesAndCounts) {
    Map<String, AtomicInteger> m = new ConcurrentHashMap<>();
    for (int i = 0; i < namesAndCounts.length; i += 2) m.put((String) namesAndCounts[i], new AtomicInteger((Integer) namesAndCounts[i + 1]));
    return m;
  }

  @Test
  void theServiceIsThePodNameWithoutItsLastTwoParts() {
    assertThat(TrafficRuns.serviceOfPod("infra-backend-v1-7d9c6b5f4-x2x9q")).isEqualTo("infra-backend-v1");
    assertThat(TrafficRuns.serviceOfPod("infra-backend-v1-higressj-0")).isEqualTo("infra-backend-v1");
  }

  @Test
  void sharesMustMatchTheWeightsWithinTheTolerance() {
    Map<String, Double> weights = Map.of("a", 0.7, "b", 0.3, "c", 0.0);
    assertThat(TrafficRuns.shares(counts("a", 360, "b", 140), weights, 500, 0.05)).isNull();
    assertThat(TrafficRuns.shares(counts("a", 400, "b", 100), weights, 500, 0.05)).startsWith("expected backend a to get 0.7 (±0.05) of 500 requests, received 0.800");
    assertThat(TrafficRuns.shares(counts("a", 500), weights, 500, 0.05)).startsWith("expected 2 backends with weights");
  }

  @Test
  void concurrentJobsStopAtTheFirstFailure() throws InterruptedException {
    AtomicInteger ran = new AtomicInteger();
    String f = TrafficRuns.concurrently(100, 4, i -> {
      ran.incrementAndGet();
      if (i > 10) Thread.sleep(5);
      return i == 10 ? "boom" : null;
    });
    assertThat(f).isEqualTo("request 11 of 100: boom");
    assertThat(ran.get()).isLessThan(100);
    assertThat(TrafficRuns.concurrently(20, 5, i -> null)).isNull();
  }
}
