package io.higressj.plugins.requestblock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.higressj.api.Action;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginPhase;
import io.higressj.testing.plugin.PluginTestHost;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestBlockTest {
  private final RequestBlockFactory factory = new RequestBlockFactory();

  private static final Map<String, Object> CORPUS = Map.of(
      "block_urls", List.of("swagger.html"),
      "block_regexp_urls", List.of("/env.*"),
      "block_exact_urls", List.of("/web/info"),
      "block_bodies", List.of("hello world"));

  private Action get(PluginTestHost host, String path) {
    return host.exchange("GET", path, "foo.com").requestHeaders();
  }

  @Test
  void placement() {
    assertThat(factory.name()).isEqualTo("request-block");
    assertThat(factory.defaultPhase()).isEqualTo(PluginPhase.AUTHZ);
    assertThat(factory.defaultPriority()).isEqualTo(320);
  }

  @Test
  void urlsAsInTheCorpus() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, CORPUS);
    assertThat(get(host, "/swagger.html")).isEqualTo(Action.PAUSE);
    assertThat(get(host, "/a/swagger.html?x=1")).isEqualTo(Action.PAUSE);
    assertThat(get(host, "/env/info")).isEqualTo(Action.PAUSE);
    assertThat(get(host, "/web/info")).isEqualTo(Action.PAUSE);
    assertThat(get(host, "/web/info?a=b")).isEqualTo(Action.PAUSE);
    assertThat(get(host, "/web/info/more")).isEqualTo(Action.CONTINUE);
    assertThat(get(host, "/Swagger.html")).isEqualTo(Action.CONTINUE); // case-sensitive by default
    assertThat(get(host, "/foo")).isEqualTo(Action.CONTINUE);
    PluginTestHost.Exchange ex = host.exchange("GET", "/swagger.html", "foo.com");
    ex.requestHeaders();
    assertThat(ex.localReply().status()).isEqualTo(403);
    assertThat(ex.localReply().text()).isEmpty();
  }

  @Test
  void bodiesAreBufferedAndSearched() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, CORPUS);
    PluginTestHost.Exchange blocked = host.exchange("POST", "/foo", "foo.com");
    assertThat(blocked.requestHeaders(false)).isEqualTo(Action.CONTINUE);
    assertThat(blocked.requestBufferLimit()).isEqualTo(RequestBlockFactory.MAX_BODY_BYTES);
    assertThat(blocked.requestBody("say hello world!", true)).isEqualTo(Action.PAUSE);
    assertThat(blocked.localReply().status()).isEqualTo(403);

    PluginTestHost.Exchange passed = host.exchange("POST", "/foo", "foo.com");
    passed.requestHeaders(false);
    assertThat(passed.requestBody("hello higress", true)).isEqualTo(Action.CONTINUE);
    assertThat(passed.requestBody()).isEqualTo("hello higress");
    assertThat(passed.localReply()).isNull();
  }

  @Test
  void caseInsensitiveMatchingAndHeaders() throws Exception {
    Map<String, Object> cfg = Map.of("block_urls", List.of("swagger.html", "foo=bar"), "block_headers",
        List.of("example-key", "Example-Value"), "block_bodies", List.of("Hello World"), "case_sensitive", false,
        "blocked_code", 404, "blocked_message", "nope");
    PluginTestHost host = PluginTestHost.of(factory, cfg);
    assertThat(get(host, "/?foo=Bar")).isEqualTo(Action.PAUSE);
    assertThat(get(host, "/Swagger.HTML")).isEqualTo(Action.PAUSE);
    PluginTestHost.Exchange byName = host.exchange("GET", "/", "a").header("Example-Key", "123");
    assertThat(byName.requestHeaders()).isEqualTo(Action.PAUSE);
    assertThat(byName.localReply().status()).isEqualTo(404);
    assertThat(byName.localReply().text()).isEqualTo("nope");
    assertThat(host.exchange("GET", "/", "a").header("my-header", "EXAMPLE-VALUE").requestHeaders()).isEqualTo(Action.PAUSE);
    assertThat(host.exchange("GET", "/", "a").header("my-header", "other").requestHeaders()).isEqualTo(Action.CONTINUE);
    PluginTestHost.Exchange body = host.exchange("POST", "/", "a");
    body.requestHeaders(false);
    assertThat(body.requestBody("hello WORLD", true)).isEqualTo(Action.PAUSE);
  }

  @Test
  void headerNamesMatchWhateverTheirCaseWhenCaseSensitive() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, Map.of("block_headers", List.of("X-Debug")));
    assertThat(host.exchange("GET", "/", "a").header("x-debug", "1").requestHeaders()).isEqualTo(Action.PAUSE);
    assertThat(host.exchange("GET", "/", "a").header("x-other", "x-debug").requestHeaders()).isEqualTo(Action.CONTINUE);
  }

  @Test
  void legacyBlockBodysSpellingIsRead() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, Map.of("block_bodys", List.of("secret")));
    PluginTestHost.Exchange ex = host.exchange("POST", "/", "a");
    ex.requestHeaders(false);
    assertThat(ex.requestBody("a secret", true)).isEqualTo(Action.PAUSE);
  }

  @Test
  void hostileInput() throws Exception {
    // RE2: no catastrophic backtracking on a pathological expression and input
    PluginTestHost host = PluginTestHost.of(factory, Map.of("block_regexp_urls", List.of("^/(a+)+$"),
        "block_bodies", List.of("evil")));
    String path = "/" + "a".repeat(50_000) + "!";
    long start = System.nanoTime();
    assertThat(get(host, path)).isEqualTo(Action.CONTINUE);
    assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
    PluginTestHost.Exchange ex = host.exchange("POST", "/", "a");
    ex.requestHeaders(false);
    assertThat(ex.requestBody("\u0000\uFFFD\uD800 not utf8 evil", true)).isEqualTo(Action.PAUSE);
    assertThat(host.exchange("GET", "", "a").requestHeaders()).isEqualTo(Action.CONTINUE);
  }

  @Test
  void badConfigurationsNameTheField() {
    assertThatThrownBy(() -> factory.parseConfig(Map.of())).isInstanceOf(PluginConfigException.class)
        .hasMessageStartingWith("block_urls: no rule");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("block_regexp_urls", List.of("ok", "(unclosed"))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("block_regexp_urls[1]: not a valid RE2");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("block_regexp_urls", List.of("(?<=x)y"))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("block_regexp_urls[0]");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("block_urls", List.of("a", 3))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("block_urls[1]: 3");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("block_headers", List.of(""))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("block_headers[0]: empty");
    Map<String, Object> badCode = new HashMap<>(CORPUS);
    badCode.put("blocked_code", "403");
    assertThatThrownBy(() -> factory.parseConfig(badCode)).isInstanceOf(PluginConfigException.class)
        .hasMessageStartingWith("blocked_code: ");
    Map<String, Object> badCase = new HashMap<>(CORPUS);
    badCase.put("case_sensitive", "no");
    assertThatThrownBy(() -> factory.parseConfig(badCase)).isInstanceOf(PluginConfigException.class)
        .hasMessageStartingWith("case_sensitive: ");
  }
}
