package io.higressj.server.edge.h2;

import static io.higressj.testing.http2.Http2Frames.ENHANCE_YOUR_CALM;
import static io.higressj.testing.http2.Http2Frames.SETTINGS;
import static io.higressj.testing.http2.Http2Frames.SETTINGS_INITIAL_WINDOW_SIZE;
import static io.higressj.testing.http2.Http2Frames.SETTINGS_MAX_CONCURRENT_STREAMS;
import static io.higressj.testing.http2.Http2Frames.SETTINGS_MAX_FRAME_SIZE;
import static io.higressj.testing.http2.Http2Frames.SETTINGS_MAX_HEADER_LIST_SIZE;
import static io.higressj.testing.http2.Http2Frames.WINDOW_UPDATE;
import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.proxy.Http2Options;
import io.higressj.proxy.ProxyOptions;
import io.higressj.testing.echo.EchoServer;
import io.higressj.testing.http2.Http2Frames;
import io.higressj.testing.http2.RawHttp2;
import io.higressj.testing.http2.RawHttp2.Frame;
import io.higressj.testing.tls.CertificateGenerator;
import io.higressj.testing.tls.GeneratedCertificate;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The settings the gateway announces, and that the flood guard is in place, on each of the three
 * ways a connection becomes HTTP/2: h2c with prior knowledge, h2c by Upgrade, h2 by ALPN over TLS.
 */
class Http2SettingsTest {
  static final int CONNECTION_WINDOW = 1024 * 1024;

  @TempDir static Path dir;
  static Http2EdgeFixture f;

  @BeforeAll
  static void start() throws Exception {
    GeneratedCertificate ca = CertificateGenerator.ca();
    f = Http2EdgeFixture.start(dir, ProxyOptions.defaults(), EchoServer.Kind.ECHO_SERVER,
        CertificateGenerator.server(ca, List.of("foo.com")));
  }

  @AfterAll
  static void stop() throws Exception {
    if (f != null) f.close();
  }

  /** The server's first frames: SETTINGS as in the defaults, then the connection window opened to 1 MiB. */
  static void assertAnnouncedDefaults(RawHttp2 c) throws Exception {
    Frame settings = c.readFrame();
    assertThat(settings.type()).as(settings.toString()).isEqualTo(SETTINGS);
    Map<Integer, Long> s = settings.settings();
    assertThat(s).containsEntry(SETTINGS_MAX_CONCURRENT_STREAMS, 100L)
        .containsEntry(SETTINGS_MAX_HEADER_LIST_SIZE, 60L * 1024);
    assertThat(s.getOrDefault(SETTINGS_INITIAL_WINDOW_SIZE, 65_535L)).isEqualTo(65_535L);
    assertThat(s.getOrDefault(SETTINGS_MAX_FRAME_SIZE, 16_384L)).isEqualTo(16_384L);
    Frame window = c.readFrame();
    assertThat(window.type()).as(window.toString()).isEqualTo(WINDOW_UPDATE);
    assertThat(window.streamId()).isZero();
    assertThat(window.windowIncrement()).isEqualTo(CONNECTION_WINDOW - 65_535);
  }

  /** SETTINGS frames beyond the budget get GOAWAY ENHANCE_YOUR_CALM: proves the guard is in the pipeline. */
  static void assertGuarded(RawHttp2 c) throws Exception {
    c.write(Http2Frames.repeat(Http2Frames.settings(), Http2Options.defaults().maxSettingsFramesPerWindow() + 1));
    Frame goAway = c.awaitGoAway();
    assertThat(goAway.errorCode()).as(goAway.toString()).isEqualTo(ENHANCE_YOUR_CALM);
    assertThat(goAway.debugData()).isEqualTo("more than 100 SETTINGS frames within 10 s");
    assertThat(c.awaitClose(5_000)).isTrue();
  }

  @Test
  void priorKnowledge() throws Exception {
    try (RawHttp2 c = f.client()) {
      assertAnnouncedDefaults(c);
      Http2EdgeFixture.assertServed(c, "/prior-knowledge");
      assertGuarded(c);
    }
  }

  @Test
  void upgrade() throws Exception {
    try (RawHttp2 c = RawHttp2.upgrade(f.port, Http2EdgeFixture.HOST, "/upgraded")) {
      assertAnnouncedDefaults(c);
      RawHttp2.Response upgraded = c.response(1);
      assertThat(upgraded.status()).isEqualTo(200);
      assertThat(upgraded.bodyText()).contains("\"path\":\"/upgraded\"");
      Http2EdgeFixture.assertServed(c, "/after-upgrade");
      assertGuarded(c);
    }
  }

  @Test
  void alpn() throws Exception {
    try (RawHttp2 c = RawHttp2.over(tlsH2(f.httpsPort()), Http2Frames.settings())) {
      assertAnnouncedDefaults(c);
      Http2EdgeFixture.assertServed(c, "/alpn");
      assertGuarded(c);
    }
  }

  /** A TLS connection that negotiated h2 by ALPN (the certificate is not checked: the test generated it). */
  static SSLSocket tlsH2(int port) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {new X509TrustManager() {
      public void checkClientTrusted(X509Certificate[] c, String a) {}
      public void checkServerTrusted(X509Certificate[] c, String a) {}
      public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }}, new SecureRandom());
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
    SSLParameters p = s.getSSLParameters();
    p.setApplicationProtocols(new String[] {"h2"});
    s.setSSLParameters(p);
    s.startHandshake();
    assertThat(s.getApplicationProtocol()).isEqualTo("h2");
    return s;
  }
}
