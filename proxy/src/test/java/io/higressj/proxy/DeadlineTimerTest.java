package io.higressj.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadlineTimerTest {
  private static final long MS = 1_000_000L;
  private final EventLoop loop = new DefaultEventLoop();
  private final DeadlineTimer timer = new DeadlineTimer(loop);

  @AfterEach
  void stop() {
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void aDeadlineThatPassesRunsItsActionOnce() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch ran = new CountDownLatch(1);
    long start = System.nanoTime();
    AtomicLong at = new AtomicLong();
    onLoop(() -> timer.arm(100 * MS, () -> {
      at.set(System.nanoTime());
      runs.incrementAndGet();
      ran.countDown();
    }));
    assertTrue(ran.await(5, TimeUnit.SECONDS));
    assertTrue(at.get() - start >= 95 * MS, "ran after " + (at.get() - start) / MS + " ms");
    Thread.sleep(150);
    assertEquals(1, runs.get());
    assertFalse(onLoopGet(timer::armed));
  }

  @Test
  void aClearedDeadlineDoesNothingAndTheNextOneStillRuns() throws Exception {
    AtomicInteger first = new AtomicInteger();
    onLoop(() -> {
      timer.arm(50 * MS, first::incrementAndGet);
      timer.disarm();
    });
    Thread.sleep(150);
    assertEquals(0, first.get(), "a cleared deadline must not run");
    CountDownLatch second = new CountDownLatch(1);
    onLoop(() -> timer.arm(50 * MS, second::countDown));
    assertTrue(second.await(5, TimeUnit.SECONDS), "a deadline set after the check ran is scheduled again");
  }

  @Test
  void aDeadlineMovedLaterRunsAtTheLaterTime() throws Exception {
    // the pattern of keep-alive requests: every request sets the deadline again, a little later
    AtomicInteger early = new AtomicInteger();
    CountDownLatch late = new CountDownLatch(1);
    AtomicLong at = new AtomicLong();
    onLoop(() -> timer.arm(100 * MS, early::incrementAndGet));
    Thread.sleep(60);
    long rearmed = System.nanoTime();
    onLoop(() -> timer.arm(200 * MS, () -> {
      at.set(System.nanoTime());
      late.countDown();
    }));
    assertTrue(late.await(5, TimeUnit.SECONDS));
    assertEquals(0, early.get(), "the replaced action must not run");
    assertTrue(at.get() - rearmed >= 195 * MS, "ran " + (at.get() - rearmed) / MS + " ms after the deadline was moved");
  }

  @Test
  void aDeadlineMovedEarlierRunsAtTheEarlierTime() throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    long start = System.nanoTime();
    AtomicLong at = new AtomicLong();
    onLoop(() -> {
      timer.arm(10_000 * MS, () -> {});
      timer.arm(50 * MS, () -> {
        at.set(System.nanoTime());
        ran.countDown();
      });
    });
    assertTrue(ran.await(2, TimeUnit.SECONDS), "the shorter deadline must not wait for the longer one's check");
    assertTrue(at.get() - start < 2_000 * MS);
  }

  @Test
  void deadlinesWithOneDelayShareOneExecutorTaskInsteadOfOneEach() throws Exception {
    CountingLoop counting = new CountingLoop();
    try {
      List<DeadlineTimer> timers = new ArrayList<>();
      counting.submit(() -> {
        for (int i = 0; i < 1000; i++) {
          DeadlineTimer t = new DeadlineTimer(counting);
          t.arm(10_000 * MS, () -> {});
          timers.add(t);
        }
      }).get(5, TimeUnit.SECONDS);
      assertEquals(1, counting.schedules.get(), "one task for the lane, none per deadline");
      counting.submit(() -> {
        for (DeadlineTimer t : timers) t.disarm(); // the stream or request is done
        for (DeadlineTimer t : timers) t.arm(10_000 * MS, () -> {});
        for (DeadlineTimer t : timers) t.disarm();
      }).get(5, TimeUnit.SECONDS);
      assertEquals(1, counting.schedules.get(), "clearing and setting again touch no executor queue");
      assertEquals(1, counting.submit(() -> timers.get(0).scheduledLanes()).get(5, TimeUnit.SECONDS));
      assertFalse(counting.submit(() -> timers.get(0).scheduled()).get(5, TimeUnit.SECONDS));
    } finally {
      counting.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void deadlinesOfOneDelayPassInTheOrderTheyWereSetAndClearedOnesAreSkipped() throws Exception {
    List<Integer> order = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(3);
    DeadlineTimer[] timers = new DeadlineTimer[4];
    onLoop(() -> {
      for (int i = 0; i < 4; i++) {
        int n = i;
        timers[i] = new DeadlineTimer(loop);
        timers[i].arm(80 * MS, () -> {
          order.add(n);
          done.countDown();
        });
      }
      timers[1].disarm();
    });
    assertTrue(done.await(5, TimeUnit.SECONDS));
    Thread.sleep(50);
    assertEquals(List.of(0, 2, 3), order);
  }

  @Test
  void deadlinesOfDifferentDelaysEachPassAtTheirOwnTime() throws Exception {
    long start = System.nanoTime();
    AtomicLong shortAt = new AtomicLong();
    AtomicLong longAt = new AtomicLong();
    CountDownLatch both = new CountDownLatch(2);
    onLoop(() -> {
      new DeadlineTimer(loop).arm(300 * MS, () -> {
        longAt.set(System.nanoTime());
        both.countDown();
      });
      new DeadlineTimer(loop).arm(50 * MS, () -> {
        shortAt.set(System.nanoTime());
        both.countDown();
      });
    });
    assertTrue(both.await(5, TimeUnit.SECONDS));
    assertTrue(shortAt.get() - start >= 45 * MS && shortAt.get() - start < 250 * MS,
        "the 50 ms deadline passed after " + (shortAt.get() - start) / MS + " ms");
    assertTrue(longAt.get() - start >= 295 * MS, "the 300 ms deadline passed after " + (longAt.get() - start) / MS + " ms");
  }

  @Test
  void aFailingActionDoesNotKeepTheOthersFromRunning() throws Exception {
    CountDownLatch after = new CountDownLatch(1);
    onLoop(() -> {
      new DeadlineTimer(loop).arm(30 * MS, () -> {
        throw new IllegalStateException("boom (expected by the test)");
      });
      new DeadlineTimer(loop).arm(30 * MS, after::countDown);
    });
    assertTrue(after.await(5, TimeUnit.SECONDS));
  }

  @Test
  void anActionMaySetItsDeadlineAgainAndAnEmptiedLaneIsDropped() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch third = new CountDownLatch(1);
    onLoop(() -> timer.arm(20 * MS, new Runnable() {
      @Override
      public void run() {
        if (runs.incrementAndGet() < 3) timer.arm(20 * MS, this);
        else third.countDown();
      }
    }));
    assertTrue(third.await(5, TimeUnit.SECONDS));
    Thread.sleep(50);
    assertEquals(3, runs.get());
    assertEquals(0, onLoopGet(timer::scheduledLanes), "no task is left for a lane without deadlines");
    CountDownLatch again = new CountDownLatch(1);
    onLoop(() -> timer.arm(20 * MS, again::countDown));
    assertTrue(again.await(5, TimeUnit.SECONDS), "a deadline set after its lane was dropped gets a new one");
  }

  @Test
  void moreDelaysThanTheRecentLanesHoldEachStillPassOnTimeAndLanesComeBackAfterBeingDropped() throws Exception {
    int delays = 7; // more than the lanes looked through before the map
    CountDownLatch all = new CountDownLatch(delays * 2);
    List<Integer> fired = new CopyOnWriteArrayList<>();
    Runnable round = () -> {
      for (int i = 0; i < delays; i++) {
        int d = i;
        new DeadlineTimer(loop).arm((10 + 5 * d) * MS, () -> {
          fired.add(d);
          all.countDown();
        });
      }
    };
    onLoop(round);
    Thread.sleep(120); // every lane fired and was dropped
    assertEquals(1, onLoopGet(() -> {
      timer.arm(1_000 * MS, () -> {});
      int n = timer.scheduledLanes(); // its own lane only
      timer.disarm();
      return n;
    }), "the lanes that fired have no task left");
    onLoop(round);
    assertTrue(all.await(5, TimeUnit.SECONDS), "fired: " + fired);
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5, 6), fired);
  }

  @Test
  void onAnEmbeddedChannelTheDeadlineFollowsTheChannelsClock() {
    EmbeddedChannel ch = new EmbeddedChannel();
    AtomicInteger runs = new AtomicInteger();
    DeadlineTimer t = new DeadlineTimer(ch.eventLoop());
    t.arm(1_000 * MS, runs::incrementAndGet);
    ch.advanceTimeBy(999, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertEquals(0, runs.get());
    ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertEquals(1, runs.get());
    ch.finishAndReleaseAll();
  }

  @Test
  void disarmUnlinksTheDeadline() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    onLoop(() -> {
      timer.arm(50 * MS, runs::incrementAndGet);
      timer.disarm();
    });
    assertFalse(onLoopGet(timer::scheduled), "nothing of the timer is left in its lane");
    Thread.sleep(150);
    assertEquals(0, runs.get());
  }

  /** An event loop that counts the tasks scheduled on it. */
  private static final class CountingLoop extends DefaultEventLoop {
    final AtomicInteger schedules = new AtomicInteger();

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      schedules.incrementAndGet();
      return super.schedule(command, delay, unit);
    }
  }

  private void onLoop(Runnable r) throws Exception {
    loop.submit(r).get(5, TimeUnit.SECONDS);
  }

  private <T> T onLoopGet(java.util.concurrent.Callable<T> c) throws Exception {
    return loop.submit(c).get(5, TimeUnit.SECONDS);
  }
}
