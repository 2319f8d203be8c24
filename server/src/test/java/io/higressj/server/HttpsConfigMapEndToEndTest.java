package io.higressj.server;

import static io.higressj.server.GatewayFixture.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.higressj.testing.echo.EchoServer;
import io.higressj.testing.tls.CertificateGenerator;
import io.higressj.testing.tls.GeneratedCertificate;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ConfigMap {@code higress-system/higress-https} over real TLS: hosts whose Ingress TLS entry names no
 * Secret, or a missing one, are served with the certificate its {@code credentialConfig} gives their
 * domain ({@code fallbackForInvalidSecret}); editing or deleting the ConfigMap changes the certificates
 * live.
 */
@Timeout(120) // a stuck exchange fails the class instead of hanging the build
class HttpsConfigMapEndToEndTest {
  @TempDir Path dir;
  GatewayFixture f;
  static GeneratedCertificate foo;
  static GeneratedCertificate other;
  static GeneratedCertificate bar;

  @BeforeAll
  static void certificates() {
    GeneratedCertificate ca = CertificateGenerator.ca(); // RSA keys take a while: once per class
    foo = CertificateGenerator.server(ca, List.of("foo.com", "*.foo.com"));
    other = CertificateGenerator.server(ca, List.of("*.foo.com"));
    bar = CertificateGenerator.server(ca, List.of("bar.com"));
  }

  @BeforeEach
  void setUp() throws Exception {
    f = new GatewayFixture(dir);
    EchoServer echo = f.echo("infra", "echo");
    f.write("services/echo.yaml", service("infra", "echo", echo.port()));
    f.write("secrets/tls.yaml", secret("higress-system", "foo-com-secret", foo) + "---\n"
        + secret("certs", "other", other) + "---\n" + secret("infra", "bar-com-secret", bar));
    f.write("ingresses/tls.yaml", ingress("bar", "bar.com", "bar-com-secret") + "---\n"
        + ingress("afoo", "a.foo.com", null) + "---\n" + ingress("bfoo", "b.foo.com", "b-foo-com-secret"));
    // the ConfigMap of the ConfigmapHttps conformance case
    f.write("configmaps/higress-https.yaml", httpsConfigMap("true", "foo-com-secret"));
    f.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  static String httpsConfigMap(String fallback, String tlsSecret) {
    return """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: higress-https, namespace: higress-system}
        data:
          cert: |
            automaticHttps: true
            renewBeforeDays: 30
            fallbackForInvalidSecret: %s
            acmeIssuer:
            - {ak: test, sk: test, email: test@example.com, name: letsencrypt}
            credentialConfig:
            - cacertSecret: foo-com-ca-secret
              domains: [foo.com, "*.foo.com"]
              tlsSecret: %s
            version: test
        """.formatted(fallback, tlsSecret);
  }

  static String secret(String namespace, String name, GeneratedCertificate c) {
    return "apiVersion: v1\nkind: Secret\nmetadata: {name: " + name + ", namespace: " + namespace + "}\n"
        + "type: kubernetes.io/tls\nstringData:\n  tls.crt: |\n" + c.certPem().indent(4) + "  tls.key: |\n" + c.keyPem().indent(4);
  }

  static String ingress(String name, String host, String secret) {
    return """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: %s, namespace: infra}
        spec:
          ingressClassName: higress
          tls:
          - hosts: [%s]
            %s
          rules:
          - host: %2$s
            http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: echo, port: {number: 8080}}}}]}
        """.formatted(name, host, secret == null ? "" : "secretName: " + secret);
  }

  record TlsResult(X509Certificate peer, String response) {}

  TlsResult handshake(String sni) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {new X509TrustManager() {
      public void checkClientTrusted(X509Certificate[] c, String a) {}
      public void checkServerTrusted(X509Certificate[] c, String a) {}
      public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }}, new SecureRandom());
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", f.gateway.httpsPort())) {
      SSLParameters p = s.getSSLParameters();
      p.setServerNames(List.of(new SNIHostName(sni)));
      s.setSSLParameters(p);
      s.setSoTimeout(10_000);
      s.startHandshake();
      X509Certificate peer = (X509Certificate) s.getSession().getPeerCertificates()[0];
      OutputStream out = s.getOutputStream();
      out.write(("GET /https HTTP/1.1\r\nHost: " + sni + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      List<String> lines = new ArrayList<>();
      for (String l; (l = in.readLine()) != null; ) lines.add(l);
      return new TlsResult(peer, String.join("\n", lines));
    }
  }

  /** Handshakes with {@code sni} until the gateway presents {@code expected} (a config change applies within ms). */
  TlsResult awaitCertificate(String sni, GeneratedCertificate expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    TlsResult r;
    do {
      r = handshake(sni);
      if (r.peer().equals(expected.cert())) return r;
      Thread.sleep(10);
    } while (System.nanoTime() < deadline);
    throw new AssertionError(sni + ": presented " + r.peer().getSubjectX500Principal() + ", expected "
        + expected.cert().getSubjectX500Principal());
  }

