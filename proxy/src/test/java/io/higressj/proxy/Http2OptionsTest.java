package io.higressj.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class Http2OptionsTest {
  @Test
  void edgeDefaults() {
    Http2Options h2 = ProxyOptions.defaults().http2();
    assertThat(h2).isEqualTo(Http2Options.defaults());
    assertThat(h2.maxConcurrentStreams()).isEqualTo(100);
    assertThat(h2.initialStreamWindowSize()).isEqualTo(65_535);
    assertThat(h2.initialConnectionWindowSize()).isEqualTo(1024 * 1024);
    assertThat(h2.maxFrameSize()).isEqualTo(16_384);
    assertThat(h2.floodWindow()).isEqualTo(Duration.ofSeconds(10));
    assertThat(h2.maxResetFramesPerWindow()).isEqualTo(200);
    assertThat(h2.maxConsecutiveEmptyDataFrames()).isEqualTo(2);
    assertThat(h2.maxQueuedControlFrames()).isEqualTo(1000);
  }

  @Test
  void builderChangesOnlyWhatItIsTold() {
    ProxyOptions o = ProxyOptions.defaults().toBuilder()
        .http2(Http2Options.defaults().toBuilder().maxConcurrentStreams(7).maxPingFramesPerWindow(3).build())
        .maxHeaderSize(1234)
        .build();
    assertThat(o.http2().maxConcurrentStreams()).isEqualTo(7);
    assertThat(o.http2().maxPingFramesPerWindow()).isEqualTo(3);
    assertThat(o.http2().maxSettingsFramesPerWindow()).isEqualTo(100);
    assertThat(o.maxHeaderSize()).isEqualTo(1234);
    assertThat(o.toBuilder().build()).isEqualTo(o);
  }

  @Test
  void theConstructorWithoutHttp2KeepsWorking() {
    ProxyOptions d = ProxyOptions.defaults();
    ProxyOptions o = new ProxyOptions(d.upstreamConnectTimeout(), d.upstreamResponseTimeout(), d.upstreamIdleTimeout(),
        d.maxIdleConnectionsPerEndpoint(), d.maxInitialLineLength(), d.maxHeaderSize(), d.maxHeadersCount(),
        d.requestHeadersTimeout(), d.idleTimeout(), d.maxRequestsPerConnection(), d.headersWithUnderscores(),
        d.xffNumTrustedHops(), d.mergeSlashes(), d.escapedSlashes(), List.of("x-envoy-*"), List.of());
    assertThat(o.http2()).isEqualTo(Http2Options.defaults());
  }

  @Test
  void validationSaysWhatIsWrong() {
    Http2Options.Builder b = Http2Options.defaults().toBuilder();
    assertThatThrownBy(() -> Http2Options.defaults().toBuilder().maxConcurrentStreams(0).build())
        .hasMessage("maxConcurrentStreams: 0 (expected: >= 1)");
    assertThatThrownBy(() -> Http2Options.defaults().toBuilder().maxFrameSize(1000).build())
        .hasMessage("maxFrameSize: 1000 (expected: 16384..16777215)");
    assertThatThrownBy(() -> Http2Options.defaults().toBuilder().initialStreamWindowSize(2 << 20).build())
        .hasMessage("initialConnectionWindowSize: 1048576 (expected: >= 65535 and >= initialStreamWindowSize 2097152)");
    assertThatThrownBy(() -> Http2Options.defaults().toBuilder().floodWindow(Duration.ofMillis(1500)).build())
        .hasMessage("floodWindow: PT1.5S (expected: whole seconds, >= 1s)");
    assertThatThrownBy(() -> b.floodWindow(null).build()).hasMessage("floodWindow");
    assertThatThrownBy(() -> Http2Options.defaults().toBuilder().maxResetFramesPerWindow(0).build())
        .hasMessage("maxResetFramesPerWindow: 0 (expected: >= 1)");
    assertThatThrownBy(() -> ProxyOptions.defaults().toBuilder().http2(null).build()).hasMessage("http2");
  }
}
