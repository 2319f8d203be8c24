package io.higressj.proxy;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Data-plane settings that do not come from the config directory.
 *
 * @param upstreamConnectTimeout time to establish an upstream TCP connection
 * @param upstreamResponseTimeout time from the request's headers to the upstream's response headers (504 after it)
 * @param upstreamIdleTimeout an idle pooled upstream connection is closed after this
 * @param maxIdleConnectionsPerEndpoint idle upstream connections kept per endpoint and event loop
 * @param maxInitialLineLength longest request line accepted
 * @param maxHeaderSize total size of the request headers accepted
 */
public record ProxyOptions(
    Duration upstreamConnectTimeout,
    Duration upstreamResponseTimeout,
    Duration upstreamIdleTimeout,
    int maxIdleConnectionsPerEndpoint,
    int maxInitialLineLength,
    int maxHeaderSize) {
  public ProxyOptions {
    requireNonNull(upstreamConnectTimeout, "upstreamConnectTimeout");
    requireNonNull(upstreamResponseTimeout, "upstreamResponseTimeout");
    requireNonNull(upstreamIdleTimeout, "upstreamIdleTimeout");
    positive("upstreamConnectTimeout", upstreamConnectTimeout);
    positive("upstreamResponseTimeout", upstreamResponseTimeout);
    positive("upstreamIdleTimeout", upstreamIdleTimeout);
    if (maxIdleConnectionsPerEndpoint < 0) {
      throw new IllegalArgumentException("maxIdleConnectionsPerEndpoint: " + maxIdleConnectionsPerEndpoint + " (expected: >= 0)");
    }
    if (maxInitialLineLength <= 0) throw new IllegalArgumentException("maxInitialLineLength: " + maxInitialLineLength + " (expected: > 0)");
    if (maxHeaderSize <= 0) throw new IllegalArgumentException("maxHeaderSize: " + maxHeaderSize + " (expected: > 0)");
  }

  private static void positive(String name, Duration d) {
    if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
  }

  public static ProxyOptions defaults() {
    return new ProxyOptions(Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(60), 256, 16 * 1024, 64 * 1024);
  }

  public ProxyOptions withUpstreamResponseTimeout(Duration d) {
    return new ProxyOptions(upstreamConnectTimeout, d, upstreamIdleTimeout, maxIdleConnectionsPerEndpoint, maxInitialLineLength, maxHeaderSize);
  }
}
