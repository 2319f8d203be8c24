package io.higressj.server.edge.h2;

import static io.higressj.server.edge.h2.H2SpecChecks.assertConnectionError;
import static io.higressj.server.edge.h2.H2SpecChecks.assertNothingReachedUpstream;
import static io.higressj.server.edge.h2.H2SpecChecks.assertStreamError;
import static io.higressj.server.edge.h2.H2SpecChecks.open;
import static io.higressj.server.edge.h2.Http2EdgeFixture.HOST;
import static io.higressj.testing.http2.Http2Frames.PROTOCOL_ERROR;
import static io.higressj.testing.http2.Http2Frames.bytes;
import static io.higressj.testing.http2.Http2Frames.data;
import static io.higressj.testing.http2.Http2Frames.headers;
import static io.higressj.testing.http2.Http2Frames.pushPromise;
import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.testing.http2.Hpack;
import io.higressj.testing.http2.RawHttp2;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * h2spec's HTTP message cases, written here from RFC 9113 section 8 (RFC 7540 8.1/8.2 in h2spec's
 * numbering): a malformed request is a stream error of type PROTOCOL_ERROR (8.1.1), the connection
 * goes on serving, and nothing of the request reaches the upstream (an HTTP/1.1 upstream would
 * otherwise receive what HTTP/2 framing never allowed: header injection, smuggled lengths).
 */
class H2SpecMessagesTest {
  @TempDir static Path dir;
  static Http2EdgeFixture f;

