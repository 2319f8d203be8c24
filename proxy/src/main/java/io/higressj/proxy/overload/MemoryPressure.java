package io.higressj.proxy.overload;

import io.netty.util.internal.PlatformDependent;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The memory in use, as shares of what the JVM may use, sampled every {@link #PERIOD_MILLIS} by a
 * daemon thread. Reading is two volatile loads, cheap enough for every request.
 *
 * <p>Heap: what the heap pools still held after their last garbage collection (live data, not garbage
 * waiting to be collected), summed, against the maximum heap. Direct memory: Netty's counter of the buffers it allocated, or the JDK's direct buffer pool,
 * whichever is larger, against the maximum direct memory.
 */
public final class MemoryPressure {
  static final long PERIOD_MILLIS = 100;
  private static final MemoryPressure INSTANCE = new MemoryPressure();

  private volatile double heap;
  private volatile double direct;

  private MemoryPressure() {
    sample();
    ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "higress-memory-sampler");
      t.setDaemon(true);
      return t;
    });
    s.scheduleWithFixedDelay(this::sample, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
  }

  public static MemoryPressure get() {
    return INSTANCE;
  }

  /** true when either share is above its threshold */
  public boolean exceeds(double heapFraction, double directFraction) {
    return heap > heapFraction || direct > directFraction;
  }

  /** the last sampled heap share, 0..1 */
  public double heap() {
    return heap;
  }

  /** the last sampled direct memory share, 0..1 */
  public double direct() {
    return direct;
  }

  private void sample() {
    try {
      long heapMax = Runtime.getRuntime().maxMemory();
      // live heap: what each heap pool still held after its last collection, over the whole heap (a single
      // pool's share misleads: a survivor space is often full right after a young collection)
      long live = 0;
      for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
        if (p.getType() != MemoryType.HEAP || !p.isCollectionUsageThresholdSupported()) continue;
        MemoryUsage after = p.getCollectionUsage();
        if (after != null) live += after.getUsed();
      }
      double h = heapMax > 0 && heapMax != Long.MAX_VALUE ? (double) live / heapMax : 0;
      long directMax = PlatformDependent.maxDirectMemory();
      long used = Math.max(0, PlatformDependent.usedDirectMemory());
      for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
        if (b.getName().equals("direct")) used = Math.max(used, b.getMemoryUsed());
      }
      heap = h;
      direct = directMax > 0 ? (double) used / directMax : 0;
    } catch (RuntimeException e) {
      // a monitoring failure must not take the sampler down; the last values stay
    }
  }
}
