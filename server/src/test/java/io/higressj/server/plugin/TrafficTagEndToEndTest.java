package io.higressj.server.plugin;

import static io.higressj.server.GatewayFixture.ingress;
import static io.higressj.server.GatewayFixture.service;
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

/** traffic-tag's header picks the canary route (canary-by-header) in the same request: a gray release. */
class TrafficTagEndToEndTest {
  @TempDir Path dir;
  GatewayFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new GatewayFixture(dir);
    EchoServer base = f.echo("ns1", "echo");
    EchoServer gray = f.echo("ns1", "echo-gray");
    f.write("services/echo.yaml", service("ns1", "echo", base.port()));
    f.write("services/echo-gray.yaml", service("ns1", "echo-gray", gray.port()));
    f.write("ingresses/foo.yaml", ingress("ns1", "foo", "foo.com", "Prefix", "/", "echo"));
    f.write("ingresses/foo-gray.yaml", ingress("ns1", "foo-gray", "foo.com", "Prefix", "/", "echo-gray").replace(
        "metadata: {name: foo-gray, namespace: ns1}",
        "metadata:\n  name: foo-gray\n  namespace: ns1\n  annotations:\n    nginx.ingress.kubernetes.io/canary: \"true\"\n"
            + "    nginx.ingress.kubernetes.io/canary-by-header: x-mse-tag\n"
            + "    nginx.ingress.kubernetes.io/canary-by-header-value: gray"));
    f.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  String servedBy(String role) throws Exception {
    HttpRequest.Builder b = GatewayFixture.withHost(HttpRequest.newBuilder(URI.create(f.base() + "/info")), "foo.com");
    if (role != null) b.header("role", role);
    HttpResponse<String> r = f.client().send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return f.json(r).path("pod").asText();
  }

  @Test
  void taggedRequestsGoToTheCanary() throws Exception {
    assertThat(servedBy("tester")).isEqualTo("echo-pod");
    f.write("wasmplugins/tag.yaml", """
        apiVersion: extensions.higress.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: traffic-tag, namespace: higress-system}
        spec:
          url: oci://higress-registry.cn-hangzhou.cr.aliyuncs.com/plugins/traffic-tag:1.0.0
          defaultConfig:
            conditionGroups:
            - headerName: x-mse-tag
              headerValue: gray
              logic: and
              conditions: [{conditionType: header, key: role, operator: equal, value: [tester]}]
        """);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline && !servedBy("tester").equals("echo-gray-pod")) Thread.sleep(20);
    assertThat(servedBy("tester")).isEqualTo("echo-gray-pod");
    assertThat(servedBy("user")).isEqualTo("echo-pod");
    assertThat(servedBy(null)).isEqualTo("echo-pod");
  }
}
