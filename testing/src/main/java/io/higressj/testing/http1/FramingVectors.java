package io.higressj.testing.http1;

import java.util.List;

/**
 * HTTP/1.1 request framing vectors shared by the data plane's unit tests (EmbeddedChannel) and the
 * gateway's end-to-end edge tests (raw sockets): each is a message a strict edge proxy must refuse,
 * named after the rule it breaks.
 */
public final class FramingVectors {
  /**
   * @param rule the rule the message breaks
   * @param request the bytes to send (ISO-8859-1)
   * @param status the status the gateway answers before closing
   */
  public record Vector(String rule, String request, int status) {}

  private FramingVectors() {}

  /**
   * Messages refused at their head: nothing of them may reach an upstream.
   *
   * @param host the Host every message names (a routed host for end-to-end tests)
   * @param other a second, different host (duplicate Host, absolute-form disagreeing with Host)
   */
  public static List<Vector> refused(String host, String other) {
    String post = "POST / HTTP/1.1\r\nHost: " + host + "\r\n";
    String get = "GET / HTTP/1.1\r\nHost: " + host + "\r\n";
    return List.of(
        // Content-Length and Transfer-Encoding
        new Vector("contentLengthAndTransferEncoding", post + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        new Vector("transferEncodingAndContentLength", post + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        new Vector("duplicateEqualContentLength", post + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 400),
        new Vector("differingContentLength", post + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
        new Vector("contentLengthList", post + "Content-Length: 3, 3\r\n\r\nabc", 400),
        new Vector("contentLengthSign", post + "Content-Length: +3\r\n\r\nabc", 400),
        new Vector("contentLengthNegative", post + "Content-Length: -1\r\n\r\nabc", 400),
        new Vector("contentLengthHex", post + "Content-Length: 0x3\r\n\r\nabc", 400),
        new Vector("contentLengthEmpty", post + "Content-Length: \r\n\r\nabc", 400),
        new Vector("contentLengthOverflow", post + "Content-Length: 99999999999999999999999\r\n\r\nabc", 400),
        new Vector("contentLengthSpaceBeforeColon", post + "Content-Length : 3\r\n\r\nabc", 400),
        // Transfer-Encoding other than one final chunked
        new Vector("transferEncodingXchunked", post + "Transfer-Encoding: xchunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        new Vector("transferEncodingChunkedIdentity", post + "Transfer-Encoding: chunked, identity\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        new Vector("transferEncodingIdentity", post + "Transfer-Encoding: identity\r\n\r\nabc", 400),
        new Vector("transferEncodingGzipChunked", post + "Transfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        new Vector("transferEncodingChunkedTwice", post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        new Vector("transferEncodingSpaceBeforeColon", post + "Transfer-Encoding : chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        new Vector("transferEncodingVerticalTab", post + "Transfer-Encoding:\u000bchunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        new Vector("transferEncodingFormFeed", post + "Transfer-Encoding:\fchunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        new Vector("transferEncodingTrailingVerticalTab", post + "Transfer-Encoding: chunked\u000b\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        new Vector("transferEncodingEmpty", post + "Transfer-Encoding: \r\n\r\n", 400),
        new Vector("transferEncodingOnHttp10", "POST / HTTP/1.0\r\nHost: " + host + "\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        // line endings and folding
        new Vector("bareLfAfterRequestLine", "GET / HTTP/1.1\nHost: " + host + "\r\n\r\n", 400),
        new Vector("bareLfAfterHeader", get + "X-A: b\n\r\n", 400),
        new Vector("bareLfEndsHeaders", get + "\n", 400),
        new Vector("bareCrInHeaderLine", get + "X-A: b\rX-B: c\r\n\r\n", 400),
        new Vector("bareCrInRequestLine", "GET / HTTP/1.1\rHost: " + host + "\r\n\r\n", 400),
        new Vector("obsFoldSpace", get + "X-A: b\r\n c\r\n\r\n", 400),
        new Vector("obsFoldTab", get + "X-A: b\r\n\tc\r\n\r\n", 400),
        new Vector("obsFoldOfTransferEncoding", post + "Transfer-Encoding:\r\n chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        new Vector("whitespaceBeforeFirstHeader", "GET / HTTP/1.1\r\n Host: " + host + "\r\n\r\n", 400),
        // field lines
        new Vector("headerWithoutColon", get + "X-A b\r\n\r\n", 400),
        new Vector("headerNameOnly", get + "X-A\r\n\r\n", 400),
        new Vector("emptyHeaderName", get + ": b\r\n\r\n", 400),
        new Vector("nulInHeaderValue", get + "X-A: b\0c\r\n\r\n", 400),
        new Vector("nulInHeaderName", get + "X-\0A: b\r\n\r\n", 400),
        new Vector("crInHeaderValue", get + "X-A: b\rc\r\n\r\n", 400),
        new Vector("controlCharacterInHeaderValue", get + "X-A: b\u0001c\r\n\r\n", 400),
        new Vector("delInHeaderValue", get + "X-A: b\u007fc\r\n\r\n", 400),
        new Vector("spaceInHeaderName", get + "X A: b\r\n\r\n", 400),
        new Vector("nonAsciiInHeaderName", get + "X-\u00e9: b\r\n\r\n", 400),
        // the same after long runs of good bytes (the scanner checks targets and values in runs)
        new Vector("controlCharacterAfterALongValue", get + "X-A: " + "v".repeat(300) + "\u0001c\r\n\r\n", 400),
        new Vector("bareLfAfterALongValue", get + "X-A: " + "v ".repeat(150) + "\nX-B: c\r\n\r\n", 400),
        new Vector("delAfterALongTarget", "GET /" + "t".repeat(300) + "\u007f HTTP/1.1\r\nHost: " + host + "\r\n\r\n", 400),
        // Host
        new Vector("missingHostOnHttp11", "GET / HTTP/1.1\r\n\r\n", 400),
        new Vector("duplicateHost", get + "Host: " + other + "\r\n\r\n", 400),
        new Vector("invalidHost", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400),
        new Vector("hostWithUserinfo", "GET / HTTP/1.1\r\nHost: a@b\r\n\r\n", 400),
        new Vector("absoluteFormDisagreesWithHost", "GET http://" + other + "/ HTTP/1.1\r\nHost: " + host + "\r\n\r\n", 400),
        // request line and version
        new Vector("http09RequestLine", "GET /\r\n\r\n", 400),
        new Vector("versionHttp12", "GET / HTTP/1.2\r\nHost: " + host + "\r\n\r\n", 505),
        new Vector("versionHttp20", "GET / HTTP/2.0\r\nHost: " + host + "\r\n\r\n", 505),
        new Vector("versionHttp30", "GET / HTTP/3.0\r\nHost: " + host + "\r\n\r\n", 505),
        new Vector("versionLowerCase", "GET / http/1.1\r\nHost: " + host + "\r\n\r\n", 400),
        new Vector("versionUnknownProtocol", "GET / FOO/1.1\r\nHost: " + host + "\r\n\r\n", 400),
        new Vector("versionTwoDigits", "GET / HTTP/1.10\r\nHost: " + host + "\r\n\r\n", 400),
        new Vector("requestLineDoubleSpace", "GET  / HTTP/1.1\r\nHost: " + host + "\r\n\r\n", 400),
        new Vector("requestLineTab", "GET\t/ HTTP/1.1\r\nHost: " + host + "\r\n\r\n", 400),
        new Vector("requestLineTrailingSpace", "GET / HTTP/1.1 \r\nHost: " + host + "\r\n\r\n", 400),
        new Vector("controlCharacterInTarget", "GET /a\u0001b HTTP/1.1\r\nHost: " + host + "\r\n\r\n", 400),
        new Vector("nonAsciiInTarget", "GET /caf\u00e9 HTTP/1.1\r\nHost: " + host + "\r\n\r\n", 400),
        new Vector("fragmentInTarget", "GET /a#b HTTP/1.1\r\nHost: " + host + "\r\n\r\n", 400),
        new Vector("invalidMethod", "G(T / HTTP/1.1\r\nHost: " + host + "\r\n\r\n", 400),
        new Vector("leadingWhitespaceBeforeRequestLine", " GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n", 400),
        // paths
        new Vector("pathAboveRoot", "GET /../etc/passwd HTTP/1.1\r\nHost: " + host + "\r\n\r\n", 400),
        new Vector("pathEncodedDotsAboveRoot", "GET /a/%2e%2e/%2E%2E/b HTTP/1.1\r\nHost: " + host + "\r\n\r\n", 400),
        new Vector("pathInvalidPercentEncoding", "GET /a%zz HTTP/1.1\r\nHost: " + host + "\r\n\r\n", 400),
        // limits
        new Vector("requestLineTooLong", "GET /" + "a".repeat(17 * 1024) + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n", 414),
        new Vector("headersTooLarge", get + "X-A: " + "a".repeat(61 * 1024) + "\r\n\r\n", 431),
        new Vector("tooManyHeaders", get + "X-A: a\r\n".repeat(100) + "\r\n", 431));
  }

  /** Messages whose head is fine and whose chunked body is not: the body ends the connection (400). */
  public static List<Vector> refusedInBody(String host) {
    String post = "POST / HTTP/1.1\r\nHost: " + host + "\r\n";
    return List.of(
        new Vector("chunkSizeNotHex", post + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 400),
        new Vector("chunkSizeHexPrefix", post + "Transfer-Encoding: chunked\r\n\r\n0x3\r\nabc\r\n0\r\n\r\n", 400),
        new Vector("chunkSizeNegative", post + "Transfer-Encoding: chunked\r\n\r\n-3\r\nabc\r\n0\r\n\r\n", 400),
        new Vector("chunkSizeOverflow", post + "Transfer-Encoding: chunked\r\n\r\nfffffffffffffffff3\r\nabc\r\n0\r\n\r\n", 400),
        new Vector("chunkSizeTrailingSpace", post + "Transfer-Encoding: chunked\r\n\r\n3 \r\nabc\r\n0\r\n\r\n", 400),
        new Vector("chunkSizeLeadingSpace", post + "Transfer-Encoding: chunked\r\n\r\n 3\r\nabc\r\n0\r\n\r\n", 400),
        new Vector("chunkSizeEmpty", post + "Transfer-Encoding: chunked\r\n\r\n\r\nabc\r\n0\r\n\r\n", 400),
        new Vector("chunkExtensionControlCharacter", post + "Transfer-Encoding: chunked\r\n\r\n3;a=\u0001b\r\nabc\r\n0\r\n\r\n", 400),
        new Vector("chunkExtensionBareCr", post + "Transfer-Encoding: chunked\r\n\r\n3;a\rb\r\nabc\r\n0\r\n\r\n", 400),
        new Vector("chunkDataLongerThanSize", post + "Transfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n", 400),
        new Vector("chunkDataBareLf", post + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\n0\r\n\r\n", 400),
        new Vector("chunkSizeBareLf", post + "Transfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n", 400),
        new Vector("lastChunkBareLf", post + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\n\r\n", 400),
        new Vector("trailerBareLf", post + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\n", 400),
        new Vector("trailerObsFold", post + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: a\r\n b\r\n\r\n", 400));
  }
}
