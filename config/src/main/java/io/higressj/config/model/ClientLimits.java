package io.higressj.config.model;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * ingress-nginx's per-client limits of an Ingress ({@code limit-rps}, {@code limit-rpm}, {@code
 * limit-connections}), shared by all its routes (as its nginx zones are) and by every event loop: token
 * buckets and a count of requests in progress per client address. Each rate is nginx's {@code limit_req
 * ... burst=<rate x multiplier> nodelay}: a client may send {@code burst + 1} requests at once, then
 * {@code rate} per second (or minute); with both rates a request must pass both. Clients beyond {@link
 * #MAX_CLIENTS} make idle entries go (a full bucket is the same as none), as nginx's zone evicts.
 *
 * <p>Equality goes by the limits, not by the clients seen.
 */
public final class ClientLimits {
  /** About what nginx's default 5 MB zone holds. */
  static final int MAX_CLIENTS = 65_536;

  private final long rps;
  private final long rpm;
  private final long burstMultiplier;
  private final int maxConnections;
  private final IpRanges exempt;
  private final ConcurrentHashMap<String, TokenBucket> perSecond = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, TokenBucket> perMinute = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicInteger> inProgress = new ConcurrentHashMap<>();

  /**
   * @param rps requests per second; 0: none
   * @param rpm requests per minute; 0: none
   * @param burstMultiplier the burst is the rate times this (nginx {@code limit-burst-multiplier})
   * @param maxConnections requests a client may have in progress at once; 0: no limit
   * @param exempt addresses no limit applies to ({@code limit-allowlist}); null: none
   */
  public ClientLimits(long rps, long rpm, long burstMultiplier, int maxConnections, IpRanges exempt) {
    if (rps < 0 || rpm < 0 || burstMultiplier < 1 || maxConnections < 0) {
      throw new IllegalArgumentException("rps, rpm, burstMultiplier, maxConnections: " + rps + ", " + rpm + ", "
          + burstMultiplier + ", " + maxConnections + " (expected: >= 0, >= 0, >= 1, >= 0)");
    }
    this.rps = rps;
    this.rpm = rpm;
    this.burstMultiplier = burstMultiplier;
    this.maxConnections = maxConnections;
    this.exempt = exempt;
  }

  public long rps() {
    return rps;
  }

  public long rpm() {
    return rpm;
  }

  public long burstMultiplier() {
    return burstMultiplier;
  }

  public int maxConnections() {
    return maxConnections;
  }

  public IpRanges exempt() {
    return exempt;
  }

  /** Whether no limit applies to {@code client}. */
  public boolean exempts(String client) {
    return exempt != null && exempt.contains(client);
  }

  /** Takes a token of each of {@code client}'s buckets; false when one is empty. */
  public boolean tryAcquire(String client, long nowNanos) {
    if (rps > 0 && !bucket(perSecond, client, rps, 1_000_000_000L, nowNanos).tryAcquire(nowNanos)) return false;
    return rpm == 0 || bucket(perMinute, client, rpm, 60_000_000_000L, nowNanos).tryAcquire(nowNanos);
  }

  private TokenBucket bucket(ConcurrentHashMap<String, TokenBucket> m, String client, long rate, long interval, long now) {
    TokenBucket b = m.get(client);
    if (b != null) return b;
    if (m.size() >= MAX_CLIENTS) {
      m.values().removeIf(x -> x.available(now) >= x.maxTokens());
      if (m.size() >= MAX_CLIENTS) m.clear(); // everyone busy: start over rather than grow
    }
    return m.computeIfAbsent(client, k -> new TokenBucket(rate, rate * burstMultiplier + 1, interval));
  }

  /** Counts one more request of {@code client} in progress; false (and not counted) when at the limit. */
  public boolean enter(String client) {
    if (maxConnections == 0) return true;
    AtomicInteger n = inProgress.get(client);
    if (n == null) {
      if (inProgress.size() >= MAX_CLIENTS) inProgress.values().removeIf(c -> c.get() <= 0); // rare; lenient if racing
      n = inProgress.computeIfAbsent(client, k -> new AtomicInteger());
    }
    while (true) {
      int v = n.get();
      if (v >= maxConnections) return false;
      if (n.compareAndSet(v, v + 1)) return true;
    }
  }

  /** The request {@link #enter} counted is over. */
  public void leave(String client) {
    if (maxConnections == 0) return;
    AtomicInteger n = inProgress.get(client);
    if (n != null) n.decrementAndGet();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClientLimits c && c.rps == rps && c.rpm == rpm && c.burstMultiplier == burstMultiplier
        && c.maxConnections == maxConnections && java.util.Objects.equals(c.exempt, exempt);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(rps, rpm, burstMultiplier, maxConnections, exempt);
  }

  @Override
  public String toString() {
    return "ClientLimits[rps " + rps + ", rpm " + rpm + ", burst x" + burstMultiplier + ", connections " + maxConnections
        + (exempt != null ? ", except " + exempt : "") + "]";
  }
}
