package io.higressj.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProxyOptionsTest {
  @Test
  void edgeDefaults() {
    ProxyOptions o = ProxyOptions.defaults();
    assertThat(o.maxHeaderSize()).isEqualTo(60 * 1024);
    assertThat(o.maxHeadersCount()).isEqualTo(100);
    assertThat(o.idleTimeout()).isEqualTo(Duration.ofHours(1));
    assertThat(o.requestHeadersTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(o.maxRequestsPerConnection()).isZero();
    assertThat(o.headersWithUnderscores()).isEqualTo(ProxyOptions.HeadersWithUnderscores.ALLOW);
    assertThat(o.xffNumTrustedHops()).isZero();
    assertThat(o.mergeSlashes()).isFalse();
    assertThat(o.escapedSlashes()).isEqualTo(ProxyOptions.EscapedSlashes.KEEP);
  }

  @Test
  void validationSaysWhatIsWrong() {
    ProxyOptions.Builder b = ProxyOptions.defaults().toBuilder();
    assertThatThrownBy(() -> b.maxHeadersCount(0).build()).hasMessage("maxHeadersCount: 0 (expected: > 0)");
    assertThatThrownBy(() -> ProxyOptions.defaults().toBuilder().requestHeadersTimeout(Duration.ofSeconds(-1)).build())
        .hasMessage("requestHeadersTimeout: PT-1S (expected: >= 0, 0 disables)");
    assertThatThrownBy(() -> ProxyOptions.defaults().toBuilder().maxRequestsPerConnection(-1).build())
        .hasMessage("maxRequestsPerConnection: -1 (expected: >= 0, 0 = no limit)");
    assertThatThrownBy(() -> ProxyOptions.defaults().toBuilder().xffNumTrustedHops(-1).build())
        .hasMessage("xffNumTrustedHops: -1 (expected: >= 0)");
    assertThatThrownBy(() -> ProxyOptions.defaults().toBuilder().internalHeaders(List.of("X-Upper")).build())
        .hasMessage("internalHeaders: X-Upper (expected: a lower-case header name, optionally ending with *)");
    assertThatThrownBy(() -> ProxyOptions.defaults().toBuilder().headersWithUnderscores(null).build())
        .hasMessage("headersWithUnderscores");
  }

  @Test
  void zeroDisablesTimeouts() {
    ProxyOptions o = ProxyOptions.defaults().toBuilder().requestHeadersTimeout(Duration.ZERO).idleTimeout(Duration.ZERO).build();
    assertThat(o.requestHeadersTimeout()).isZero();
  }

  @Test
  void higressConfigSettingsOverrideOnlyWhatTheyChange() {
    ProxyOptions base = ProxyOptions.defaults();
    io.higressj.config.settings.GatewaySettings dflt = io.higressj.config.settings.GatewaySettings.DEFAULT;
    assertThat(base.with(dflt)).isSameAs(base);
    io.higressj.config.settings.Downstream d = new io.higressj.config.settings.Downstream(Duration.ofSeconds(30), 8,
        32768, new io.higressj.config.settings.Downstream.Http2(10, 2_000_000, 65535), Duration.ofSeconds(7));
    io.higressj.config.settings.GatewaySettings g = new io.higressj.config.settings.GatewaySettings(
        dflt.gzip(), d, new io.higressj.config.settings.Upstream(Duration.ZERO, 10485760), false, false,
        dflt.tracing(), dflt.https());
    ProxyOptions o = base.with(g);
    assertThat(o.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.maxHeaderSize()).isEqualTo(8 * 1024);
    assertThat(o.upstreamResponseTimeout()).isEqualTo(Duration.ofSeconds(7));
    assertThat(o.upstreamIdleTimeout()).isGreaterThan(Duration.ofDays(300)); // 0: never closed for idleness
    assertThat(o.http2().maxConcurrentStreams()).isEqualTo(10);
    assertThat(o.http2().initialStreamWindowSize()).isEqualTo(2_000_000);
    // the connection window is never smaller than a stream's
    assertThat(o.http2().initialConnectionWindowSize()).isEqualTo(2_000_000);
    assertThat(o.maxHeadersCount()).isEqualTo(base.maxHeadersCount());
    assertThat(o.requestHeadersTimeout()).isEqualTo(base.requestHeadersTimeout());
  }

  @Test
  void higressJsOwnDownstreamKeysSetTheirOptions() {
    ProxyOptions base = ProxyOptions.defaults();
    io.higressj.config.settings.GatewaySettings dflt = io.higressj.config.settings.GatewaySettings.DEFAULT;
    java.util.SortedMap<String, Long> limits = new java.util.TreeMap<>(java.util.Map.ofEntries(
        java.util.Map.entry("maxHeadersCount", 20L), java.util.Map.entry("maxRequestLineKb", 4L),
        java.util.Map.entry("maxRequestsPerConnection", 3L), java.util.Map.entry("requestHeadersTimeout", 5L),
        java.util.Map.entry("streamIdleTimeout", 60L), java.util.Map.entry("requestTimeout", 0L),
        java.util.Map.entry("maxConnections", 1000L), java.util.Map.entry("maxConnectionsPerListener", 10L),
        java.util.Map.entry("floodPenaltySeconds", 30L), java.util.Map.entry("http2.maxResetFramesPerWindow", 10L),
        java.util.Map.entry("http2.floodWindowSeconds", 2L), java.util.Map.entry("http2.maxPingFramesPerWindow", 7L)));
    io.higressj.config.settings.Downstream.Http2 h2 = io.higressj.config.settings.Downstream.Http2.DEFAULT;
    io.higressj.config.settings.Downstream d = new io.higressj.config.settings.Downstream(Duration.ofSeconds(180), 60,
        4096, h2, Duration.ZERO, limits);
    ProxyOptions o = base.with(new io.higressj.config.settings.GatewaySettings(dflt.gzip(), d, dflt.upstream(), false,
        false, dflt.tracing(), dflt.https()));
    assertThat(o.maxHeadersCount()).isEqualTo(20);
    assertThat(o.maxInitialLineLength()).isEqualTo(4096);
    assertThat(o.maxRequestsPerConnection()).isEqualTo(3);
    assertThat(o.requestHeadersTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(o.requestBodyIdleTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(o.responseIdleTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(o.requestTimeout()).isZero();
    assertThat(o.overload().maxConnections()).isEqualTo(1000);
    assertThat(o.overload().maxConnectionsPerListener()).isEqualTo(10);
    assertThat(o.floodPenalty()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.connectionBufferLimit()).isEqualTo(4096);
    assertThat(o.http2().maxResetFramesPerWindow()).isEqualTo(10);
    assertThat(o.http2().floodWindow()).isEqualTo(Duration.ofSeconds(2));
    assertThat(o.http2().maxPingFramesPerWindow()).isEqualTo(7);
    assertThat(o.http2().maxSettingsFramesPerWindow()).isEqualTo(base.http2().maxSettingsFramesPerWindow());
    assertThat(o.idleTimeout()).isEqualTo(base.idleTimeout());
    assertThat(o.maxHeaderSize()).isEqualTo(base.maxHeaderSize());
  }

  @Test
  void upstreamConnectionBufferLimitsSetTheBackendWriteLimit() {
    ProxyOptions base = ProxyOptions.defaults();
    io.higressj.config.settings.GatewaySettings dflt = io.higressj.config.settings.GatewaySettings.DEFAULT;
    assertThat(base.upstreamConnectionBufferLimit()).isEqualTo(64 * 1024);
    assertThat(base.with(dflt)).as("Higress's default 10 MiB leaves the gateway's own").isEqualTo(base);
    java.util.function.LongFunction<ProxyOptions> with = v -> base.with(new io.higressj.config.settings.GatewaySettings(
        dflt.gzip(), dflt.downstream(), new io.higressj.config.settings.Upstream(Duration.ofSeconds(10), v), false, false,
        dflt.tracing(), dflt.https()));
    assertThat(with.apply(1_048_576).upstreamConnectionBufferLimit()).isEqualTo(1_048_576);
    assertThat(with.apply(100).upstreamConnectionBufferLimit()).as("at least 1 KiB").isEqualTo(1024);
    assertThat(with.apply(0).upstreamConnectionBufferLimit()).as("0 keeps the gateway's own").isEqualTo(64 * 1024);
    assertThat(with.apply(1L << 40).upstreamConnectionBufferLimit()).isEqualTo(Integer.MAX_VALUE);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> base.toBuilder().upstreamConnectionBufferLimit(10).build())
        .hasMessageContaining("upstreamConnectionBufferLimit");
  }

  @Test
  void everyEscapedSlashesActionTheConfigMapOffersHasAnOption() {
    for (String name : io.higressj.config.settings.Downstream.ESCAPED_SLASHES_ACTIONS) {
      assertThat(ProxyOptions.EscapedSlashes.ofEnvoyName(name).envoyName).isEqualTo(name);
    }
    assertThat(ProxyOptions.EscapedSlashes.values()).hasSameSizeAs(io.higressj.config.settings.Downstream.ESCAPED_SLASHES_ACTIONS);
  }

  @Test
  void newTimeoutDefaultsFollowEnvoysEdgeRecommendations() {
    ProxyOptions o = ProxyOptions.defaults();
    assertThat(o.responseIdleTimeout()).isEqualTo(Duration.ofSeconds(300)); // stream_idle_timeout
    assertThat(o.requestTimeout()).isEqualTo(Duration.ofSeconds(300));      // request_timeout
    assertThat(o.connectionBufferLimit()).isEqualTo(32 * 1024);             // per_connection_buffer_limit_bytes
    assertThat(o.floodPenalty()).isZero();
    assertThat(o.overload().maxConnectionsPerListener()).isZero();
  }
}
