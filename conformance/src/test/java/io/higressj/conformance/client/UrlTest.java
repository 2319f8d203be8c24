package io.higressj.conformance.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UrlTest {
  private final Url base = Url.of("http", "localhost", "/a/b/c?q=1");

  @Test
  void parsesTheRequestUrl() {
    assertThat(base).isEqualTo(new Url("http", "localhost", "", "/a/b/c", "q=1"));
    assertThat(base.requestTarget()).isEqualTo("/a/b/c?q=1");
    assertThat(Url.of("https", "127.0.0.1:8443", "/").effectivePort()).isEqualTo(8443);
    assertThat(Url.of("https", "example.com", "").requestTarget()).isEqualTo("/");
  }

  @Test
  void resolvesAbsoluteLocations() {
    Url u = base.resolve("https://example.org:8443/x?y#frag");
    assertThat(u).isEqualTo(new Url("https", "example.org", "8443", "/x", "y"));
    assertThat(base.resolve("HTTP://Example.org").scheme()).isEqualTo("http");
    assertThat(base.resolve("http://example.org").path()).isEmpty();
    assertThat(base.resolve("http://[::1]:81/v6")).isEqualTo(new Url("http", "::1", "81", "/v6", null));
  }

  @Test
  void resolvesRelativeLocationsAgainstTheRequestUrl() {
    assertThat(base.resolve("/root")).isEqualTo(new Url("http", "localhost", "", "/root", null));
    assertThat(base.resolve("d")).isEqualTo(new Url("http", "localhost", "", "/a/b/d", null));
    assertThat(base.resolve("../d?z=2")).isEqualTo(new Url("http", "localhost", "", "/a/d", "z=2"));
    assertThat(base.resolve("?only=query")).isEqualTo(new Url("http", "localhost", "", "/a/b/c", "only=query"));
    assertThat(base.resolve("//other.com/p")).isEqualTo(new Url("http", "other.com", "", "/p", null));
    assertThat(base.resolve("/a/./b/../../c")).isEqualTo(new Url("http", "localhost", "", "/c", null));
  }

  @Test
  void rejectsWhatCannotBeFollowed() {
    assertThatThrownBy(() -> base.resolve("ftp://x/")).hasMessageContaining("scheme ftp");
    assertThatThrownBy(() -> base.resolve("http://x:port/")).hasMessageContaining("invalid port");
    assertThat(Url.isAbsolute("/x")).isFalse();
    assertThat(Url.isAbsolute("https://x")).isTrue();
  }
}
