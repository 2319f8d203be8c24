package io.higressj.server;

import static io.higressj.server.GatewayFixture.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.testing.echo.EchoServer;
import io.higressj.testing.tls.CertificateGenerator;
import io.higressj.testing.tls.GeneratedCertificate;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS termination: certificate chosen by SNI (exact, wildcard), default certificate without SNI, h2 by ALPN. */
class TlsEndToEndTest {
  @TempDir Path dir;
  GatewayFixture f;
  GeneratedCertificate foo;
  GeneratedCertificate bar;
  GeneratedCertificate fallback;

  @BeforeEach
  void setUp() throws Exception {
    f = new GatewayFixture(dir);
    EchoServer echo = f.echo("ns1", "echo");
    f.write("services/echo.yaml", service("ns1", "echo", echo.port()));
    GeneratedCertificate ca = CertificateGenerator.ca();
    foo = CertificateGenerator.server(ca, List.of("foo.com"));
    bar = CertificateGenerator.server(ca, List.of("*.bar.com"));
    fallback = CertificateGenerator.server(ca, List.of("default.local"));
    f.write("secrets/tls.yaml", secret("foo-tls", foo) + "---\n" + secret("bar-tls", bar) + "---\n" + secret("default-tls", fallback));
    f.write("ingresses/tls.yaml", """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: foo, namespace: ns1}
        spec:
          tls: [{hosts: [foo.com], secretName: foo-tls}]
          rules:
          - host: foo.com
            http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: echo, port: {number: 8080}}}}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: bar, namespace: ns1}
        spec:
          tls: [{hosts: ["*.bar.com"], secretName: bar-tls}]
          rules:
          - host: "*.bar.com"
            http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: echo, port: {number: 8080}}}}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: catchall, namespace: ns1}
        spec:
          tls: [{secretName: default-tls}]
          rules:
          - http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: echo, port: {number: 8080}}}}]}
        """);
    f.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  static String secret(String name, GeneratedCertificate c) {
    return "apiVersion: v1\nkind: Secret\nmetadata: {name: " + name + ", namespace: ns1}\ntype: kubernetes.io/tls\nstringData:\n"
        + "  tls.crt: |\n" + indent(c.certPem()) + "  tls.key: |\n" + indent(c.keyPem());
  }

  static String indent(String pem) {
    StringBuilder b = new StringBuilder();
    for (String line : pem.split("\n")) b.append("    ").append(line).append('\n');
    return b.toString();
  }

  record TlsResult(X509Certificate peer, String response) {}

  TlsResult handshake(String sni, String host) throws Exception {
    return handshake(sni, host, null);
  }

  /** A handshake offering only {@code protocols} (null: the JDK's defaults), then GET /tls. */
  TlsResult handshake(String sni, String host, String[] protocols) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {new X509TrustManager() {
      public void checkClientTrusted(X509Certificate[] c, String a) {}
      public void checkServerTrusted(X509Certificate[] c, String a) {}
      public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }}, new SecureRandom());
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", f.gateway.httpsPort())) {
      SSLParameters p = s.getSSLParameters();
      p.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
      if (protocols != null) p.setProtocols(protocols);
      s.setSSLParameters(p);
      s.setSoTimeout(10_000);
      s.startHandshake();
      X509Certificate peer = (X509Certificate) s.getSession().getPeerCertificates()[0];
      OutputStream out = s.getOutputStream();
      out.write(("GET /tls HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      List<String> lines = new ArrayList<>();
      for (String l; (l = in.readLine()) != null; ) lines.add(l);
      return new TlsResult(peer, String.join("\n", lines));
    }
  }

  @Test
  void certificateBySni() throws Exception {
    TlsResult r = handshake("foo.com", "foo.com");
    assertThat(r.peer()).isEqualTo(foo.cert());
    assertThat(r.response()).startsWith("HTTP/1.1 200").contains("\"X-Forwarded-Proto\":[\"https\"]");

    TlsResult w = handshake("api.bar.com", "api.bar.com");
    assertThat(w.peer()).isEqualTo(bar.cert());
    assertThat(w.response()).startsWith("HTTP/1.1 200");
  }

