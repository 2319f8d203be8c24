package io.higressj.plugins.extauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.higressj.api.Action;
import io.higressj.api.CalloutRequest;
import io.higressj.api.CalloutResponse;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginPhase;
import io.higressj.testing.plugin.PluginTestHost;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExtAuthTest {
  final ExtAuthFactory factory = new ExtAuthFactory();

  static Map<String, Object> envoy(Map<String, Object> extra) {
    Map<String, Object> endpoint = new HashMap<>(Map.of("service_name", "ext-auth.backend.svc.cluster.local", "service_port", 8090, "path_prefix", "/auth"));
    Map<String, Object> http = new HashMap<>(Map.of("endpoint_mode", "envoy", "endpoint", endpoint, "timeout", 500));
    Map<String, Object> c = new HashMap<>(Map.of("http_service", http));
    c.putAll(extra);
    return c;
  }

  static Map<String, Object> forwardAuth() {
    Map<String, Object> endpoint = new HashMap<>(Map.of("service_name", "ext-auth.backend.svc.cluster.local", "service_port", 8090,
        "path", "/verify", "request_method", "post", "service_host", "auth.local"));
    return new HashMap<>(Map.of("http_service", new HashMap<>(Map.of("endpoint_mode", "forward_auth", "endpoint", endpoint))));
  }

  static CalloutResponse answer(int status, String body, String... headers) {
    List<Map.Entry<String, String>> h = new java.util.ArrayList<>();
    for (int i = 0; i < headers.length; i += 2) h.add(Map.entry(headers[i], headers[i + 1]));
    return new CalloutResponse(status, h, body.getBytes(StandardCharsets.UTF_8), null);
  }

  @Test
  void nameAndPlace() {
    assertThat(factory.name()).isEqualTo("ext-auth");
    assertThat(factory.defaultPhase()).isEqualTo(PluginPhase.AUTHN);
    assertThat(factory.defaultPriority()).isEqualTo(360);
  }

  @Test
  void envoyModeSendsMethodPrefixedPathAndAuthorization() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, envoy(Map.of()));
    var ex = host.exchange("POST", "/users/./a//b?apikey=9a34&next=/x/../y", "foo.com").header("authorization", "Bearer t").header("foo", "bar");
    assertThat(ex.requestHeaders()).isEqualTo(Action.PAUSE);
    CalloutRequest r = ex.callouts().get(0).request();
    assertThat(r.target()).isEqualTo("outbound|8090||ext-auth.backend.svc.cluster.local");
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/auth/users/a/b?apikey=9a34&next=/x/../y");
    assertThat(r.headers()).containsExactly(Map.entry("authorization", "Bearer t"), Map.entry("host", "ext-auth.backend.svc.cluster.local"));
    assertThat(ex.callouts().get(0).timeout()).isEqualTo(Duration.ofMillis(500));
    ex.callouts().get(0).answer(answer(200, "", "x-user-id", "u1"));
    assertThat(ex.resumes()).isEqualTo(1);
    assertThat(ex.headers().get("x-user-id")).as("not in allowed_upstream_headers").isNull();
  }

  @Test
  void allowedHeadersHeadersToAddAndUpstreamHeaders() throws Exception {
    Map<String, Object> c = envoy(Map.of());
    @SuppressWarnings("unchecked")
    Map<String, Object> http = (Map<String, Object>) c.get("http_service");
    http.put("authorization_request", Map.of("allowed_headers", List.of(Map.of("exact", "X-Auth-Version"), Map.of("prefix", "x-b3-")),
        "headers_to_add", Map.of("x-envoy-header", true)));
    http.put("authorization_response", Map.of("allowed_upstream_headers", List.of(Map.of("exact", "x-user-id"), Map.of("regex", "^x-auth-"))));
    PluginTestHost host = PluginTestHost.of(factory, c);
    var ex = host.exchange("GET", "/", "foo.com").header("x-auth-version", "1.0").header("x-b3-traceid", "abc").header("x-other", "no")
        .header("x-user-id", "forged");
    ex.requestHeaders();
    assertThat(ex.callouts().get(0).request().headers()).contains(Map.entry("x-auth-version", "1.0"), Map.entry("x-b3-traceid", "abc"),
        Map.entry("x-envoy-header", "true")).extracting(Map.Entry::getKey).doesNotContain("x-other");
    ex.callouts().get(0).answer(answer(200, "", "X-User-Id", "u1", "x-auth-level", "2", "x-secret", "s"));
    assertThat(ex.headers().get("x-user-id")).as("replaces what the client sent").isEqualTo("u1");
    assertThat(ex.headers().getAll("x-user-id")).hasSize(1);
    assertThat(ex.headers().get("x-auth-level")).isEqualTo("2");
    assertThat(ex.headers().get("x-secret")).isNull();
  }

  @Test
  void forwardAuthModeSendsForwardedHeaders() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, forwardAuth());
    var ex = host.exchange("DELETE", "/users?id=1", "foo.bar.com");
    ex.requestHeaders();
    CalloutRequest r = ex.callouts().get(0).request();
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/verify");
    assertThat(r.headers()).contains(Map.entry("x-forwarded-method", "DELETE"), Map.entry("x-forwarded-uri", "/users?id=1"),
        Map.entry("x-forwarded-host", "foo.bar.com"), Map.entry("x-forwarded-proto", "http"), Map.entry("x-original-method", "DELETE"),
        Map.entry("x-original-uri", "/users?id=1"), Map.entry("host", "auth.local"));
    assertThat(ex.callouts().get(0).timeout()).isEqualTo(Duration.ofMillis(1000));
  }

  @Test
  void rejectionsCarryTheAuthorizationAnswer() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, envoy(Map.of()));
    var ex = host.exchange("GET", "/", "foo.com");
    ex.requestHeaders();
    ex.callouts().get(0).answer(answer(401, "who are you", "www-authenticate", "Bearer", "content-length", "11", "x-auth-failed", "true"));
    assertThat(ex.localReply().status()).isEqualTo(401);
    assertThat(ex.localReply().text()).isEqualTo("who are you");
    assertThat(ex.localReply().headers()).containsEntry("www-authenticate", "Bearer").containsEntry("x-auth-failed", "true")
        .doesNotContainKey("content-length");
    assertThat(ex.resumes()).isZero();

    var err = host.exchange("GET", "/", "foo.com");
    err.requestHeaders();
    err.callouts().get(0).answer(answer(503, "down", "x-auth-version", "1.0"));
    assertThat(err.localReply().status()).as("status_on_error").isEqualTo(403);
    assertThat(err.localReply().headers()).containsEntry("x-auth-version", "1.0");

    var down = host.exchange("GET", "/", "foo.com");
    down.requestHeaders();
    down.callouts().get(0).fail("timeout");
    assertThat(down.localReply().status()).isEqualTo(403);
    assertThat(down.resumes()).isZero();

    var redirect = host.exchange("GET", "/", "foo.com");
    redirect.requestHeaders();
    redirect.callouts().get(0).answer(answer(302, "", "location", "https://login/"));
    assertThat(redirect.localReply().status()).isEqualTo(302);
    assertThat(redirect.localReply().headers()).containsEntry("location", "https://login/");
  }

  @Test
  void allowedClientHeadersFilterTheRejection() throws Exception {
    Map<String, Object> c = envoy(Map.of("status_on_error", 502));
    @SuppressWarnings("unchecked")
    Map<String, Object> http = (Map<String, Object>) c.get("http_service");
    http.put("authorization_response", Map.of("allowed_client_headers", List.of(Map.of("exact", "www-authenticate"))));
    PluginTestHost host = PluginTestHost.of(factory, c);
    var ex = host.exchange("GET", "/", "foo.com");
    ex.requestHeaders();
    ex.callouts().get(0).answer(answer(401, "", "WWW-Authenticate", "Basic", "x-internal", "secret"));
    assertThat(ex.localReply().headers()).containsEntry("www-authenticate", "Basic").doesNotContainKey("x-internal");
    var err = host.exchange("GET", "/", "foo.com");
    err.requestHeaders();
    err.callouts().get(0).fail("refused");
    assertThat(err.localReply().status()).isEqualTo(502);
  }

  @Test
  void failureModeAllow() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, envoy(Map.of("failure_mode_allow", true, "failure_mode_allow_header_add", true)));
    var ex = host.exchange("GET", "/", "foo.com");
    ex.requestHeaders();
    ex.callouts().get(0).fail("refused");
    assertThat(ex.resumes()).isEqualTo(1);
    assertThat(ex.headers().get("x-envoy-auth-failure-mode-allowed")).isEqualTo("true");
    var five = host.exchange("GET", "/", "foo.com");
    five.requestHeaders();
    five.callouts().get(0).answer(answer(500, ""));
    assertThat(five.resumes()).isEqualTo(1);
    // a 4xx is a decision, not a failure
    var denied = host.exchange("GET", "/", "foo.com");
    denied.requestHeaders();
    denied.callouts().get(0).answer(answer(403, "no"));
    assertThat(denied.localReply().status()).isEqualTo(403);
  }

  @Test
  void withRequestBody() throws Exception {
    Map<String, Object> c = envoy(Map.of());
    @SuppressWarnings("unchecked")
    Map<String, Object> http = (Map<String, Object>) c.get("http_service");
    http.put("authorization_request", Map.of("with_request_body", true, "max_request_body_bytes", 1024));
    PluginTestHost host = PluginTestHost.of(factory, c);
    var ex = host.exchange("POST", "/p", "foo.com");
    assertThat(ex.requestHeaders(false)).isEqualTo(Action.CONTINUE);
    assertThat(ex.requestBufferLimit()).isEqualTo(1024);
    assertThat(ex.callouts()).isEmpty();
    assertThat(ex.requestBody("{\"a\":1}", true)).isEqualTo(Action.PAUSE);
    assertThat(new String(ex.callouts().get(0).request().body(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
    ex.callouts().get(0).answer(answer(200, ""));
    assertThat(ex.resumes()).isEqualTo(1);
    var noBody = host.exchange("GET", "/p", "foo.com");
    assertThat(noBody.requestHeaders(true)).isEqualTo(Action.PAUSE);
    assertThat(noBody.callouts().get(0).request().body()).isEmpty();
  }

  @Test
  void whitelistAndBlacklist() throws Exception {
    Map<String, Object> white = envoy(Map.of("match_type", "whitelist", "match_list", List.of(
        Map.of("match_rule_domain", "api.example.com", "match_rule_path", "/public", "match_rule_type", "prefix"),
        Map.of("match_rule_domain", "*.images.com", "match_rule_method", List.of("GET")),
        Map.of("match_rule_method", List.of("HEAD"), "match_rule_path", "/health-check", "match_rule_type", "exact"))));
    PluginTestHost host = PluginTestHost.of(factory, white);
    assertThat(host.exchange("GET", "/public/a?x=1", "api.example.com").requestHeaders()).isEqualTo(Action.CONTINUE);
    assertThat(host.exchange("GET", "/private", "api.example.com").requestHeaders()).isEqualTo(Action.PAUSE);
    assertThat(host.exchange("GET", "/public", "evil.com").requestHeaders()).isEqualTo(Action.PAUSE);
    assertThat(host.exchange("GET", "/any", "cdn.images.com").requestHeaders()).isEqualTo(Action.CONTINUE);
    assertThat(host.exchange("POST", "/any", "cdn.images.com").requestHeaders()).isEqualTo(Action.PAUSE);
    assertThat(host.exchange("GET", "/any", "images.com.evil.org").requestHeaders()).isEqualTo(Action.PAUSE);
    assertThat(host.exchange("HEAD", "/health-check", "x.com").requestHeaders()).isEqualTo(Action.CONTINUE);
    assertThat(host.exchange("HEAD", "/health-check/x", "x.com").requestHeaders()).isEqualTo(Action.PAUSE);

    Map<String, Object> black = envoy(Map.of("match_type", "blacklist", "match_list", List.of(
        Map.of("match_rule_path", "^/admin/", "match_rule_type", "regex"))));
    PluginTestHost b = PluginTestHost.of(factory, black);
    assertThat(b.exchange("GET", "/admin/x", "a.com").requestHeaders()).isEqualTo(Action.PAUSE);
    assertThat(b.exchange("GET", "/user/x", "a.com").requestHeaders()).isEqualTo(Action.CONTINUE);
  }

  @Test
  void badConfigurationsNameTheField() {
    Object[][] bad = {
        {Map.of(), "http_service"},
        {Map.of("http_service", Map.of("endpoint_mode", "grpc", "endpoint", Map.of())), "http_service.endpoint_mode"},
        {Map.of("http_service", Map.of("endpoint_mode", "envoy")), "http_service.endpoint"},
        {Map.of("http_service", Map.of("endpoint", Map.of("path_prefix", "/a"))), "http_service.endpoint.service_name"},
        {Map.of("http_service", Map.of("endpoint", Map.of("service_name", "a.dns"))), "http_service.endpoint.path_prefix"},
        {Map.of("http_service", Map.of("endpoint_mode", "forward_auth", "endpoint", Map.of("service_name", "a.dns"))), "http_service.endpoint.path"},
        {Map.of("http_service", Map.of("endpoint", Map.of("service_name", "a.dns", "path_prefix", "/", "service_port", 70000))), "http_service.endpoint.service_port"},
        {Map.of("http_service", Map.of("endpoint", Map.of("service_name", "a/b", "path_prefix", "/"))), "http_service.endpoint.service_name"},
        {Map.of("http_service", Map.of("endpoint_mode", "forward_auth", "endpoint", Map.of("service_name", "a.dns", "path", "/v"),
            "authorization_request", Map.of("with_request_body", true))), "http_service.authorization_request.with_request_body"},
        {Map.of("http_service", Map.of("endpoint", Map.of("service_name", "a.dns", "path_prefix", "/"),
            "authorization_request", Map.of("allowed_headers", List.of(Map.of("glob", "x"))))), "http_service.authorization_request.allowed_headers[0]"},
        {Map.of("http_service", Map.of("endpoint", Map.of("service_name", "a.dns", "path_prefix", "/"),
            "authorization_response", Map.of("allowed_upstream_headers", List.of(Map.of("regex", "("))))),
            "http_service.authorization_response.allowed_upstream_headers[0].regex"},
        {Map.of("http_service", Map.of("endpoint", Map.of("service_name", "a.dns", "path_prefix", "/"),
            "authorization_request", Map.of("headers_to_add", Map.of("x-a", "1\r\nx-b: 2")))), "http_service.authorization_request.headers_to_add.x-a"},
    };
    for (Object[] b : bad) {
      @SuppressWarnings("unchecked")
      Map<String, Object> c = (Map<String, Object>) b[0];
      assertThatThrownBy(() -> factory.parseConfig(c)).as(String.valueOf(b[1])).isInstanceOf(PluginConfigException.class)
          .hasMessageContaining((String) b[1]);
    }
    assertThatThrownBy(() -> factory.parseConfig(envoy(Map.of("match_list", List.of())))).hasMessageContaining("match_type");
    assertThatThrownBy(() -> factory.parseConfig(envoy(Map.of("match_type", "greylist", "match_list", List.of())))).hasMessageContaining("match_type");
    assertThatThrownBy(() -> factory.parseConfig(envoy(Map.of("match_type", "whitelist", "match_list",
        List.of(Map.of("match_rule_path", "/a", "match_rule_type", "glob")))))).hasMessageContaining("match_list[0].match_rule_type");
    assertThatThrownBy(() -> factory.parseConfig(envoy(Map.of("status_on_error", 42)))).hasMessageContaining("status_on_error");
  }
}
