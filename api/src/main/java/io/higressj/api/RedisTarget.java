package io.higressj.api;

import java.time.Duration;
import java.util.Objects;

/**
 * A Redis server a filter talks to: {@code cluster} is a cluster name of the current configuration
 * (as for callouts, e.g. {@code outbound|6379||redis.ns.svc.cluster.local}); the gateway resolves its
 * endpoints. {@code username} and {@code password} may be null (no AUTH), {@code database} 0 means no
 * SELECT, {@code timeout} bounds each command.
 */
public record RedisTarget(String cluster, String username, String password, int database, Duration timeout) {
  public RedisTarget {
    Objects.requireNonNull(cluster, "cluster");
    if (database < 0) throw new IllegalArgumentException("database: " + database + " (expected: >= 0)");
    if (timeout == null || timeout.isZero() || timeout.isNegative()) timeout = Duration.ofSeconds(1);
    if (username != null && username.isEmpty()) username = null;
    if (password != null && password.isEmpty()) password = null;
  }

  @Override
  public String toString() {
    // never show the password
    return "RedisTarget[" + cluster + ", db " + database + "]";
  }
}
