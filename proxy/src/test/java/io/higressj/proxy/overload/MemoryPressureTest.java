package io.higressj.proxy.overload;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The shares are plausible and follow what happens: the heap share is taken when a collection ends (no
 * thread polls), the direct share is read when asked.
 */
class MemoryPressureTest {
  @Test
  void anIdleJvmIsNotUnderPressure() throws Exception {
    MemoryPressure m = MemoryPressure.get();
    System.gc();
    Thread.sleep(300); // the collection's notification arrives on the JVM's own thread
    assertThat(m.heap()).isBetween(0.0, 0.5);
    assertThat(m.direct()).isBetween(0.0, 0.5);
    assertThat(m.exceeds(0.95, 0.95)).isFalse();
    assertThat(m.exceeds(0.95, Double.MIN_VALUE) || m.exceeds(Double.MIN_VALUE, 0.95)).isTrue(); // something is in use
  }

  @Test
  void theHeapShareIsTakenWhenACollectionEnds() throws Exception {
    MemoryPressure m = MemoryPressure.get();
    System.gc();
    Thread.sleep(300);
    double before = m.heap();
    long max = Runtime.getRuntime().maxMemory();
    // a tenth of the heap kept live across a collection: the share taken at its end must show it
    byte[][] kept = new byte[16][];
    for (int i = 0; i < kept.length; i++) kept[i] = new byte[(int) Math.min(Integer.MAX_VALUE - 16, max / 10 / kept.length)];
    System.gc();
    // several collections may end meanwhile (the allocations' own); the full one's notification may come last
    assertThat(await(() -> m.heap() > before + 0.05)).as("heap share %s, before %s", m.heap(), before).isTrue();
    assertThat(kept[kept.length - 1]).isNotNull();
    // and no thread of ours samples it
    assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName).noneMatch(n -> n.contains("memory"));
  }

  @Test
  void theDirectShareIsReadWhenAsked() {
    MemoryPressure m = MemoryPressure.get();
    double before = m.direct();
    long max = io.netty.util.internal.PlatformDependent.maxDirectMemory();
    ByteBuf b = Unpooled.directBuffer((int) Math.min(64 << 20, max / 8));
    try {
      assertThat(m.direct()).isGreaterThan(before);
    } finally {
      b.release();
    }
    assertThat(ManagementFactory.getGarbageCollectorMXBeans()).isNotEmpty();
  }

  /** Whether {@code condition} holds within 5 s. */
  private static boolean await(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + 5_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) return false;
      Thread.sleep(10);
    }
    return true;
  }
}
