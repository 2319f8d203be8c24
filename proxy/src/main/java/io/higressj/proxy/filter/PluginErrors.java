package io.higressj.proxy.filter;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts plugin failures (exceptions thrown by a filter; traps for Wasm) per plugin, and logs them
 * once per burst: the first failure with its stack trace, then at most one summary line every {@link
 * #BURST_NANOS} saying how many more happened.
 */
public final class PluginErrors {
  static final long BURST_NANOS = 10_000_000_000L;
  private static final System.Logger LOG = System.getLogger("io.higressj.plugins");

  private final ConcurrentHashMap<String, Counter> byPlugin = new ConcurrentHashMap<>();

  private static final class Counter {
    final AtomicLong total = new AtomicLong();
    final AtomicLong sinceLog = new AtomicLong();
    volatile long lastLogNanos = Long.MIN_VALUE;
  }

  /** Counts one failure of {@code plugin} and logs it unless a burst is being logged already. */
  public void record(String plugin, String what, Throwable cause) {
    Counter c = byPlugin.computeIfAbsent(plugin, k -> new Counter());
    c.total.incrementAndGet();
    long now = System.nanoTime();
    long last = c.lastLogNanos;
    if (last != Long.MIN_VALUE && now - last < BURST_NANOS) {
      c.sinceLog.incrementAndGet();
      return;
    }
    synchronized (c) {
      if (c.lastLogNanos != last) {
        c.sinceLog.incrementAndGet();
        return;
      }
      c.lastLogNanos = now;
    }
    long more = c.sinceLog.getAndSet(0);
    String suffix = more > 0 ? " (" + more + " more failures since the last report)" : "";
    LOG.log(System.Logger.Level.WARNING, "plugin " + plugin + " failed in " + what + suffix, cause);
  }

  /** Failures of {@code plugin} since start. */
  public long count(String plugin) {
    Counter c = byPlugin.get(plugin);
    return c == null ? 0 : c.total.get();
  }
}
