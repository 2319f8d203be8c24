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
}
