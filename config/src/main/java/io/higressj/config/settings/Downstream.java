package io.higressj.config.settings;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Client-side connection settings ({@code higress-config}, key {@code higress}, field {@code downstream}).
 * The data plane applies all of them to new connections and requests ({@code docs/configmaps.md}).
 *
 * @param idleTimeout a connection (and an HTTP/2 stream) idle this long is closed; zero disables
 * @param maxRequestHeadersKb largest request header block, in KiB (1 to 8192)
 * @param connectionBufferLimits per-connection buffer limit, in bytes
 * @param http2 HTTP/2 settings
 * @param routeTimeout timeout of routes that set none; zero: not set
 * @param limits Higress-J's own keys (no Higress equivalent), only those the ConfigMap sets: key as written
 *     under {@code downstream} ({@code http2.} prefix for those under {@code downstream.http2}) to its value,
 *     durations in seconds; see {@link #LIMIT_KEYS}
 * @param mergeSlashes Higress-J's {@code mergeSlashes}: runs of {@code /} in paths merged; null when not set
 * @param pathWithEscapedSlashesAction Higress-J's {@code pathWithEscapedSlashesAction}, one of {@link
 *     #ESCAPED_SLASHES_ACTIONS} (Envoy's names); null when not set
 */
public record Downstream(Duration idleTimeout, long maxRequestHeadersKb, long connectionBufferLimits, Http2 http2,
    Duration routeTimeout, java.util.SortedMap<String, Long> limits, Boolean mergeSlashes,
    String pathWithEscapedSlashesAction) {
  public static final Downstream DEFAULT = new Downstream(Duration.ofSeconds(180), 60, 32768, Http2.DEFAULT, Duration.ZERO);

  /** The values of {@code pathWithEscapedSlashesAction}, Envoy's {@code path_with_escaped_slashes_action} names. */
  public static final java.util.List<String> ESCAPED_SLASHES_ACTIONS = java.util.List.of("KEEP_UNCHANGED", "REJECT_REQUEST",
      "UNESCAPE_AND_FORWARD", "UNESCAPE_AND_REDIRECT");

  /** A limit key of Higress-J's own: its name and the range of values it accepts. */
  public record LimitKey(String name, long min, long max) {}

  /** Higress-J's own {@code downstream} keys, in the order they are documented ({@code docs/security.md}). */
  public static final java.util.List<LimitKey> LIMIT_KEYS = java.util.List.of(
      new LimitKey("maxHeadersCount", 1, 10_000),
      new LimitKey("maxRequestLineKb", 1, 8192),
      new LimitKey("maxRequestsPerConnection", 0, Integer.MAX_VALUE),
      new LimitKey("requestHeadersTimeout", 0, 86_400),
      new LimitKey("streamIdleTimeout", 0, 86_400),
      new LimitKey("requestTimeout", 0, 86_400),
      new LimitKey("maxConnections", 0, Integer.MAX_VALUE),
      new LimitKey("maxConnectionsPerListener", 0, Integer.MAX_VALUE),
      new LimitKey("floodPenaltySeconds", 0, 86_400),
      new LimitKey("http2.floodWindowSeconds", 1, 3600),
      new LimitKey("http2.maxResetFramesPerWindow", 1, Integer.MAX_VALUE),
      new LimitKey("http2.maxSettingsFramesPerWindow", 1, Integer.MAX_VALUE),
      new LimitKey("http2.maxPingFramesPerWindow", 1, Integer.MAX_VALUE),
      new LimitKey("http2.maxPriorityFramesPerWindow", 1, Integer.MAX_VALUE),
      new LimitKey("http2.maxWindowUpdateFramesPerWindow", 1, Integer.MAX_VALUE),
      new LimitKey("http2.maxOtherFramesPerWindow", 1, Integer.MAX_VALUE),
      new LimitKey("http2.maxConsecutiveEmptyDataFrames", 1, Integer.MAX_VALUE),
      new LimitKey("http2.maxSmallContinuationFrames", 1, Integer.MAX_VALUE));

  /** The settings without Higress-J's own keys. */
  public Downstream(Duration idleTimeout, long maxRequestHeadersKb, long connectionBufferLimits, Http2 http2,
      Duration routeTimeout) {
    this(idleTimeout, maxRequestHeadersKb, connectionBufferLimits, http2, routeTimeout, new java.util.TreeMap<>());
  }

  /** The settings without the path settings. */
  public Downstream(Duration idleTimeout, long maxRequestHeadersKb, long connectionBufferLimits, Http2 http2,
      Duration routeTimeout, java.util.SortedMap<String, Long> limits) {
    this(idleTimeout, maxRequestHeadersKb, connectionBufferLimits, http2, routeTimeout, limits, null, null);
  }

  /** The value of one of {@link #LIMIT_KEYS} the ConfigMap sets, or {@code dflt}. */
  public long limit(String key, long dflt) {
    Long v = limits.get(key);
    return v == null ? dflt : v;
  }

  public Downstream {
    requireNonNull(idleTimeout, "idleTimeout");
    if (maxRequestHeadersKb < 1 || maxRequestHeadersKb > 8192) {
      throw new IllegalArgumentException("maxRequestHeadersKb: " + maxRequestHeadersKb + " (expected: 1 to 8192)");
    }
    if (connectionBufferLimits < 0) throw new IllegalArgumentException("connectionBufferLimits: " + connectionBufferLimits + " (expected: >= 0)");
    requireNonNull(http2, "http2");
    requireNonNull(routeTimeout, "routeTimeout");
    requireNonNull(limits, "limits");
    for (var e : limits.entrySet()) {
      LimitKey k = LIMIT_KEYS.stream().filter(l -> l.name().equals(e.getKey())).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("limits: unknown key " + e.getKey()));
      if (e.getValue() == null || e.getValue() < k.min() || e.getValue() > k.max()) {
        throw new IllegalArgumentException(e.getKey() + ": " + e.getValue() + " (expected: " + k.min() + " to " + k.max() + ")");
      }
    }
    limits = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(limits));
    if (pathWithEscapedSlashesAction != null && !ESCAPED_SLASHES_ACTIONS.contains(pathWithEscapedSlashesAction)) {
      throw new IllegalArgumentException("pathWithEscapedSlashesAction: " + pathWithEscapedSlashesAction
          + " (expected: one of " + String.join(", ", ESCAPED_SLASHES_ACTIONS) + ")");
    }
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
