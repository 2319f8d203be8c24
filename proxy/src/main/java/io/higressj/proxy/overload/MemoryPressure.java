package io.higressj.proxy.overload;

import io.netty.util.internal.PlatformDependent;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import javax.management.NotificationEmitter;

/**
 * The memory in use, as shares of what the JVM may use.
 *
 * <p>Heap: what the heap pools still held after their last garbage collection (live data, not garbage
 * waiting to be collected), summed, against the maximum heap. That figure changes only at a collection,
 * so it is taken when one ends (the collectors' notifications), not by polling: an idle gateway spends
 * nothing on it. Reading it is one volatile load.
 *
 * <p>Direct memory: Netty's counter of the buffers it allocated, or the JDK's direct buffer pool,
 * whichever is larger, against the maximum direct memory; both are counters kept as buffers come and
 * go, read when asked (two atomic loads).
 *
 * <p>Before, a thread sampled both every 100 ms, looking the platform's beans up each time: about 0.5%
 * of a core on an idle gateway, and samples up to 100 ms old.
 */
public final class MemoryPressure {
  /** the notification type of a finished collection ({@code com.sun.management.GarbageCollectionNotificationInfo}) */
  static final String COLLECTION_ENDED = "com.sun.management.gc.notification";
  private static final MemoryPressure INSTANCE = new MemoryPressure();

  private volatile double heap;
  /** the heap pools whose after-collection usage counts: fixed for the JVM's life, looked up once */
  private final List<MemoryPoolMXBean> heapPools = new ArrayList<>();
  /** the JDK's direct buffer pool, or null */
  private final BufferPoolMXBean directPool;
  private final long heapMax = Runtime.getRuntime().maxMemory();
  private final long directMax = PlatformDependent.maxDirectMemory();

  private MemoryPressure() {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP && p.isCollectionUsageThresholdSupported()) heapPools.add(p);
    }
    BufferPoolMXBean found = null;
    for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (b.getName().equals("direct")) found = b;
    }
    directPool = found;
    sampleHeap();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener((n, handback) -> {
          if (COLLECTION_ENDED.equals(n.getType())) sampleHeap();
        }, null, null);
      }
    }
  }

  public static MemoryPressure get() {
    return INSTANCE;
  }

  /** true when either share is above its threshold */
  public boolean exceeds(double heapFraction, double directFraction) {
    return heap > heapFraction || direct() > directFraction;
  }

  /** the heap share after the last collection, 0..1 */
  public double heap() {
    return heap;
  }

  /** the direct memory share now, 0..1 */
  public double direct() {
    long used = Math.max(0, PlatformDependent.usedDirectMemory());
    if (directPool != null) used = Math.max(used, directPool.getMemoryUsed());
    return directMax > 0 ? (double) used / directMax : 0;
  }

  /** Takes the heap share (on the JVM's notification thread, after each collection). */
  private void sampleHeap() {
    try {
      // what each heap pool still held after its last collection, over the whole heap (a single pool's
      // share misleads: a survivor space is often full right after a young collection)
      long live = 0;
      for (MemoryPoolMXBean p : heapPools) {
        MemoryUsage after = p.getCollectionUsage();
        if (after != null) live += after.getUsed();
      }
      heap = heapMax > 0 && heapMax != Long.MAX_VALUE ? (double) live / heapMax : 0;
    } catch (RuntimeException e) {
      // a monitoring failure must not stop the notifications; the last value stays
    }
  }
}
