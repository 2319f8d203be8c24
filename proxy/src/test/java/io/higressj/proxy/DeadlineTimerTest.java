package io.higressj.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
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
  void aClearedDeadlineLeavesItsCheckInPlaceForTheNextRequest() throws Exception {
    onLoop(() -> {
      timer.arm(10_000 * MS, () -> {});
      timer.disarm();
    });
    assertTrue(onLoopGet(timer::scheduled), "disarm keeps the check (no queue operation per request)");
    onLoop(() -> timer.arm(10_001 * MS, () -> {}));
    assertTrue(onLoopGet(timer::scheduled));
  }

  @Test
  void cancelRemovesTheScheduledCheck() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    onLoop(() -> {
      timer.arm(50 * MS, runs::incrementAndGet);
      timer.cancel();
    });
    assertFalse(onLoopGet(timer::scheduled), "no check left in the executor's queue");
    Thread.sleep(150);
    assertEquals(0, runs.get());
  }

  private void onLoop(Runnable r) throws Exception {
    loop.submit(r).get(5, TimeUnit.SECONDS);
  }

  private <T> T onLoopGet(java.util.concurrent.Callable<T> c) throws Exception {
    return loop.submit(c).get(5, TimeUnit.SECONDS);
  }
}
