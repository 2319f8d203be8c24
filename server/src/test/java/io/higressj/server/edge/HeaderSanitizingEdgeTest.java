package io.higressj.server.edge;

import static io.higressj.server.GatewayFixture.ingress;
import static io.higressj.server.GatewayFixture.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.higressj.proxy.ProxyOptions;
import io.higressj.server.GatewayFixture;
import io.higressj.server.RawHttp;
import io.higressj.server.ServerOptions;
import io.higressj.testing.echo.EchoServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Underscore headers, internal headers, X-Forwarded-For trust, h2c and WebSocket upgrades. */
class HeaderSanitizingEdgeTest {
  @TempDir Path dir;
  GatewayFixture f;
  EchoServer echo;
  ScriptedUpstream raw;

  private int start(ProxyOptions options) throws Exception {
    f = new GatewayFixture(dir);
    echo = f.echo("ns1", "echo");
    raw = new ScriptedUpstream(head -> head.toLowerCase(Locale.ROOT).contains("upgrade: websocket")
        ? "HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\nno"
        : "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh");
    f.write("services/echo.yaml", service("ns1", "echo", echo.port()));
    f.write("ingresses/foo.yaml", ingress("ns1", "foo", "foo.com", "Prefix", "/", "echo"));
    f.write("services/raw.yaml", service("ns1", "raw", raw.port()));
    f.write("ingresses/raw.yaml", ingress("ns1", "raw", "raw.com", "Prefix", "/", "raw"));
    f.start(ServerOptions.forTest(dir).withProxy(options));
    return f.gateway().httpPort();
  }

  @AfterEach
  void stop() throws Exception {
    f.close();
    raw.close();
  }