  JsonNode dump() throws Exception {
    return GatewayFixture.JSON.readTree(f.adminGet("/config_dump"));
  }

  JsonNode awaitDump(Predicate<JsonNode> ok) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    JsonNode d;
    do {
      d = dump();
      if (ok.test(d)) return d;
      Thread.sleep(10);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("not applied: " + d);
  }

  @Test
  void hostsWithoutOrWithAMissingSecretGetTheConfigMapsCertificate() throws Exception {
    TlsResult a = handshake("a.foo.com");
    assertThat(a.peer()).isEqualTo(foo.cert());
    assertThat(a.response()).startsWith("HTTP/1.1 200").contains("\"host\":\"a.foo.com\"");
    TlsResult b = handshake("b.foo.com");
    assertThat(b.peer()).isEqualTo(foo.cert());
    assertThat(b.response()).startsWith("HTTP/1.1 200");
    TlsResult own = handshake("bar.com");
    assertThat(own.peer()).isEqualTo(bar.cert());
    assertThat(own.response()).startsWith("HTTP/1.1 200");
    JsonNode dump = dump();
    assertThat(dump.at("/tls/hosts/a.foo.com").asText()).isEqualTo("higress-system/foo-com-secret");
    assertThat(dump.at("/tls/hosts/b.foo.com").asText()).isEqualTo("higress-system/foo-com-secret");
    assertThat(dump.path("problems").toString()).contains("b.foo.com uses Secret higress-system/foo-com-secret from the"
        + " credentialConfig of ConfigMap higress-system/higress-https (fallbackForInvalidSecret)");
    assertThat(dump.at("/settings/https/credentialConfig/0/tlsSecret").asText()).isEqualTo("higress-system/foo-com-secret");
    assertThat(dump.toString()).doesNotContain("BEGIN");
  }

  @Test
  void gzipOfHigressConfigAppliesOverTlsToo() throws Exception {
    f.write("configmaps/higress-config.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: higress-config, namespace: higress-system}
        data:
          higress: |
            gzip: {enable: true, minContentLength: 100}
        """);
    awaitDump(d -> d.at("/settings/gzip/enable").asBoolean());
    int port = f.gateway.httpsPort();
    for (String version : List.of("--http2", "--http1.1")) { // ALPN h2: a stream pipeline; http/1.1: the TLS pipeline
      Path body = dir.resolve("body" + version);
      Process p = new ProcessBuilder("curl", "-sk", "--max-time", "10", version, "--resolve", "a.foo.com:" + port + ":127.0.0.1",
          "-H", "Accept-Encoding: gzip", "-D", "-", "-o", body.toString(), "https://a.foo.com:" + port + "/tls-gzip")
          .redirectErrorStream(true).start();
      String headers = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).toLowerCase(java.util.Locale.ROOT);
      assertThat(p.waitFor()).isZero();
      assertThat(headers).as(version).startsWith(version.equals("--http2") ? "http/2 200" : "http/1.1 200")
          .contains("content-encoding: gzip");
      try (var in = new java.util.zip.GZIPInputStream(java.nio.file.Files.newInputStream(body))) {
        assertThat(GatewayFixture.JSON.readTree(in).path("path").asText()).isEqualTo("/tls-gzip");
      }
    }
  }

  @Test
  void editingTheConfigMapChangesCertificatesLive() throws Exception {
    assertThat(handshake("b.foo.com").peer()).isEqualTo(foo.cert());
    // another Secret, in another namespace
    f.write("configmaps/higress-https.yaml", httpsConfigMap("true", "certs/other"));
    awaitCertificate("a.foo.com", other);
    awaitCertificate("b.foo.com", other);
    // without fallbackForInvalidSecret only the entry naming no Secret keeps the ConfigMap's certificate; b.foo.com
    // (whose Secret is missing) has none of its own and gets the default one, which is now a.foo.com's
    f.write("configmaps/higress-https.yaml", httpsConfigMap("false", "certs/other"));
    awaitDump(d -> !d.at("/settings/https/fallbackForInvalidSecret").asBoolean());
    assertThat(dump().at("/tls/hosts").has("b.foo.com")).isFalse();
    assertThat(handshake("a.foo.com").peer()).isEqualTo(other.cert());
    // an invalid edit changes nothing
    f.write("configmaps/higress-https.yaml", httpsConfigMap("maybe", "foo-com-secret"));
    JsonNode rejected = awaitDump(d -> d.path("problems").toString().contains("data.cert.fallbackForInvalidSecret"));
    assertThat(rejected.path("problems").toString()).contains("\\\"maybe\\\" (expected: true or false)")
        .contains("still serving its last good version");
    assertThat(rejected.at("/settings/https/credentialConfig/0/tlsSecret").asText()).isEqualTo("certs/other");
    assertThat(handshake("a.foo.com").peer()).isEqualTo(other.cert());
    // without the ConfigMap a.foo.com has no certificate: the default one (bar.com's, the only one left) answers
    f.delete("configmaps/higress-https.yaml");
    awaitCertificate("a.foo.com", bar);
    assertThat(handshake("bar.com").peer()).isEqualTo(bar.cert());
  }
}
