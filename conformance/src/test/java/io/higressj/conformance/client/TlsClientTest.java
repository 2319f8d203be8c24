package io.higressj.conformance.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.higressj.testing.tls.CertificateGenerator;
import io.higressj.testing.tls.GeneratedCertificate;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** TLS as the corpora ask for it, against a JDK HTTPS server that asks for a client certificate. */
class TlsClientTest {
  static GeneratedCertificate ca;
  static GeneratedCertificate otherCa;
  static GeneratedCertificate client;
  static HttpsServer server;
  static WireClient wire;
  static final AtomicReference<String> lastSni = new AtomicReference<>();
  static final AtomicReference<String> lastProtocol = new AtomicReference<>();
  static final AtomicReference<String> lastPeer = new AtomicReference<>();

  @BeforeAll
  static void start() throws Exception {
    ca = CertificateGenerator.ca();
    otherCa = CertificateGenerator.ca();
    client = CertificateGenerator.client(ca);
    GeneratedCertificate cert = CertificateGenerator.server(ca, List.of("secure.test"));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("k", cert.key(), new char[0], new Certificate[] {cert.cert(), ca.cert()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("ca", ca.cert());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(ctx) {
      @Override
      public void configure(HttpsParameters params) {
        var p = ctx.getDefaultSSLParameters();
        p.setWantClientAuth(true);
        params.setSSLParameters(p);
      }
    });
    server.createContext("/", ex -> {
      var session = ((HttpsExchange) ex).getSSLSession();
      lastProtocol.set(session.getProtocol());
      var names = ((ExtendedSSLSession) session).getRequestedServerNames();
      lastSni.set(names.isEmpty() ? null : ((SNIHostName) names.get(0)).getAsciiName());
      try {
        lastPeer.set(((X509Certificate) session.getPeerCertificates()[0]).getSerialNumber().toString());
      } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
        lastPeer.set(null);
      }
      byte[] out = "secure".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, out.length);
      ex.getResponseBody().write(out);
      ex.close();
    });
    server.start();
    wire = new WireClient();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
    wire.close();
  }

  static WireResponse send(TlsOptions tls, WireRequest.Protocol protocol) throws IOException {
    return wire.send(new WireRequest(server.getAddress(), protocol, tls, "GET", "/", "secure.test", Headers.EMPTY, null, Duration.ofSeconds(5)));
  }

  static TlsOptions options(String sni, List<String> protocols, List<X509Certificate> trusted, boolean verify, GeneratedCertificate clientCert) {
    return new TlsOptions(sni, protocols, List.of(), trusted, verify, clientCert == null ? null : clientCert.cert(),
        clientCert == null ? null : clientCert.key(), List.of());
  }

  @Test
  void sendsTheSniAndDoesNotVerifyByDefault() throws IOException {
    WireResponse r = send(TlsOptions.insecure("anything.example"), WireRequest.Protocol.HTTP_1_1);
    assertThat(r.bodyText()).isEqualTo("secure");
    assertThat(lastSni.get()).isEqualTo("anything.example");
    assertThat(lastPeer.get()).isNull();
  }

  @Test
  void verifiesTheChainAndTheNameWhenAsked() throws IOException {
    assertThat(send(options("secure.test", List.of(), List.of(ca.cert()), true, null), WireRequest.Protocol.HTTP_1_1).status()).isEqualTo(200);
    assertThatThrownBy(() -> send(options("secure.test", List.of(), List.of(otherCa.cert()), true, null), WireRequest.Protocol.HTTP_1_1))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> send(options("wrong.test", List.of(), List.of(ca.cert()), true, null), WireRequest.Protocol.HTTP_1_1))
        .isInstanceOf(IOException.class);
  }

  @Test
  void presentsTheClientCertificateAndPinsVersions() throws IOException {
    send(options("secure.test", List.of("TLSv1.2"), List.of(), false, client), WireRequest.Protocol.HTTP_1_1);
    assertThat(lastPeer.get()).isEqualTo(client.cert().getSerialNumber().toString());
    assertThat(lastProtocol.get()).isEqualTo("TLSv1.2");
  }

  @Test
  void http2FallsBackToHttp1WhenTheServerDoesNotPickH2() throws IOException {
    WireResponse r = send(TlsOptions.insecure("secure.test"), WireRequest.Protocol.HTTP_2);
    assertThat(r.protocol()).isEqualTo("HTTP/1.1");
    assertThat(r.bodyText()).isEqualTo("secure");
  }
}
