package io.higressj.server;

import static io.higressj.server.GatewayFixture.ingress;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.higressj.testing.echo.EchoServer;
import io.higressj.testing.tls.CertificateGenerator;
import io.higressj.testing.tls.GeneratedCertificate;
import java.net.InetSocketAddress;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upstreams that speak HTTP/2 in clear text, chosen by the Service port as Istio chooses. */
class UpstreamProtocolsEndToEndTest {
  @TempDir Path dir;
  GatewayFixture f;
  EchoServer echo;

  @BeforeEach
  void setUp() throws Exception {
    f = new GatewayFixture(dir);
    echo = f.echo("ns", "grpc");
    f.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  static String service(String portName, String appProtocol, int localPort) {
    return """
        apiVersion: v1
        kind: Service
        metadata: {name: svc, namespace: ns}
        spec:
          ports: [{name: %s, port: 8080, targetPort: %d%s}]
        ---
        apiVersion: v1
        kind: Endpoints
        metadata: {name: svc, namespace: ns}
        subsets:
        - addresses: [{ip: 127.0.0.1}]
          ports: [{name: %1$s, port: %2$d}]
        """.formatted(portName, localPort, appProtocol == null ? "" : ", appProtocol: " + appProtocol);
  }

  @Test
  void appProtocolH2cSendsHttp2AndMultiplexes() throws Exception {
    f.write("services/svc.yaml", service("web", "kubernetes.io/h2c", echo.port()));
    f.write("ingresses/i.yaml", ingress("ns", "i", "foo.com", "Prefix", "/", "svc"));
    JsonNode j = f.json(f.await("foo.com", "/x", r -> r.statusCode() == 200));
    assertThat(j.path("proto").asText()).isEqualTo("HTTP/2.0");
    assertThat(j.path("path").asText()).isEqualTo("/x");
    assertThat(j.path("host").asText()).isEqualTo("foo.com");

    // many at once, with bodies larger than a stream window
    byte[] body = new byte[100_000];
    for (int i = 0; i < body.length; i++) body[i] = (byte) ('a' + i % 26);
    List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      HttpRequest req = GatewayFixture.withHost(HttpRequest.newBuilder(URI.create(f.base() + "/post/" + i)), "foo.com")
          .timeout(Duration.ofSeconds(20))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
      all.add(f.client().sendAsync(req, HttpResponse.BodyHandlers.ofString()));
    }
    for (int i = 0; i < all.size(); i++) {
      HttpResponse<String> r = all.get(i).get();
      assertThat(r.statusCode()).isEqualTo(200);
      JsonNode k = f.json(r);
      assertThat(k.path("path").asText()).isEqualTo("/post/" + i);
      assertThat(k.path("proto").asText()).isEqualTo("HTTP/2.0");
    }
  }

  @Test
  void portNamePrefixGrpcMeansHttp2AndPlainNamesStayHttp1() throws Exception {
    f.write("services/svc.yaml", service("grpc-api", null, echo.port()));
    f.write("ingresses/i.yaml", ingress("ns", "i", "foo.com", "Prefix", "/", "svc"));
    assertThat(f.json(f.await("foo.com", "/", r -> r.statusCode() == 200)).path("proto").asText()).isEqualTo("HTTP/2.0");
    f.write("services/svc.yaml", service("http-api", null, echo.port()));
    f.await("foo.com", "/", r -> r.statusCode() == 200 && r.body().contains("\"HTTP/1.1\""));
    JsonNode clusters = GatewayFixture.JSON.readTree(f.adminGet("/config_dump")).path("clusters");
    assertThat(clusters.size()).isEqualTo(1);
    assertThat(clusters.get(0).has("protocol")).isFalse();
  }

  static String annotated(String protocol) {
    return """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: i
          namespace: ns
          annotations: {nginx.ingress.kubernetes.io/backend-protocol: "%s"}
        spec:
          rules:
          - host: foo.com
            http:
              paths:
              - {path: /, pathType: Prefix, backend: {service: {name: svc, port: {number: 8080}}}}
        """.formatted(protocol);
  }

  @Test
  void backendProtocolAnnotationChoosesHttp2ForTheService() throws Exception {
    f.write("services/svc.yaml", service("web", null, echo.port()));
    f.write("ingresses/i.yaml", annotated("GRPC"));
    assertThat(f.json(f.await("foo.com", "/", r -> r.statusCode() == 200)).path("proto").asText()).isEqualTo("HTTP/2.0");
    f.write("ingresses/i.yaml", annotated("HTTP"));
    f.await("foo.com", "/", r -> r.statusCode() == 200 && r.body().contains("\"HTTP/1.1\""));
  }

