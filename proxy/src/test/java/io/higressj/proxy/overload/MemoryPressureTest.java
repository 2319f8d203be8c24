package io.higressj.proxy.overload;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The sampled shares are plausible: a test JVM with an almost empty heap is not under pressure. */
class MemoryPressureTest {
  @Test
  void anIdleJvmIsNotUnderPressure() throws Exception {
    System.gc();
    Thread.sleep(3 * MemoryPressure.PERIOD_MILLIS);
    MemoryPressure m = MemoryPressure.get();
    assertThat(m.heap()).isBetween(0.0, 0.5);
    assertThat(m.direct()).isBetween(0.0, 0.5);
    assertThat(m.exceeds(0.95, 0.95)).isFalse();
    assertThat(m.exceeds(0.95, Double.MIN_VALUE) || m.exceeds(Double.MIN_VALUE, 0.95)).isTrue(); // something is in use
  }
}