  /** The header names the upstream received, lower-cased. */
  private static List<String> names(JsonNode headers) {
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = headers.fieldNames(); it.hasNext(); ) out.add(it.next().toLowerCase(Locale.ROOT));
    return out;
  }

  private static JsonNode header(JsonNode headers, String name) {
    for (Iterator<String> it = headers.fieldNames(); it.hasNext(); ) {
      String n = it.next();
      if (n.equalsIgnoreCase(name)) return headers.get(n);
    }
    return null;
  }

  private static JsonNode echoed(int port, String extraHeaders) throws Exception {
    try (RawHttp c = new RawHttp(port)) {
      c.send("GET /h HTTP/1.1\r\nHost: foo.com\r\n" + extraHeaders + "\r\n");
      RawHttp.Response r = c.read();
      assertThat(r.status()).isEqualTo(200);
      return GatewayFixture.JSON.readTree(r.body()).path("headers");
    }
  }

  @Test
  void underscoreHeadersAreForwardedByDefault() throws Exception {
    int port = start(ProxyOptions.defaults());
    assertThat(names(echoed(port, "enum_payload: enum_string_1\r\n"))).contains("enum_payload");
  }

  @Test
  void underscoreHeadersCanBeDropped() throws Exception {
    int port = start(ProxyOptions.defaults().toBuilder().headersWithUnderscores(ProxyOptions.HeadersWithUnderscores.DROP).build());
    List<String> names = names(echoed(port, "X_Auth_User: admin\r\nX-Auth-User: alice\r\n"));
    assertThat(names).doesNotContain("x_auth_user").contains("x-auth-user");
  }

  @Test
  void underscoreHeadersCanBeRefused() throws Exception {
    int port = start(ProxyOptions.defaults().toBuilder().headersWithUnderscores(ProxyOptions.HeadersWithUnderscores.REJECT).build());
    try (RawHttp c = new RawHttp(port)) {
      c.send("GET /h HTTP/1.1\r\nHost: foo.com\r\nX_Auth_User: admin\r\n\r\n" + RawHttp.get("foo.com", "/next"));
      String all = c.readToEnd();
      assertThat(all).startsWith("HTTP/1.1 400 ");
      assertThat(all.split("HTTP/1.1 ", -1)).hasSize(2);
    }
    assertThat(echo.recentRequests()).isEmpty();
  }

  @Test
  void internalHeadersFromClientsAreStripped() throws Exception {
    int port = start(ProxyOptions.defaults());
    JsonNode h = echoed(port, "X-Envoy-Original-Path: /admin\r\nx-envoy-internal: true\r\nX-Higress-Route: r\r\n"
        + "X-Mse-Consumer: admin\r\nX-Higress-Nonce: abc\r\nX-Kept: k\r\n");
    assertThat(names(h)).doesNotContain("x-envoy-original-path", "x-envoy-internal", "x-higress-route", "x-mse-consumer")
        .contains("x-higress-nonce", "x-kept");
  }

  @Test
  void forwardedForIsAppendedButNotTrustedWithoutTrustedHops() throws Exception {
    int port = start(ProxyOptions.defaults());
    JsonNode h = echoed(port, "X-Forwarded-For: 6.6.6.6\r\nX-Real-IP: 6.6.6.6\r\n");
    assertThat(header(h, "x-forwarded-for").get(0).asText()).isEqualTo("6.6.6.6, 127.0.0.1");
    assertThat(header(h, "x-real-ip").get(0).asText()).isEqualTo("127.0.0.1");
  }

  @Test
  void forwardedForTrustsTheConfiguredNumberOfHops() throws Exception {
    int port = start(ProxyOptions.defaults().toBuilder().xffNumTrustedHops(2).build());
    JsonNode h = echoed(port, "X-Forwarded-For: 6.6.6.6, 1.2.3.4\r\nX-Forwarded-For: 10.0.0.1\r\n");
    assertThat(header(h, "x-forwarded-for").get(0).asText()).isEqualTo("6.6.6.6, 1.2.3.4, 10.0.0.1, 127.0.0.1");
    assertThat(header(h, "x-real-ip").get(0).asText()).isEqualTo("1.2.3.4");
    JsonNode few = echoed(port, "X-Forwarded-For: 10.0.0.1\r\n"); // fewer addresses than hops: the peer
    assertThat(header(few, "x-real-ip").get(0).asText()).isEqualTo("127.0.0.1");
  }

  @Test
  void upgradeH2cIsNeverForwardedUpstream() throws Exception {
    int port = start(ProxyOptions.defaults());
    // no HTTP2-Settings token in Connection: the gateway does not upgrade, and must not pass the offer on
    JsonNode h = echoed(port, "Connection: Upgrade\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n");
    assertThat(names(h)).doesNotContain("upgrade", "http2-settings", "connection");
  }

  @Test
  void anH2cUpgradeAfterTheFirstRequestIsServedOverHttp11() throws Exception {
    int port = start(ProxyOptions.defaults());
    try (RawHttp c = new RawHttp(port)) {
      assertThat(c.request("foo.com", "/first").status()).isEqualTo(200);
      // a complete h2c offer (the first request of a connection would be upgraded: GatewayEndToEndTest)
      c.send("GET /second HTTP/1.1\r\nHost: foo.com\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
          + "HTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n");
      RawHttp.Response second = c.read();
      assertThat(second.status()).as("ignored, not 101: the connection stays HTTP/1.1").isEqualTo(200);
      JsonNode h = GatewayFixture.JSON.readTree(second.body()).path("headers");
      assertThat(names(h)).doesNotContain("upgrade", "http2-settings", "connection");
      assertThat(c.request("foo.com", "/third").status()).isEqualTo(200);
    }
  }

  @Test
  void aWebSocketUpgradeAnsweredWithoutA101DoesNotBecomeATunnel() throws Exception {
    int port = start(ProxyOptions.defaults());
    try (RawHttp c = new RawHttp(port)) {
      c.send("GET /ws HTTP/1.1\r\nHost: raw.com\r\nConnection: Upgrade\r\nUpgrade: websocket, h2c\r\n"
          + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
      RawHttp.Response refused = c.read();
      assertThat(refused.status()).isEqualTo(403);
      assertThat(refused.body()).isEqualTo("no");
      // still HTTP: a request is parsed and served as one
      assertThat(c.request("raw.com", "/after").body()).isEqualTo("fresh");
      // a WebSocket frame is not HTTP: refused, never spliced to the upstream
      c.send("\u0081\u0085\u0037\u00fa\u0021\u003d\u007f\u009f\u004d\u0051\u0058");
      String all = c.readToEnd();
      assertThat(all).startsWith("HTTP/1.1 400 ");
    }
    String got = raw.allReceived();
    assertThat(got.toLowerCase(Locale.ROOT)).contains("upgrade: websocket\r\n").doesNotContain("h2c");
    assertThat(got).contains("GET /after ").doesNotContain("\u0081");
  }
}
