package io.higressj.conformance.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryLoopTest {
  /** A clock that moves only when slept on, or by {@code attemptCost} per attempt. */
  static final class FakeTicker implements RetryLoop.Ticker {
    long now;
    final List<Duration> sleeps = new ArrayList<>();

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public void sleep(Duration d) {
      sleeps.add(d);
      now += d.toNanos();
    }
  }

  static RetryLoop.Attempt script(FakeTicker t, long attemptMillis, String... outcomes) {
    Deque<String> q = new ArrayDeque<>(Arrays.asList(outcomes));
    return () -> {
      t.now += Duration.ofMillis(attemptMillis).toNanos();
      String next = q.isEmpty() ? "exhausted" : q.removeFirst();
      return next.equals("ok") ? null : next;
    };
  }

  @Test
  void passesAfterConsecutiveSuccessesWithoutPausing() throws InterruptedException {
    FakeTicker t = new FakeTicker();
    RetryLoop.Outcome o = RetryLoop.run(script(t, 1, "ok", "ok", "ok"), 3, Duration.ofSeconds(5), Duration.ofSeconds(1), t);
    assertThat(o.passed()).isTrue();
    assertThat(o.attempts()).isEqualTo(3);
    assertThat(t.sleeps).isEmpty();
  }

  @Test
  void aFailureResetsTheCountAndPauses() throws InterruptedException {
    FakeTicker t = new FakeTicker();
    RetryLoop.Outcome o = RetryLoop.run(script(t, 1, "ok", "ok", "503", "ok", "ok", "ok"), 3, Duration.ofSeconds(5), Duration.ofSeconds(1), t);
    assertThat(o.passed()).isTrue();
    assertThat(o.attempts()).isEqualTo(6);
    assertThat(o.lastFailure()).isEqualTo("503");
    assertThat(t.sleeps).containsExactly(Duration.ofSeconds(1));
  }

  @Test
  void givesUpAtTheDeadlineWithTheLastFailure() throws InterruptedException {
    FakeTicker t = new FakeTicker();
    RetryLoop.Outcome o = RetryLoop.run(script(t, 0, "a", "b", "c", "d", "e"), 3, Duration.ofMillis(2500), Duration.ofSeconds(1), t);
    assertThat(o.passed()).isFalse();
    assertThat(o.attempts()).isEqualTo(3);
    assertThat(o.lastFailure()).isEqualTo("c");
    assertThat(t.sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(500));
    assertThat(o.describe(3)).isEqualTo("c (3 attempts in 2.5 s)");
  }

  @Test
  void successesStillRunningAtTheDeadlineDoNotPass() throws InterruptedException {
    FakeTicker t = new FakeTicker();
    RetryLoop.Outcome o = RetryLoop.run(script(t, 400, "x", "ok", "ok", "ok"), 3, Duration.ofSeconds(1), Duration.ofMillis(100), t);
    assertThat(o.passed()).isFalse();
    assertThat(o.successes()).isEqualTo(2);
    assertThat(o.describe(3)).isEqualTo("x (3 attempts in 1.3 s; 2/3 consecutive successes at the deadline)");
  }

  @Test
  void theFirstAttemptAlwaysRuns() throws InterruptedException {
    FakeTicker t = new FakeTicker();
    RetryLoop.Outcome o = RetryLoop.run(script(t, 0, "ok"), 1, Duration.ZERO, Duration.ofSeconds(1), t);
    assertThat(o.passed()).isTrue();
  }
}
