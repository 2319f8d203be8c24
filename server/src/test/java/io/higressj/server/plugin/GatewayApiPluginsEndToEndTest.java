package io.higressj.server.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.server.GatewayFixture;
import io.higressj.server.GatewayServer;
import io.higressj.server.RawHttp;
import io.higressj.testing.echo.EchoServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WasmPlugin rules (domain, defaultConfig) reach the routes of Gateway API listeners, as Ingress routes. */
class GatewayApiPluginsEndToEndTest {
  @TempDir Path dir;

  @Test
  void domainRulesApplyToHttpRoutes() throws Exception {
    try (GatewayFixture f = new GatewayFixture(dir)) {
      EchoServer echo = f.echo("ns", "app");
      f.write("services/app.yaml", GatewayFixture.service("ns", "app", echo.port()));
      f.write("gateway.yaml", """
          apiVersion: gateway.networking.k8s.io/v1
          kind: GatewayClass
          metadata: {name: higress}
          spec: {controllerName: higress.io/gateway-controller}
          ---
          apiVersion: gateway.networking.k8s.io/v1
          kind: Gateway
          metadata: {name: gw, namespace: ns}
          spec:
            gatewayClassName: higress
            listeners:
            - {name: http, port: 80, protocol: HTTP}
          ---
          apiVersion: gateway.networking.k8s.io/v1
          kind: HTTPRoute
          metadata: {name: r, namespace: ns}
          spec:
            parentRefs: [{name: gw}]
            hostnames: [a.example.com, b.example.com]
            rules:
            - backendRefs: [{name: app, port: 8080}]
          """);
      f.write("wasmplugins/p.yaml", PluginEndToEndTest.wasmPlugin("p", "test-plugin", """
          defaultConfigDisable: true
          matchRules:
          - domain: [a.example.com]
            config: {tag: a, blockPrefix: /secret}
          """));
      f.start();
      GatewayServer g = f.gateway();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (g.gatewayListenerPort("ns/gw:80") < 0 && System.nanoTime() < deadline) Thread.sleep(5);
      int port = g.gatewayListenerPort("ns/gw:80");
      try (RawHttp c = new RawHttp(port)) {
        RawHttp.Response blocked = c.request("a.example.com", "/secret/x");
        assertThat(blocked.status()).isEqualTo(403);
        assertThat(blocked.body()).isEqualTo("blocked by a");
      }
      try (RawHttp c = new RawHttp(port)) {
        assertThat(c.request("b.example.com", "/secret/x").status()).as("rule for another domain").isEqualTo(200);
        assertThat(c.request("a.example.com", "/open").status()).isEqualTo(200);
      }
    }
  }
}
