package io.higressj.config.model;

/**
 * How the gateway talks to a cluster's endpoints.
 *
 * @param http2 HTTP/2 (h2c in clear text, h2 by ALPN over TLS) instead of HTTP/1.1
 * @param tls TLS to the endpoint
 * @param sni the server name sent in the TLS handshake; null: none (an IP endpoint) or the endpoint's name
 * @param verify check the endpoint's certificate against {@code trustedCaPem} and {@code sni}
 * @param trustedCaPem CA certificates (PEM) the endpoint's certificate must chain to when verifying
 * @param clientCertPem client certificate chain (PEM) presented to the endpoint, or null
 * @param clientKeyPem its private key (PEM), or null
 */
public record UpstreamProtocol(boolean http2, boolean tls, String sni, boolean verify, String trustedCaPem,
    String clientCertPem, String clientKeyPem) {
  public static final UpstreamProtocol HTTP1 = new UpstreamProtocol(false, false, null, false, null, null, null);
  public static final UpstreamProtocol H2C = new UpstreamProtocol(true, false, null, false, null, null, null);

  /** As Higress's backend-protocol values name them: HTTP, HTTP2, GRPC (h2c), HTTPS, GRPCS; null for others. */
  public static UpstreamProtocol of(String backendProtocol) {
    return switch (backendProtocol.toUpperCase(java.util.Locale.ROOT)) {
      case "HTTP" -> HTTP1;
      case "HTTP2", "GRPC", "H2C" -> H2C;
      case "HTTPS" -> new UpstreamProtocol(false, true, null, false, null, null, null);
      case "GRPCS", "H2" -> new UpstreamProtocol(true, true, null, false, null, null, null);
      default -> null;
    };
  }

  @Override
  public String toString() {
    String p = (tls ? (http2 ? "h2" : "https") : (http2 ? "h2c" : "http"));
    if (!tls) return p;
    return p + (sni != null ? " sni=" + sni : "") + (verify ? " verify" : "") + (clientCertPem != null ? " client-cert" : "");
  }
}
