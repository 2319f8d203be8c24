package io.higressj.plugins.clusterkeyratelimit;

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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClusterKeyRateLimitTest {
  private final ClusterKeyRateLimitFactory factory = new ClusterKeyRateLimitFactory();
  static RedisServer redis;

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stop() {
    if (redis != null) redis.close();
  }

  @BeforeEach
  void flush() throws Exception {
    redis.flush();
  }

  private static Map<String, Object> config(Object... kv) {
    Map<String, Object> m = new HashMap<>();
    m.put("rule_name", "r");
    m.put("redis", Map.of("service_name", "redis.static", "service_port", 80));
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
    return m;
  }

  private PluginTestHost host(Map<String, Object> config) throws PluginConfigException {
    return PluginTestHost.of(factory, config).redis(redis.host(), redis.port());
  }

  /** one request; true when it passed */
  private static PluginTestHost.Exchange send(PluginTestHost host, String path, String header, String value) {
    PluginTestHost.Exchange ex = host.exchange("GET", path, "foo.com");
    if (header != null) ex.header(header, value);
    assertThat(ex.requestHeaders()).isEqualTo(Action.PAUSE);
    ex.runRedis();
    return ex;
  }

  @Test
  void nameAndPlacementAreHigressOwn() {
    assertThat(factory.name()).isEqualTo("cluster-key-rate-limit");
    assertThat(factory.defaultPhase()).isEqualTo(PluginPhase.UNSPECIFIED_PHASE);
    assertThat(factory.defaultPriority()).isEqualTo(20);
  }

  @Test
  void globalThresholdCountsInRedisWithQuotaHeaders() throws Exception {
    PluginTestHost host = host(config("global_threshold", Map.of("query_per_minute", 3), "show_limit_quota_header", true));
    for (int i = 1; i <= 3; i++) {
      PluginTestHost.Exchange ex = send(host, "/", null, null);
      assertThat(ex.resumes()).as("request " + i).isEqualTo(1);
      ex.responseHeaders(200, Map.of(), true);
      assertThat(ex.response().get("x-ratelimit-limit")).isEqualTo("3");
      assertThat(ex.response().get("x-ratelimit-remaining")).isEqualTo(Integer.toString(3 - i));
    }
    PluginTestHost.Exchange over = send(host, "/", null, null);
    assertThat(over.resumes()).isZero();
    assertThat(over.localReply().status()).isEqualTo(429);
    assertThat(over.localReply().text()).isEqualTo("Too many requests");
    assertThat(over.localReply().headers()).containsEntry("x-ratelimit-remaining", "0");
    assertThat(redis.call("GET", "r:global_threshold")).isEqualTo("4");
    assertThat((Long) redis.call("TTL", "r:global_threshold")).isBetween(1L, 60L);
    // another gateway instance (another host) shares the counter
    PluginTestHost other = host(config("global_threshold", Map.of("query_per_minute", 3)));
    assertThat(send(other, "/", null, null).localReply().status()).isEqualTo(429);
  }

  @Test
  void windowsExpire() throws Exception {
    PluginTestHost host = host(config("global_threshold", Map.of("query_per_second", 1)));
    assertThat(send(host, "/", null, null).resumes()).isEqualTo(1);
    assertThat(send(host, "/", null, null).localReply()).isNotNull();
    Thread.sleep(2100);
    assertThat(send(host, "/", null, null).resumes()).isEqualTo(1);
  }

  @Test
  void ruleItemsByHeaderParamCookieAndIp() throws Exception {
    PluginTestHost host = host(config("rejected_code", 403, "rejected_msg", "slow down", "rule_items", List.of(
        Map.of("limit_by_header", "X-Ca-Key", "limit_keys", List.of(Map.of("key", "102234", "query_per_minute", 1))),
        Map.of("limit_by_per_param", "apikey", "limit_keys", List.of(
            Map.of("key", "regexp:^a.*", "query_per_minute", 2), Map.of("key", "*", "query_per_hour", 1))),
        Map.of("limit_by_cookie", "key1", "limit_keys", List.of(Map.of("key", "value1", "query_per_day", 1))),
        Map.of("limit_by_per_ip", "from-header-x-forwarded-for", "limit_keys", List.of(Map.of("key", "10.0.0.0/8", "query_per_day", 1))))));
    assertThat(send(host, "/", "x-ca-key", "102234").resumes()).isEqualTo(1);
    PluginTestHost.Exchange limited = send(host, "/", "x-ca-key", "102234");
    assertThat(limited.localReply().status()).isEqualTo(403);
    assertThat(limited.localReply().text()).isEqualTo("slow down");
    // a key not listed is not limited
    PluginTestHost.Exchange free = host.exchange("GET", "/", "foo.com").header("x-ca-key", "other");
    assertThat(free.requestHeaders()).isEqualTo(Action.CONTINUE);

    // per param: each value apart; a1 and a2 each get 2
    for (String v : List.of("a1", "a2")) {
      assertThat(send(host, "/x?apikey=" + v, null, null).resumes()).isEqualTo(1);
      assertThat(send(host, "/x?apikey=" + v, null, null).resumes()).isEqualTo(1);
      assertThat(send(host, "/x?apikey=" + v, null, null).localReply()).isNotNull();
    }
    assertThat(send(host, "/x?apikey=zz", null, null).resumes()).isEqualTo(1);
    assertThat(send(host, "/x?apikey=zz", null, null).localReply()).isNotNull();
    assertThat(redis.call("GET", "r:limit_by_per_param:apikey:a1")).isEqualTo("3");

    assertThat(send(host, "/", "cookie", "a=b; key1=value1").resumes()).isEqualTo(1);
    assertThat(send(host, "/", "cookie", "key1=value1").localReply()).isNotNull();

    assertThat(send(host, "/", "x-forwarded-for", "10.1.2.3, 1.1.1.1").resumes()).isEqualTo(1);
    assertThat(send(host, "/", "x-forwarded-for", "10.1.2.3").localReply()).isNotNull();
    assertThat(send(host, "/", "x-forwarded-for", "10.1.2.4").resumes()).isEqualTo(1);
    PluginTestHost.Exchange outside = host.exchange("GET", "/", "foo.com").header("x-forwarded-for", "192.168.0.1");
    assertThat(outside.requestHeaders()).isEqualTo(Action.CONTINUE);
  }

  @Test
  void hostileValuesAreJustKeys() throws Exception {
    PluginTestHost host = host(config("rule_items", List.of(
        Map.of("limit_by_per_param", "k", "limit_keys", List.of(Map.of("key", "*", "query_per_minute", 1))))));
    redis.call("SET", "keep", "1");
    String evil = "%0d%0a*1%0d%0a$8%0d%0aFLUSHALL%0d%0a";
    assertThat(send(host, "/?k=" + evil, null, null).resumes()).isEqualTo(1);
    assertThat(send(host, "/?k=" + evil, null, null).localReply().status()).isEqualTo(429);
    assertThat(redis.call("GET", "keep")).isEqualTo("1");
    assertThat(redis.call("GET", "r:limit_by_per_param:k:\r\n*1\r\n$8\r\nFLUSHALL\r\n"))
        .isEqualTo("2");
  }

  @Test
  void consumerRules() throws Exception {
    PluginTestHost host = host(config("rule_items", List.of(
        Map.of("limit_by_consumer", "", "limit_keys", List.of(Map.of("key", "consumer1", "query_per_second", 1))))));
    PluginTestHost.Exchange anonymous = host.exchange("GET", "/", "foo.com");
    assertThat(anonymous.requestHeaders()).isEqualTo(Action.CONTINUE);
  }

  @Test
  void redisDownLetsRequestsPass() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, config("global_threshold", Map.of("query_per_second", 1))).redis("127.0.0.1", 1);
    PluginTestHost.Exchange ex = send(host, "/", null, null);
    assertThat(ex.resumes()).isEqualTo(1);
    assertThat(ex.localReply()).isNull();
  }

  @Test
  void badConfigurationsNameTheField() {
    assertThatThrownBy(() -> factory.parseConfig(Map.of("redis", Map.of("service_name", "r.dns"), "global_threshold", Map.of("query_per_second", 1))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("rule_name:");
    assertThatThrownBy(() -> factory.parseConfig(config())).hasMessageStartingWith("rule_items:");
    assertThatThrownBy(() -> factory.parseConfig(config("global_threshold", Map.of("query_per_second", 1, "query_per_minute", 2))))
        .hasMessageContaining("global_threshold.query_per_");
    assertThatThrownBy(() -> factory.parseConfig(config("global_threshold", Map.of("query_per_second", 0))))
        .hasMessageStartingWith("global_threshold.query_per_second:");
    assertThatThrownBy(() -> factory.parseConfig(config("rule_items", List.of(Map.of("limit_keys", List.of())))))
        .hasMessageStartingWith("rule_items[0]:");
    assertThatThrownBy(() -> factory.parseConfig(config("rule_items", List.of(Map.of("limit_by_header", "x", "limit_keys",
        List.of(Map.of("key", "k")))))))
        .hasMessageStartingWith("rule_items[0].limit_keys[0].query_per_second:");
    assertThatThrownBy(() -> factory.parseConfig(config("rule_items", List.of(Map.of("limit_by_per_param", "x", "limit_keys",
        List.of(Map.of("key", "regexp:(", "query_per_second", 1)))))))
        .hasMessageStartingWith("rule_items[0].limit_keys[0].key:");
    assertThatThrownBy(() -> factory.parseConfig(config("rule_items", List.of(Map.of("limit_by_per_ip", "from-nowhere", "limit_keys",
        List.of(Map.of("key", "1.1.1.1", "query_per_second", 1)))))))
        .hasMessageStartingWith("rule_items[0].limit_by_per_ip:");
    assertThatThrownBy(() -> factory.parseConfig(config("global_threshold", Map.of("query_per_second", 1), "redis", Map.of())))
        .hasMessageStartingWith("redis.service_name:");
  }
}
