package io.higressj.proxy;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Busy polling ({@code --busy-poll}): after an event loop handled I/O, it keeps asking the poller for
 * more without blocking, for up to a set time, before it blocks. A thread that blocks lets its CPU go
 * idle, and on a virtual machine waking an idle CPU for the next packet costs tens of microseconds
 * (haproxy's {@code busy-polling} exists for the same reason); polling keeps the CPU awake for the
 * reply that usually follows within that time (an upstream's response, a client's next request).
 *
 * <p>Bounded, so an idle gateway sleeps as before: the loop polls only after a round that found work,
 * and yields its CPU between polls to any other runnable thread. A task handed to the loop by another
 * thread while it polls waits for the end of the poll (Netty wakes only a sleeping loop), at most the
 * poll time. Worth it when each event loop has a CPU of its own; where the loops share CPUs with other
 * work (or a container's CPU quota counts), the polling competes with it.
 */
final class BusyPollStrategy implements SelectStrategy {
  private final long pollNanos;
  private final LongSupplier clock;
  /** whether the last round found work (or woke from a blocking wait): only then is polling worth it */
  private boolean active;

  BusyPollStrategy(long pollNanos) {
    this(pollNanos, System::nanoTime);
  }

  BusyPollStrategy(long pollNanos, LongSupplier clock) {
    if (pollNanos <= 0) throw new IllegalArgumentException("pollNanos: " + pollNanos + " (expected: > 0)");
    this.pollNanos = pollNanos;
    this.clock = clock;
  }

  @Override
  public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
    if (hasTasks) { // as Netty's default: look without blocking, then run the tasks
      int ready = selectNow.get();
      active = ready > 0;
      return ready;
    }
    if (active) {
      long until = clock.getAsLong() + pollNanos;
      do {
        int ready = selectNow.get();
        if (ready > 0) return ready;
        Thread.yield();
      } while (clock.getAsLong() - until < 0);
    }
    active = true; // what the blocking wait returns with is work
    return SelectStrategy.SELECT;
  }
}
