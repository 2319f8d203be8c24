package io.higressj.server;

import static io.higressj.server.GatewayFixture.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.testing.echo.EchoServer;
import io.higressj.testing.tls.CertificateGenerator;
import io.higressj.testing.tls.GeneratedCertificate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sni-misdirect sees the TLS server name of the real connection: 421 for another host on an h2 connection. */
class SniMisdirectEndToEndTest {
  @TempDir Path dir;
  GatewayFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new GatewayFixture(dir);
    EchoServer echo = f.echo("ns1", "echo");
    f.write("services/echo.yaml", service("ns1", "echo", echo.port()));
    GeneratedCertificate ca = CertificateGenerator.ca();
    // one certificate for both names: a browser may then reuse one h2 connection for both hosts
    GeneratedCertificate both = CertificateGenerator.server(ca, List.of("foo.com", "*.bar.com"));
    f.write("secrets/tls.yaml", TlsEndToEndTest.secret("both-tls", both));
    f.write("ingresses/tls.yaml", """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: both, namespace: ns1}
        spec:
          tls: [{hosts: [foo.com, "*.bar.com"], secretName: both-tls}]
          rules:
          - host: foo.com
            http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: echo, port: {number: 8080}}}}]}
          - host: "*.bar.com"
            http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: echo, port: {number: 8080}}}}]}
        """);
    f.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  /** curl to 127.0.0.1 with SNI {@code sni} and Host/:authority {@code host}; returns "version status" */
  String curl(String sni, String host, String version) throws Exception {
    int port = f.gateway.httpsPort();
    List<String> cmd = new ArrayList<>(List.of("curl", "-sk", version, "--resolve", sni + ":" + port + ":127.0.0.1",
        "-o", "/dev/null", "-w", "%{http_version} %{http_code}", "-H", "Host: " + host, "https://" + sni + ":" + port + "/x"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return out.strip();
  }

  @Test
  void otherHostOnTheSameH2ConnectionIs421() throws Exception {
    assertThat(curl("foo.com", "api.bar.com", "--http2")).isEqualTo("2 200"); // without the plugin
    f.write("wasmplugins/sni.yaml", """
        apiVersion: extensions.higress.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: sni-misdirect, namespace: higress-system}
        spec:
          url: file:///opt/plugins/wasm-cpp/extensions/sni_misdirect/plugin.wasm
        """);
    long deadline = System.nanoTime() + 10_000_000_000L;
    String r = "";
    while (System.nanoTime() < deadline && !(r = curl("foo.com", "api.bar.com", "--http2")).equals("2 421")) Thread.sleep(20);
    assertThat(r).isEqualTo("2 421");
    assertThat(curl("foo.com", "foo.com", "--http2")).isEqualTo("2 200");
    assertThat(curl("api.bar.com", "api.bar.com:" + f.gateway.httpsPort(), "--http2")).isEqualTo("2 200");
    assertThat(curl("foo.com", "api.bar.com", "--http1.1")).isEqualTo("1.1 200"); // HTTP/1 is left alone
  }
}
