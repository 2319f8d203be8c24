package io.higressj.server.plugin;

import static io.higressj.server.GatewayFixture.ingress;
import static io.higressj.server.GatewayFixture.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.higressj.server.GatewayFixture;
import io.higressj.testing.echo.EchoServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WasmPlugin objects served by a Java plugin (test-plugin, found by ServiceLoader), end to end. */
class PluginEndToEndTest {
  @TempDir Path dir;
  GatewayFixture f;
  EchoServer echo;
  EchoServer other;

  @BeforeEach
  void setUp() throws Exception {
    f = new GatewayFixture(dir);
    echo = f.echo("ns1", "echo");
    other = f.echo("ns1", "other");
    f.write("services/echo.yaml", service("ns1", "echo", echo.port()));
    f.write("services/other.yaml", service("ns1", "other", other.port()));
    f.write("ingresses/foo.yaml", ingress("ns1", "foo", "foo.com", "Prefix", "/", "echo"));
    f.write("ingresses/new.yaml", ingress("ns1", "new", "foo.com", "Prefix", "/new", "other"));
    f.write("ingresses/bar.yaml", ingress("ns1", "bar", "bar.com", "Prefix", "/", "echo"));
    f.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  static String wasmPlugin(String name, String plugin, String spec) {
    return """
        apiVersion: extensions.higress.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: %s, namespace: higress-system}
        spec:
          url: oci://registry.example.com/plugins/%s:1.0.0
        %s
        """.formatted(name, plugin, spec.indent(2));
  }

  HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return f.client().send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpRequest.Builder req(String host, String path) {
    return GatewayFixture.withHost(HttpRequest.newBuilder(URI.create(f.base() + path)), host);
  }

  @Test
  void chainRunsInPhaseAndPriorityOrderOnRequestAndInReverseOnResponse() throws Exception {
    f.write("wasmplugins/a.yaml", wasmPlugin("a", "test-plugin", """
        priority: 10
        defaultConfig: {tag: a, requestHeaders: {x-from-a: "1"}}
        """));
    f.write("wasmplugins/b.yaml", wasmPlugin("b", "test-plugin-second", """
        phase: AUTHN
        defaultConfig: {tag: b}
        """));
    HttpResponse<String> r = f.await("foo.com", "/hello", x -> x.headers().firstValue("x-plugin-order").isPresent()
        && x.headers().firstValue("x-plugin-order").get().contains(","));
    JsonNode h = f.json(r).path("headers");
    assertThat(h.path("X-Plugin-Order").get(0).asText()).isEqualTo("b,a");
    assertThat(h.path("X-From-A").get(0).asText()).isEqualTo("1");
    assertThat(h.path("X-Request-Id").get(0).asText()).isNotBlank();
    assertThat(r.headers().firstValue("x-plugin-order")).hasValue("a,b");
    JsonNode dump = GatewayFixture.JSON.readTree(f.adminGet("/config_dump"));
    JsonNode route = dump.path("virtualHosts").get(0).path("routes").get(0);
    assertThat(route.path("plugins").findValuesAsText("name")).containsExactly("test-plugin-second", "test-plugin");
    assertThat(dump.path("wasmPlugins").findValuesAsText("source"))
        .containsExactly("WasmPlugin higress-system/b", "WasmPlugin higress-system/a");
  }

  @Test
  void localReplyBlocksAndEarlierFiltersSeeIt() throws Exception {
    f.write("wasmplugins/a.yaml", wasmPlugin("a", "test-plugin", "defaultConfig: {tag: a, blockPrefix: /secret}"));
    f.write("wasmplugins/b.yaml", wasmPlugin("b", "test-plugin-second", """
        phase: AUTHN
        defaultConfig: {tag: b, responseHeaders: {x-seen-by-b: "yes"}}
        """));
    long before = echo.requestCount();
    HttpResponse<String> r = f.await("foo.com", "/secret/x", x -> x.statusCode() == 403);
    assertThat(r.body()).isEqualTo("blocked by a");
    assertThat(r.headers().firstValue("x-blocked-by")).hasValue("a");
    assertThat(r.headers().firstValue("x-seen-by-b")).hasValue("yes");
    echo.clearRequests(); // requests before the plugin applied went through
    assertThat(f.get("foo.com", "/secret/y").statusCode()).isEqualTo(403);
    assertThat(echo.recentRequests().stream().filter(q -> q.path().startsWith("/secret")).count()).isZero();
    assertThat(f.get("foo.com", "/open").statusCode()).isEqualTo(200);
    assertThat(echo.requestCount()).isGreaterThan(before);
  }

  @Test
  void theGatewaysOwnRepliesPassTheResponseCallbacks() throws Exception {
    f.write("ingresses/dead.yaml", ingress("ns1", "dead", "dead.com", "Prefix", "/", "missing"));
    f.write("wasmplugins/a.yaml", wasmPlugin("a", "test-plugin", """
        defaultConfig: {tag: a, responseHeaders: {x-seen: "1"}, rewrite: {from: /gone, to: /}}
        """));
    HttpResponse<String> r = f.await("dead.com", "/", x -> x.headers().firstValue("x-seen").isPresent());
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("x-plugin-order")).hasValue("a");
  }

