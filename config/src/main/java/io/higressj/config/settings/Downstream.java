package io.higressj.config.settings;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Client-side connection settings ({@code higress-config}, key {@code higress}, field {@code downstream}).
 * The data plane applies all but {@code connectionBufferLimits} to new connections ({@code docs/configmaps.md}).
 *
 * @param idleTimeout a connection (and an HTTP/2 stream) idle this long is closed; zero disables
 * @param maxRequestHeadersKb largest request header block, in KiB (1 to 8192)
 * @param connectionBufferLimits per-connection buffer limit, in bytes
 * @param http2 HTTP/2 settings
 * @param routeTimeout timeout of routes that set none; zero: not set
 */
public record Downstream(Duration idleTimeout, long maxRequestHeadersKb, long connectionBufferLimits, Http2 http2,
    Duration routeTimeout) {
  public static final Downstream DEFAULT = new Downstream(Duration.ofSeconds(180), 60, 32768, Http2.DEFAULT, Duration.ZERO);

  public Downstream {
    requireNonNull(idleTimeout, "idleTimeout");
    if (maxRequestHeadersKb < 1 || maxRequestHeadersKb > 8192) {
      throw new IllegalArgumentException("maxRequestHeadersKb: " + maxRequestHeadersKb + " (expected: 1 to 8192)");
    }
    if (connectionBufferLimits < 0) throw new IllegalArgumentException("connectionBufferLimits: " + connectionBufferLimits + " (expected: >= 0)");
    requireNonNull(http2, "http2");
    requireNonNull(routeTimeout, "routeTimeout");
  }

  /**
   * @param maxConcurrentStreams SETTINGS_MAX_CONCURRENT_STREAMS, 1 to 2147483647
   * @param initialStreamWindowSize SETTINGS_INITIAL_WINDOW_SIZE, 65535 to 2147483647
   * @param initialConnectionWindowSize the connection's flow-control window, 65535 to 2147483647
   */
  public record Http2(long maxConcurrentStreams, long initialStreamWindowSize, long initialConnectionWindowSize) {
    public static final Http2 DEFAULT = new Http2(100, 65535, 1048576);

    public Http2 {
      if (maxConcurrentStreams < 1 || maxConcurrentStreams > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("maxConcurrentStreams: " + maxConcurrentStreams + " (expected: 1 to 2147483647)");
      }
      if (initialStreamWindowSize < 65535 || initialStreamWindowSize > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("initialStreamWindowSize: " + initialStreamWindowSize + " (expected: 65535 to 2147483647)");
      }
      if (initialConnectionWindowSize < 65535 || initialConnectionWindowSize > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "initialConnectionWindowSize: " + initialConnectionWindowSize + " (expected: 65535 to 2147483647)");
      }
    }
  }
}
