package io.higressj.plugins.customresponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.higressj.api.Action;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginPhase;
import io.higressj.testing.plugin.PluginTestHost;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CustomResponseTest {
  private final CustomResponseFactory factory = new CustomResponseFactory();

  @Test
  void placement() {
    assertThat(factory.name()).isEqualTo("custom-response");
    assertThat(factory.defaultPhase()).isEqualTo(PluginPhase.AUTHN);
    assertThat(factory.defaultPriority()).isEqualTo(910);
  }

  @Test
  void mockAnswersEveryRequest() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, Map.of("status_code", 200,
        "headers", List.of("Content-Type=application/json", "Hello=World", "X-Eq=a=b"), "body", "{\"hello\":\"world\"}"));
    PluginTestHost.Exchange ex = host.exchange("GET", "/", "a");
    assertThat(ex.requestHeaders()).isEqualTo(Action.PAUSE);
    assertThat(ex.localReply().status()).isEqualTo(200);
    assertThat(ex.localReply().headers()).containsEntry("content-type", "application/json").containsEntry("hello", "World")
        .containsEntry("x-eq", "a=b");
    assertThat(ex.localReply().text()).isEqualTo("{\"hello\":\"world\"}");
  }

  @Test
  void defaultsAndContentTypeGuess() throws Exception {
    PluginTestHost.Exchange empty = PluginTestHost.of(factory, Map.of()).exchange("GET", "/", "a");
    empty.requestHeaders();
    assertThat(empty.localReply().status()).isEqualTo(200);
    assertThat(empty.localReply().text()).isEmpty();
    assertThat(empty.localReply().headers()).isEmpty();
    PluginTestHost.Exchange json = PluginTestHost.of(factory, Map.of("body", " [1] ")).exchange("GET", "/", "a");
    json.requestHeaders();
    assertThat(json.localReply().headers()).containsEntry("content-type", "application/json; charset=utf-8");
    PluginTestHost.Exchange text = PluginTestHost.of(factory, Map.of("body", "hi")).exchange("GET", "/", "a");
    text.requestHeaders();
    assertThat(text.localReply().headers()).containsEntry("content-type", "text/plain; charset=utf-8");
  }

  @Test
  void enableOnStatusReplacesMatchingResponsesInPlace() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, Map.of("enable_on_status", List.of(429, "401"), "status_code", 302,
        "headers", List.of("Location=https://example.com"), "body", "moved"));
    PluginTestHost.Exchange ok = host.exchange("GET", "/", "a");
    assertThat(ok.requestHeaders()).isEqualTo(Action.CONTINUE);
    assertThat(ok.responseHeaders(200, Map.of("content-length", "2"), false)).isEqualTo(Action.CONTINUE);
    assertThat(ok.response().status()).isEqualTo(200);
    assertThat(ok.responseBufferLimit()).isEqualTo(-1);
    ok.responseBody("ok", true);
    assertThat(ok.responseBody()).isEqualTo("ok");

    PluginTestHost.Exchange limited = host.exchange("GET", "/", "a");
    limited.requestHeaders();
    limited.responseHeaders(429, Map.of("content-length", "17", "x-upstream", "1"), false);
    assertThat(limited.response().status()).isEqualTo(302);
    assertThat(limited.response().get("location")).isEqualTo("https://example.com");
    assertThat(limited.response().get("content-length")).isNull();
    assertThat(limited.response().get("content-type")).isEqualTo("text/plain; charset=utf-8");
    assertThat(limited.responseBufferLimit()).isEqualTo(CustomResponseFactory.MAX_REPLACED_BODY);
    limited.responseBody("too many requests", true);
    assertThat(limited.responseBody()).isEqualTo("moved");
    assertThat(limited.localReply()).isNull();

    PluginTestHost.Exchange headOnly = host.exchange("GET", "/", "a");
    headOnly.requestHeaders();
    headOnly.responseHeaders(401, Map.of(), true);
    assertThat(headOnly.localReply().status()).isEqualTo(302);
    assertThat(headOnly.localReply().text()).isEqualTo("moved");
  }

  @Test
  void badConfigurationsNameTheField() {
    assertThatThrownBy(() -> factory.parseConfig(Map.of("headers", List.of("ok=1", "no-equals"))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("headers[1]: ");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("headers", List.of("=value"))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("headers[0]: ");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("headers", List.of("bad name=1"))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("headers[0]: ");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("headers", List.of("x=a\r\nSet-Cookie: evil"))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("headers[0]: a line break");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("status_code", 99)))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("status_code: 99");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("enable_on_status", List.of(200, "4xx"))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("enable_on_status[1]: ");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("enable_on_status", 429)))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("enable_on_status: ");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("body", 42)))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("body: 42");
  }
}