  @Test
  void globalPluginsSeeRequestsWithoutARouteAndMayRouteThem() throws Exception {
    f.write("wasmplugins/a.yaml", wasmPlugin("a", "test-plugin", "defaultConfig: {tag: a, blockPrefix: /blocked}"));
    f.write("wasmplugins/b.yaml", wasmPlugin("b", "test-plugin-second", """
        phase: AUTHN
        matchRules:
        - domain: [lost.com]
          config: {tag: b, requestHeaders: {":authority": foo.com}}
        """));
    HttpResponse<String> r = f.await("unknown.com", "/x", x -> x.statusCode() == 404
        && x.headers().firstValue("x-plugin-order").isPresent());
    assertThat(r.headers().firstValue("x-plugin-order")).hasValue("a");
    assertThat(f.get("unknown.com", "/blocked").statusCode()).isEqualTo(403);
    // a plugin that changes the host of an unroutable request sends it to the route of the new host
    HttpResponse<String> routed = f.await("lost.com", "/found", x -> x.statusCode() == 200);
    assertThat(f.json(routed).path("host").asText()).isEqualTo("foo.com");
    assertThat(f.json(routed).path("headers").path("X-Plugin-Order").get(0).asText()).isEqualTo("b,a");
    JsonNode dump = GatewayFixture.JSON.readTree(f.adminGet("/config_dump"));
    assertThat(dump.path("unroutedPlugins").findValuesAsText("name")).containsExactly("test-plugin-second", "test-plugin");
  }

