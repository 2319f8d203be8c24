package io.higressj.server.plugin;

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

/** The built-in security plugins (module plugins) behind WasmPlugin objects with Higress's URLs. */
class SecurityPluginsEndToEndTest {
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

  HttpResponse<String> withRealIp(String ip) throws Exception {
    HttpRequest.Builder b = GatewayFixture.withHost(HttpRequest.newBuilder(URI.create(f.base() + "/info")), "foo.com")
        .header("X-Real-IP", ip);
    return f.client().send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void ipRestrictionReadsTheClientsXRealIpWhichNeverReachesTheBackend() throws Exception {
    f.write("wasmplugins/ip.yaml", """
        apiVersion: extensions.higress.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: ip-restriction-deny, namespace: higress-system}
        spec:
          url: oci://higress-registry.cn-hangzhou.cr.aliyuncs.com/plugins/ip-restriction:2.0.0
          defaultConfig:
            ip_source_type: header
            ip_header_name: x-real-ip
            deny: [192.168.0.1/16, 10.0.0.1]
        """);
    HttpResponse<String> denied = f.await("foo.com", "/info", x -> {
      try {
        return withRealIp("10.0.0.1").statusCode() == 403;
      } catch (Exception e) {
        return false;
      }
    });
    assertThat(denied).isNotNull();
    HttpResponse<String> blocked = withRealIp("192.168.5.0");
    assertThat(blocked.statusCode()).isEqualTo(403);
    assertThat(blocked.body()).isEqualTo("Your IP address is blocked.");
    HttpResponse<String> ok = withRealIp("10.0.0.2");
    assertThat(ok.statusCode()).isEqualTo(200);
    // the backend gets the gateway's trusted client address, not what the client claimed
    var headers = f.json(ok).path("headers");
    String realIp = null;
    for (var it = headers.fieldNames(); it.hasNext(); ) {
      String n = it.next();
      if (n.equalsIgnoreCase("x-real-ip")) realIp = headers.path(n).get(0).asText();
    }
    assertThat(realIp).isEqualTo("127.0.0.1");
  }

  @Test
  void goAndCppRequestBlockUrlsNameTheBuiltInPlugin() throws Exception {
    f.write("wasmplugins/rb.yaml", """
        apiVersion: extensions.higress.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: request-block, namespace: higress-system}
        spec:
          url: file:///opt/plugins/wasm-cpp/extensions/request_block/plugin.wasm
          defaultConfig:
            block_urls: [swagger.html]
        """);
    HttpResponse<String> r = f.await("foo.com", "/swagger.html", x -> x.statusCode() == 403);
    assertThat(r.statusCode()).isEqualTo(403);
    f.write("wasmplugins/rb.yaml", """
        apiVersion: extensions.higress.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: request-block, namespace: higress-system}
        spec:
          url: oci://higress-registry.cn-hangzhou.cr.aliyuncs.com/plugins/go-request-block:2.0.0
          defaultConfig:
            block_exact_urls: [/web/info]
        """);
    f.await("foo.com", "/swagger.html", x -> x.statusCode() == 200);
    assertThat(f.get("foo.com", "/web/info").statusCode()).isEqualTo(403);
  }
}