  @BeforeAll
  static void start() throws Exception {
    f = Http2EdgeFixture.start(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    if (f != null) f.close();
  }

  /** The request's fields in the order given (pseudo-header fields included), as stream 1 with END_STREAM. */
  static void assertMalformed(String path, String... fields) throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, Hpack.fields(fields), true, true));
      assertStreamError(c, 1, PROTOCOL_ERROR);
    }
    assertNothingReachedUpstream(f, path);
  }

  // 8.1 request/response exchange (RFC 9113 8.1): trailers must end the stream

  @Test
  void s8_1_trailersEndingTheStreamAreAccepted() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, Hpack.request("POST", HOST, "/h2spec/8.1-trailers"), false, true), data(1, bytes(3, 'd'), false),
          headers(1, Hpack.literal("x-trailer", "t"), true, true));
      RawHttp2.Response r = c.response(1);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.bodyText()).contains("\"body\":\"ddd\"");
    }
  }

  @Test
  void s8_1_aHeadRequestIsAnsweredWithoutContent() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, Hpack.request("HEAD", HOST, "/h2spec/8.1-head"), true, true));
      RawHttp2.Response r = c.response(1);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEmpty();
    }
  }

  @Test
  void s8_1_aSecondHeadersWithoutEndStreamIsAStreamProtocolError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, Hpack.request("POST", HOST, "/h2spec/8.1-second-headers"), false, true), data(1, bytes(3, 'd'), false),
          headers(1, Hpack.literal("x-trailer", "t"), false, true));
      assertStreamError(c, 1, PROTOCOL_ERROR);
    }
  }

  // 8.1.2 (RFC 9113 8.2, 8.2.1) field names and values

  @Test
  void s8_1_2_anUpperCaseFieldNameIsMalformed() throws Exception {
    String path = "/h2spec/8.1.2-upper-case";
    assertMalformed(path, ":method", "GET", ":scheme", "http", ":authority", HOST, ":path", path, "X-Upper", "v");
  }

  @Test
  void s8_1_2_aSpaceInAFieldNameIsMalformed() throws Exception {
    String path = "/h2spec/8.1.2-space-in-name";
    assertMalformed(path, ":method", "GET", ":scheme", "http", ":authority", HOST, ":path", path, "x a", "v");
  }

  @Test
  void s8_1_2_aColonInARegularFieldNameIsMalformed() throws Exception {
    String path = "/h2spec/8.1.2-colon-in-name";
    assertMalformed(path, ":method", "GET", ":scheme", "http", ":authority", HOST, ":path", path, "x:a", "v");
  }

  @Test
  void s8_1_2_anEmptyFieldNameIsMalformed() throws Exception {
    String path = "/h2spec/8.1.2-empty-name";
    assertMalformed(path, ":method", "GET", ":scheme", "http", ":authority", HOST, ":path", path, "", "v");
  }

  @Test
  void s8_1_2_crLfInAFieldValueIsMalformed() throws Exception {
    // an HTTP/1.1 upstream would read a second header line (or a second request) from it
    String path = "/h2spec/8.1.2-crlf-in-value";
    assertMalformed(path, ":method", "GET", ":scheme", "http", ":authority", HOST, ":path", path,
        "x-a", "v\r\nx-injected: 1");
  }

  @Test
  void s8_1_2_aBareLfInAFieldValueIsMalformed() throws Exception {
    String path = "/h2spec/8.1.2-lf-in-value";
    assertMalformed(path, ":method", "GET", ":scheme", "http", ":authority", HOST, ":path", path, "x-a", "v\nx-b: 1");
  }

  @Test
  void s8_1_2_nulInAFieldValueIsMalformed() throws Exception {
    String path = "/h2spec/8.1.2-nul-in-value";
    assertMalformed(path, ":method", "GET", ":scheme", "http", ":authority", HOST, ":path", path, "x-a", "v\0w");
  }

  @Test
  void s8_1_2_aControlCharacterInAFieldValueIsMalformed() throws Exception {
    // RFC 9110 5.5: invalid; refused as HTTP/1.1 refuses it (400 there)
    String path = "/h2spec/8.1.2-control-in-value";
    assertMalformed(path, ":method", "GET", ":scheme", "http", ":authority", HOST, ":path", path, "x-a", "v\u0001w");
    assertMalformed(path, ":method", "GET", ":scheme", "http", ":authority", HOST, ":path", path, "x-a", "v\u007fw");
  }

  @Test
  void s8_1_2_leadingOrTrailingWhitespaceInAFieldValueIsMalformed() throws Exception {
    String path = "/h2spec/8.1.2-space-around-value";
    assertMalformed(path, ":method", "GET", ":scheme", "http", ":authority", HOST, ":path", path, "x-a", " v");
    assertMalformed(path, ":method", "GET", ":scheme", "http", ":authority", HOST, ":path", path, "x-a", "v\t");
  }

  // 8.1.2.1 (RFC 9113 8.3) pseudo-header fields

  @Test
  void s8_1_2_1_anUnknownPseudoHeaderIsMalformed() throws Exception {
    String path = "/h2spec/8.1.2.1-unknown";
    assertMalformed(path, ":method", "GET", ":scheme", "http", ":authority", HOST, ":path", path, ":foo", "bar");
  }

  @Test
  void s8_1_2_1_aResponsePseudoHeaderInARequestIsMalformed() throws Exception {
    String path = "/h2spec/8.1.2.1-status";
    assertMalformed(path, ":method", "GET", ":scheme", "http", ":authority", HOST, ":path", path, ":status", "200");
  }

  @Test
  void s8_1_2_1_aPseudoHeaderAfterARegularFieldIsMalformed() throws Exception {
    String path = "/h2spec/8.1.2.1-after-regular";
    assertMalformed(path, ":method", "GET", ":scheme", "http", ":authority", HOST, "x-a", "b", ":path", path);
  }

  @Test
  void s8_1_2_1_aPseudoHeaderInTrailersIsMalformed() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, Hpack.request("POST", HOST, "/h2spec/8.1.2.1-trailers"), false, true), data(1, bytes(3, 'd'), false),
          headers(1, Hpack.fields(":method", "GET"), true, true));
      assertStreamError(c, 1, PROTOCOL_ERROR);
    }
  }

  // 8.1.2.2 (RFC 9113 8.2.2) connection-specific fields

  @Test
  void s8_1_2_2_connectionSpecificFieldsAreMalformed() throws Exception {
    String path = "/h2spec/8.1.2.2-connection";
    for (String[] field : new String[][] {{"connection", "keep-alive"}, {"keep-alive", "timeout=5"},
        {"proxy-connection", "keep-alive"}, {"transfer-encoding", "chunked"}, {"upgrade", "websocket"}}) {
      assertMalformed(path, ":method", "GET", ":scheme", "http", ":authority", HOST, ":path", path, field[0], field[1]);
    }
  }

  @Test
  void s8_1_2_2_teOtherThanTrailersIsMalformed() throws Exception {
    String path = "/h2spec/8.1.2.2-te";
    assertMalformed(path, ":method", "GET", ":scheme", "http", ":authority", HOST, ":path", path, "te", "trailers, deflate");
  }

  @Test
  void s8_1_2_2_teTrailersIsAccepted() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, Hpack.request("GET", HOST, "/h2spec/8.1.2.2-te-trailers", "te", "trailers"), true, true));
      assertThat(c.response(1).status()).isEqualTo(200);
    }
  }

  // 8.1.2.3 (RFC 9113 8.3.1) request pseudo-header fields

  @Test
  void s8_1_2_3_anEmptyPathIsMalformed() throws Exception {
    assertMalformed("/h2spec/8.1.2.3-empty-path", ":method", "GET", ":scheme", "http", ":authority", HOST, ":path", "",
        "x-marker", "/h2spec/8.1.2.3-empty-path");
    // the marker is not a path: what would reach the upstream is "/" or ""; neither may
    assertThat(f.echo.recentRequests()).noneMatch(r -> r.path().isEmpty() || r.path().equals("/"));
  }

  @Test
  void s8_1_2_3_aMissingMethodIsMalformed() throws Exception {
    String path = "/h2spec/8.1.2.3-no-method";
    assertMalformed(path, ":scheme", "http", ":authority", HOST, ":path", path);
  }

  @Test
  void s8_1_2_3_aMissingSchemeIsMalformed() throws Exception {
    String path = "/h2spec/8.1.2.3-no-scheme";
    assertMalformed(path, ":method", "GET", ":authority", HOST, ":path", path);
  }

  @Test
  void s8_1_2_3_aMissingPathIsMalformed() throws Exception {
    assertMalformed("/h2spec/8.1.2.3-no-path", ":method", "GET", ":scheme", "http", ":authority", HOST);
    assertThat(f.echo.recentRequests()).noneMatch(r -> r.path().isEmpty() || r.path().equals("/"));
  }

  @Test
  void s8_1_2_3_aDuplicateMethodIsMalformed() throws Exception {
    String path = "/h2spec/8.1.2.3-two-methods";
    assertMalformed(path, ":method", "GET", ":method", "POST", ":scheme", "http", ":authority", HOST, ":path", path);
  }

  @Test
  void s8_1_2_3_aDuplicateSchemeIsMalformed() throws Exception {
    String path = "/h2spec/8.1.2.3-two-schemes";
    assertMalformed(path, ":method", "GET", ":scheme", "http", ":scheme", "https", ":authority", HOST, ":path", path);
  }

  @Test
  void s8_1_2_3_aDuplicatePathIsMalformed() throws Exception {
    String path = "/h2spec/8.1.2.3-two-paths";
    assertMalformed(path, ":method", "GET", ":scheme", "http", ":authority", HOST, ":path", path, ":path", path + "-2");
  }

  @Test
  void s8_1_2_3_aPathNotStartingWithASlashIsMalformed() throws Exception {
    // RFC 9113 8.3.1: origin-form or asterisk-form (only for OPTIONS)
    String path = "h2spec/8.1.2.3-relative";
    assertMalformed(path, ":method", "GET", ":scheme", "http", ":authority", HOST, ":path", path);
  }

  @Test
  void s8_1_2_3_theRequiredPseudoHeadersWithoutAuthorityAreServed() throws Exception {
    // :authority is optional (RFC 9113 8.3.1): Host names the route then
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, Hpack.fields(":method", "GET", ":scheme", "http", ":path", "/h2spec/8.1.2.3-host", "host", HOST),
          true, true));
      assertThat(c.response(1).status()).isEqualTo(200);
    }
  }

  // 8.1.2.6 (RFC 9113 8.1.1) content-length must match the DATA frames

  @Test
  void s8_1_2_6_dataLongerThanContentLengthIsMalformed() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, Hpack.request("POST", HOST, "/h2spec/8.1.2.6-longer", "content-length", "1"), false, true),
          data(1, bytes(3, 'd'), true));
      assertStreamError(c, 1, PROTOCOL_ERROR);
    }
  }

  @Test
  void s8_1_2_6_dataFramesAddingUpToMoreThanContentLengthAreMalformed() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, Hpack.request("POST", HOST, "/h2spec/8.1.2.6-frames", "content-length", "4"), false, true),
          data(1, bytes(3, 'd'), false), data(1, bytes(3, 'd'), true));
      assertStreamError(c, 1, PROTOCOL_ERROR);
    }
  }

  @Test
  void s8_1_2_6_dataShorterThanContentLengthIsMalformed() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, Hpack.request("POST", HOST, "/h2spec/8.1.2.6-shorter", "content-length", "10"), false, true),
          data(1, bytes(3, 'd'), true));
      assertStreamError(c, 1, PROTOCOL_ERROR);
    }
  }

  @Test
  void s8_1_2_6_contentLengthWithoutDataIsMalformed() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, Hpack.request("POST", HOST, "/h2spec/8.1.2.6-no-data", "content-length", "5"), true, true));
      assertStreamError(c, 1, PROTOCOL_ERROR);
    }
    assertNothingReachedUpstream(f, "/h2spec/8.1.2.6-no-data");
  }

  @Test
  void s8_1_2_6_aRequestSmuggledBehindContentLengthZeroNeverReachesTheUpstream() throws Exception {
    // H2.CL desync: an HTTP/1.1 upstream told "content-length: 0" would read the DATA as a second request
    String smuggled = "GET /h2spec/8.1.2.6-smuggled HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n";
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, Hpack.request("POST", HOST, "/h2spec/8.1.2.6-cl0", "content-length", "0"), false, true),
          data(1, smuggled.getBytes(java.nio.charset.StandardCharsets.US_ASCII), true));
      assertStreamError(c, 1, PROTOCOL_ERROR);
    }
    assertNothingReachedUpstream(f, "/h2spec/8.1.2.6-smuggled");
  }

  @Test
  void s8_1_2_6_aMatchingContentLengthIsAccepted() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, Hpack.request("POST", HOST, "/h2spec/8.1.2.6-match", "content-length", "6"), false, true),
          data(1, bytes(3, 'd'), false), data(1, bytes(3, 'e'), true));
      RawHttp2.Response r = c.response(1);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.bodyText()).contains("\"body\":\"dddeee\"");
    }
  }

  // 8.2 server push (RFC 9113 8.4): a client cannot push

  @Test
  void s8_2_pushPromiseFromAClientIsAProtocolError() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, Hpack.request("POST", HOST, "/h2spec/8.2-open"), false, true),
          pushPromise(1, 2, Hpack.get(HOST, "/h2spec/8.2-pushed")));
      assertConnectionError(c, PROTOCOL_ERROR);
    }
    assertNothingReachedUpstream(f, "/h2spec/8.2-pushed");
  }
}
