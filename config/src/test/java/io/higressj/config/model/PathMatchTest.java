package io.higressj.config.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PathMatchTest {
  @Test
  void exactMatchesOnlyThePath() {
    PathMatch m = PathMatch.exact("/foo");
    assertThat(m.matches("/foo")).isTrue();
    assertThat(m.matches("/foo/")).isFalse();
    assertThat(m.matches("/foo/bar")).isFalse();
    assertThat(m.matches("/fo")).isFalse();
    assertThat(m.matches("/FOO")).isFalse();
  }

  @Test
  void exactKeepsItsTrailingSlash() {
    PathMatch m = PathMatch.exact("/foo/");
    assertThat(m.value()).isEqualTo("/foo/");
    assertThat(m.matches("/foo/")).isTrue();
    assertThat(m.matches("/foo")).isFalse();
  }

  @Test
  void prefixIsElementWise() {
    PathMatch m = PathMatch.prefix("/foo");
    assertThat(m.matches("/foo")).isTrue();
    assertThat(m.matches("/foo/")).isTrue();
    assertThat(m.matches("/foo/bar")).isTrue();
    assertThat(m.matches("/foobar")).isFalse();
    assertThat(m.matches("/fo")).isFalse();
    assertThat(m.matches("/")).isFalse();
  }

  @Test
  void prefixIgnoresATrailingSlash() {
    PathMatch m = PathMatch.prefix("/foo/");
    assertThat(m).isEqualTo(PathMatch.prefix("/foo"));
    assertThat(m.matches("/foo")).isTrue();
    assertThat(m.matches("/foo/x")).isTrue();
    assertThat(m.matches("/foox")).isFalse();
  }

  @Test
  void prefixOfSeveralElements() {
    PathMatch m = PathMatch.prefix("/aaa/bb");
    assertThat(m.matches("/aaa/bb")).isTrue();
    assertThat(m.matches("/aaa/bb/ccc")).isTrue();
    assertThat(m.matches("/aaa/bbb")).isFalse();
    assertThat(m.matches("/aaa")).isFalse();
  }

  @Test
  void rootPrefixMatchesEverything() {
    PathMatch m = PathMatch.prefix("/");
    assertThat(m.matches("/")).isTrue();
    assertThat(m.matches("/anything/at/all")).isTrue();
  }

  @Test
  void relativePathsAreRejected() {
    assertThatThrownBy(() -> PathMatch.prefix("foo"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("foo");
    assertThatThrownBy(() -> PathMatch.exact("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void describesItself() {
    assertThat(PathMatch.exact("/a")).hasToString("exact /a");
    assertThat(PathMatch.prefix("/a/")).hasToString("prefix /a");
  }
}
