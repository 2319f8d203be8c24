package io.higressj.proxy;

import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A deadline that is set and cleared on almost every request but hardly ever passes (the upstream
 * response timeout, the response idle timeout, an upstream connection's stay in the pool). Only the
 * executor's thread uses it.
 *
 * <p>Scheduling an executor task per deadline and cancelling it a millisecond later would cost an
 * object and two operations on the executor's timer heap per request (for HTTP/2, per stream).
 * Instead, the deadlines of one event loop that have the same delay wait in one first-in-first-out
 * lane: set at increasing times with the same delay, they pass in the order they were set. Setting a
 * deadline appends it to its lane, clearing it unlinks it, both in constant time; each lane has one
 * executor task, for its first deadline. When that task runs it fires the deadlines that passed and
 * schedules itself again for the new first one; a lane left empty is dropped.
 *
 * <p>Lanes are shared by the timers of an event loop's own thread (every gateway connection and
 * stream); a timer used from elsewhere (an embedded test channel) gets lanes of its own.
 */
public final class DeadlineTimer {
  private static final System.Logger LOG = System.getLogger(DeadlineTimer.class.getName());
  /** the lanes of the event loop that runs on this thread */
  private static final FastThreadLocal<Lanes> LOCAL = new FastThreadLocal<>();

  private final EventExecutor executor;
  private Lanes lanes;
  /** what runs when the deadline passes; null: no deadline */
  private Runnable action;
  private long deadline;
  /** the lane this timer waits in (null: none), and its neighbours there */
  private Lane lane;
  private DeadlineTimer prev;
  private DeadlineTimer next;

  public DeadlineTimer(EventExecutor executor) {
    this.executor = executor;
  }

  /** Sets the deadline to {@code delayNanos} from now, replacing any earlier one. */
  public void arm(long delayNanos, Runnable action) {
    long now = executor.ticker().nanoTime();
    long delay = Math.max(0, delayNanos);
    if (lane != null) lane.remove(this);
    this.action = action;
    this.deadline = now + delay;
    Lanes l = lanes;
    if (l == null) lanes = l = Lanes.of(executor);
    l.lane(delay).add(this, now);
  }

  /** Clears the deadline; the timer then keeps nothing reachable (a short-lived owner needs no other call). */
  public void disarm() {
    action = null;
    if (lane != null) lane.remove(this);
  }

  public boolean armed() {
    return action != null;
  }

  /** Whether the deadline waits in a lane (for tests). */
  public boolean scheduled() {
    return lane != null;
  }

  /** How many lanes of this timer's event loop have a task in the executor's queue (for tests). */
  int scheduledLanes() {
    Lanes l = lanes;
    if (l == null) return 0;
    int n = 0;
    for (Lane x : l.byDelay.values()) if (x.task != null) n++;
    return n;
  }

  /** The lanes of one event loop, by delay. */
  private static final class Lanes {
    final EventExecutor executor;
    final LongObjectHashMap<Lane> byDelay = new LongObjectHashMap<>(4);
    /**
     * The lanes used last, looked through before the map: an exchange sets deadlines of a few delays
     * over and over (response timeout, response idle, upstream idle), so these are nearly always hits.
     */
    final Lane[] recent = new Lane[4];
    int nextRecent;

    Lanes(EventExecutor executor) {
      this.executor = executor;
    }

    static Lanes of(EventExecutor executor) {
      if (executor instanceof SingleThreadEventExecutor && executor.inEventLoop()) {
        Lanes l = LOCAL.get();
        if (l == null) {
          l = new Lanes(executor);
          LOCAL.set(l);
        }
        if (l.executor == executor) return l;
      }
      return new Lanes(executor); // not on its own thread: this timer's alone
    }

    Lane lane(long delay) {
      Lane[] r = recent;
      for (Lane l : r) if (l != null && l.delay == delay) return l;
      Lane l = byDelay.get(delay);
      if (l == null) {
        l = new Lane(this, delay);
        byDelay.put(delay, l);
      }
      r[nextRecent] = l;
      nextRecent = (nextRecent + 1) & (r.length - 1);
      return l;
    }

    void drop(Lane l) {
      byDelay.remove(l.delay);
      Lane[] r = recent;
      for (int i = 0; i < r.length; i++) if (r[i] == l) r[i] = null;
    }
  }

  /** The deadlines with one delay, in the order they pass. */
  private static final class Lane implements Runnable {
    final Lanes lanes;
    final long delay;
    DeadlineTimer head;
    DeadlineTimer tail;
    ScheduledFuture<?> task;

    Lane(Lanes lanes, long delay) {
      this.lanes = lanes;
      this.delay = delay;
    }

    void add(DeadlineTimer t, long now) {
      t.lane = this;
      t.prev = tail;
      t.next = null;
      if (tail == null) head = t;
      else tail.next = t;
      tail = t;
      if (task == null) schedule(head.deadline, now);
    }

    void remove(DeadlineTimer t) {
      DeadlineTimer p = t.prev;
      DeadlineTimer n = t.next;
      if (p == null) head = n;
      else p.next = n;
      if (n == null) tail = p;
      else n.prev = p;
      t.prev = null;
      t.next = null;
      t.lane = null;
    }

    private void schedule(long at, long now) {
      task = lanes.executor.schedule(this, Math.max(0, at - now), TimeUnit.NANOSECONDS);
    }

    @Override
    public void run() {
      task = null;
      long now = lanes.executor.ticker().nanoTime();
      DeadlineTimer last = tail; // deadlines set by the actions below wait for the next run
      DeadlineTimer t;
      while ((t = head) != null && t.deadline - now <= 0) {
        boolean wasLast = t == last;
        remove(t);
        Runnable a = t.action;
        t.action = null;
        if (a != null) {
          try {
            a.run(); // may set deadlines again, in this lane too (behind the ones that passed)
          } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.WARNING, "a deadline's action failed", e);
          }
        }
        if (wasLast) break;
      }
      if (task != null) return; // an action set the first deadline of the emptied lane: scheduled then
      if (head != null) schedule(head.deadline, lanes.executor.ticker().nanoTime());
      else lanes.drop(this);
    }
  }
}
