package io.higressj.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.higressj.testing.echo.EchoServer;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gateway API end to end: Gateways from the configuration directory get listeners on the ports they
 * declare (through the port map), live; HTTPRoutes route on them; status is served on {@code /status};
 * Ingress keeps its own ports.
 */
class GatewayApiEndToEndTest {
  @TempDir
  Path dir;

  static final String CLASS = """
      apiVersion: gateway.networking.k8s.io/v1
      kind: GatewayClass
      metadata: {name: higress}
      spec: {controllerName: higress.io/gateway-controller}
      """;

  static String gateway(String name, int port) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: %1$s, namespace: ns}
        spec:
          gatewayClassName: higress
          listeners:
          - {name: http, port: %2$d, protocol: HTTP}
        """.formatted(name, port);
  }

  static String route(String name, String gateway, String host, String path, String service) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: %1$s, namespace: ns}
        spec:
          parentRefs: [{name: %2$s}]
          hostnames: [%3$s]
          rules:
          - matches: [{path: {type: PathPrefix, value: %4$s}}]
            filters:
            - type: RequestHeaderModifier
              requestHeaderModifier: {set: [{name: X-Route, value: %1$s}]}
            backendRefs: [{name: %5$s, port: 8080}]
        """.formatted(name, gateway, host, path, service);
  }

  static void await(String what, BooleanSupplier ok) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!ok.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
      Thread.sleep(5);
    }
  }

  @Test
  void gatewayListenersAreBoundLiveThroughThePortMapAndServeTheirRoutes() throws Exception {
    try (GatewayFixture f = new GatewayFixture(dir)) {
      EchoServer echo = f.echo("ns", "app");
      f.write("services/app.yaml", GatewayFixture.service("ns", "app", echo.port()));
      f.write("gatewayclasses/higress.yaml", CLASS);
      f.write("gateways/a.yaml", gateway("a", 80));
      f.write("httproutes/a.yaml", route("ra", "a", "a.example.com", "/", "app"));
      f.start(); // ServerOptions.forTest maps every listener port to a free one (*=0)
      GatewayServer g = f.gateway();
      await("listener ns/a:80", () -> g.gatewayListenerPort("ns/a:80") > 0);
      int portA = g.gatewayListenerPort("ns/a:80");
      assertThat(portA).isNotEqualTo(80).isNotEqualTo(g.httpPort());

      try (RawHttp conn = new RawHttp(portA)) {
        RawHttp.Response r = conn.request("a.example.com", "/x");
        assertThat(r.status()).isEqualTo(200);
        assertThat(f.JSON.readTree(r.body()).path("headers").path("X-Route").get(0).asText()).isEqualTo("ra");
        assertThat(conn.request("other.example.com", "/x").status()).as("host not on the route").isEqualTo(404);

        // a second Gateway appears: its own port, while the first connection keeps working
        f.write("gateways/b.yaml", gateway("b", 8080));
        f.write("httproutes/b.yaml", route("rb", "b", "b.example.com", "/", "app"));
        await("listener ns/b:8080", () -> g.gatewayListenerPort("ns/b:8080") > 0);
        int portB = g.gatewayListenerPort("ns/b:8080");
        // the two files may be applied one at a time: the listener can be bound before its route arrives
        await("route rb on ns/b:8080", () -> {
          try (RawHttp c = new RawHttp(portB)) {
            return c.request("b.example.com", "/y").status() == 200;
          } catch (Exception e) {
            return false;
          }
        });
        try (RawHttp connB = new RawHttp(portB)) {
          RawHttp.Response rb = connB.request("b.example.com", "/y");
          assertThat(rb.status()).isEqualTo(200);
          assertThat(f.JSON.readTree(rb.body()).path("headers").path("X-Route").get(0).asText()).isEqualTo("rb");
        }
        assertThat(conn.request("a.example.com", "/again").status()).isEqualTo(200);

        JsonNode dump = f.JSON.readTree(f.adminGet("/config_dump"));
        boolean listed = false;
        for (JsonNode l : dump.path("listeners")) {
          if (l.path("gateway").path("name").asText().equals("b") && l.path("gatewayPort").asInt() == 8080) {
            listed = l.path("port").asInt() == portB && l.path("gateway").path("namespace").asText().equals("ns");
          }
        }
        assertThat(listed).as("/config_dump lists ns/b:8080 with its bound port").isTrue();

        // the Gateway goes away: its port closes, the other listener's connection carries on
        f.delete("gateways/b.yaml");
        await("listener ns/b:8080 closed", () -> g.gatewayListenerPort("ns/b:8080") < 0);
        assertThatThrownBy(() -> new Socket("127.0.0.1", portB).close()).isInstanceOf(ConnectException.class);
        assertThat(conn.request("a.example.com", "/still").status()).isEqualTo(200);
      }
    }
  }

  @Test
  void aFixedPortMapBindsThePortGiven() throws Exception {
    int free;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      free = s.getLocalPort();
    }
    try (GatewayFixture f = new GatewayFixture(dir)) {
      EchoServer echo = f.echo("ns", "app");
      f.write("services/app.yaml", GatewayFixture.service("ns", "app", echo.port()));
      f.write("gatewayclasses/higress.yaml", CLASS);
      f.write("gateways/a.yaml", gateway("a", 80));
      f.write("httproutes/a.yaml", route("ra", "a", "a.example.com", "/", "app"));
      f.start(ServerOptions.forTest(dir).withListenerPorts(ServerOptions.parseListenerPortMap("80=" + free)));
      assertThat(f.gateway().gatewayListenerPort("ns/a:80")).isEqualTo(free);
      try (RawHttp conn = new RawHttp(free)) {
        assertThat(conn.request("a.example.com", "/").status()).isEqualTo(200);
      }
    }
  }

  @Test
  void ingressAndGatewayApiShareOneConfigurationAndKeepTheirPorts() throws Exception {
    try (GatewayFixture f = new GatewayFixture(dir)) {
      EchoServer echo = f.echo("ns", "app");
      f.write("services/app.yaml", GatewayFixture.service("ns", "app", echo.port()));
      f.write("ingresses/i.yaml", GatewayFixture.ingress("ns", "i", "ingress.example.com", "Prefix", "/", "app"));
      f.write("gatewayclasses/higress.yaml", CLASS);
      f.write("gateways/a.yaml", gateway("a", 80));
      f.write("httproutes/a.yaml", route("ra", "a", "gw.example.com", "/", "app"));
      f.start();
      GatewayServer g = f.gateway();
      assertThat(f.get("ingress.example.com", "/").statusCode()).isEqualTo(200);
      assertThat(f.get("gw.example.com", "/").statusCode()).as("HTTPRoutes are not on the Ingress port").isEqualTo(404);
      try (RawHttp conn = new RawHttp(g.gatewayListenerPort("ns/a:80"))) {
        assertThat(conn.request("gw.example.com", "/").status()).isEqualTo(200);
        assertThat(conn.request("ingress.example.com", "/").status()).as("Ingresses are not on Gateway ports").isEqualTo(404);
      }
    }
  }

  @Test
  void statusIsServedOnTheAdminEndpoint() throws Exception {
    try (GatewayFixture f = new GatewayFixture(dir)) {
      f.write("gatewayclasses/higress.yaml", CLASS);
      f.write("gateways/a.yaml", gateway("a", 80));
      f.write("httproutes/a.yaml", route("ra", "a", "a.example.com", "/", "missing"));
      f.start();
      JsonNode items = f.JSON.readTree(f.adminGet("/status")).path("items");
      Map<String, JsonNode> byKind = new java.util.HashMap<>();
      for (JsonNode i : items) byKind.put(i.path("kind").asText() + " " + i.path("metadata").path("name").asText(), i.path("status"));
      assertThat(byKind.get("GatewayClass higress").path("conditions").get(0).path("status").asText()).isEqualTo("True");
      JsonNode gw = byKind.get("Gateway a");
      assertThat(gw.path("listeners").get(0).path("attachedRoutes").asInt()).isEqualTo(1);
      JsonNode parent = byKind.get("HTTPRoute ra").path("parents").get(0);
      assertThat(parent.path("controllerName").asText()).isEqualTo("higress.io/gateway-controller");
      assertThat(parent.path("conditions").toString()).contains("\"type\":\"ResolvedRefs\",\"status\":\"False\",\"reason\":\"BackendNotFound\"");

      // standalone mode: the status goes into the objects' files, once (no reload loop)
      Path routeFile = dir.resolve("httproutes/a.yaml");
      await("status in the HTTPRoute's file", () -> {
        try {
          return java.nio.file.Files.readString(routeFile).contains("reason: BackendNotFound");
        } catch (java.io.IOException e) {
          return false;
        }
      });
      await("status in the Gateway's file", () -> {
        try {
          return java.nio.file.Files.readString(dir.resolve("gateways/a.yaml")).contains("attachedRoutes: 1");
        } catch (java.io.IOException e) {
          return false;
        }
      });
      Thread.sleep(300);
      long version = f.JSON.readTree(f.adminGet("/config_dump")).path("version").asLong();
      Thread.sleep(500);
      assertThat(f.JSON.readTree(f.adminGet("/config_dump")).path("version").asLong()).as("settled").isEqualTo(version);
    }
  }
}
