package io.higressj.plugins.responsecache;

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

class ResponseCacheTest {
  private final ResponseCacheFactory factory = new ResponseCacheFactory();
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
    m.put("cache", Map.of("type", "redis", "serviceName", "my-redis.dns", "timeout", 2000));
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
    return m;
  }

  private PluginTestHost host(Map<String, Object> config) throws PluginConfigException {
    return PluginTestHost.of(factory, config).redis(redis.host(), redis.port());
  }

  @Test
  void nameAndPlacementAreHigressOwn() {
    assertThat(factory.name()).isEqualTo("response-cache");
    assertThat(factory.defaultPhase()).isEqualTo(PluginPhase.AUTHN);
    assertThat(factory.defaultPriority()).isEqualTo(10);
  }

  @Test
  void headerKeyMissThenHitWithAJsonValue() throws Exception {
    PluginTestHost host = host(config("cacheKeyFromHeader", "x-http-cache-key", "cacheValueFromBody", "messages.2.content"));
    PluginTestHost.Exchange miss = host.exchange("GET", "/", "foo.com").header("x-http-cache-key", "abcd");
    assertThat(miss.requestHeaders()).isEqualTo(Action.PAUSE);
    miss.runRedis();
    assertThat(miss.resumes()).isEqualTo(1);
    assertThat(miss.localReply()).isNull();
    miss.responseHeaders(200, Map.of("content-type", "application/json"), false);
    assertThat(miss.response().get("x-cache-status")).isEqualTo("miss");
    miss.responseBody("{\"messages\":[{\"content\":\"1\"},", false);
    miss.responseBody("{\"content\":\"2\"},{\"content\":\"3\"}]}", true);
    miss.runRedis();
    assertThat(redis.call("GET", "higress-resp-cache:abcd")).isEqualTo("3");
    assertThat(redis.call("TTL", "higress-resp-cache:abcd")).isEqualTo(-1L);

    PluginTestHost.Exchange hit = host.exchange("GET", "/", "foo.com").header("x-http-cache-key", "abcd");
    assertThat(hit.requestHeaders()).isEqualTo(Action.PAUSE);
    hit.runRedis();
    assertThat(hit.resumes()).isZero();
    assertThat(hit.localReply().status()).isEqualTo(200);
    assertThat(hit.localReply().text()).isEqualTo("3");
    assertThat(hit.localReply().headers()).containsEntry("x-cache-status", "hit").containsEntry("content-type", "application/json");

    PluginTestHost.Exchange skip = host.exchange("GET", "/", "foo.com").header("x-http-cache-key", "abcd")
        .header("x-higress-skip-response-cache", "on");
    assertThat(skip.requestHeaders()).isEqualTo(Action.CONTINUE);
    skip.responseHeaders(200, Map.of(), false);
    assertThat(skip.response().get("x-cache-status")).isEqualTo("skip");
    skip.responseBody("{}", true);
    assertThat(skip.redisCalls()).isEmpty();

    PluginTestHost.Exchange noKey = host.exchange("GET", "/", "foo.com");
    assertThat(noKey.requestHeaders()).isEqualTo(Action.CONTINUE);
  }

  @Test
  void bodyKeyWholeBodyValueTtlAndUncachedStatus() throws Exception {
    PluginTestHost host = host(Map.of("cache", Map.of("type", "redis", "serviceName", "r.dns", "cacheTTL", 60, "cacheKeyPrefix", "p:"),
        "cacheKeyFromBody", "q", "cacheValueFromBodyType", "text/html", "cacheResponseCode", List.of(200, "203")));
    PluginTestHost.Exchange err = host.exchange("POST", "/", "foo.com");
    assertThat(err.requestHeaders(false)).isEqualTo(Action.CONTINUE);
    assertThat(err.requestBufferLimit()).isEqualTo(ResponseCacheFactory.MAX_BODY);
    assertThat(err.requestBody("{\"q\":\"hello\"}", true)).isEqualTo(Action.PAUSE);
    err.runRedis();
    err.responseHeaders(500, Map.of(), false);
    err.responseBody("oops", true);
    assertThat(err.runRedis()).isZero(); // a 500 is not cached

    PluginTestHost.Exchange ok = host.exchange("POST", "/", "foo.com");
    ok.requestHeaders(false);
    ok.requestBody("{\"q\":\"hello\"}", true);
    ok.runRedis();
    ok.responseHeaders(203, Map.of(), false);
    ok.responseBody("<p>hi</p>", true);
    ok.runRedis();
    assertThat(redis.call("GET", "p:hello")).isEqualTo("<p>hi</p>");
    assertThat((Long) redis.call("TTL", "p:hello")).isBetween(1L, 60L);

    PluginTestHost.Exchange hit = host.exchange("POST", "/", "foo.com");
    hit.requestHeaders(false);
    hit.requestBody("{\"q\": \"hello\"}", true);
    hit.runRedis();
    assertThat(hit.localReply().text()).isEqualTo("<p>hi</p>");
    assertThat(hit.localReply().headers()).containsEntry("content-type", "text/html");

    // not JSON, or no such field: no key, the request passes
    PluginTestHost.Exchange junk = host.exchange("POST", "/", "foo.com");
    junk.requestHeaders(false);
    assertThat(junk.requestBody("not json", true)).isEqualTo(Action.CONTINUE);
  }

  @Test
  void redisDownMeansMiss() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, config("cacheKeyFromHeader", "k")).redis("127.0.0.1", 1);
    PluginTestHost.Exchange ex = host.exchange("GET", "/", "foo.com").header("k", "v");
    assertThat(ex.requestHeaders()).isEqualTo(Action.PAUSE);
    ex.runRedis();
    assertThat(ex.resumes()).isEqualTo(1);
  }

  @Test
  void jsonValuesOfOtherKinds() {
    byte[] body = "{\"a\":{\"n\":3,\"f\":1.5,\"b\":true,\"o\":{\"x\":[1,\"y\"]}}}".getBytes();
    assertThat(ResponseCacheFactory.extract(body, List.of("a", "n"))).isEqualTo("3");
    assertThat(ResponseCacheFactory.extract(body, List.of("a", "f"))).isEqualTo("1.5");
    assertThat(ResponseCacheFactory.extract(body, List.of("a", "b"))).isEqualTo("true");
    assertThat(ResponseCacheFactory.extract(body, List.of("a", "o"))).isEqualTo("{\"x\":[1,\"y\"]}");
    assertThat(ResponseCacheFactory.extract(body, List.of("a", "o", "x", "9"))).isNull();
  }

  @Test
  void badConfigurationsNameTheField() {
    assertThatThrownBy(() -> factory.parseConfig(Map.of())).isInstanceOf(PluginConfigException.class).hasMessageStartingWith("cache:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("cache", Map.of("type", "memcached", "serviceName", "x.dns"))))
        .hasMessageStartingWith("cache.type:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("cache", Map.of("type", "redis")))).hasMessageStartingWith("cache.serviceName:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("cache", Map.of("type", "redis", "serviceName", "x.dns", "timeout", 0))))
        .hasMessageStartingWith("cache.timeout:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("cache", Map.of("type", "redis", "serviceName", "x.dns", "cacheTTL", -1))))
        .hasMessageStartingWith("cache.cacheTTL:");
    assertThatThrownBy(() -> factory.parseConfig(config("cacheKeyFromHeader", "a", "cacheKeyFromBody", "b")))
        .hasMessageStartingWith("cacheKeyFromBody:");
    assertThatThrownBy(() -> factory.parseConfig(config("cacheValueFromBody", "messages.@reverse.0.content")))
        .hasMessageStartingWith("cacheValueFromBody:");
    assertThatThrownBy(() -> factory.parseConfig(config("cacheResponseCode", List.of(99)))).hasMessageStartingWith("cacheResponseCode[0]:");
  }
}
