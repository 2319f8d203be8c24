package io.higressj.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.testing.tls.CertificateGenerator;
import io.higressj.testing.tls.GeneratedCertificate;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLSRoute (TLS passthrough: the server name of the client hello picks the backend, which terminates TLS
 * itself) and TCPRoute (plain TCP) through Gateway listeners of protocol TLS and TCP.
 */
class GatewayApiL4EndToEndTest {
  @TempDir
  Path dir;

  /** A backend that answers each line with {@code <name>: <line>}, over TLS when {@code cert} is given. */
  static ServerSocket lineBackend(String name, GeneratedCertificate cert) throws Exception {
    ServerSocket server;
    if (cert != null) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("k", cert.key(), new char[0], new X509Certificate[] {cert.cert()});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, new char[0]);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      server = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    } else {
      server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    }
    Thread.ofVirtual().start(() -> {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          Thread.ofVirtual().start(() -> {
            try (s) {
              BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
              OutputStream out = s.getOutputStream();
              for (String line; (line = in.readLine()) != null; ) {
                out.write((name + ": " + line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
              }
            } catch (IOException ignored) {
              // the client went away
            }
          });
        } catch (IOException e) {
          return;
        }
      }
    });
    return server;
  }

  static SSLSocket tlsClient(int port, String sni) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {new X509TrustManager() {
      @Override public void checkClientTrusted(X509Certificate[] c, String a) {}
      @Override public void checkServerTrusted(X509Certificate[] c, String a) {}
      @Override public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }}, null);
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
    s.setSoTimeout(5000);
    SSLParameters p = s.getSSLParameters();
    p.setServerNames(List.of(new SNIHostName(sni)));
    s.setSSLParameters(p);
    return s;
  }

  static String exchange(Socket s, String line) throws IOException {
    s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
    s.getOutputStream().flush();
    return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
  }

  @Test
  void tlsPassthroughBySniAndPlainTcp() throws Exception {
    GeneratedCertificate certA = CertificateGenerator.selfSigned(List.of("a.example"));
    GeneratedCertificate certB = CertificateGenerator.selfSigned(List.of("b.example"));
    try (GatewayFixture f = new GatewayFixture(dir);
        ServerSocket a = lineBackend("a", certA);
        ServerSocket b = lineBackend("b", certB);
        ServerSocket t = lineBackend("tcp", null)) {
      f.write("services/a.yaml", GatewayFixture.service("ns", "a", a.getLocalPort()));
      f.write("services/b.yaml", GatewayFixture.service("ns", "b", b.getLocalPort()));
      f.write("services/t.yaml", GatewayFixture.service("ns", "t", t.getLocalPort()));
      f.write("gatewayclasses/higress.yaml", GatewayApiEndToEndTest.CLASS);
      f.write("gateways/l4.yaml", """
          apiVersion: gateway.networking.k8s.io/v1
          kind: Gateway
          metadata: {name: l4, namespace: ns}
          spec:
            gatewayClassName: higress
            listeners:
            - {name: tls, port: 9443, protocol: TLS, tls: {mode: Passthrough}}
            - {name: tcp, port: 9000, protocol: TCP}
          """);
      f.write("routes/tls.yaml", """
          apiVersion: gateway.networking.k8s.io/v1alpha2
          kind: TLSRoute
          metadata: {name: a, namespace: ns}
          spec:
            parentRefs: [{name: l4, sectionName: tls}]
            hostnames: [a.example]
            rules: [{backendRefs: [{name: a, port: 8080}]}]
          ---
          apiVersion: gateway.networking.k8s.io/v1alpha2
          kind: TLSRoute
          metadata: {name: b, namespace: ns}
          spec:
            parentRefs: [{name: l4, sectionName: tls}]
            hostnames: ["*.b.example", b.example]
            rules: [{backendRefs: [{name: b, port: 8080}]}]
          ---
          apiVersion: gateway.networking.k8s.io/v1alpha2
          kind: TCPRoute
          metadata: {name: t, namespace: ns}
          spec:
            parentRefs: [{name: l4, sectionName: tcp}]
            rules: [{backendRefs: [{name: t, port: 8080}]}]
          """);
      f.start();
      GatewayServer g = f.gateway();
      GatewayApiEndToEndTest.await("L4 listeners", () -> g.gatewayListenerPort("ns/l4:9443") > 0 && g.gatewayListenerPort("ns/l4:9000") > 0);
      int tlsPort = g.gatewayListenerPort("ns/l4:9443");

      try (SSLSocket s = tlsClient(tlsPort, "a.example")) {
        assertThat(exchange(s, "hello")).isEqualTo("a: hello");
        X509Certificate peer = (X509Certificate) s.getSession().getPeerCertificates()[0];
        assertThat(peer).as("the backend's own certificate: the gateway did not terminate TLS").isEqualTo(certA.cert());
      }
      try (SSLSocket s = tlsClient(tlsPort, "x.b.example")) {
        assertThat(exchange(s, "hi")).isEqualTo("b: hi");
        assertThat(s.getSession().getPeerCertificates()[0]).isEqualTo(certB.cert());
      }
      try (SSLSocket s = tlsClient(tlsPort, "unknown.example")) {
        boolean failed;
        try {
          s.startHandshake();
          failed = exchange(s, "x") == null;
        } catch (IOException e) {
          failed = true;
        }
        assertThat(failed).as("no TLSRoute for that name: the connection is closed").isTrue();
      }
      try (Socket s = new Socket("127.0.0.1", g.gatewayListenerPort("ns/l4:9000"))) {
        s.setSoTimeout(5000);
        assertThat(exchange(s, "plain")).isEqualTo("tcp: plain");
        assertThat(exchange(s, "again")).isEqualTo("tcp: again");
      }

      String status = f.adminGet("/status").replace(" ", "");
      assertThat(status).contains("\"kind\":\"TLSRoute\"").contains("\"kind\":\"TCPRoute\"");
    }
  }
}
