package io.higressj.server.plugin;

import static io.higressj.server.GatewayFixture.ingress;
import static io.higressj.server.GatewayFixture.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/**
 * The transformer through a real gateway: header changes re-select the route (the rest of the chain
 * then comes from the new route), body changes keep Content-Length right.
 */
class TransformerEndToEndTest {
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
    f.write("ingresses/default.yaml", ingress("ns1", "default", "foo.com", "Prefix", "/", "echo"));
    // same host and path, only for x-user-id: 1, to the other service
    f.write("ingresses/target.yaml", """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: target
          namespace: ns1
          annotations: {higress.io/exact-match-header-x-user-id: "1"}
        spec:
          ingressClassName: higress
          rules:
          - host: foo.com
            http:
              paths:
              - {path: /, pathType: Prefix, backend: {service: {name: other, port: {number: 8080}}}}
        """);
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

  void transformer(String config) throws Exception {
    f.write("wasmplugins/transformer.yaml", """
        apiVersion: extensions.higress.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: transformer, namespace: higress-system}
        spec:
          priority: 400
          url: file:///opt/plugins/wasm-go/extensions/transformer/plugin.wasm
          matchRules:
          - ingress: [ns1/default]
            config:
        %s""".formatted(config.indent(6)));
  }

  void customResponseOnTarget() throws Exception {
    f.write("wasmplugins/custom.yaml", """
        apiVersion: extensions.higress.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: custom, namespace: higress-system}
        spec:
          priority: 200
          url: oci://higress-registry.cn-hangzhou.cr.aliyuncs.com/plugins/go-custom-response:2.0.0
          matchRules:
          - ingress: [ns1/target]
            config:
              headers: [x-matched=rerouted]
              body: '{"hello":"world"}'
        """);
  }

  @Test
  void aHeaderMappedByTheTransformerReroutesAndTheNewRoutesPluginsRun() throws Exception {
    customResponseOnTarget();
    transformer("""
        reqRules:
        - operate: map
          mapSource: querys
          headers: [{fromKey: userId, toKey: x-user-id}]
        """);
    HttpResponse<String> r = f.await("foo.com", "/?userId=1", x -> "rerouted".equals(x.headers().firstValue("x-matched").orElse(null)));
    assertThat(r.body()).isEqualTo("{\"hello\":\"world\"}");
    // without the parameter: no header change, the default route's backend
    HttpResponse<String> plain = send(req("/get"));
    assertThat(plain.statusCode()).isEqualTo(200);
    assertThat(plain.headers().firstValue("x-matched")).isEmpty();
    assertThat(f.json(plain).path("pod").asText()).isNotEqualTo(f.json(send(req("/get").header("x-user-id", "1"))).path("pod").asText());
  }

  @Test
  void aRerouteToARouteWithoutPluginsGoesToItsBackend() throws Exception {
    transformer("""
        reqRules:
        - operate: add
          headers: [{key: x-user-id, value: "1"}]
        """);
    String otherPod = f.json(send(req("/").header("x-user-id", "1"))).path("pod").asText();
    assertThat(otherPod).isEqualTo(f.json(send(req("/"))).path("pod").asText().replace("echo", "other"));
    HttpResponse<String> r = f.await("foo.com", "/x", x -> x.statusCode() == 200 && x.body().contains("\"X-User-Id\""));
    assertThat(f.json(r).path("pod").asText()).isEqualTo(otherPod);
  }

  @Test
  void anUnrelatedHeaderChangeAndRerouteFalseKeepTheRoute() throws Exception {
    customResponseOnTarget();
    String echoPod = f.json(send(req("/"))).path("pod").asText();
    transformer("""
        reqRules:
        - operate: add
          headers: [{key: x-unrelated, value: "1"}]
        """);
    HttpResponse<String> r = f.await("foo.com", "/x", x -> x.body().contains("\"X-Unrelated\""));
    assertThat(f.json(r).path("pod").asText()).isEqualTo(echoPod);
    assertThat(r.headers().firstValue("x-matched")).isEmpty();

    transformer("""
        reroute: false
        reqRules:
        - operate: add
          headers: [{key: x-user-id, value: "1"}]
        """);
    HttpResponse<String> kept = f.await("foo.com", "/x", x -> x.body().contains("\"X-User-Id\""));
    assertThat(f.json(kept).path("pod").asText()).isEqualTo(echoPod);
    assertThat(kept.headers().firstValue("x-matched")).isEmpty();
  }

  @Test
  void jsonBodyOperationsKeepContentLengthRight() throws Exception {
    transformer("""
        reqRules:
        - operate: remove
          body: [{key: secret}]
        - operate: add
          body: [{key: meta.added, value: "a-much-longer-value-than-before"}]
        - operate: map
          mapSource: body
          headers: [{fromKey: user.id, toKey: x-body-user}]
        """);
    String body = "{\"secret\":\"s\",\"user\":{\"id\":\"u7\"}}";
    f.await("foo.com", "/x", x -> {
      try {
        return send(req("/post").header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)))
            .body().contains("a-much-longer");
      } catch (Exception e) {
        return false;
      }
    });
    HttpResponse<String> post = send(req("/post").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
    JsonNode j = f.json(post);
    JsonNode tree = j.path("body").isTextual() ? new ObjectMapper().readTree(j.path("body").asText()) : j.path("body");
    String sent = new ObjectMapper().writeValueAsString(tree);
    assertThat(tree.has("secret")).isFalse();
    assertThat(tree.path("meta").path("added").asText()).isEqualTo("a-much-longer-value-than-before");
    assertThat(j.path("headers").path("Content-Length").get(0).asText()).isEqualTo(String.valueOf(sent.getBytes().length));
    assertThat(j.path("headers").path("X-Body-User").get(0).asText()).isEqualTo("u7");
  }
}
