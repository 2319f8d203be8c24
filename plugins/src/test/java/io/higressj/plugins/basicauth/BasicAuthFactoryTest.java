package io.higressj.plugins.basicauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.higressj.api.Action;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginPhase;
import io.higressj.testing.plugin.PluginTestHost;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BasicAuthFactoryTest {
  final BasicAuthFactory factory = new BasicAuthFactory();

  static Map<String, Object> global(Object globalAuth) {
    Map<String, Object> c = new HashMap<>();
    c.put("consumers", List.of(Map.of("name", "consumer1", "credential", "admin:123456"),
        Map.of("name", "consumer2", "credential", "guest:a:b")));
    if (globalAuth != null) c.put("global_auth", globalAuth);
    return c;
  }

  static String basic(String userPass) {
    return "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void nameAndPlace() {
    assertThat(factory.name()).isEqualTo("basic-auth");
    assertThat(factory.defaultPhase()).isEqualTo(PluginPhase.AUTHN);
    assertThat(factory.defaultPriority()).isEqualTo(320);
  }

  @Test
  void ruleAllowsConsumer1Only() throws Exception {
    PluginTestHost host = PluginTestHost.ofRule(factory, global(false), Map.of("allow", List.of("consumer1")));

    var ok = host.exchange("GET", "/foo", "foo.com").header("authorization", basic("admin:123456"));
    assertThat(ok.requestHeaders()).isEqualTo(Action.CONTINUE);
    assertThat(ok.headers().get("x-mse-consumer")).isEqualTo("consumer1");

    var none = host.exchange("GET", "/foo", "foo.com");
    none.requestHeaders();
    assertThat(none.localReply().status()).isEqualTo(401);
    assertThat(none.localReply().headers()).containsEntry("www-authenticate", "Basic realm=MSE Gateway");

    var wrong = host.exchange("GET", "/foo", "foo.com").header("authorization", basic("admin:qwer"));
    wrong.requestHeaders();
    assertThat(wrong.localReply().status()).isEqualTo(401);
    assertThat(wrong.localReply().text()).contains("Invalid username and/or password");

    var notAllowed = host.exchange("GET", "/foo", "foo.com").header("authorization", basic("guest:a:b"));
    notAllowed.requestHeaders();
    assertThat(notAllowed.localReply().status()).isEqualTo(403);
  }

  @Test
  void passwordsMayHoldColonsAndSchemeIsCaseInsensitive() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, global(true));
    var ex = host.exchange("GET", "/", "a").header("authorization", "bAsIc " + basic("guest:a:b").substring(6));
    assertThat(ex.requestHeaders()).isEqualTo(Action.CONTINUE);
    assertThat(ex.headers().get("x-mse-consumer")).isEqualTo("consumer2");
  }

  @Test
  void hostileInput() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, global(true));
    for (String v : List.of("Basic", "Basic ", "Basic !!!!", "Basic " + "A".repeat(20_000), "Bearer x", basic("admin"),
        basic(":123456"), basic("admin:123456\u0000"), "Basic YWRtaW46MTIzNDU2=")) {
      var ex = host.exchange("GET", "/", "a").header("authorization", v);
      ex.requestHeaders();
      assertThat(ex.localReply().status()).as(v.substring(0, Math.min(v.length(), 30))).isEqualTo(401);
      assertThat(ex.headers().get("x-mse-consumer")).isNull();
    }
    var two = host.exchange("GET", "/", "a").header("authorization", basic("admin:123456")).header("authorization", basic("admin:123456"));
    two.requestHeaders();
    assertThat(two.localReply().status()).isEqualTo(401);
  }

  @Test
  void badConfigurationsNameTheField() {
    assertField(Map.of(), "consumers");
    assertField(Map.of("consumers", List.of(Map.of("name", "a", "credential", "nocolon"))), "consumers[0].credential");
    assertField(Map.of("consumers", List.of(Map.of("name", "a", "credential", ":pw"))), "consumers[0].credential");
    assertField(Map.of("consumers", List.of(Map.of("credential", "a:b"))), "consumers[0].name");
    assertField(Map.of("consumers", List.of(Map.of("name", "a", "credential", "a:b"), Map.of("name", "a", "credential", "c:d"))),
        "consumers[1].name");
    assertField(Map.of("consumers", List.of(Map.of("name", "a", "credential", "a:b"), "x")), "consumers[1]");
    assertThatThrownBy(() -> factory.parseRuleConfig(Map.of("allow", List.of(1)), factory.parseConfig(global(false))))
        .isInstanceOfSatisfying(PluginConfigException.class, e -> assertThat(e.field()).isEqualTo("allow[0]"));
  }

  private void assertField(Map<String, Object> config, String field) {
    assertThatThrownBy(() -> factory.parseConfig(config))
        .isInstanceOfSatisfying(PluginConfigException.class, e -> assertThat(e.field()).isEqualTo(field));
  }
}
