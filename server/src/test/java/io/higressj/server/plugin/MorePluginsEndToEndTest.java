package io.higressj.server.plugin;

import static io.higressj.server.GatewayFixture.ingress;
import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.server.GatewayFixture;
import io.higressj.testing.echo.EchoServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cors, request-validation, gw-error-format and de-graphql behind WasmPlugin objects with Higress's URLs, through a real gateway. */
class MorePluginsEndToEndTest {
  @TempDir Path dir;
  GatewayFixture f;
  EchoServer echo;

  @BeforeEach
  void setUp() throws Exception {
    f = new GatewayFixture(dir);
    echo = f.fooToEcho();
    f.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return f.client().send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpRequest.Builder req(String path) {
    return GatewayFixture.withHost(HttpRequest.newBuilder(URI.create(f.base() + path)), "foo.com");
  }

  @Test
  void corsAnswersPreflightsAndDecoratesAllowedRequests() throws Exception {
    f.write("wasmplugins/cors.yaml", """
        apiVersion: extensions.higress.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: cors, namespace: higress-system}
        spec:
          url: oci://higress-registry.cn-hangzhou.cr.aliyuncs.com/plugins/cors:1.0.0
          defaultConfig:
            allow_origin_patterns: ["http://*.example.org:[9090,8080]"]
            allow_methods: [GET, POST]
            expose_headers: [X-Custom-Header]
            allow_credentials: true
            max_age: 3600
        """);
    HttpResponse<String> pre = null;
    for (long end = System.nanoTime() + Duration.ofSeconds(10).toNanos(); System.nanoTime() < end; Thread.sleep(100)) {
      pre = send(req("/x").method("OPTIONS", HttpRequest.BodyPublishers.noBody())
          .header("Origin", "http://a.example.org:9090").header("Access-Control-Request-Method", "POST"));
      if (pre.headers().firstValue("access-control-allow-origin").isPresent()) break;
    }
    assertThat(pre.statusCode()).isEqualTo(200);
    assertThat(pre.headers().firstValue("access-control-allow-origin")).hasValue("http://a.example.org:9090");
    assertThat(pre.headers().firstValue("access-control-allow-methods")).hasValue("GET,POST");
    assertThat(pre.headers().firstValue("access-control-max-age")).hasValue("3600");
    assertThat(pre.body()).doesNotContain("\"pod\""); // answered by the gateway

    HttpResponse<String> simple = send(req("/x").header("Origin", "http://a.example.org:8080"));
    assertThat(simple.statusCode()).isEqualTo(200);
    assertThat(simple.body()).contains("\"pod\"");
    assertThat(simple.headers().firstValue("access-control-allow-origin")).hasValue("http://a.example.org:8080");
    assertThat(simple.headers().firstValue("access-control-expose-headers")).hasValue("X-Custom-Header");
    assertThat(simple.headers().firstValue("access-control-allow-credentials")).hasValue("true");

    HttpResponse<String> bad = send(req("/x").header("Origin", "http://evil.net"));
    assertThat(bad.statusCode()).isEqualTo(403);
    assertThat(bad.body()).isEqualTo("Invalid CORS request");
    HttpResponse<String> none = send(req("/x"));
    assertThat(none.statusCode()).isEqualTo(200);
    assertThat(none.headers().firstValue("access-control-allow-origin")).isEmpty();
  }

  @Test
  void requestValidationChecksTheBufferedBody() throws Exception {
    f.write("wasmplugins/rv.yaml", """
        apiVersion: extensions.higress.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: request-validation, namespace: higress-system}
        spec:
          url: oci://higress-registry.cn-hangzhou.cr.aliyuncs.com/plugins/request-validation:2.0.0
          defaultConfig:
            body_schema:
              type: object
              required: [id]
              properties: {id: {type: integer, minimum: 1}}
            rejected_code: 400
            rejected_msg: invalid request
        """);
    HttpResponse<String> bad = null;
    for (long end = System.nanoTime() + Duration.ofSeconds(10).toNanos(); System.nanoTime() < end; Thread.sleep(100)) {
      bad = send(req("/p").header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"id\":0}")));
      if (bad.statusCode() == 400) break;
    }
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).isEqualTo("invalid request");
    HttpResponse<String> ok = send(req("/p").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream("{\"id\":7}".getBytes())))); // chunked
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(f.json(ok).path("body").toString()).contains("7");
  }

  @Test
  void gwErrorFormatRewritesTheGatewaysOwnErrorsOnly() throws Exception {
    f.write("ingresses/gone.yaml", ingress("ns1", "gone", "gone.com", "Prefix", "/", "nosuchservice"));
    HttpResponse<String> before = f.await("gone.com", "/", x -> x.statusCode() >= 500);
    int status = before.statusCode();
    String body = before.body().strip(); // configured as for Envoy, without the line break
    f.write("wasmplugins/gef.yaml", """
        apiVersion: extensions.higress.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: gw-error-format, namespace: higress-system}
        spec:
          url: oci://higress-registry.cn-hangzhou.cr.aliyuncs.com/plugins/gw-error-format:1.0.0
          defaultConfig:
            rules:
            - match: {statuscode: "%d", responsebody: "%s"}
              replace: {statuscode: "200", responsebody: '{"code":404,"message":"No Healthy Service"}'}
            - match: {statuscode: "200", responsebody: "x"}
              replace: {statuscode: "500", responsebody: "never for upstream responses"}
            set_header:
            - Content-Type: application/json;charset=UTF-8
        """.formatted(status, body));
    HttpResponse<String> after = f.await("gone.com", "/", x -> x.statusCode() == 200);
    assertThat(after.body()).isEqualTo("{\"code\":404,\"message\":\"No Healthy Service\"}");
    assertThat(after.headers().firstValue("content-type")).hasValue("application/json;charset=UTF-8");
    assertThat(after.headers().firstValue("content-length")).hasValue(String.valueOf(after.body().length()));
    HttpResponse<String> upstream = send(req("/ok"));
    assertThat(upstream.statusCode()).isEqualTo(200);
    assertThat(upstream.body()).contains("\"pod\"");
  }

  @Test
  void deGraphqlPostsTheQueryToTheRoutesClusterAndAnswersWithItsReply() throws Exception {
    f.write("wasmplugins/dg.yaml", """
        apiVersion: extensions.higress.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: de-graphql, namespace: higress-system}
        spec:
          url: oci://higress-registry.cn-hangzhou.cr.aliyuncs.com/plugins/de-graphql:1.0.0
          defaultConfig:
            endpoint: /graphql
            domain: api.example.com
            gql: |
              query ($owner:String! $n:Int){ repository(owner:$owner, n:$n) { name } }
        """);
    HttpResponse<String> r = f.await("foo.com", "/api?owner=alibaba&n=7", x -> x.headers().firstValue("x-degraphql-endpoint").isPresent());
    assertThat(r.statusCode()).isEqualTo(200);
    var echoed = f.json(r); // the echo backend describes the POST it got
    assertThat(echoed.path("method").asText()).isEqualTo("POST");
    assertThat(echoed.path("path").asText()).isEqualTo("/graphql");
    assertThat(echoed.path("host").asText()).isEqualTo("api.example.com");
    var sent = echoed.path("body").isTextual() ? new com.fasterxml.jackson.databind.ObjectMapper().readTree(echoed.path("body").asText())
        : echoed.path("body");
    assertThat(sent.path("variables").path("owner").asText()).isEqualTo("alibaba");
    assertThat(sent.path("variables").path("n").asInt()).isEqualTo(7);
    assertThat(sent.path("query").asText()).contains("repository(owner:$owner");
  }
}
