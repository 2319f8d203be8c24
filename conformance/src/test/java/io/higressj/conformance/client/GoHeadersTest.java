package io.higressj.conformance.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GoHeadersTest {
  @Test
  void canonicalisesLikeGo() {
    assertThat(GoHeaders.canonical("x-user-id")).isEqualTo("X-User-Id");
    assertThat(GoHeaders.canonical("CONTENT-TYPE")).isEqualTo("Content-Type");
    assertThat(GoHeaders.canonical("x_user")).isEqualTo("X_user");
    assertThat(GoHeaders.canonical("enum_payload")).isEqualTo("Enum_payload");
    assertThat(GoHeaders.canonical("www-authenticate")).isEqualTo("Www-Authenticate");
    assertThat(GoHeaders.canonical("has space")).isEqualTo("has space");
    assertThat(GoHeaders.canonical("")).isEmpty();
  }
}
