package io.higressj.proxy;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A deadline that is set and cleared on almost every request but hardly ever passes (the upstream
 * response timeout, the response idle timeout, an upstream connection's stay in the pool), kept by a
 * connection for its exchanges one after the other. Scheduling a task for each request and cancelling
 * it a millisecond later costs an object and two timer-queue operations per request; here the
 * scheduled task stays and, when it runs, looks at the deadline as it is then: cleared (nothing to
 * do), moved later (it waits for the rest), or passed (the action runs). Only the executor's thread
 * uses it.
 *
 * <p>A pending task keeps its owner reachable until it runs, so a short-lived owner (an HTTP/2
 * stream) calls {@link #cancel()} when it is done.
 */
public final class DeadlineTimer {
  private final EventExecutor executor;
  /** what runs when the deadline passes; null: no deadline */
  private Runnable action;
  private long deadline;
  /** the scheduled check, and when it runs (on the executor's clock) */
  private ScheduledFuture<?> task;
  private long taskAt;

  public DeadlineTimer(EventExecutor executor) {
    this.executor = executor;
  }

  /** Sets the deadline to {@code delayNanos} from now, replacing any earlier one. */
  public void arm(long delayNanos, Runnable action) {
    long now = executor.ticker().nanoTime();
    this.action = action;
    this.deadline = now + delayNanos;
    if (task != null) {
      if (taskAt <= deadline) return; // it runs in time and then waits for the rest
      task.cancel(false);
    }
    schedule(now);
  }

  /** Clears the deadline (the scheduled check, if any, stays and finds nothing to do). */
  public void disarm() {
    action = null;
  }

  /** Clears the deadline and removes the scheduled check. */
  public void cancel() {
    action = null;
    if (task != null) {
      task.cancel(false);
      task = null;
    }
  }

  public boolean armed() {
    return action != null;
  }

  /** Whether a check is in the executor's queue (for tests). */
  public boolean scheduled() {
    return task != null;
  }

  private void schedule(long now) {
    taskAt = deadline;
    task = executor.schedule(this::check, Math.max(0, deadline - now), TimeUnit.NANOSECONDS);
  }

  private void check() {
    task = null;
    Runnable a = action;
    if (a == null) return;
    long now = executor.ticker().nanoTime();
    if (now < deadline) {
      schedule(now);
      return;
    }
    action = null;
    a.run();
  }
}
