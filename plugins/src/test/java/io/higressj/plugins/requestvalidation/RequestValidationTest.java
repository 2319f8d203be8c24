package io.higressj.plugins.requestvalidation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.higressj.api.Action;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginPhase;
import io.higressj.testing.plugin.PluginTestHost;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestValidationTest {
  private final RequestValidationFactory factory = new RequestValidationFactory();

  /** the corpus's configuration */
  static Map<String, Object> corpus() {
    return Map.of(
        "header_schema", Map.of("type", "object", "required", List.of("enum_payload"),
            "properties", Map.of("enum_payload", Map.of("type", "string", "enum", List.of("enum_string_1", "enum_string_2")))),
        "body_schema", Map.of("type", "object",
            "required", List.of("enum_payload", "bool_payload", "integer_payload", "string_payload", "regex_payload", "array_payload"),
            "properties", Map.of(
                "enum_payload", Map.of("type", "string", "enum", List.of("enum_string_1", "enum_string_2")),
                "bool_payload", Map.of("type", "boolean", "default", true),
                "integer_payload", Map.of("type", "integer", "minimum", 1, "maximum", 65535),
                "string_payload", Map.of("type", "string", "minLength", 2, "maxLength", 32),
                "regex_payload", Map.of("type", "string", "minLength", 1, "maxLength", 32, "pattern", "^[a-zA-Z0-9]+$"),
                "array_payload", Map.of("type", "array", "minItems", 2, "uniqueItems", true,
                    "items", Map.of("type", "integer", "minimum", 200, "maximum", 599)))),
        "rejected_code", 403,
        "rejected_msg", "customize reject message",
        "enable_swagger", true,
        "enable_oas3", false);
  }

  static final String GOOD = """
      {"enum_payload": "enum_string_1", "bool_payload": true, "integer_payload": 100,
       "string_payload": "abc", "regex_payload": "abc123", "array_payload": [200, 302]}""";

  PluginTestHost.Exchange send(Map<String, Object> cfg, String header, String body) throws Exception {
    PluginTestHost.Exchange ex = PluginTestHost.of(factory, cfg).exchange("POST", "/foo", "foo.com");
    ex.header("content-type", "application/json");
    if (header != null) ex.header("enum_payload", header);
    Action a = ex.requestHeaders(body == null);
    if (a == Action.CONTINUE && body != null) ex.requestBody(body, true);
    return ex;
  }

  @Test
  void placement() {
    assertThat(factory.name()).isEqualTo("request-validation");
    assertThat(factory.defaultPhase()).isEqualTo(PluginPhase.AUTHN);
    assertThat(factory.defaultPriority()).isEqualTo(220);
  }

  @Test
  void aValidRequestGoesOnUntouched() throws Exception {
    PluginTestHost.Exchange ex = send(corpus(), "enum_string_1", GOOD);
    assertThat(ex.localReply()).isNull();
    assertThat(ex.requestBufferLimit()).isPositive();
    assertThat(ex.requestBody()).isEqualTo(GOOD);
  }

  @Test
  void eachViolationIsRejectedWithTheConfiguredAnswer() throws Exception {
    assertThat(send(corpus(), null, GOOD).localReply().status()).isEqualTo(403);
    assertThat(send(corpus(), "enum_string_3", GOOD).localReply().text()).isEqualTo("customize reject message");
    for (String bad : List.of(
        GOOD.replace("\"enum_payload\": \"enum_string_1\", ", ""),
        GOOD.replace("enum_string_1", "enum_string_3"),
        GOOD.replace("true", "\"string\""),
        GOOD.replace("100", "70000"),
        GOOD.replace("\"abc\"", "\"a\""),
        GOOD.replace("abc123", "abc-123"),
        GOOD.replace("[200, 302]", "[200]"),
        GOOD.replace("[200, 302]", "[200, 200]"),
        GOOD.replace("[200, 302]", "[200, 600]"),
        "not json", "", "[1,2]", "{\"a\":" + "[".repeat(5000))) {
      PluginTestHost.Exchange ex = send(corpus(), "enum_string_1", bad);
      assertThat(ex.localReply()).as(bad).isNotNull();
      assertThat(ex.localReply().status()).isEqualTo(403);
      assertThat(ex.localReply().text()).isEqualTo("customize reject message");
    }
  }

  @Test
  void headersOnlyAndDefaults() throws Exception {
    Map<String, Object> cfg = Map.of("header_schema", Map.of("type", "object", "required", List.of("x-token"),
        "properties", Map.of("x-token", Map.of("type", "string", "minLength", 3))));
    PluginTestHost.Exchange ok = PluginTestHost.of(factory, cfg).exchange("GET", "/", "a.com");
    ok.header("X-Token", "abcd");
    ok.requestHeaders();
    assertThat(ok.localReply()).isNull();
    PluginTestHost.Exchange bad = PluginTestHost.of(factory, cfg).exchange("GET", "/", "a.com");
    bad.header("X-Token", "ab");
    bad.requestHeaders(false);
    assertThat(bad.localReply().status()).isEqualTo(403);
    assertThat(bad.requestBufferLimit()).as("no body schema: no buffering").isEqualTo(-1);
  }

  @Test
  void badConfigurationsNameTheField() {
    assertThatThrownBy(() -> factory.parseConfig(Map.of()))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("header_schema: missing");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("body_schema", "object")))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("body_schema: ");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("body_schema", Map.of("type", "object", "minProperties", "two"))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("body_schema: ");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("body_schema", Map.of("type", "object"), "rejected_code", 99)))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("rejected_code: ");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("body_schema", Map.of("type", "object"),
        "enable_swagger", true, "enable_oas3", true)))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("enable_oas3: ");
  }
}
