package io.higressj.proxy.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.higressj.proxy.ProxyOptions.EscapedSlashes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathNormalizerTest {
  private final PathNormalizer keep = new PathNormalizer(false, EscapedSlashes.KEEP);
  private final PathNormalizer merge = new PathNormalizer(true, EscapedSlashes.KEEP);
  private final PathNormalizer reject = new PathNormalizer(false, EscapedSlashes.REJECT);

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "/, /",
      "/a/b, /a/b",
      "/a/./b, /a/b",
      "/a/../b, /b",
      "/a/b/.., /a/",
      "/a/b/., /a/b/",
      "/a/./, /a/",
      "/./, /",
      "/a/.., /",
      "/a/%2e%2e/b, /b",
      "/a/%2E%2e/b, /b",
      "/a/.%2e/b, /b",
      "/%2e/a, /a",
      "/a/%2e, /a/",
      "/%61dmin, /admin",
      "/%7e%7E, /~~",
      "/a%2fb, /a%2Fb",
      "/a%5cb, /a%5Cb",
      "/a%2F..%2Fb, /a%2F..%2Fb",
      "/a/..%2F, /a/..%2F",
      "/a%20b, /a%20b",
      "/a%c3%a9, /a%C3%A9",
      "/a//b, /a//b",
      "/a//../b, /a/b",
      "//a, //a",
      "/a..b/c., /a..b/c.",
      "/.a/..b, /.a/..b",
  })
  void dotSegmentsAndPercentEncodingCase(String in, String out) throws Exception {
    assertThat(keep.normalize(in)).isEqualTo(out);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "//a, /a",
      "/a//b///c, /a/b/c",
      "/a//, /a/",
      "//, /",
      "/a/..//b, /b",
  })
  void mergesSlashesOnlyWhenAsked(String in, String out) throws Exception {
    assertThat(merge.normalize(in)).isEqualTo(out);
  }

  @ParameterizedTest
  @CsvSource({"/..", "/../a", "/a/../..", "/a/%2e%2e/%2e%2e/b", "/%2e%2e", "/a/b/../../../c"})
  void aPathAboveTheRootIsRefused(String in) {
    assertThatThrownBy(() -> keep.normalize(in)).isInstanceOf(PathNormalizer.InvalidPathException.class);
  }

  @ParameterizedTest
  @CsvSource({"/a%", "/a%2", "/a%zz", "/a%2g", "a/b", "''"})
  void malformedPathsAreRefused(String in) {
    assertThatThrownBy(() -> keep.normalize(in)).isInstanceOf(PathNormalizer.InvalidPathException.class);
  }

  @ParameterizedTest
  @CsvSource({"/a%2Fb", "/a%2fb", "/a%5Cb", "/a%5cb"})
  void escapedSlashesCanBeRefused(String in) throws Exception {
    assertThat(keep.normalize(in)).isNotNull();
    assertThatThrownBy(() -> reject.normalize(in)).isInstanceOf(PathNormalizer.InvalidPathException.class);
  }

  private final PathNormalizer forward = new PathNormalizer(false, EscapedSlashes.UNESCAPE_AND_FORWARD);
  private final PathNormalizer redirect = new PathNormalizer(true, EscapedSlashes.UNESCAPE_AND_REDIRECT);

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "/a%2Fb, /a/b",
      "/a%2fb, /a/b",
      "/a%5Cb, /a/b",
      "/admin%2F..%2Fpublic, /public",
      "/x/%2e%2e%2Fadmin, /admin",
      "/a%252Fb, /a%252Fb",
      "/plain, /plain"})
  void unescapedSlashesAreSeparatorsBeforeDotSegments(String in, String out) throws Exception {
    assertThat(forward.normalize(in)).isEqualTo(out);
    assertThat(forward.redirects(in)).as("forwarded, never redirected").isFalse();
  }

  @Test
  void redirectModeSaysWhichPathsAreRedirected() throws Exception {
    assertThat(redirect.redirects("/a%2Fb")).isTrue();
    assertThat(redirect.redirects("/a%5cb")).isTrue();
    assertThat(redirect.redirects("/a%252Fb")).as("an encoded percent sign").isFalse();
    assertThat(redirect.redirects("/a/b")).isFalse();
    assertThat(redirect.redirects("/a%2")).isFalse();
    assertThat(redirect.normalize("/a%2F%2Fb")).as("merged after decoding").isEqualTo("/a/b");
    assertThat(keep.redirects("/a%2Fb")).isFalse();
  }
}
