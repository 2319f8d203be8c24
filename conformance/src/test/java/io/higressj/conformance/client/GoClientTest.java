package io.higressj.conformance.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Go-like client against a small JDK HTTP server that records what it received. */
class GoClientTest {
  record Seen(String method, String target, String host, String userAgent, String acceptEncoding, String custom, String authorization,
      String referer, int bodyLength) {}

  static HttpServer server;
  static WireClient wire;
  static final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", GoClientTest::handle);
    server.start();
    wire = new WireClient();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
    wire.close();
  }

  @BeforeEach
  void clear() {
    seen.clear();
  }

  static void handle(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    var h = ex.getRequestHeaders();
    seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().toString(), h.getFirst("Host"), h.getFirst("User-Agent"),
        h.getFirst("Accept-Encoding"), h.getFirst("X-Custom"), h.getFirst("Authorization"), h.getFirst("Referer"), body.length));
    String path = ex.getRequestURI().getPath();
    switch (path) {
      case "/relative" -> redirect(ex, 302, "/target");
      case "/absolute" -> redirect(ex, 301, "http://other.example/target");
      case "/see-other" -> redirect(ex, 303, "target");
      case "/temporary" -> redirect(ex, 307, "/target");
      case "/loop" -> redirect(ex, 302, "/loop");
      case "/gzip" -> {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(b)) {
          gz.write("compressed hello".getBytes(StandardCharsets.UTF_8));
        }
        ex.getResponseHeaders().add("Content-Encoding", "gzip");
        ex.sendResponseHeaders(200, b.size());
        ex.getResponseBody().write(b.toByteArray());
      }
      default -> {
        byte[] out = ("ok " + path).getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, out.length);
        ex.getResponseBody().write(out);
      }
    }
    ex.close();
  }

  static void redirect(HttpExchange ex, int status, String location) throws IOException {
    ex.getResponseHeaders().add("Location", location);
    ex.sendResponseHeaders(status, -1);
  }

  /** Every host name and port leads to the test server, as every name leads to the gateway. */
  GoClient client() {
    return new GoClient(wire, (scheme, host, port) -> server.getAddress());
  }

  static GoClient.Call call(String method, String target, String host, List<Headers.Line> headers, byte[] body, boolean follow) {
    return new GoClient.Call(Url.of("http", "localhost", target), host, method, headers, body, WireRequest.Protocol.HTTP_1_1, null, follow,
        Duration.ofSeconds(5));
  }

  @Test
  void addsGoDefaultsAndKeepsTheTargetAndHost() throws IOException {
    GoClient.Result r = client().execute(call("GET", "/a%2Fb?x=1&x=2", "foo.com", List.of(new Headers.Line("x-custom", "v")), null, true));
    assertThat(r.response().status()).isEqualTo(200);
    assertThat(seen).containsExactly(new Seen("GET", "/a%2Fb?x=1&x=2", "foo.com", "Go-http-client/1.1", "gzip", "v", null, null, 0));
    assertThat(r.request().headers().lines()).extracting(Headers.Line::name)
        .containsExactly("User-Agent", "X-Custom", "Accept-Encoding");
  }

  @Test
  void followsARelativeRedirectKeepingTheHostOverride() throws IOException {
    GoClient.Result r = client().execute(call("GET", "/relative", "foo.com", List.of(), null, true));
    assertThat(r.redirects()).isEqualTo(1);
    assertThat(r.url().toString()).isEqualTo("http://localhost/target");
    assertThat(seen).extracting(Seen::host).containsExactly("foo.com", "foo.com");
    assertThat(seen.get(1).referer()).isEqualTo("http://localhost/relative");
  }

  @Test
  void anAbsoluteRedirectUsesItsOwnHostAndDropsCredentialsForAnotherDomain() throws IOException {
    client().execute(call("GET", "/absolute", "foo.com", List.of(new Headers.Line("Authorization", "secret")), null, true));
    assertThat(seen).extracting(Seen::host).containsExactly("foo.com", "other.example");
    assertThat(seen).extracting(Seen::authorization).containsExactly("secret", null);
  }

  @Test
  void seeOtherTurnsAPostIntoABodylessGetAndTemporaryKeepsIt() throws IOException {
    byte[] body = "payload".getBytes(StandardCharsets.UTF_8);
    client().execute(call("POST", "/see-other", null, List.of(), body, true));
    assertThat(seen).extracting(Seen::method, Seen::target, Seen::bodyLength)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("POST", "/see-other", 7), org.assertj.core.groups.Tuple.tuple("GET", "/target", 0));
    seen.clear();
    client().execute(call("PUT", "/temporary", null, List.of(), body, true));
    assertThat(seen).extracting(Seen::method, Seen::bodyLength)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("PUT", 7), org.assertj.core.groups.Tuple.tuple("PUT", 7));
  }

  @Test
  void withoutFollowingTheRedirectItselfIsReturned() throws IOException {
    GoClient.Result r = client().execute(call("GET", "/relative", null, List.of(), null, false));
    assertThat(r.response().status()).isEqualTo(302);
    assertThat(r.response().headers().first("location")).isEqualTo("/target");
    assertThat(seen).hasSize(1);
  }

  @Test
  void stopsAfterTenRedirects() {
    assertThatThrownBy(() -> client().execute(call("GET", "/loop", null, List.of(), null, true))).hasMessage("stopped after 10 redirects");
    assertThat(seen).hasSize(10);
  }

  @Test
  void decompressesGzipOnlyWhenItAskedForIt() throws IOException {
    GoClient.Result r = client().execute(call("GET", "/gzip", null, List.of(), null, true));
    assertThat(r.response().bodyText()).isEqualTo("compressed hello");
    assertThat(r.response().headers().contains("Content-Encoding")).isFalse();
    assertThat(r.response().headers().contains("Content-Length")).isFalse();
    GoClient.Result raw = client().execute(call("GET", "/gzip", null, List.of(new Headers.Line("Accept-Encoding", "*")), null, true));
    assertThat(raw.response().headers().first("Content-Encoding")).isEqualTo("gzip");
    assertThat(seen.get(1).acceptEncoding()).isEqualTo("*");
  }

  @Test
  void headersAreWrittenInGoOrder() {
    Headers h = GoClient.http1Headers("POST", List.of(new Headers.Line("x-b", " 2 "), new Headers.Line("X-A", "1"), new Headers.Line("x-a", "3"),
        new Headers.Line("user-agent", "ua/1"), new Headers.Line("Host", "ignored")), new byte[0], true, null);
    assertThat(h.lines()).containsExactly(new Headers.Line("User-Agent", "ua/1"), new Headers.Line("Content-Length", "0"),
        new Headers.Line("X-A", "1"), new Headers.Line("X-A", "3"), new Headers.Line("X-B", "2"), new Headers.Line("Accept-Encoding", "gzip"));
    assertThat(GoClient.requestsGzip("HEAD", List.of())).isFalse();
    assertThat(GoClient.requestsGzip("GET", List.of(new Headers.Line("range", "bytes=0-1")))).isFalse();
    Headers h2 = GoClient.http2Headers("GET", List.of(new Headers.Line("X-A", "1")), null, true, null);
    assertThat(h2.lines()).containsExactly(new Headers.Line("x-a", "1"), new Headers.Line("accept-encoding", "gzip"),
        new Headers.Line("user-agent", "Go-http-client/2.0"));
  }
}
