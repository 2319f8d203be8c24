package io.higressj.conformance.client;

import static java.util.Objects.requireNonNull;

/**
 * A complete response.
 *
 * @param status the status code
 * @param headers response header lines, in order
 * @param body the body bytes (empty when none)
 * @param trailers HTTP/2 trailers (gRPC status), empty otherwise
 * @param protocol {@code HTTP/1.1} or {@code HTTP/2.0}
 */
public record WireResponse(int status, Headers headers, byte[] body, Headers trailers, String protocol) {
  public WireResponse {
    requireNonNull(headers, "headers");
    requireNonNull(body, "body");
    requireNonNull(trailers, "trailers");
    requireNonNull(protocol, "protocol");
  }

  public WireResponse withHeadersAndBody(Headers newHeaders, byte[] newBody) {
    return new WireResponse(status, newHeaders, newBody, trailers, protocol);
  }

  public String bodyText() {
    return new String(body, java.nio.charset.StandardCharsets.UTF_8);
  }
}
