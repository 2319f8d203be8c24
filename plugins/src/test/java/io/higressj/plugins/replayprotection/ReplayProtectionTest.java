package io.higressj.plugins.replayprotection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.higressj.api.Action;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginPhase;
import io.higressj.testing.plugin.PluginTestHost;
import io.higressj.testing.redis.RedisServer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ReplayProtectionTest {
  private final ReplayProtectionFactory factory = new ReplayProtectionFactory();
  static RedisServer redis;

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServer.start("pw");
  }

  @AfterAll
  static void stop() {
    if (redis != null) redis.close();
  }

  private static Map<String, Object> config(Object... kv) {
    Map<String, Object> m = new HashMap<>();
    m.put("redis", Map.of("service_name", "redis.ns.svc.cluster.local", "password", "pw", "database", 2));
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
    return m;
  }

  private PluginTestHost host(Map<String, Object> config) throws PluginConfigException {
    return PluginTestHost.of(factory, config).redis(redis.host(), redis.port());
  }

  private static PluginTestHost.Exchange send(PluginTestHost host, String nonce) {
    PluginTestHost.Exchange ex = host.exchange("GET", "/", "foo.com");
    if (nonce != null) ex.header("X-Higress-Nonce", nonce);
    return ex;
  }

  @Test
  void nameAndPlacementAreHigressOwn() {
    assertThat(factory.name()).isEqualTo("replay-protection");
    assertThat(factory.defaultPhase()).isEqualTo(PluginPhase.AUTHN);
    assertThat(factory.defaultPriority()).isEqualTo(800);
  }

  @Test
  void aNonceIsAcceptedOnceThenRefused() throws Exception {
    PluginTestHost host = host(config("nonce_ttl", 60, "validate_base64", true));
    String nonce = "c2VjcmV0LW5vbmNlLTEyMzQ1Ng==";
    PluginTestHost.Exchange first = send(host, nonce);
    assertThat(first.requestHeaders()).isEqualTo(Action.PAUSE);
    assertThat(first.runRedis()).isEqualTo(1);
    assertThat(first.resumes()).isEqualTo(1);
    assertThat(first.localReply()).isNull();
    assertThat(first.redisCalls().get(0).args())
        .containsExactly("SET", "replay-protection:" + nonce, "1", "NX", "EX", "60");
    assertThat(first.redisCalls().get(0).target().cluster()).isEqualTo("outbound|6379||redis.ns.svc.cluster.local");

    PluginTestHost.Exchange again = send(host, nonce);
    assertThat(again.requestHeaders()).isEqualTo(Action.PAUSE);
    again.runRedis();
    assertThat(again.resumes()).isZero();
    assertThat(again.localReply().status()).isEqualTo(429);
    assertThat(again.localReply().text()).isEqualTo("Replay Attack Detected");

    // stored in database 2 (SELECT on connect), not in database 0 where call() looks
    assertThat(redis.call("EXISTS", "replay-protection:" + nonce)).isEqualTo(0L);
  }

  @Test
  void missingAndMalformedNonces() throws Exception {
    PluginTestHost host = host(config("validate_base64", true, "reject_code", 409, "reject_msg", "again"));
    PluginTestHost.Exchange none = send(host, null);
    assertThat(none.requestHeaders()).isEqualTo(Action.PAUSE);
    assertThat(none.localReply().status()).isEqualTo(400);
    assertThat(none.localReply().text()).isEqualTo("Missing Required Header");
    for (String bad : List.of("invalid nonce", "short", "QUJD", "a".repeat(129), "QUJDREVGR0g=x", "QUJD\u00e9EVG", "====AAAA")) {
      PluginTestHost.Exchange ex = send(host, bad);
      assertThat(ex.requestHeaders()).as(bad).isEqualTo(Action.PAUSE);
      assertThat(ex.localReply().status()).as(bad).isEqualTo(400);
      assertThat(ex.localReply().text()).isEqualTo("Invalid Nonce");
      assertThat(ex.redisCalls()).isEmpty();
    }
    String nonce = "QUJDREVGR0hJSktM";
    PluginTestHost.Exchange ok = send(host, nonce);
    ok.requestHeaders();
    ok.runRedis();
    assertThat(ok.resumes()).isEqualTo(1);
    PluginTestHost.Exchange replay = send(host, nonce);
    replay.requestHeaders();
    replay.runRedis();
    assertThat(replay.localReply().status()).isEqualTo(409);
    assertThat(replay.localReply().text()).isEqualTo("again");
  }

  @Test
  void optionalNonceAndNoBase64Check() throws Exception {
    PluginTestHost host = host(config("force_nonce", false, "nonce_header", "X-Nonce",
        "redis", Map.of("service_name", "redis.dns", "password", "pw", "key_prefix", "p")));
    PluginTestHost.Exchange none = host.exchange("GET", "/", "foo.com");
    assertThat(none.requestHeaders()).isEqualTo(Action.CONTINUE);
    PluginTestHost.Exchange plain = host.exchange("GET", "/", "foo.com").header("X-Nonce", "not base64 but long");
    assertThat(plain.requestHeaders()).isEqualTo(Action.PAUSE);
    plain.runRedis();
    assertThat(plain.resumes()).isEqualTo(1);
    assertThat(plain.redisCalls().get(0).args().get(1)).isEqualTo("p:not base64 but long");
  }

  @Test
  void redisDownAnswers500() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, config()).redis("127.0.0.1", 1);
    PluginTestHost.Exchange ex = send(host, "QUJDREVGR0hJSktM");
    assertThat(ex.requestHeaders()).isEqualTo(Action.PAUSE);
    ex.runRedis();
    assertThat(ex.resumes()).isZero();
    assertThat(ex.localReply().status()).isEqualTo(500);
  }

  @Test
  void badConfigurationsNameTheField() {
    assertThatThrownBy(() -> factory.parseConfig(Map.of())).isInstanceOf(PluginConfigException.class).hasMessageStartingWith("redis:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("redis", Map.of("service_port", 6379))))
        .hasMessageStartingWith("redis.service_name:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("redis", Map.of("service_name", "r.dns", "service_port", 70000))))
        .hasMessageStartingWith("redis.service_port:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("redis", Map.of("service_name", "r.dns", "timeout", "fast"))))
        .hasMessageStartingWith("redis.timeout:");
    assertThatThrownBy(() -> factory.parseConfig(config("nonce_ttl", 0))).hasMessageStartingWith("nonce_ttl:");
    assertThatThrownBy(() -> factory.parseConfig(config("nonce_min_length", 10, "nonce_max_length", 5)))
        .hasMessageStartingWith("nonce_max_length:");
    assertThatThrownBy(() -> factory.parseConfig(config("reject_code", 99))).hasMessageStartingWith("reject_code:");
    assertThatThrownBy(() -> factory.parseConfig(config("nonce_header", "bad header"))).hasMessageStartingWith("nonce_header:");
    assertThatThrownBy(() -> factory.parseConfig(config("force_nonce", "yes"))).hasMessageStartingWith("force_nonce:");
  }
}
