package io.higressj.proxy.overload;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The per-client flood penalty: a client address whose HTTP/2 connections the gateway ended with
 * GOAWAY {@code ENHANCE_YOUR_CALM} {@link #STRIKES} times within the penalty period gets its new
 * connections closed as soon as they are accepted, until the period has passed since its last flood.
 * Off (period zero) by default: clients behind one NAT or proxy share an address, and the penalty
 * would refuse all of them for one flooder.
 */
public final class FloodPenalty {
  /** Set on each accepted client connection, so the HTTP/2 flood guard can report a flood. */
  public static final AttributeKey<FloodPenalty> KEY = AttributeKey.valueOf("higressj.floodPenalty");
  /** Floods within the period that start the penalty. */
  public static final int STRIKES = 2;
  /** Addresses remembered at most; beyond it, expired entries are dropped, then the oldest. */
  static final int MAX_ENTRIES = 10_000;

  private record Entry(int strikes, long lastFloodNanos) {}

  private final Supplier<Duration> period;
  private final Map<InetAddress, Entry> entries = new ConcurrentHashMap<>();

  /** @param period the penalty period in force now (it may change live) */
  public FloodPenalty(Supplier<Duration> period) {
    this.period = period;
  }

  private static InetAddress address(SocketAddress a) {
    return a instanceof InetSocketAddress i ? i.getAddress() : null;
  }

  /** The connection {@code ch} was ended for flooding. */
  public void flooded(Channel ch) {
    InetAddress a = address(ch.remoteAddress());
    long p = period.get().toNanos();
    if (a == null || p <= 0) return;
    long now = System.nanoTime();
    entries.compute(a, (k, e) -> e == null || now - e.lastFloodNanos > p ? new Entry(1, now) : new Entry(e.strikes + 1, now));
    if (entries.size() > MAX_ENTRIES) prune(now, p);
  }

  /** Whether a new connection from {@code remote} is refused now. */
  public boolean refuses(SocketAddress remote) {
    if (entries.isEmpty()) return false;
    InetAddress a = address(remote);
    long p = period.get().toNanos();
    if (a == null || p <= 0) return false;
    Entry e = entries.get(a);
    if (e == null) return false;
    if (System.nanoTime() - e.lastFloodNanos > p) {
      entries.remove(a, e);
      return false;
    }
    return e.strikes >= STRIKES;
  }

  private void prune(long now, long p) {
    entries.values().removeIf(e -> now - e.lastFloodNanos > p);
    Iterator<InetAddress> it = entries.keySet().iterator();
    while (entries.size() > MAX_ENTRIES && it.hasNext()) {
      it.next();
      it.remove();
    }
  }

  /** Addresses remembered now (for tests and the admin view). */
  public int size() {
    return entries.size();
  }
}
