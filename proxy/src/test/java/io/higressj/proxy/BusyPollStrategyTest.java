package io.higressj.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.SelectStrategy;
import java.util.ArrayDeque;
import java.util.List;
import org.junit.jupiter.api.Test;

class BusyPollStrategyTest {
  /** A poller that answers the given counts in turn (0 once they run out), and a clock it advances by 1 µs per poll. */
  static final class FakePoller {
    final ArrayDeque<Integer> answers;
    long now;
    int polls;

    FakePoller(Integer... answers) {
      this.answers = new ArrayDeque<>(List.of(answers));
    }

    int poll() {
      polls++;
      now += 1_000;
      return answers.isEmpty() ? 0 : answers.poll();
    }
  }

  @Test
  void anIdleLoopBlocksAtOnceWithoutPolling() throws Exception {
    FakePoller p = new FakePoller();
    BusyPollStrategy s = new BusyPollStrategy(50_000, () -> p.now);
    assertThat(s.calculateStrategy(p::poll, false)).isEqualTo(SelectStrategy.SELECT);
    assertThat(p.polls).isZero();
  }

  @Test
  void afterWorkItPollsUntilTheNextEventArrives() throws Exception {
    FakePoller p = new FakePoller();
    BusyPollStrategy s = new BusyPollStrategy(50_000, () -> p.now);
    assertThat(s.calculateStrategy(p::poll, false)).isEqualTo(SelectStrategy.SELECT); // woke with work
    p.answers.addAll(List.of(0, 0, 0, 2));
    assertThat(s.calculateStrategy(p::poll, false)).as("the events found while polling").isEqualTo(2);
    assertThat(p.polls).isEqualTo(4);
  }

  @Test
  void pollingStopsAfterItsTimeAndTheLoopBlocks() throws Exception {
    FakePoller p = new FakePoller();
    BusyPollStrategy s = new BusyPollStrategy(50_000, () -> p.now);
    s.calculateStrategy(p::poll, false);
    assertThat(s.calculateStrategy(p::poll, false)).isEqualTo(SelectStrategy.SELECT);
    assertThat(p.polls).as("about 50 µs of 1 µs polls").isBetween(49, 51);
  }

  @Test
  void withTasksItLooksWithoutBlockingAndAQuietLookEndsTheActivity() throws Exception {
    FakePoller p = new FakePoller(3, 0);
    BusyPollStrategy s = new BusyPollStrategy(50_000, () -> p.now);
    assertThat(s.calculateStrategy(p::poll, true)).isEqualTo(3);
    assertThat(s.calculateStrategy(p::poll, true)).isZero();
    int before = p.polls;
    assertThat(s.calculateStrategy(p::poll, false)).as("nothing happened since: block").isEqualTo(SelectStrategy.SELECT);
    assertThat(p.polls).isEqualTo(before);
  }

  @Test
  void aPollTimeMustBePositive() {
    assertThatThrownBy(() -> new BusyPollStrategy(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