  @Test
  void pausesForACalloutToAClusterAndResumes() throws Exception {
    f.write("wasmplugins/a.yaml", wasmPlugin("a", "test-plugin", """
        defaultConfig:
          tag: a
          calloutCluster: "outbound|8080||other.ns1.svc.cluster.local"
          calloutPath: /auth-check
        """));
    HttpResponse<String> r = f.await("foo.com", "/api", x -> x.headers().firstValue("x-callout-seen").isPresent());
    assertThat(f.json(r).path("headers").path("X-Callout-Status").get(0).asText()).isEqualTo("200");
    assertThat(r.headers().firstValue("x-callout-seen")).hasValue("200");
    assertThat(other.awaitRequest("/auth-check", Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void aFailureInACalloutCallbackFollowsTheFailStrategy() throws Exception {
    f.write("wasmplugins/a.yaml", wasmPlugin("a", "test-plugin", """
        defaultConfig:
          tag: a
          calloutCluster: "outbound|8080||other.ns1.svc.cluster.local"
          calloutPath: /fail-async
        """));
    HttpResponse<String> closed = f.await("foo.com", "/api", x -> x.statusCode() == 500);
    assertThat(closed.body()).isEqualTo("plugin test-plugin failed\n");
    f.write("wasmplugins/a.yaml", wasmPlugin("a", "test-plugin", """
        failStrategy: FAIL_OPEN
        defaultConfig:
          tag: a
          calloutCluster: "outbound|8080||other.ns1.svc.cluster.local"
          calloutPath: /fail-async
        """));
    HttpResponse<String> open = f.await("foo.com", "/api", x -> x.statusCode() == 200);
    assertThat(f.json(open).path("path").asText()).isEqualTo("/api");
  }

  @Test
  void calloutToAnAbsoluteUrl() throws Exception {
    f.write("wasmplugins/a.yaml", wasmPlugin("a", "test-plugin", """
        defaultConfig:
          tag: a
          calloutCluster: "http://127.0.0.1:%d/by-url?q=1"
        """.formatted(other.port())));
    HttpResponse<String> r = f.await("foo.com", "/api", x -> x.headers().firstValue("x-callout-seen").isPresent());
    assertThat(r.headers().firstValue("x-callout-seen")).hasValue("200");
    assertThat(other.awaitRequest("/by-url?q=1", Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void pathRewriteByAPluginReroutes() throws Exception {
    f.write("wasmplugins/a.yaml", wasmPlugin("a", "test-plugin", """
        defaultConfig: {tag: a, rewrite: {from: /old, to: /new}}
        """));
    HttpResponse<String> r = f.await("foo.com", "/old/page", x -> x.statusCode() == 200
        && x.body().contains("\"pod\":\"other-pod\""));
    JsonNode j = f.json(r);
    assertThat(j.path("path").asText()).isEqualTo("/new/page");
    assertThat(j.path("pod").asText()).isEqualTo("other-pod");
  }

  @Test
  void buffersTheRequestBodyAndFixesContentLength() throws Exception {
    f.write("wasmplugins/a.yaml", wasmPlugin("a", "test-plugin", "defaultConfig: {tag: a, upperCaseRequestBody: true}"));
    awaitPluginActive("foo.com");
    HttpResponse<String> r = send(req("foo.com", "/upload").header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("hello body")));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode j = f.json(r);
    assertThat(j.path("body").asText()).isEqualTo("HELLO BODY!");
    assertThat(j.path("headers").path("Content-Length").get(0).asText()).isEqualTo("11");

    // chunked upload
    HttpResponse<String> c = send(req("foo.com", "/upload").header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream("streamed".getBytes()))));
    assertThat(f.json(c).path("body").asText()).isEqualTo("STREAMED!");

    // over the plugin's 1024-byte limit: 413
    HttpResponse<String> big = send(req("foo.com", "/upload").header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("x".repeat(5000))));
    assertThat(big.statusCode()).isEqualTo(413);
  }

  @Test
  void bodiesThroughPluginsOverHttp2() throws Exception {
    f.write("wasmplugins/a.yaml", wasmPlugin("a", "test-plugin", """
        defaultConfig: {tag: a, upperCaseRequestBody: true, upperCaseResponseBody: true}
        """));
    f.write("ingresses/any.yaml", ingress("ns1", "any", null, "Prefix", "/h2", "echo")); // :authority is 127.0.0.1
    f.await(null, "/h2", x -> x.headers().firstValue("x-plugin-order").isPresent());
    java.net.http.HttpClient h2 = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_2)
        .build();
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = h2.send(req(null, "/h2").header("Content-Type", "text/plain")
          .POST(HttpRequest.BodyPublishers.ofString("over h2 " + i)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("\"BODY\":\"OVER H2 " + i + "!\"");
      if (i > 0) assertThat(r.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_2);
    }
  }

  @Test
  void aBodyCallbackThatPausesSeesAllDataSoFar() throws Exception {
    f.write("wasmplugins/a.yaml", wasmPlugin("a", "test-plugin", "defaultConfig: {tag: a, collectRequestBody: true}"));
    awaitPluginActive("foo.com");
    HttpResponse<String> r = send(req("foo.com", "/collect").header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("hello")));
    assertThat(f.json(r).path("body").asText()).isEqualTo("[hello]");
    // a chunked upload arriving in several chunks
    HttpResponse<String> c = send(req("foo.com", "/collect").header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.SequenceInputStream(
            new java.io.ByteArrayInputStream("part1-".getBytes()), new java.io.ByteArrayInputStream("part2".getBytes())))));
    assertThat(f.json(c).path("body").asText()).isEqualTo("[part1-part2]");
  }

  @Test
  void responseHeadersPauseForACallout() throws Exception {
    f.write("wasmplugins/a.yaml", wasmPlugin("a", "test-plugin", """
        defaultConfig: {tag: a, responseCalloutUrl: "http://127.0.0.1:%d/in-response"}
        """.formatted(other.port())));
    HttpResponse<String> r = f.await("foo.com", "/r", x -> x.headers().firstValue("x-response-callout").isPresent());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-response-callout")).hasValue("200");
    assertThat(f.json(r).path("path").asText()).isEqualTo("/r");
  }

  @Test
  void aFailureAfterTheResponseHeadWasSentResetsTheStream() throws Exception {
    f.write("wasmplugins/a.yaml", wasmPlugin("a", "test-plugin", "defaultConfig: {tag: a, throwOnResponseBody: true}"));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    Exception seen = null;
    while (seen == null && System.nanoTime() < deadline) {
      try {
        f.get("foo.com", "/reset");
        Thread.sleep(10);
      } catch (java.io.IOException e) {
        seen = e; // the head came, the body did not: the connection was closed mid-response
      }
    }
    assertThat(seen).isNotNull();
    assertThat(f.gateway().dataPlane().pluginErrors().count("test-plugin")).isPositive();
  }

  @Test
  void buffersTheResponseBody() throws Exception {
    f.write("wasmplugins/a.yaml", wasmPlugin("a", "test-plugin", "defaultConfig: {tag: a, upperCaseResponseBody: true}"));
    HttpResponse<String> r = f.await("foo.com", "/lower", x -> x.body().contains("\"PATH\""));
    assertThat(r.body()).contains("\"PATH\":\"/LOWER\"");
    assertThat(r.headers().firstValue("content-length")).hasValue(Integer.toString(r.body().length()));
  }

  @Test
  void failCloseAnswers500AndFailOpenSkipsThePlugin() throws Exception {
    f.write("wasmplugins/a.yaml", wasmPlugin("a", "test-plugin", "defaultConfig: {tag: a, throwOnPrefix: /boom}"));
    HttpResponse<String> r = f.await("foo.com", "/boom", x -> x.statusCode() == 500);
    assertThat(r.body()).contains("plugin test-plugin failed");
    long errors = f.gateway().dataPlane().pluginErrors().count("test-plugin");
    assertThat(errors).isGreaterThanOrEqualTo(1);

    f.write("wasmplugins/a.yaml", wasmPlugin("a", "test-plugin", """
        failStrategy: FAIL_OPEN
        defaultConfig: {tag: a, throwOnPrefix: /boom}
        """));
    HttpResponse<String> open = f.await("foo.com", "/boom", x -> x.statusCode() == 200);
    assertThat(f.json(open).path("headers").has("X-Plugin-Order")).isFalse();
    assertThat(f.gateway().dataPlane().pluginErrors().count("test-plugin")).isGreaterThan(errors);
  }

  @Test
  void consumerIsSentAsXMseConsumerAndClientsCannotForgeIt() throws Exception {
    f.write("wasmplugins/a.yaml", wasmPlugin("a", "test-plugin", "defaultConfig: {tag: a, consumer: alice}"));
    awaitPluginActive("foo.com");
    HttpResponse<String> r = send(req("foo.com", "/").header("X-Mse-Consumer", "mallory"));
    JsonNode h = f.json(r).path("headers");
    assertThat(h.path("X-Mse-Consumer").size()).isEqualTo(1);
    assertThat(h.path("X-Mse-Consumer").get(0).asText()).isEqualTo("alice");
    assertThat(r.headers().firstValue("x-consumer-seen")).hasValue("alice");
  }

  @Test
  void rulesByIngressDomainAndConfigDisable() throws Exception {
    f.write("wasmplugins/a.yaml", wasmPlugin("a", "test-plugin", """
        defaultConfig: {tag: global}
        matchRules:
        - ingress: [ns1/new]
          configDisable: true
        - domain: [bar.com]
          config: {tag: domain}
        - ingress: [ns1/foo]
          config: {tag: ingress}
        """));
    f.await("foo.com", "/", x -> "ingress".equals(x.headers().firstValue("x-plugin-order").orElse(null)));
    assertThat(f.get("bar.com", "/").headers().firstValue("x-plugin-order")).hasValue("domain");
    assertThat(f.get("foo.com", "/new").headers().firstValue("x-plugin-order")).isEmpty();
  }

  @Test
  void secretsAreSubstitutedAndFollowTheSecret() throws Exception {
    f.write("secrets/token.yaml", secret("first"));
    f.write("wasmplugins/a.yaml", wasmPlugin("a", "test-plugin", """
        defaultConfig: {tag: a, requestHeaders: {x-token: "${secret.ns1/token.value}"}}
        """));
    f.await("foo.com", "/", x -> x.body().contains("\"X-Token\":[\"first\"]"));
    f.write("secrets/token.yaml", secret("second"));
    f.await("foo.com", "/", x -> x.body().contains("\"X-Token\":[\"second\"]"));
  }

  static String secret(String value) {
    return """
        apiVersion: v1
        kind: Secret
        metadata: {name: token, namespace: ns1}
        data: {value: %s}
        """.formatted(Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void badPluginConfigIsRejectedAndTheLastGoodVersionKeepsServing() throws Exception {
    f.write("wasmplugins/a.yaml", wasmPlugin("a", "test-plugin", "defaultConfig: {tag: good}"));
    f.await("foo.com", "/", x -> "good".equals(x.headers().firstValue("x-plugin-order").orElse(null)));
    f.write("wasmplugins/a.yaml", wasmPlugin("a", "test-plugin", "defaultConfig: {tag: bad, rewrite: {from: /x}}"));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!f.adminGet("/config_dump").contains("spec.defaultConfig.rewrite.from") && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(f.adminGet("/config_dump")).contains("spec.defaultConfig.rewrite.from")
        .contains("still serving its last good version");
    assertThat(f.get("foo.com", "/").headers().firstValue("x-plugin-order")).hasValue("good");
  }

  @Test
  void onDoneRunsOncePerFilter() throws Exception {
    f.write("wasmplugins/a.yaml", wasmPlugin("a", "test-plugin", "defaultConfig: {tag: done-count}"));
    awaitPluginActive("foo.com");
    for (int i = 0; i < 20; i++) assertThat(f.get("foo.com", "/x").statusCode()).isEqualTo(200);
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline && TestPluginFactory.DONE.get("done-count").get()
        != TestPluginFactory.CREATED.get("done-count").get()) {
      Thread.sleep(5);
    }
    assertThat(TestPluginFactory.DONE.get("done-count").get())
        .isEqualTo(TestPluginFactory.CREATED.get("done-count").get());
  }

  @Test
  void liveConfigChangesUnderLoadFailNoRequest() throws Exception {
    f.write("wasmplugins/a.yaml", wasmPlugin("a", "test-plugin", "defaultConfig: {tag: v0}"));
    awaitPluginActive("foo.com");
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger ok = new AtomicInteger();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    List<Thread> clients = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      clients.add(Thread.ofPlatform().start(() -> {
        while (!stop.get()) {
          try {
            HttpResponse<String> r = send(req("foo.com", "/load").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("payload")));
            if (r.statusCode() != 200) failures.add(r.statusCode() + " " + r.body());
            else ok.incrementAndGet();
          } catch (Exception e) {
            failures.add(e.toString());
          }
        }
      }));
    }
    for (int v = 1; v <= 15; v++) {
      f.write("wasmplugins/a.yaml", wasmPlugin("a", "test-plugin", "defaultConfig: {tag: v" + v
          + (v % 2 == 0 ? ", upperCaseRequestBody: true" : "") + "}"));
      Thread.sleep(60);
    }
    f.await("foo.com", "/", x -> "v15".equals(x.headers().firstValue("x-plugin-order").orElse(null)));
    stop.set(true);
    for (Thread t : clients) t.join();
    assertThat(failures).isEmpty();
    assertThat(ok.get()).isGreaterThan(20);
  }

  @Test
  void onDoneRunsWhenTheClientGoesAwayWhileAFilterWaits() throws Exception {
    try (java.net.ServerSocket silent = new java.net.ServerSocket(0)) { // accepts, never answers
      f.write("wasmplugins/a.yaml", wasmPlugin("a", "test-plugin", """
          defaultConfig: {tag: abandoned, calloutCluster: "http://127.0.0.1:%d/slow"}
          """.formatted(silent.getLocalPort())));
      f.write("wasmplugins/b.yaml", wasmPlugin("b", "test-plugin-second", """
          phase: AUTHN
          defaultConfig: {tag: probe}
          """));
      f.await("foo.com", "/", x -> true);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (TestPluginFactory.CREATED.get("abandoned") == null && System.nanoTime() < deadline) {
        try (io.higressj.server.RawHttp c = new io.higressj.server.RawHttp(f.gateway().httpPort())) {
          c.send("GET / HTTP/1.1\r\nHost: foo.com\r\n\r\n");
          Thread.sleep(100);
        }
      }
      int created = TestPluginFactory.CREATED.get("abandoned").get();
      assertThat(created).isPositive();
      deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (System.nanoTime() < deadline && (TestPluginFactory.DONE.get("abandoned") == null
          || TestPluginFactory.DONE.get("abandoned").get() < created)) {
        Thread.sleep(10);
      }
      assertThat(TestPluginFactory.DONE.get("abandoned")).hasValue(created);
    }
  }

  void awaitPluginActive(String host) throws Exception {
    f.await(host, "/", x -> x.headers().firstValue("x-plugin-order").isPresent());
  }
}
