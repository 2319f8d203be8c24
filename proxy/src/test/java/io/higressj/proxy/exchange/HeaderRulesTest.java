package io.higressj.proxy.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class HeaderRulesTest {
  @Test
  void removesHopByHopAndConnectionNamedHeaders() {
    HttpHeaders h = new DefaultHttpHeaders()
        .add("Connection", "keep-alive, X-A")
        .add("Connection", "x-b")
        .add("X-A", "1").add("X-B", "2").add("X-C", "3")
        .add("Keep-Alive", "timeout=5").add("Proxy-Connection", "keep-alive")
        .add("TE", "gzip").add("Trailer", "X-T").add("Transfer-Encoding", "chunked") // only "TE: trailers" passes (gRPC)
        .add("Upgrade", "h2c").add("HTTP2-Settings", "AAA");
    HeaderRules.stripHopByHop(h, false);
    assertThat(h.names()).containsExactly("X-C");
  }

  @Test
  void aPeerCannotStripHostOrFraming() {
    HttpHeaders h = new DefaultHttpHeaders()
        .add("Host", "a.com").add("Content-Length", "3").add("Connection", "Host, Content-Length, Transfer-Encoding");
    HeaderRules.stripHopByHop(h, false);
    assertThat(h.get("Host")).isEqualTo("a.com");
    assertThat(h.get("Content-Length")).isEqualTo("3");
  }

  @Test
  void keepsWebSocketUpgrade() {
    HttpHeaders h = new DefaultHttpHeaders().add("Connection", "Upgrade").add("Upgrade", "websocket");
    assertThat(HeaderRules.isWebSocketUpgrade(h)).isTrue();
    HeaderRules.stripHopByHop(h, true);
    assertThat(h.get("Upgrade")).isEqualTo("websocket");
    assertThat(h.get("Connection")).isEqualTo("upgrade");
  }

  @Test
  void upgradeH2cIsNeverForwardedUpstream() {
    HttpHeaders h = new DefaultHttpHeaders().add("Connection", "Upgrade, HTTP2-Settings").add("Upgrade", "h2c")
        .add("HTTP2-Settings", "AAMAAABkAAQCAAAAAAIAAAAA");
    HeaderRules.stripHopByHop(h, false);
    assertThat(h.names()).isEmpty();
  }
}
