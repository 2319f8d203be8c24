package io.higressj.config.model;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket shared by every event loop of the gateway process, lock-free: one compare-and-set
 * per request. It refills continuously at {@code tokensPerFill} per {@code fillInterval} up to {@code
 * maxTokens}, and starts full, as Envoy's timer-less (atomic) token bucket does. The state is a single
 * number, the moment at which the bucket was (virtually) empty, in nanoseconds; a token stands for
 * {@code fillInterval / tokensPerFill} of them. The clock is the caller's ({@link System#nanoTime()}),
 * so the configuration stays free of clocks.
 *
 * <p>Created with the compiled route it limits: equality goes by the limit, not by the tokens left.
 */
public final class TokenBucket {
  private static final long UNUSED = Long.MIN_VALUE;

  private final long tokensPerFill;
  private final long maxTokens;
  private final long fillIntervalNanos;
  /** nanoseconds one token takes to refill (at least 1) */
  private final long perToken;
  /** nanoseconds an empty bucket takes to become full */
  private final long fullSpan;
  /** the moment (on the nanoTime scale) at which the bucket was empty; {@link #UNUSED}: full, never used */
  private final AtomicLong emptyAt = new AtomicLong(UNUSED);

  public TokenBucket(long tokensPerFill, long maxTokens, long fillIntervalNanos) {
    if (tokensPerFill <= 0) throw new IllegalArgumentException("tokensPerFill: " + tokensPerFill + " (expected: > 0)");
    if (maxTokens <= 0) throw new IllegalArgumentException("maxTokens: " + maxTokens + " (expected: > 0)");
    if (fillIntervalNanos <= 0) throw new IllegalArgumentException("fillIntervalNanos: " + fillIntervalNanos + " (expected: > 0)");
    this.tokensPerFill = tokensPerFill;
    this.maxTokens = maxTokens;
    this.fillIntervalNanos = fillIntervalNanos;
    this.perToken = Math.max(1, Math.round((double) fillIntervalNanos / tokensPerFill));
    long span = (double) perToken * maxTokens > Long.MAX_VALUE / 4 ? Long.MAX_VALUE / 4 : perToken * maxTokens;
    this.fullSpan = span;
  }

  /** Takes one token if there is one at {@code nowNanos} ({@link System#nanoTime()}). */
  public boolean tryAcquire(long nowNanos) {
    while (true) {
      long t = emptyAt.get();
      long stored = stored(t, nowNanos); // the refill time the tokens left stand for
      if (stored < perToken) return false;
      if (emptyAt.compareAndSet(t, nowNanos - stored + perToken)) return true;
    }
  }

  /** Nanoseconds of refill in the bucket at {@code now}: {@code now - emptyAt}, at most {@link #fullSpan}. */
  private long stored(long t, long now) {
    if (t == UNUSED) return fullSpan;
    long d = now - t; // differences, as nanoTime values are compared
    return d < 0 ? 0 : Math.min(d, fullSpan);
  }

  /** The tokens left at {@code nowNanos}, rounded down (for tests and statistics). */
  public long available(long nowNanos) {
    return stored(emptyAt.get(), nowNanos) / perToken;
  }

  public long tokensPerFill() {
    return tokensPerFill;
  }

  public long maxTokens() {
    return maxTokens;
  }

  public long fillIntervalNanos() {
    return fillIntervalNanos;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TokenBucket b && b.tokensPerFill == tokensPerFill && b.maxTokens == maxTokens
        && b.fillIntervalNanos == fillIntervalNanos;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(tokensPerFill) * 31 * 31 + Long.hashCode(maxTokens) * 31 + Long.hashCode(fillIntervalNanos);
  }

  @Override
  public String toString() {
    return maxTokens + " tokens, " + tokensPerFill + " per " + fillIntervalNanos / 1_000_000 + " ms";
  }
}
