package io.higressj.server.edge.h2;

import static io.higressj.server.edge.h2.Http2EdgeFixture.HOST;
import static io.higressj.testing.http2.Http2Frames.ENHANCE_YOUR_CALM;
import static io.higressj.testing.http2.Http2Frames.REFUSED_STREAM;
import static io.higressj.testing.http2.Http2Frames.RST_STREAM;
import static io.higressj.testing.http2.Http2Frames.data;
import static io.higressj.testing.http2.Http2Frames.headers;
import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.proxy.ProxyOptions;
import io.higressj.testing.echo.EchoServer;
import io.higressj.testing.http2.Hpack;
import io.higressj.testing.http2.RawHttp2;
import io.higressj.testing.tls.CertificateGenerator;
import io.higressj.testing.tls.GeneratedCertificate;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The concurrent stream limit (SETTINGS_MAX_CONCURRENT_STREAMS, 100) and the flow-control windows
 * (64 KiB per stream, 1 MiB per connection for request bodies) with real traffic: the 101st open
 * stream is refused as RFC 9113 section 5.1.2 says, and a normal client running as many requests as
 * allowed at once, on two connections, with bodies larger than the windows both ways, gets every one of them through.
 */
class ConcurrentStreamsTest {
  @TempDir Path dir;
  Http2EdgeFixture f;

  @AfterEach
  void stop() throws Exception {
    if (f != null) f.close();
  }

  @Test
  void theHundredAndFirstOpenStreamIsRefused() throws Exception {
    f = Http2EdgeFixture.start(dir);
    try (RawHttp2 c = f.client()) {
      // 100 requests whose bodies never end keep their streams open; all 101 HEADERS go out before
      // the client acknowledges the gateway's SETTINGS, so the limit holds from the first frame
      ByteArrayOutputStream opens = new ByteArrayOutputStream();
      for (int i = 0; i < 101; i++) {
        opens.writeBytes(headers(c.nextStreamId(), Hpack.request("POST", HOST, "/open/" + i, "content-type", "text/plain"), false, true));
      }
      c.write(opens.toByteArray());
      RawHttp2.Frame refused = c.await(fr -> fr.is(RST_STREAM));
      assertThat(refused.streamId()).as(refused.toString()).isEqualTo(201);
      assertThat(refused.errorCode()).as(refused.toString()).isEqualTo(REFUSED_STREAM);
      // the connection goes on: a stream that ends makes room for a new one
      c.write(data(1, "done".getBytes(StandardCharsets.US_ASCII), true));
      RawHttp2.Response first = c.response(1);
      assertThat(first.status()).isEqualTo(200);
      assertThat(first.bodyText()).contains("\"path\":\"/open/0\"").contains("\"body\":\"done\"");
      Http2EdgeFixture.assertServed(c, "/after-refusal");
    }
  }

  @Test
  void aClientThatKeepsOpeningRefusedStreamsIsCutOff() throws Exception {
    // every refused stream costs a decoded header block and a RST_STREAM: those the gateway sends
    // because of the client's errors count against the RST_STREAM budget too (Netty's
    // encoderEnforceMaxRstFramesPerWindow), here 20 per window
    f = Http2EdgeFixture.start(dir, h2 -> h2.maxConcurrentStreams(5).maxResetFramesPerWindow(20));
    try (RawHttp2 c = f.client()) {
      ByteArrayOutputStream opens = new ByteArrayOutputStream();
      for (int i = 0; i < 5 + 30; i++) {
        opens.writeBytes(headers(c.nextStreamId(), Hpack.request("POST", HOST, "/open/" + i, "content-type", "text/plain"), false, true));
      }
      c.write(opens.toByteArray());
      RawHttp2.Frame goAway = c.awaitGoAway();
      assertThat(goAway.errorCode()).as(goAway.toString()).isEqualTo(ENHANCE_YOUR_CALM);
      assertThat(c.awaitClose(5_000)).isTrue();
    }
  }

  @Test
  void manyConcurrentStreamsWithBodiesLargerThanTheWindowsOverTls() throws Exception {
    GeneratedCertificate ca = CertificateGenerator.ca();
    f = Http2EdgeFixture.start(dir, ProxyOptions.defaults(), EchoServer.Kind.ECHO_BODY,
        CertificateGenerator.server(ca, List.of("127.0.0.1")));
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca.cert());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    // the JDK client keeps to the limit and fails requests beyond it instead of queueing them: two
    // clients (two connections) with 100 streams each, all open at once
    List<HttpClient> clients = List.of(client(tls), client(tls));
    try {
      int size = 80 * 1024; // over the 64 KiB stream window; 100 of them far over the 1 MiB connection window
      URI uri = URI.create("https://127.0.0.1:" + f.httpsPort() + "/echo");
      for (HttpClient c : clients) {
        // one request first: its connection is the one all others share (requests started before a
        // client has an HTTP/2 connection may each open their own)
        HttpResponse<String> first = c.send(HttpRequest.newBuilder(uri).header("content-type", "text/plain")
            .POST(HttpRequest.BodyPublishers.ofString("first")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(first.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(first.body()).isEqualTo("first");
      }
      List<CompletableFuture<HttpResponse<byte[]>>> all = new ArrayList<>();
      List<byte[]> bodies = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        byte[] body = new byte[size];
        for (int j = 0; j < size; j++) body[j] = (byte) (i * 31 + j);
        bodies.add(body);
        all.add(clients.get(i % 2).sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(50))
            .header("content-type", "text/plain").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
            HttpResponse.BodyHandlers.ofByteArray()));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      for (int i = 0; i < all.size(); i++) {
        HttpResponse<byte[]> r = all.get(i).get();
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(r.statusCode()).as("request " + i).isEqualTo(200);
        assertThat(MessageDigest.isEqual(r.body(), bodies.get(i))).as("request " + i + " echoed back whole").isTrue();
      }
    } finally {
      clients.forEach(HttpClient::shutdownNow);
    }
  }

  private static HttpClient client(SSLContext tls) {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
  }
}
