package io.higressj.server.plugin;

import static io.higressj.server.GatewayFixture.ingress;
import static io.higressj.server.GatewayFixture.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.server.GatewayFixture;
import io.higressj.testing.echo.EchoServer;
import io.higressj.testing.redis.RedisServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Redis-backed plugins through a real gateway and a real redis-server, reached as a Kubernetes
 * Service of the configuration (one no route uses) through its Endpoints.
 */
class RedisPluginsEndToEndTest {
  @TempDir Path dir;
  GatewayFixture f;
  EchoServer echo;
  RedisServer redis;

  @BeforeEach
  void setUp() throws Exception {
    redis = RedisServer.start("e2e-pass");
    f = new GatewayFixture(dir);
    echo = f.echo("ns1", "echo");
    f.write("services/echo.yaml", service("ns1", "echo", echo.port()));
    f.write("services/redis.yaml", """
        apiVersion: v1
        kind: Service
        metadata: {name: redis, namespace: db}
        spec:
          ports: [{port: 6379, targetPort: 6379}]
        ---
        apiVersion: v1
        kind: Endpoints
        metadata: {name: redis, namespace: db}
        subsets:
        - addresses: [{ip: 127.0.0.1}]
          ports: [{port: %d}]
        """.formatted(redis.port()));
    f.write("ingresses/foo.yaml", ingress("ns1", "foo", "foo.com", "Prefix", "/", "echo"));
    f.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (f != null) f.close();
    if (redis != null) redis.close();
  }

  HttpResponse<String> get(String header, String value) throws Exception {
    HttpRequest.Builder b = GatewayFixture.withHost(HttpRequest.newBuilder(URI.create(f.base() + "/info")), "foo.com");
    if (header != null) b.header(header, value);
    return f.client().send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void clusterKeyRateLimitCountsInRedis() throws Exception {
    f.write("wasmplugins/rl.yaml", """
        apiVersion: extensions.higress.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: cluster-key-rate-limit, namespace: higress-system}
        spec:
          url: oci://higress-registry.cn-hangzhou.cr.aliyuncs.com/plugins/cluster-key-rate-limit:1.0.0
          defaultConfig:
            rule_name: e2e
            rule_items:
            - limit_by_header: x-ca-key
              limit_keys: [{key: k1, query_per_minute: 2}]
            show_limit_quota_header: true
            redis: {service_name: redis.db.svc.cluster.local, service_port: 6379, password: e2e-pass, database: 1}
        """);
    // wait until the plugin is in force: the counter appears in Redis
    HttpResponse<String> first = null;
    for (int i = 0; i < 100 && first == null; i++) {
      HttpResponse<String> r = get("x-ca-key", "k1");
      if (r.headers().firstValue("x-ratelimit-limit").isPresent()) first = r;
      else Thread.sleep(100);
    }
    assertThat(first).as("plugin applied").isNotNull();
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("x-ratelimit-remaining")).hasValue("1");
    HttpResponse<String> second = get("x-ca-key", "k1");
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.headers().firstValue("x-ratelimit-remaining")).hasValue("0");
    HttpResponse<String> third = get("x-ca-key", "k1");
    assertThat(third.statusCode()).isEqualTo(429);
    assertThat(third.body()).isEqualTo("Too many requests");
    assertThat(get("x-ca-key", "k2").statusCode()).isEqualTo(200);
    // the counter lives in database 1 (SELECT after AUTH on the gateway's connection)
    assertThat(redis.call("EVAL", "redis.call('SELECT', '1') return redis.call('GET', KEYS[1])", "1",
        "e2e:limit_by_header:x-ca-key:k1")).isEqualTo("3");
  }

  @Test
  void replayProtectionRefusesARepeatedNonce() throws Exception {
    f.write("wasmplugins/rp.yaml", """
        apiVersion: extensions.higress.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: replay-protection, namespace: higress-system}
        spec:
          url: oci://higress-registry.cn-hangzhou.cr.aliyuncs.com/plugins/replay-protection:1.0.0
          defaultConfig:
            redis: {service_name: redis.db.svc.cluster.local, password: e2e-pass}
        """);
    f.await("foo.com", "/info", x -> x.statusCode() == 400);
    assertThat(get("X-Higress-Nonce", "nonce-0001").statusCode()).isEqualTo(200);
    HttpResponse<String> replay = get("X-Higress-Nonce", "nonce-0001");
    assertThat(replay.statusCode()).isEqualTo(429);
    assertThat(replay.body()).isEqualTo("Replay Attack Detected");
    assertThat(get("X-Higress-Nonce", "nonce-0002").statusCode()).isEqualTo(200);

    // redis goes away: requests are answered 500, not left hanging
    redis.close();
    assertThat(get("X-Higress-Nonce", "nonce-0003").statusCode()).isEqualTo(500);
  }

  @Test
  void responseCacheAnswersTheSecondRequestFromRedis() throws Exception {
    f.write("wasmplugins/rc.yaml", """
        apiVersion: extensions.higress.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: response-cache, namespace: higress-system}
        spec:
          url: oci://higress-registry.cn-hangzhou.cr.aliyuncs.com/plugins/response-cache:1.0.0
          defaultConfig:
            cache: {type: redis, serviceName: redis.db.svc.cluster.local, password: e2e-pass, cacheTTL: 60}
            cacheKeyFromHeader: x-cache-key
            cacheValueFromBody: path
        """);
    HttpResponse<String> miss = null;
    for (int i = 0; i < 100 && miss == null; i++) {
      HttpResponse<String> r = get("x-cache-key", "k" + i);
      if (r.headers().firstValue("x-cache-status").isPresent()) miss = r;
      else Thread.sleep(100);
    }
    assertThat(miss).as("plugin applied").isNotNull();
    assertThat(miss.headers().firstValue("x-cache-status")).hasValue("miss");
    assertThat(f.json(miss).path("path").asText()).isEqualTo("/info");
    String key = miss.request().headers().firstValue("x-cache-key").orElseThrow();
    HttpResponse<String> hit = null;
    for (int i = 0; i < 50 && hit == null; i++) { // the SET follows the response
      HttpResponse<String> r = get("x-cache-key", key);
      if (r.headers().firstValue("x-cache-status").orElse("").equals("hit")) hit = r;
      else Thread.sleep(50);
    }
    assertThat(hit).isNotNull();
    assertThat(hit.statusCode()).isEqualTo(200);
    assertThat(hit.body()).isEqualTo("/info");
    assertThat(hit.headers().firstValue("content-type")).hasValue("application/json");
  }
}
