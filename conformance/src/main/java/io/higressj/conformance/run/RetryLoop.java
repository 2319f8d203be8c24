package io.higressj.conformance.run;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * FORMAT.md section 8, as upstream's {@code AwaitConvergence}: attempts until {@code needed}
 * consecutive successes; a success is followed at once by the next attempt, a failure resets the
 * count and is followed by {@code pause}; the loop gives up when {@code maxTime} has passed since
 * the first attempt (checked before every attempt and during every pause).
 */
public final class RetryLoop {
  private RetryLoop() {}

  /** Time, replaceable in tests. */
  public interface Ticker {
    long nanoTime();

    void sleep(Duration d) throws InterruptedException;

    Ticker SYSTEM = new Ticker() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d);
      }
    };
  }

  /** One attempt: null when it succeeded, else why it failed. */
  @FunctionalInterface
  public interface Attempt {
    String run() throws InterruptedException;
  }

  /**
   * How the loop ended.
   *
   * @param passed whether {@code needed} attempts in a row succeeded in time
   * @param attempts how many attempts were made
   * @param successes the consecutive successes at the end
   * @param lastFailure the reason of the last failed attempt; null if none failed
   * @param elapsed time from the first attempt to the end
   */
  public record Outcome(boolean passed, int attempts, int successes, String lastFailure, Duration elapsed) {
    /** For a failed loop: the last failure and how long it was tried. */
    public String describe(int needed) {
      String tried = " (" + attempts + (attempts == 1 ? " attempt" : " attempts") + " in " + String.format(java.util.Locale.ROOT, "%.1f", elapsed.toMillis() / 1000.0) + " s";
      if (lastFailure == null) return "no " + needed + " consecutive successes in time" + tried + ")";
      if (successes > 0) return lastFailure + tried + "; " + successes + "/" + needed + " consecutive successes at the deadline)";
      return lastFailure + tried + ")";
    }
  }

  public static Outcome run(Attempt attempt, int needed, Duration maxTime, Duration pause, Ticker ticker) throws InterruptedException {
    requireNonNull(attempt, "attempt");
    if (needed < 1) throw new IllegalArgumentException("needed: " + needed + " (expected: >= 1)");
    long start = ticker.nanoTime();
    long deadline = start + maxTime.toNanos();
    int successes = 0;
    int attempts = 0;
    String lastFailure = null;
    while (true) {
      if (attempts > 0 && ticker.nanoTime() - deadline >= 0) {
        return new Outcome(false, attempts, successes, lastFailure, Duration.ofNanos(ticker.nanoTime() - start));
      }
      String failure = attempt.run();
      attempts++;
      if (failure == null) {
        successes++;
        if (successes >= needed) return new Outcome(true, attempts, successes, lastFailure, Duration.ofNanos(ticker.nanoTime() - start));
        continue;
      }
      successes = 0;
      lastFailure = failure;
      long left = deadline - ticker.nanoTime();
      if (left <= 0) return new Outcome(false, attempts, 0, lastFailure, Duration.ofNanos(ticker.nanoTime() - start));
      ticker.sleep(Duration.ofNanos(Math.min(left, pause.toNanos())));
    }
  }
}
