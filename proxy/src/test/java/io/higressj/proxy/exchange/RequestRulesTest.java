package io.higressj.proxy.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.proxy.ProxyOptions;
import io.higressj.proxy.http1.ProtocolViolationException;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestRulesTest {
  @Test
  void decoderFailuresMapToStatuses() {
    assertThat(RequestRules.statusForDecoderFailure(new TooLongHttpLineException("x")).code()).isEqualTo(414);
    assertThat(RequestRules.statusForDecoderFailure(new TooLongHttpHeaderException("x")).code()).isEqualTo(431);
    assertThat(RequestRules.statusForDecoderFailure(new ProtocolViolationException(408, "x")).code()).isEqualTo(408);
    assertThat(RequestRules.statusForDecoderFailure(new IllegalArgumentException("x")).code()).isEqualTo(400);
  }

  @Test
  void xffWithoutTrustedHopsIgnoresTheClientsHeader() {
    assertThat(RequestRules.trustedClientAddress("10.0.0.9", List.of("1.2.3.4"), 0)).isEqualTo("10.0.0.9");
  }

  @Test
  void xffTrustedHopsPickTheNthAddressFromTheRight() {
    List<String> xff = List.of("6.6.6.6, 1.2.3.4", "10.0.0.1");
    assertThat(RequestRules.trustedClientAddress("10.0.0.9", xff, 1)).isEqualTo("10.0.0.1");
    assertThat(RequestRules.trustedClientAddress("10.0.0.9", xff, 2)).isEqualTo("1.2.3.4");
    assertThat(RequestRules.trustedClientAddress("10.0.0.9", xff, 3)).isEqualTo("6.6.6.6");
    assertThat(RequestRules.trustedClientAddress("10.0.0.9", xff, 4)).isEqualTo("10.0.0.9"); // too few: the peer
    assertThat(RequestRules.trustedClientAddress("10.0.0.9", List.of("not-an-ip"), 1)).isEqualTo("10.0.0.9");
    assertThat(RequestRules.trustedClientAddress("10.0.0.9", List.of("::1"), 1)).isEqualTo("::1");
    assertThat(RequestRules.trustedClientAddress("10.0.0.9", List.of(), 1)).isEqualTo("10.0.0.9");
  }

  @Test
  void hostSyntax() {
    for (String ok : List.of("foo.com", "FOO.com:8080", "foo.com.", "1.2.3.4:80", "[::1]", "[::1]:443", "a_b.example", "")) {
      assertThat(RequestRules.validHost(ok)).as(ok).isTrue();
    }
    for (String bad : List.of("a/b", "a@b", "a b", "a:b", "foo.com:123456", "[::1", "[zz]", ":80", "a\"b", "[::1]x")) {
      assertThat(RequestRules.validHost(bad)).as(bad).isFalse();
    }
  }

  @Test
  void absoluteFormAuthorityAgreement() {
    assertThat(RequestRules.sameAuthority("Foo.com", "foo.com", false)).isTrue();
    assertThat(RequestRules.sameAuthority("foo.com:80", "foo.com", false)).isTrue();
    assertThat(RequestRules.sameAuthority("foo.com:443", "foo.com", true)).isTrue();
    assertThat(RequestRules.sameAuthority("foo.com:8080", "foo.com", false)).isFalse();
    assertThat(RequestRules.sameAuthority("foo.com", "bar.com", false)).isFalse();
  }

  @Test
  void internalHeadersAreStrippedExceptTheConfiguredExceptions() {
    HttpHeaders h = new DefaultHttpHeaders()
        .add("X-Envoy-Original-Path", "/admin").add("x-envoy-internal", "true")
        .add("X-Higress-Route", "r").add("X-Mse-Consumer", "admin").add("X-Higress-Nonce", "n")
        .add("X-Mse-Other", "kept").add("X-Envoyish", "kept");
    RequestRules.stripInternalHeaders(h, ProxyOptions.defaults());
    assertThat(h.names()).containsExactlyInAnyOrder("X-Higress-Nonce", "X-Mse-Other", "X-Envoyish");
  }

  @Test
  void onlyNamesStartingAsAPatternDoesAreLookedAtClosely() {
    List<String> patterns = List.of("x-envoy-*", "auth-*", "*-secret");
    assertThat(RequestRules.mayBeInternal("X-Envoy-Path", List.of("x-envoy-*"))).isTrue();
    assertThat(RequestRules.mayBeInternal("Auth-User", List.of("x-envoy-*", "auth-*"))).isTrue();
    assertThat(RequestRules.mayBeInternal("Host", List.of("x-envoy-*", "auth-*"))).isFalse();
    assertThat(RequestRules.mayBeInternal("Host", patterns)).as("a pattern starting with *").isTrue();
    assertThat(RequestRules.mayBeInternal("", patterns)).isFalse();
  }

  @Test
  void targetCharacters() {
    assertThat(RequestRules.validTarget("/a?b=c&d=%20")).isTrue();
    assertThat(RequestRules.validTarget("/a#b")).isFalse();
    assertThat(RequestRules.validTarget("/a\u0001")).isFalse();
    assertThat(RequestRules.validTarget("/caf\u00e9")).isFalse();
  }
}
