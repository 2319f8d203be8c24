package io.higressj.conformance.client;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * One request exactly as it goes on the wire.
 *
 * @param address where to connect
 * @param protocol HTTP/1.1 (with or without TLS), HTTP/2 over TLS (ALPN h2, falling back to
 *     HTTP/1.1 if the server does not pick h2), or h2c with prior knowledge
 * @param tls null: clear text
 * @param method request method
 * @param target the request target (HTTP/1.1 request line, HTTP/2 {@code :path}), unchanged
 * @param authority the {@code Host} header (HTTP/1.1) or {@code :authority} (HTTP/2)
 * @param headers the other header lines, in order (names lower-cased for HTTP/2)
 * @param body null: none
 * @param timeout for the whole exchange, connecting included
 */
public record WireRequest(
    InetSocketAddress address,
    Protocol protocol,
    TlsOptions tls,
    String method,
    String target,
    String authority,
    Headers headers,
    byte[] body,
    Duration timeout) {

  /** The wire protocols. */
  public enum Protocol { HTTP_1_1, HTTP_2, H2C }

  public WireRequest {
    requireNonNull(address, "address");
    requireNonNull(protocol, "protocol");
    requireNonNull(method, "method");
    requireNonNull(target, "target");
    requireNonNull(authority, "authority");
    requireNonNull(headers, "headers");
    requireNonNull(timeout, "timeout");
    if (protocol == Protocol.HTTP_2 && tls == null) throw new IllegalArgumentException("tls: missing (HTTP/2 runs over TLS; use H2C)");
    if (protocol == Protocol.H2C && tls != null) throw new IllegalArgumentException("tls: given for H2C");
  }

  public String scheme() {
    return tls == null ? "http" : "https";
  }

  @Override
  public String toString() {
    return method + " " + scheme() + "://" + authority + target + " (" + protocol + " to " + address.getHostString() + ":" + address.getPort() + ")";
  }
}