  @Test
  void moreCertificatesThanAreBuiltAtOnceAreEachServedForTheirHost() throws Exception {
    // a Secret per host, as cert-manager makes them: beyond the first 32 new ones, contexts are built at
    // the first handshake that needs them
    int hosts = io.higressj.proxy.tls.ServerCertificates.EAGER_BUILDS + 8;
    StringBuilder secrets = new StringBuilder();
    StringBuilder ingresses = new StringBuilder();
    for (int i = 0; i < hosts; i++) {
      String host = "h" + i + ".many.test";
      secrets.append(secret("many-" + i, i % 2 == 0 ? foo : bar)).append("---\n");
      ingresses.append("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: many-").append(i)
          .append(", namespace: ns1}\nspec:\n  tls: [{hosts: [").append(host).append("], secretName: many-").append(i)
          .append("}]\n  rules:\n  - host: ").append(host).append("\n    http: {paths: [{path: /, pathType: Prefix,")
          .append(" backend: {service: {name: echo, port: {number: 8080}}}}]}\n---\n");
    }
    f.write("secrets/many.yaml", secrets.toString());
    f.write("ingresses/many.yaml", ingresses.toString());
    // (the catch-all Ingress answers every host over plain HTTP: wait for the certificates themselves)
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
    while (!f.gateway.snapshot().tls().byHost().containsKey("h" + (hosts - 1) + ".many.test")) {
      assertThat(deadline - System.nanoTime()).as("certificates applied").isPositive();
      Thread.sleep(20);
    }
    for (int i = hosts - 1; i >= 0; i--) {
      String host = "h" + i + ".many.test";
      TlsResult r = handshake(host, host);
      assertThat(r.peer()).as(host).isEqualTo(i % 2 == 0 ? foo.cert() : bar.cert());
      assertThat(r.response()).as(host).startsWith("HTTP/1.1 200");
    }
    assertThat(f.gateway.snapshot().problems()).isEmpty();
  }

  @Test
  void tlsProtocolVersionAnnotationsBoundTheVersionsOfTheirHost() throws Exception {
    String[] tls12 = {"TLSv1.2"};
    String[] tls13 = {"TLSv1.3"};
    assertThat(handshake("foo.com", "foo.com", tls12).response()).startsWith("HTTP/1.1 200");
    f.write("ingresses/tls.yaml", Files.readString(dir.resolve("ingresses/tls.yaml")).replace(
        "metadata: {name: foo, namespace: ns1}",
        "metadata: {name: foo, namespace: ns1, annotations: {higress.io/tls-min-protocol-version: TLSv1.3}}"));
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      try {
        handshake("foo.com", "foo.com", tls12);
      } catch (javax.net.ssl.SSLException e) {
        break; // TLS 1.2 refused now
      }
      if (System.nanoTime() > deadline) throw new AssertionError("TLS 1.2 still accepted for foo.com");
      Thread.sleep(20);
    }
    assertThat(handshake("foo.com", "foo.com", tls13).response()).startsWith("HTTP/1.1 200");
    // other hosts keep the defaults
    assertThat(handshake("api.bar.com", "api.bar.com", tls12).response()).startsWith("HTTP/1.1 200");
  }

  @Test
  void defaultCertificateWithoutSniOrForUnknownNames() throws Exception {
    assertThat(handshake(null, "anything").peer()).isEqualTo(fallback.cert());
    assertThat(handshake("unknown.example", "unknown.example").peer()).isEqualTo(fallback.cert());
  }

  @Test
  void http2OverTlsWithAlpn() throws Exception {
    int port = f.gateway.httpsPort();
    Process p = new ProcessBuilder("curl", "-sk", "--http2", "--resolve", "foo.com:" + port + ":127.0.0.1",
        "-w", "\n%{http_version} %{http_code}", "https://foo.com:" + port + "/h2tls").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).isZero();
    assertThat(out).endsWith("2 200").contains("\"path\":\"/h2tls\"").contains("\"X-Forwarded-Proto\":[\"https\"]");
  }
}
