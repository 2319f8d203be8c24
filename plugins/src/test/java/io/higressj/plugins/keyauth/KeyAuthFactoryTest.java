package io.higressj.plugins.keyauth;

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

class KeyAuthFactoryTest {
  final KeyAuthFactory factory = new KeyAuthFactory();

  static Map<String, Object> global(Object globalAuth) {
    Map<String, Object> c = new HashMap<>();
    c.put("consumers", List.of(Map.of("name", "consumer1", "credential", "token1"),
        Map.of("name", "consumer2", "credential", "token2")));
    c.put("keys", List.of("x-api-key", "apikey"));
    if (globalAuth != null) c.put("global_auth", globalAuth);
    return c;
  }

  @Test
  void nameAndPlace() {
    assertThat(factory.name()).isEqualTo("key-auth");
    assertThat(factory.defaultPhase()).isEqualTo(PluginPhase.AUTHN);
    assertThat(factory.defaultPriority()).isEqualTo(310);
  }

  @Test
  void ruleAllowsConsumer1Only() throws Exception {
    PluginTestHost host = PluginTestHost.ofRule(factory, global(false), Map.of("allow", List.of("consumer1")));

    var ok = host.exchange("GET", "/foo", "foo.com").header("x-api-key", "token1");
    assertThat(ok.requestHeaders()).isEqualTo(Action.CONTINUE);
    assertThat(ok.headers().get("x-mse-consumer")).isEqualTo("consumer1");
    assertThat(ok.localReply()).isNull();
    ok.done();

    var none = host.exchange("GET", "/foo", "foo.com");
    none.requestHeaders();
    assertThat(none.localReply().status()).isEqualTo(401);
    assertThat(none.localReply().headers()).containsEntry("www-authenticate", "Key realm=MSE Gateway");
    assertThat(none.localReply().text()).contains("No API key found");

    var unknown = host.exchange("GET", "/foo", "foo.com").header("x-api-key", "nope");
    unknown.requestHeaders();
    assertThat(unknown.localReply().status()).isEqualTo(403);

    var notAllowed = host.exchange("GET", "/foo", "foo.com").header("x-api-key", "token2");
    notAllowed.requestHeaders();
    assertThat(notAllowed.localReply().status()).isEqualTo(403);
    assertThat(notAllowed.localReply().text()).contains("Unauthorized consumer");
    assertThat(notAllowed.headers().get("x-mse-consumer")).isNull();

    var two = host.exchange("GET", "/foo", "foo.com").header("x-api-key", "token1").header("apikey", "token1");
    two.requestHeaders();
    assertThat(two.localReply().status()).isEqualTo(401);
    assertThat(two.localReply().text()).contains("Multiple API keys");
  }

  @Test
  void queryKeysAreDecoded() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, global(true));
    var ok = host.exchange("GET", "/foo?a=1&apikey=tok%65n2", "foo.com");
    assertThat(ok.requestHeaders()).isEqualTo(Action.CONTINUE);
    assertThat(ok.headers().get("x-mse-consumer")).isEqualTo("consumer2");

    var both = host.exchange("GET", "/foo?apikey=token2", "foo.com").header("x-api-key", "token2");
    both.requestHeaders();
    assertThat(both.localReply().status()).isEqualTo(401);
  }

  @Test
  void globalAuthUnknownKeyIs401() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, global(null));
    var bad = host.exchange("GET", "/", "a").header("x-api-key", "token1x");
    bad.requestHeaders();
    assertThat(bad.localReply().status()).isEqualTo(401);
    assertThat(bad.localReply().text()).contains("Invalid API key").doesNotContain("token1x");
  }

  @Test
  void globalAuthFalseLetsEverythingThrough() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, global(false));
    var ex = host.exchange("GET", "/", "a");
    assertThat(ex.requestHeaders()).isEqualTo(Action.CONTINUE);
    assertThat(ex.localReply()).isNull();
  }

  @Test
  void inHeaderFalseIgnoresHeaders() throws Exception {
    Map<String, Object> c = global(true);
    c.put("in_header", false);
    PluginTestHost host = PluginTestHost.of(factory, c);
    var ex = host.exchange("GET", "/", "a").header("x-api-key", "token1");
    ex.requestHeaders();
    assertThat(ex.localReply().status()).isEqualTo(401);
  }

  @Test
  void hostileInput() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, global(true));
    for (String path : List.of("/?apikey=%", "/?apikey=%zz&&&=", "/?=&apikey", "/?apikey=" + "a".repeat(100_000))) {
      var ex = host.exchange("GET", path, "a");
      ex.requestHeaders();
      assertThat(ex.localReply().status()).as(path.substring(0, Math.min(20, path.length()))).isEqualTo(401);
    }
    var empty = host.exchange("GET", "/", "a").header("x-api-key", "");
    empty.requestHeaders();
    assertThat(empty.localReply().status()).isEqualTo(401);
    // a client-sent consumer name is not trusted: only a key names the consumer
    var spoof = host.exchange("GET", "/", "a").header("x-mse-consumer", "consumer1");
    spoof.requestHeaders();
    assertThat(spoof.localReply().status()).isEqualTo(401);
  }

  @Test
  void badConfigurationsNameTheField() {
    assertField(Map.of("keys", List.of("k")), "consumers");
    assertField(Map.of("consumers", List.of(Map.of("name", "a")), "keys", List.of("k")), "consumers[0].credential");
    assertField(Map.of("consumers", List.of(Map.of("name", 5, "credential", "x")), "keys", List.of("k")), "consumers[0].name");
    assertField(Map.of("consumers", List.of(Map.of("name", "a", "credential", "x"), Map.of("name", "b", "credential", "x")),
        "keys", List.of("k")), "consumers[1].credential");
    assertField(Map.of("consumers", List.of(), "keys", List.of()), "keys");
    assertField(Map.of("consumers", List.of(), "keys", List.of("k"), "in_header", false, "in_query", false), "in_query");
    assertField(Map.of("consumers", List.of(), "keys", List.of("k"), "global_auth", "yes"), "global_auth");
    assertField(Map.of("consumers", "x", "keys", List.of("k")), "consumers");
    assertThatThrownBy(() -> factory.parseRuleConfig(Map.of("allow", List.of("a")), null))
        .isInstanceOfSatisfying(PluginConfigException.class, e -> assertThat(e.field()).isEqualTo("allow"));
    assertThatThrownBy(() -> factory.parseRuleConfig(Map.of("allow", "a"), factory.parseConfig(global(true))))
        .isInstanceOfSatisfying(PluginConfigException.class, e -> assertThat(e.field()).isEqualTo("allow"));
  }

  @Test
  void configNeverShowsCredentials() throws Exception {
    assertThat(factory.parseConfig(global(true)).toString()).doesNotContain("token1").contains("consumer1");
  }

  private void assertField(Map<String, Object> config, String field) {
    assertThatThrownBy(() -> factory.parseConfig(config))
        .isInstanceOfSatisfying(PluginConfigException.class, e -> assertThat(e.field()).isEqualTo(field));
  }
}
