package io.higressj.server.edge;

import static io.higressj.server.GatewayFixture.ingress;
import static io.higressj.server.GatewayFixture.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.server.GatewayFixture;
import io.higressj.server.RawHttp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Upstream responses with ambiguous framing or injected headers: the client gets a 502 from the
 * gateway, never the upstream's bytes, and the upstream connection is closed, never reused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResponseFramingEdgeTest {
  private static final String OK = "HTTP/1.1 200 OK\r\n";
  private static final String FRESH = OK + "Content-Length: 5\r\n\r\nfresh";

  final Map<String, String> responses = new ConcurrentHashMap<>();
  Path dir;
  GatewayFixture f;
  ScriptedUpstream upstream;
  int port;

  @BeforeAll
  void startGateway() throws Exception {
    upstream = new ScriptedUpstream(head -> {
      String path = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
      return responses.getOrDefault(path, FRESH);
    });
    dir = Files.createTempDirectory("edge-responses");
    f = new GatewayFixture(dir);
    f.write("services/raw.yaml", service("ns1", "raw", upstream.port()));
    f.write("ingresses/raw.yaml", ingress("ns1", "raw", "raw.com", "Prefix", "/", "raw"));
    f.start();
    port = f.gateway().httpPort();
  }

  @AfterAll
  void stop() throws Exception {
    f.close();
    upstream.close();
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of("contentLengthAndTransferEncoding", OK + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("differingContentLength", OK + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"),
        Arguments.of("duplicateContentLength", OK + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc"),
        Arguments.of("invalidContentLength", OK + "Content-Length: 3x\r\n\r\nabc"),
        Arguments.of("negativeContentLength", OK + "Content-Length: -3\r\n\r\nabc"),
        Arguments.of("transferEncodingXchunked", OK + "Transfer-Encoding: xchunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("transferEncodingChunkedIdentity", OK + "Transfer-Encoding: chunked, identity\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("transferEncodingGzip", OK + "Transfer-Encoding: gzip\r\n\r\nabc"),
        Arguments.of("transferEncodingSpaceBeforeColon", OK + "Transfer-Encoding : chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("transferEncodingOnHttp10", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("headerInjectionBareCr", OK + "X-A: a\rSet-Cookie: session=stolen\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of("headerInjectionBareLf", OK + "X-A: a\nSet-Cookie: session=stolen\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of("nulInHeaderValue", OK + "X-A: a\0b\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of("obsFold", OK + "X-A: a\r\n b\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of("headerWithoutColon", OK + "X-A a\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of("versionHttp12", "HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of("statusCodeFourDigits", "HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of("notHttpAtAll", "SSH-2.0-OpenSSH_9.6\r\n\r\n"),
        Arguments.of("switchingProtocolsNobodyAskedFor", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: foo\r\nConnection: upgrade\r\n\r\nraw bytes"),
        Arguments.of("badFinalAfterInterim", "HTTP/1.1 100 Continue\r\n\r\n" + OK + "X-A: a\r\n b\r\nContent-Length: 0\r\n\r\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void ambiguousResponsesBecome502AndTheUpstreamConnectionIsClosed(String rule, String raw) throws Exception {
    String path = "/" + rule;
    responses.put(path, raw);
    try (RawHttp c = new RawHttp(port)) {
      RawHttp.Response r = c.request("raw.com", path);
      assertThat(r.status()).as(rule).isEqualTo(502);
      assertThat(r.body()).contains("upstream protocol error");
      assertThat(r.headers()).doesNotContainKey("set-cookie").doesNotContainKey("x-a");
      // the client connection stays usable, served by a new upstream connection
      RawHttp.Response next = c.request("raw.com", "/after-" + rule);
      assertThat(next.status()).isEqualTo(200);
      assertThat(next.body()).isEqualTo("fresh");
    }
    ScriptedUpstream.Conn served = upstream.connections.stream()
        .filter(x -> x.receivedText().contains("GET " + path + " ")).findFirst().orElseThrow();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!served.closedByGateway && System.nanoTime() < deadline) Thread.sleep(10);
    assertThat(served.closedByGateway).as(rule + ": upstream connection closed").isTrue();
    String got = served.receivedText();
    String afterTheBadOne = got.substring(got.indexOf("GET " + path + " ") + 1);
    assertThat(afterTheBadOne).as(rule + ": never reused").doesNotContain("GET ");
  }

  @Test
  void responseSplittingNeverReachesTheNextClientRequest() throws Exception {
    responses.put("/split", OK + "Content-Length: 2\r\n\r\nok" + OK + "Content-Length: 8\r\n\r\nsmuggled");
    try (RawHttp c = new RawHttp(port)) {
      RawHttp.Response first = c.request("raw.com", "/split");
      assertThat(first.status()).isEqualTo(200);
      assertThat(first.body()).isEqualTo("ok");
      RawHttp.Response second = c.request("raw.com", "/after-split");
      assertThat(second.body()).isEqualTo("fresh");
    }
  }

  @Test
  void badChunkingAfterTheHeadersCutsTheClientResponseShort() throws Exception {
    responses.put("/badchunk", OK + "Transfer-Encoding: chunked\r\n\r\n2\r\nok\r\nzz\r\nmore\r\n0\r\n\r\n");
    try (RawHttp c = new RawHttp(port)) {
      c.send(RawHttp.get("raw.com", "/badchunk"));
      String all = c.readToEnd();
      // either nothing was flushed yet, or a response that never completes: never a well-framed one
      assertThat(all).doesNotEndWith("0\r\n\r\n").doesNotContain("more");
    }
    ScriptedUpstream.Conn served = upstream.connections.stream()
        .filter(x -> x.receivedText().contains("GET /badchunk ")).findFirst().orElseThrow();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!served.closedByGateway && System.nanoTime() < deadline) Thread.sleep(10);
    assertThat(served.closedByGateway).isTrue();
  }
}