  @Test
  void backendProtocolHttpsOriginatesTls() throws Exception {
    GeneratedCertificate cert = CertificateGenerator.selfSigned(List.of("localhost"));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("k", cert.key(), new char[0], new java.security.cert.Certificate[] {cert.cert()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(kmf.getKeyManagers(), null, null);
    HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(ssl));
    https.createContext("/", ex -> {
      byte[] b = ("tls " + ex.getRequestURI() + " host=" + ex.getRequestHeaders().getFirst("Host")).getBytes();
      ex.sendResponseHeaders(200, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    https.start();
    try {
      f.write("services/svc.yaml", service("web", null, https.getAddress().getPort()));
      f.write("ingresses/i.yaml", annotated("HTTPS"));
      HttpResponse<String> r = f.await("foo.com", "/secure?x=1", x -> x.statusCode() == 200);
      assertThat(r.body()).isEqualTo("tls /secure?x=1 host=foo.com");
      assertThat(f.adminGet("/config_dump")).contains("\"protocol\" : \"https\"");
    } finally {
      https.stop(0);
    }
  }

  /** An HTTPS upstream on loopback with {@code cert}; with {@code clientCa} it requires a client certificate of it. */
  static HttpsServer httpsUpstream(GeneratedCertificate cert, GeneratedCertificate clientCa) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("k", cert.key(), new char[0], new java.security.cert.Certificate[] {cert.cert()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    javax.net.ssl.TrustManager[] trust = null;
    if (clientCa != null) {
      KeyStore ts = KeyStore.getInstance("PKCS12");
      ts.load(null, null);
      ts.setCertificateEntry("ca", clientCa.cert());
      javax.net.ssl.TrustManagerFactory tmf =
          javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ts);
      trust = tmf.getTrustManagers();
    }
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(kmf.getKeyManagers(), trust, null);
    HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(ssl) {
      @Override
      public void configure(com.sun.net.httpserver.HttpsParameters params) {
        javax.net.ssl.SSLParameters p = ssl.getDefaultSSLParameters();
        p.setNeedClientAuth(clientCa != null);
        params.setSSLParameters(p);
      }
    });
    https.createContext("/", ex -> {
      String who = "anonymous";
      if (ex instanceof com.sun.net.httpserver.HttpsExchange hx) {
        try {
          who = ((java.security.cert.X509Certificate) hx.getSSLSession().getPeerCertificates()[0])
              .getSubjectX500Principal().getName();
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
          // no client certificate
        }
      }
      byte[] b = ("client=" + who).getBytes();
      ex.sendResponseHeaders(200, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    https.start();
    return https;
  }

  static String secretYaml(String name, GeneratedCertificate crt, GeneratedCertificate ca) {
    return "apiVersion: v1\nkind: Secret\nmetadata: {name: " + name + ", namespace: ns}\nstringData:\n"
        + "  tls.crt: |\n" + crt.certPem().indent(4) + "  tls.key: |\n" + crt.keyPem().indent(4)
        + "  ca.crt: |\n" + ca.certPem().indent(4);
  }

  @Test
  void proxySslSecretPresentsAClientCertificateAndVerifiesTheBackend() throws Exception {
    GeneratedCertificate ca = CertificateGenerator.ca();
    GeneratedCertificate server = CertificateGenerator.server(ca, List.of("web.internal"));
    GeneratedCertificate client = CertificateGenerator.client(ca);
    GeneratedCertificate otherCa = CertificateGenerator.ca();
    HttpsServer https = httpsUpstream(server, ca);
    try {
      f.write("services/svc.yaml", service("web", null, https.getAddress().getPort()));
      f.write("secrets/client.yaml", secretYaml("client", client, ca));
      String ing = annotated("HTTPS").replace("annotations: {", """
          annotations: {nginx.ingress.kubernetes.io/proxy-ssl-secret: ns/client,
                        nginx.ingress.kubernetes.io/proxy-ssl-verify: "on",
                        nginx.ingress.kubernetes.io/proxy-ssl-name: web.internal,
                        nginx.ingress.kubernetes.io/proxy-ssl-server-name: "on", """);
      f.write("ingresses/i.yaml", ing);
      HttpResponse<String> r = f.await("foo.com", "/", x -> x.statusCode() == 200);
      assertThat(r.body()).startsWith("client=").isNotEqualTo("client=anonymous");
      // a CA that did not sign the backend's certificate: the gateway refuses the backend
      f.write("secrets/client.yaml", secretYaml("client", client, otherCa));
      f.await("foo.com", "/", x -> x.statusCode() == 503 || x.statusCode() == 502);
      // the name checked must be in the certificate
      f.write("secrets/client.yaml", secretYaml("client", client, ca));
      f.await("foo.com", "/", x -> x.statusCode() == 200);
      f.write("ingresses/i.yaml", ing.replace("proxy-ssl-name: web.internal", "proxy-ssl-name: other.internal"));
      f.await("foo.com", "/", x -> x.statusCode() == 503 || x.statusCode() == 502);
    } finally {
      https.stop(0);
    }
  }

  @Test
  void invalidBackendProtocolIsReportedAndIgnored() throws Exception {
    f.write("services/svc.yaml", service("web", null, echo.port()));
    f.write("ingresses/i.yaml", annotated("AJP"));
    assertThat(f.json(f.await("foo.com", "/", r -> r.statusCode() == 200)).path("proto").asText()).isEqualTo("HTTP/1.1");
    assertThat(f.adminGet("/config_dump")).contains("AJP\\\" (expected: HTTP, HTTP2, HTTPS, GRPC or GRPCS)");
  }

  @Test
  void teTrailersReachesTheUpstreamOtherTeValuesDoNot() throws Exception {
    f.write("services/svc.yaml", service("grpc", null, echo.port()));
    f.write("ingresses/i.yaml", ingress("ns", "i", "foo.com", "Prefix", "/", "svc"));
    f.await("foo.com", "/", r -> r.statusCode() == 200);
    HttpResponse<String> r = f.client().send(GatewayFixture.withHost(HttpRequest.newBuilder(URI.create(f.base() + "/")), "foo.com")
        .header("TE", "gzip, trailers").build(), HttpResponse.BodyHandlers.ofString());
    JsonNode h = f.json(r).path("headers");
    assertThat(h.path("Te").get(0).asText()).isEqualTo("trailers");
  }
}
