package io.higressj.plugins.cors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.higressj.api.Action;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginPhase;
import io.higressj.testing.plugin.PluginTestHost;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CorsTest {
  private final CorsFactory factory = new CorsFactory();

  /** the configuration of Higress's README test */
  static Map<String, Object> readme() {
    return Map.of(
        "allow_origins", List.of("http://httpbin.example.net"),
        "allow_origin_patterns", List.of("http://*.example.com:[*]", "http://*.example.org:[9090,8080]"),
        "allow_methods", List.of("GET", "POST", "PATCH"),
        "allow_headers", List.of("Content-Type", "Token", "Authorization"),
        "expose_headers", List.of("X-Custom-Header", "X-Env-UTM"),
        "allow_credentials", true,
        "max_age", 3600);
  }

  PluginTestHost.Exchange preflight(Map<String, Object> cfg, String origin, String method, String headers) throws Exception {
    PluginTestHost.Exchange ex = PluginTestHost.of(factory, cfg).exchange("OPTIONS", "/anything/get?foo=1", "httpbin.example.com");
    ex.header("Origin", origin).header("Access-Control-Request-Method", method);
    if (headers != null) ex.header("Access-Control-Request-Headers", headers);
    ex.requestHeaders();
    return ex;
  }

  @Test
  void placement() {
    assertThat(factory.name()).isEqualTo("cors");
    assertThat(factory.defaultPhase()).isEqualTo(PluginPhase.AUTHZ);
    assertThat(factory.defaultPriority()).isEqualTo(340);
  }

  @Test
  void simpleRequestGetsTheCorsHeaders() throws Exception {
    PluginTestHost.Exchange ex = PluginTestHost.of(factory, readme()).exchange("GET", "/anything/get?foo=1", "httpbin.example.com");
    ex.header("Origin", "http://httpbin2.example.org:9090");
    assertThat(ex.requestHeaders()).isEqualTo(Action.CONTINUE);
    assertThat(ex.localReply()).isNull();
    ex.responseHeaders(200, Map.of(), true);
    assertThat(ex.response().get("access-control-allow-origin")).isEqualTo("http://httpbin2.example.org:9090");
    assertThat(ex.response().get("access-control-expose-headers")).isEqualTo("X-Custom-Header,X-Env-UTM");
    assertThat(ex.response().get("access-control-allow-credentials")).isEqualTo("true");
  }

  @Test
  void preflightIsAnsweredHere() throws Exception {
    PluginTestHost.Exchange ex = preflight(readme(), "http://httpbin2.example.org:9090", "POST", "Content-Type, Token");
    assertThat(ex.localReply().status()).isEqualTo(200);
    Map<String, String> h = ex.localReply().headers();
    assertThat(h).containsEntry("access-control-allow-origin", "http://httpbin2.example.org:9090")
        .containsEntry("access-control-allow-methods", "GET,POST,PATCH")
        .containsEntry("access-control-allow-headers", "Content-Type,Token,Authorization")
        .containsEntry("access-control-expose-headers", "X-Custom-Header,X-Env-UTM")
        .containsEntry("access-control-allow-credentials", "true")
        .containsEntry("access-control-max-age", "3600");
    assertThat(preflight(readme(), "http://a.example.com", "GET", null).localReply().status()).isEqualTo(200);
    assertThat(preflight(readme(), "http://a.example.com:1234", "GET", null).localReply().status()).isEqualTo(200);
    assertThat(preflight(readme(), "http://httpbin.example.net", "GET", null).localReply().status()).isEqualTo(200);
  }

  @Test
  void forbiddenOriginMethodOrHeaderIs403() throws Exception {
    for (PluginTestHost.Exchange ex : List.of(
        preflight(readme(), "http://httpbin2.example.org", "GET", null), // no port: only 9090 and 8080 allowed
        preflight(readme(), "http://httpbin2.example.org:9090", "DELETE", null),
        preflight(readme(), "http://httpbin2.example.org:9090", "GET", "TokenView"),
        preflight(readme(), "https://a.example.com", "GET", null),
        preflight(readme(), "http://example.com.evil.net", "GET", null),
        preflight(readme(), "http://a.example.com\r\nx: y", "GET", null))) {
      assertThat(ex.localReply().status()).isEqualTo(403);
      assertThat(ex.localReply().text()).isEqualTo("Invalid CORS request");
    }
    PluginTestHost.Exchange simple = PluginTestHost.of(factory, readme()).exchange("GET", "/", "httpbin.example.com");
    simple.header("Origin", "http://evil.net");
    simple.requestHeaders();
    assertThat(simple.localReply().status()).isEqualTo(403);
  }

  @Test
  void defaultsAllowAnyOriginAndNoOriginPassesUntouched() throws Exception {
    PluginTestHost.Exchange ex = preflight(Map.of(), "http://anything.io", "PUT", "authorization");
    assertThat(ex.localReply().headers()).containsEntry("access-control-allow-origin", "*")
        .containsEntry("access-control-max-age", "86400")
        .containsEntry("access-control-allow-methods", "GET,PUT,POST,DELETE,PATCH,OPTIONS");
    assertThat(ex.localReply().headers()).doesNotContainKey("access-control-allow-credentials");
    PluginTestHost.Exchange star = preflight(Map.of("allow_methods", List.of("*"), "allow_headers", List.of("*")),
        "http://x.io", "PURGE", "X-A, X-B");
    assertThat(star.localReply().headers()).containsEntry("access-control-allow-methods", "PURGE")
        .containsEntry("access-control-allow-headers", "X-A,X-B");
    PluginTestHost.Exchange none = PluginTestHost.of(factory, readme()).exchange("OPTIONS", "/", "a.com");
    none.requestHeaders();
    assertThat(none.localReply()).isNull();
    none.responseHeaders(204, Map.of(), true);
    assertThat(none.response().get("access-control-allow-origin")).isNull();
    PluginTestHost.Exchange same = PluginTestHost.of(factory, readme()).exchange("GET", "/", "a.com:8080");
    same.header("Origin", "http://a.com:8080");
    same.requestHeaders();
    assertThat(same.localReply()).isNull();
  }

  @Test
  void badConfigurationsNameTheField() {
    assertThatThrownBy(() -> factory.parseConfig(Map.of("allow_origin_patterns", List.of("http://*.example.com:[80"))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("allow_origin_patterns[0]: ");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("allow_origin_patterns", List.of("ok", "http://a.com:[x]"))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("allow_origin_patterns[0]: ");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("allow_methods", List.of("GET", "PO ST"))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("allow_methods[1]: ");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("expose_headers", List.of("a\r\nb"))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("expose_headers[0]: ");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("max_age", -1)))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("max_age: ");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("allow_credentials", "maybe")))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("allow_credentials: ");
  }
}
