package io.higressj.plugins.gwerrorformat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.higressj.api.PluginConfigException;
import io.higressj.testing.plugin.PluginTestHost;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GwErrorFormatTest {
  private final GwErrorFormatFactory factory = new GwErrorFormatFactory();

  static Map<String, Object> cfg() {
    return Map.of(
        "rules", List.of(
            Map.of("match", Map.of("statuscode", "403", "responsebody", "RBAC: access denied"),
                "replace", Map.of("statuscode", "200", "responsebody", "{\"code\":401,\"message\":\"User is not authenticated\"}")),
            Map.of("match", Map.of("statuscode", "503", "responsebody", "no healthy upstream"),
                "replace", Map.of("statuscode", 200, "responsebody", "{\"code\":404,\"message\":\"No Healthy Service\"}"))),
        "set_header", List.of(Map.of("Content-Type", "application/json;charset=UTF-8"), Map.of("Custom-Header", "HelloWorld")));
  }

  @Test
  void theGatewaysOwnErrorIsRewritten() throws Exception {
    PluginTestHost.Exchange ex = PluginTestHost.of(factory, cfg()).exchange("GET", "/", "a.com");
    ex.requestHeaders();
    ex.responseFromUpstream(false);
    ex.responseHeaders(503, Map.of("content-type", "text/plain"), false);
    ex.responseBody("no healthy upstream\n", true); // the gateway's line break does not matter
    assertThat(ex.response().status()).isEqualTo(200);
    assertThat(ex.response().get("content-type")).isEqualTo("application/json;charset=UTF-8");
    assertThat(ex.response().get("custom-header")).isEqualTo("HelloWorld");
    assertThat(ex.responseBody()).isEqualTo("{\"code\":404,\"message\":\"No Healthy Service\"}");
  }

  @Test
  void upstreamResponsesAndOtherStatusesAreLeftAlone() throws Exception {
    PluginTestHost.Exchange up = PluginTestHost.of(factory, cfg()).exchange("GET", "/", "a.com");
    up.requestHeaders();
    up.responseHeaders(503, Map.of(), false);
    up.responseBody("no healthy upstream", true);
    assertThat(up.response().status()).isEqualTo(503);
    assertThat(up.responseBody()).isEqualTo("no healthy upstream");
    assertThat(up.response().get("custom-header")).isNull();

    PluginTestHost.Exchange other = PluginTestHost.of(factory, cfg()).exchange("GET", "/", "a.com");
    other.requestHeaders();
    other.responseFromUpstream(false);
    other.responseHeaders(404, Map.of(), false);
    other.responseBody("route not found", true);
    assertThat(other.response().status()).isEqualTo(404);
    assertThat(other.responseBody()).isEqualTo("route not found");

    // the status matched, the body did not: status and headers replaced, body kept (as Higress does)
    PluginTestHost.Exchange body = PluginTestHost.of(factory, cfg()).exchange("GET", "/", "a.com");
    body.requestHeaders();
    body.responseFromUpstream(false);
    body.responseHeaders(403, Map.of(), false);
    body.responseBody("something else", true);
    assertThat(body.response().status()).isEqualTo(200);
    assertThat(body.responseBody()).isEqualTo("something else");
  }

  @Test
  void badConfigurationsNameTheField() {
    assertThatThrownBy(() -> factory.parseConfig(Map.of("rules", List.of(Map.of("replace", Map.of("statuscode", "200"))))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("rules[0].match.statuscode: missing");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("rules", List.of(Map.of("match", Map.of("statuscode", "403"),
        "replace", Map.of("statuscode", "abc"))))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("rules[0].replace.statuscode: \"abc\"");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("rules", List.of(), "set_header", List.of(Map.of("X-A", "a\r\nInjected: 1")))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("set_header[0].X-A: a line break");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("rules", List.of(), "set_header", List.of("X-A: 1"))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("set_header[0]: ");
  }
}
