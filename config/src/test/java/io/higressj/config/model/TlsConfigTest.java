package io.higressj.config.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TlsConfigTest {
  static final CertificateConfig EXACT = cert("exact");
  static final CertificateConfig WILD = cert("wild");
  static final CertificateConfig DEEP_WILD = cert("deep-wild");
  static final CertificateConfig DEFAULT = cert("default");

  static CertificateConfig cert(String name) {
    return new CertificateConfig("default/" + name, "CERT " + name, "KEY " + name);
  }

  final TlsConfig tls = new TlsConfig(Map.of(
      "shop.example.com", EXACT,
      "*.example.com", WILD,
      "*.api.example.com", DEEP_WILD), DEFAULT);

  @Test
  void exactHostFirst() {
    assertThat(tls.select("shop.example.com")).isSameAs(EXACT);
  }

  @Test
  void wildcardForOtherNames() {
    assertThat(tls.select("www.example.com")).isSameAs(WILD);
    assertThat(tls.select("a.b.example.com")).isSameAs(WILD);
  }

  @Test
  void longestWildcardFirst() {
    assertThat(tls.select("v1.api.example.com")).isSameAs(DEEP_WILD);
    assertThat(tls.select("x.v1.api.example.com")).isSameAs(DEEP_WILD);
    assertThat(tls.select("api.example.com")).isSameAs(WILD);
  }

  @Test
  void wildcardDoesNotCoverItsBareSuffix() {
    assertThat(tls.select("example.com")).isSameAs(DEFAULT);
  }

  @Test
  void sniIsCaseInsensitive() {
    assertThat(tls.select("SHOP.Example.COM")).isSameAs(EXACT);
    assertThat(tls.select("shop.example.com.")).isSameAs(EXACT);
  }

  @Test
  void defaultWithoutOrWithUnknownSni() {
    assertThat(tls.select(null)).isSameAs(DEFAULT);
    assertThat(tls.select("other.org")).isSameAs(DEFAULT);
  }

  @Test
  void noDefault() {
    TlsConfig t = new TlsConfig(Map.of("a.example.com", EXACT), null);
    assertThat(t.select("b.example.com")).isNull();
    assertThat(t.select(null)).isNull();
    assertThat(TlsConfig.empty().isEmpty()).isTrue();
    assertThat(t.isEmpty()).isFalse();
  }

  @Test
  void keyMaterialIsNotPrinted() {
    assertThat(EXACT.toString()).contains("default/exact").doesNotContain("KEY");
  }
}
