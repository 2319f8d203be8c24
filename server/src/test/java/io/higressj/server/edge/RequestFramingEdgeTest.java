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
    return Stream.of(
        // Content-Length and Transfer-Encoding
        Arguments.of("contentLengthAndTransferEncoding", POST + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        Arguments.of("transferEncodingAndContentLength", POST + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        Arguments.of("duplicateEqualContentLength", POST + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 400),
        Arguments.of("differingContentLength", POST + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
        Arguments.of("contentLengthList", POST + "Content-Length: 3, 3\r\n\r\nabc", 400),
        Arguments.of("contentLengthSign", POST + "Content-Length: +3\r\n\r\nabc", 400),
        Arguments.of("contentLengthNegative", POST + "Content-Length: -1\r\n\r\nabc", 400),
        Arguments.of("contentLengthHex", POST + "Content-Length: 0x3\r\n\r\nabc", 400),
        Arguments.of("contentLengthEmpty", POST + "Content-Length: \r\n\r\nabc", 400),
        Arguments.of("contentLengthOverflow", POST + "Content-Length: 99999999999999999999999\r\n\r\nabc", 400),
        Arguments.of("contentLengthSpaceBeforeColon", POST + "Content-Length : 3\r\n\r\nabc", 400),
        // Transfer-Encoding other than one final chunked
        Arguments.of("transferEncodingXchunked", POST + "Transfer-Encoding: xchunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        Arguments.of("transferEncodingChunkedIdentity", POST + "Transfer-Encoding: chunked, identity\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        Arguments.of("transferEncodingIdentity", POST + "Transfer-Encoding: identity\r\n\r\nabc", 400),
        Arguments.of("transferEncodingGzipChunked", POST + "Transfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        Arguments.of("transferEncodingChunkedTwice", POST + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        Arguments.of("transferEncodingSpaceBeforeColon", POST + "Transfer-Encoding : chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        Arguments.of("transferEncodingVerticalTab", POST + "Transfer-Encoding:\u000bchunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        Arguments.of("transferEncodingFormFeed", POST + "Transfer-Encoding:\fchunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        Arguments.of("transferEncodingTrailingVerticalTab", POST + "Transfer-Encoding: chunked\u000b\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        Arguments.of("transferEncodingEmpty", POST + "Transfer-Encoding: \r\n\r\n", 400),
        Arguments.of("transferEncodingOnHttp10", "POST / HTTP/1.0\r\nHost: foo.com\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        // line endings and folding
        Arguments.of("bareLfAfterRequestLine", "GET / HTTP/1.1\nHost: foo.com\r\n\r\n", 400),
        Arguments.of("bareLfAfterHeader", GET + "X-A: b\n\r\n", 400),
        Arguments.of("bareLfEndsHeaders", GET + "\n", 400),
        Arguments.of("bareCrInHeaderLine", GET + "X-A: b\rX-B: c\r\n\r\n", 400),
        Arguments.of("bareCrInRequestLine", "GET / HTTP/1.1\rHost: foo.com\r\n\r\n", 400),
        Arguments.of("obsFoldSpace", GET + "X-A: b\r\n c\r\n\r\n", 400),
        Arguments.of("obsFoldTab", GET + "X-A: b\r\n\tc\r\n\r\n", 400),
        Arguments.of("obsFoldOfTransferEncoding", POST + "Transfer-Encoding:\r\n chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        Arguments.of("whitespaceBeforeFirstHeader", "GET / HTTP/1.1\r\n Host: foo.com\r\n\r\n", 400),
        // field lines
        Arguments.of("headerWithoutColon", GET + "X-A b\r\n\r\n", 400),
        Arguments.of("headerNameOnly", GET + "X-A\r\n\r\n", 400),
        Arguments.of("emptyHeaderName", GET + ": b\r\n\r\n", 400),
        Arguments.of("nulInHeaderValue", GET + "X-A: b\0c\r\n\r\n", 400),
        Arguments.of("nulInHeaderName", GET + "X-\0A: b\r\n\r\n", 400),
        Arguments.of("crInHeaderValue", GET + "X-A: b\rc\r\n\r\n", 400),
        Arguments.of("controlCharacterInHeaderValue", GET + "X-A: b\u0001c\r\n\r\n", 400),
        Arguments.of("delInHeaderValue", GET + "X-A: b\u007fc\r\n\r\n", 400),
        Arguments.of("spaceInHeaderName", GET + "X A: b\r\n\r\n", 400),
        Arguments.of("nonAsciiInHeaderName", GET + "X-\u00e9: b\r\n\r\n", 400),
        // Host
        Arguments.of("missingHostOnHttp11", "GET / HTTP/1.1\r\n\r\n", 400),
        Arguments.of("duplicateHost", GET + "Host: bar.com\r\n\r\n", 400),
        Arguments.of("invalidHost", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400),
        Arguments.of("hostWithUserinfo", "GET / HTTP/1.1\r\nHost: a@b\r\n\r\n", 400),
        Arguments.of("absoluteFormDisagreesWithHost", "GET http://bar.com/ HTTP/1.1\r\nHost: foo.com\r\n\r\n", 400),
        // request line and version
        Arguments.of("http09RequestLine", "GET /\r\n\r\n", 400),
        Arguments.of("versionHttp12", "GET / HTTP/1.2\r\nHost: foo.com\r\n\r\n", 505),
        Arguments.of("versionHttp20", "GET / HTTP/2.0\r\nHost: foo.com\r\n\r\n", 505),
        Arguments.of("versionHttp30", "GET / HTTP/3.0\r\nHost: foo.com\r\n\r\n", 505),
        Arguments.of("versionLowerCase", "GET / http/1.1\r\nHost: foo.com\r\n\r\n", 400),
        Arguments.of("versionUnknownProtocol", "GET / FOO/1.1\r\nHost: foo.com\r\n\r\n", 400),
        Arguments.of("versionTwoDigits", "GET / HTTP/1.10\r\nHost: foo.com\r\n\r\n", 400),
        Arguments.of("requestLineDoubleSpace", "GET  / HTTP/1.1\r\nHost: foo.com\r\n\r\n", 400),
        Arguments.of("requestLineTab", "GET\t/ HTTP/1.1\r\nHost: foo.com\r\n\r\n", 400),
        Arguments.of("requestLineTrailingSpace", "GET / HTTP/1.1 \r\nHost: foo.com\r\n\r\n", 400),
        Arguments.of("controlCharacterInTarget", "GET /a\u0001b HTTP/1.1\r\nHost: foo.com\r\n\r\n", 400),
        Arguments.of("nonAsciiInTarget", "GET /caf\u00e9 HTTP/1.1\r\nHost: foo.com\r\n\r\n", 400),
        Arguments.of("fragmentInTarget", "GET /a#b HTTP/1.1\r\nHost: foo.com\r\n\r\n", 400),
        Arguments.of("invalidMethod", "G(T / HTTP/1.1\r\nHost: foo.com\r\n\r\n", 400),
        Arguments.of("leadingWhitespaceBeforeRequestLine", " GET / HTTP/1.1\r\nHost: foo.com\r\n\r\n", 400),
        // paths
        Arguments.of("pathAboveRoot", "GET /../etc/passwd HTTP/1.1\r\nHost: foo.com\r\n\r\n", 400),
        Arguments.of("pathEncodedDotsAboveRoot", "GET /a/%2e%2e/%2E%2E/b HTTP/1.1\r\nHost: foo.com\r\n\r\n", 400),
        Arguments.of("pathInvalidPercentEncoding", "GET /a%zz HTTP/1.1\r\nHost: foo.com\r\n\r\n", 400),
        // limits
        Arguments.of("requestLineTooLong", "GET /" + "a".repeat(17 * 1024) + " HTTP/1.1\r\nHost: foo.com\r\n\r\n", 414),
        Arguments.of("headersTooLarge", GET + "X-A: " + "a".repeat(61 * 1024) + "\r\n\r\n", 431),
        Arguments.of("tooManyHeaders", GET + "X-A: a\r\n".repeat(100) + "\r\n", 431));
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
    return Stream.of(
        Arguments.of("chunkSizeNotHex", POST + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("chunkSizeHexPrefix", POST + "Transfer-Encoding: chunked\r\n\r\n0x3\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("chunkSizeNegative", POST + "Transfer-Encoding: chunked\r\n\r\n-3\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("chunkSizeOverflow", POST + "Transfer-Encoding: chunked\r\n\r\nfffffffffffffffff3\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("chunkSizeTrailingSpace", POST + "Transfer-Encoding: chunked\r\n\r\n3 \r\nabc\r\n0\r\n\r\n"),
        Arguments.of("chunkSizeLeadingSpace", POST + "Transfer-Encoding: chunked\r\n\r\n 3\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("chunkSizeEmpty", POST + "Transfer-Encoding: chunked\r\n\r\n\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("chunkExtensionControlCharacter", POST + "Transfer-Encoding: chunked\r\n\r\n3;a=\u0001b\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("chunkExtensionBareCr", POST + "Transfer-Encoding: chunked\r\n\r\n3;a\rb\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("chunkDataLongerThanSize", POST + "Transfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n"),
        Arguments.of("chunkDataBareLf", POST + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\n0\r\n\r\n"),
        Arguments.of("chunkSizeBareLf", POST + "Transfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n"),
        Arguments.of("lastChunkBareLf", POST + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\n\r\n"),
        Arguments.of("trailerBareLf", POST + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\n"),
        Arguments.of("trailerObsFold", POST + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: a\r\n b\r\n\r\n"));
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
    for (ScriptedUpstream.Conn conn : silent.connections.subList(before, silent.connections.size())) {
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
