package io.higressj.config.settings;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Backend-side connection settings ({@code higress-config}, key {@code higress}, field {@code upstream}).
 * The data plane applies {@code idleTimeout} to new connections ({@code docs/configmaps.md}).
 *
 * @param idleTimeout a pooled connection without a request in flight is closed after this; zero disables
 * @param connectionBufferLimits per-connection buffer limit, in bytes
 */
public record Upstream(Duration idleTimeout, long connectionBufferLimits) {
  public static final Upstream DEFAULT = new Upstream(Duration.ofSeconds(10), 10485760);

  public Upstream {
    requireNonNull(idleTimeout, "idleTimeout");
    if (connectionBufferLimits < 0) throw new IllegalArgumentException("connectionBufferLimits: " + connectionBufferLimits + " (expected: >= 0)");
  }
}
