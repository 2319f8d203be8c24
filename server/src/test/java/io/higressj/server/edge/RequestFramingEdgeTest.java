package io.higressj.server.edge;

import static io.higressj.server.GatewayFixture.ingress;
import static io.higressj.server.GatewayFixture.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.higressj.server.GatewayFixture;
import io.higressj.server.RawHttp;
import io.higressj.testing.echo.EchoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import io.higressj.testing.http1.FramingVectors;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HTTP/1.1 request framing over raw sockets against a real gateway and a real upstream. Every
 * message is followed, on the same connection and in the same write, by a well-formed request:
 * for a refused message the client gets one response (its status) and a closed connection, and
 * the upstream receives nothing at all (the desync check); for an accepted one the upstream
 * receives exactly the two requests the client sent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestFramingEdgeTest {
  private static final String NEXT = "GET /next HTTP/1.1\r\nHost: foo.com\r\n\r\n";
  private static final String POST = "POST / HTTP/1.1\r\nHost: foo.com\r\n";
  private static final String GET = "GET / HTTP/1.1\r\nHost: foo.com\r\n";

  Path dir;
  GatewayFixture f;
  EchoServer echo;
  ScriptedUpstream silent;
  int port;

  @BeforeAll
  void startGateway() throws Exception {
    dir = Files.createTempDirectory("edge-framing");
    f = new GatewayFixture(dir);
    echo = f.echo("ns1", "echo");
    silent = new ScriptedUpstream(head -> null); // reads a request, never answers
    f.write("services/echo.yaml", service("ns1", "echo", echo.port()));
    f.write("ingresses/foo.yaml", ingress("ns1", "foo", "foo.com", "Prefix", "/", "echo"));
    f.write("services/silent.yaml", service("ns1", "silent", silent.port()));
    f.write("ingresses/silent.yaml", ingress("ns1", "silent", "silent.com", "Prefix", "/", "silent"));
    f.start();
    port = f.gateway().httpPort();
  }

  @AfterAll
  void stopGateway() throws Exception {
    f.close();
    silent.close();
  }

  @BeforeEach
  void clear() {
    echo.clearRequests();
  }

  /** After a refused message: a sentinel on a fresh connection is the only request the upstream ever saw. */
  private void assertUpstreamSawOnlyASentinel(String rule) throws Exception {
    String sentinel = "/sentinel-" + rule;
    try (RawHttp c = new RawHttp(port)) {
      assertThat(c.request("foo.com", sentinel).status()).isEqualTo(200);
    }
    assertThat(echo.recentRequests()).extracting(EchoServer.RecordedRequest::path).as(rule).containsExactly(sentinel);
  }

  static Stream<Arguments> refused() {
    return FramingVectors.refused("foo.com", "bar.com").stream().map(v -> Arguments.of(v.rule(), v.request(), v.status()));
  }


  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refusedThenClosedAndTheUpstreamSeesNothing(String rule, String raw, int status) throws Exception {
    try (RawHttp c = new RawHttp(port)) {
      c.send(raw + NEXT);
      String all = c.readToEnd();
      assertThat(all).as(rule).startsWith("HTTP/1.1 " + status + " ");
      assertThat(all.split("HTTP/1.1 ", -1)).as(rule + ": one response, then the connection closes").hasSize(2);
    }
    assertUpstreamSawOnlyASentinel(rule);
  }

  static Stream<Arguments> refusedInBody() {
    return FramingVectors.refusedInBody("foo.com").stream().map(v -> Arguments.of(v.rule(), v.request()));
  }


  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedInBody")
  void refusedInTheBodyCutsTheUpstreamRequestShort(String rule, String raw) throws Exception {
    String request = raw.replace("Host: foo.com", "Host: silent.com");
    int before = silent.connections.size();
    try (RawHttp c = new RawHttp(port)) {
      c.send(request + NEXT.replace("/next", "/next-" + rule));
      String all = c.readToEnd();
      assertThat(all).as(rule).startsWith("HTTP/1.1 400 ");
      assertThat(all.split("HTTP/1.1 ", -1)).as(rule).hasSize(2);
    }
    // the head may have gone upstream (bodies stream), but never a complete body, nor the next request
    List<ScriptedUpstream.Conn> conns = List.copyOf(silent.connections); // a snapshot: connections may still arrive
    for (ScriptedUpstream.Conn conn : conns.subList(before, conns.size())) {
      String got = conn.receivedText();
      assertThat(got).as(rule).doesNotContain("\r\n0\r\n\r\n").doesNotContain("/next-");
      if (!got.isEmpty()) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!conn.closedByGateway && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(conn.closedByGateway).as(rule + ": the upstream connection is closed mid-request").isTrue();
      }
    }
  }

  static Stream<Arguments> accepted() {
    return Stream.of(
        Arguments.of("contentLengthWithOptionalWhitespace", POST + "Content-Length:  3 \r\n\r\nabc"),
        Arguments.of("contentLengthLeadingZero", POST + "Content-Length: 03\r\n\r\nabc"),
        Arguments.of("transferEncodingUpperCase", POST + "Transfer-Encoding: CHUNKED\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("transferEncodingAfterTab", POST + "Transfer-Encoding:\tchunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("chunkExtension", POST + "Transfer-Encoding: chunked\r\n\r\n3;name=value;x=\"q\"\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("chunkUpperCaseHex", POST + "Transfer-Encoding: chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n"),
        Arguments.of("trailers", POST + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n"),
        Arguments.of("emptyLinesBeforeRequest", "\r\n\r\n" + GET + "\r\n"),
        Arguments.of("http10KeepAlive", "GET / HTTP/1.0\r\nHost: foo.com\r\nConnection: keep-alive\r\n\r\n"),
        Arguments.of("obsTextInValue", GET + "X-A: caf\u00e9\r\n\r\n"),
        Arguments.of("bodyStartingWithSpaceAndLooksLikeFolding", POST + "Content-Length: 3\r\n\r\n a\n"),
        Arguments.of("bodyHoldingARequest", POST + "Content-Length: 34\r\n\r\nGET /x HTTP/1.1\r\nHost: foo.com\r\n\r\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("accepted")
  void acceptedAndTheUpstreamSeesExactlyTheTwoRequests(String rule, String raw) throws Exception {
    try (RawHttp c = new RawHttp(port)) {
      c.send(raw + NEXT);
      RawHttp.Response first = c.read();
      RawHttp.Response second = c.read();
      assertThat(first.status()).as(rule).isEqualTo(200);
      assertThat(second.status()).as(rule).isEqualTo(200);
      JsonNode j = GatewayFixture.JSON.readTree(first.body());
      if (raw.startsWith("POST")) {
        String expected = raw.contains("Transfer-Encoding") ? null : raw.substring(raw.indexOf("\r\n\r\n") + 4);
        if (expected != null) assertThat(j.path("body").asText()).as(rule).isEqualTo(expected);
        else assertThat(j.path("body").asText()).as(rule).isNotEmpty();
      }
      assertThat(GatewayFixture.JSON.readTree(second.body()).path("path").asText()).isEqualTo("/next");
    }
    assertThat(echo.recentRequests()).extracting(EchoServer.RecordedRequest::path).as(rule).containsExactly("/", "/next");
  }

  /** Classic smuggling vectors: the body carries a request the client hopes the upstream will see. */
  static Stream<Arguments> smuggling() {
    String smuggled = "GET /smuggled HTTP/1.1\r\nHost: foo.com\r\n\r\n";
    String chunkedSmuggle = "0\r\n\r\n" + smuggled;
    return Stream.of(
        Arguments.of("clTe", POST + "Content-Length: " + chunkedSmuggle.length() + "\r\nTransfer-Encoding: chunked\r\n\r\n" + chunkedSmuggle),
        Arguments.of("teCl", POST + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n" + Integer.toHexString(smuggled.length()) + "\r\n" + smuggled + "\r\n0\r\n\r\n"),
        Arguments.of("teTeSecondHeader", POST + "Transfer-Encoding: chunked\r\nTransfer-Encoding: cow\r\n\r\n" + chunkedSmuggle),
        Arguments.of("teSpaceBeforeColonWithCl", POST + "Transfer-Encoding : chunked\r\nContent-Length: " + chunkedSmuggle.length() + "\r\n\r\n" + chunkedSmuggle),
        Arguments.of("teObsFoldedWithCl", POST + "X: y\r\n Transfer-Encoding: chunked\r\nContent-Length: " + chunkedSmuggle.length() + "\r\n\r\n" + chunkedSmuggle),
        Arguments.of("teAfterBareLf", POST + "X: y\nTransfer-Encoding: chunked\r\n\r\n" + chunkedSmuggle),
        Arguments.of("teNameBareLf", POST + "Transfer-Encoding\n: chunked\r\n\r\n" + chunkedSmuggle),
        Arguments.of("teXchunkedWithCl", POST + "Transfer-Encoding: xchunked\r\nContent-Length: " + chunkedSmuggle.length() + "\r\n\r\n" + chunkedSmuggle),
        Arguments.of("teOnHttp10WithCl", "POST / HTTP/1.0\r\nHost: foo.com\r\nTransfer-Encoding: chunked\r\nContent-Length: " + chunkedSmuggle.length() + "\r\n\r\n" + chunkedSmuggle),
        Arguments.of("clObsFolded", POST + "Content-Length: 0\r\n " + smuggled.length() + "\r\n\r\n" + smuggled),
        Arguments.of("clDuplicate", POST + "Content-Length: 0\r\nContent-Length: " + smuggled.length() + "\r\n\r\n" + smuggled),
        Arguments.of("clCommaList", POST + "Content-Length: 0, " + smuggled.length() + "\r\n\r\n" + smuggled),
        Arguments.of("getWithSmuggledBodyAndNulHeader", GET + "X: a\0b\r\nContent-Length: " + smuggled.length() + "\r\n\r\n" + smuggled),
        Arguments.of("lastChunkBareLf", POST.replace("foo.com", "silent.com") + "Transfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\n\r\n" + smuggled),
        Arguments.of("chunkSizeWithBareLfInExtension", POST.replace("foo.com", "silent.com") + "Transfer-Encoding: chunked\r\n\r\n2;\nxx\r\n0\r\n\r\n" + smuggled));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("smuggling")
  void desyncAttemptsNeverReachTheUpstream(String rule, String raw) throws Exception {
    try (RawHttp c = new RawHttp(port)) {
      c.send(raw + NEXT);
      String all = c.readToEnd();
      assertThat(all).as(rule).startsWith("HTTP/1.1 400 ");
      assertThat(all.split("HTTP/1.1 ", -1)).as(rule).hasSize(2);
    }
    assertUpstreamSawOnlyASentinel(rule);
    assertThat(silent.allReceived()).doesNotContain("/smuggled").doesNotContain("/next");
  }
}
