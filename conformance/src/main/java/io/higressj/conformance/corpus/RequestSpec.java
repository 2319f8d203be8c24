package io.higressj.conformance.corpus;

import static io.higressj.conformance.corpus.Fields.list;
import static io.higressj.conformance.corpus.Fields.map;
import static io.higressj.conformance.corpus.Fields.required;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code request} of an assertion (FORMAT.md section 6): what to put on the wire.
 *
 * @param method always present, upper case
 * @param host the Host header / {@code :authority}; null: the address the client dialled
 * @param path request target (path and query), sent exactly as written
 * @param protocol null or {@code HTTP/1.1}, {@code HTTP/2} (TLS + ALPN h2), {@code H2C} (prior knowledge)
 * @param headers one header line per list element, in order; a single string is a one-element list
 * @param body null: no body; otherwise sent as UTF-8
 * @param contentType the Content-Type added for {@code body}
 * @param echoSetHeaders pairs for {@code X-Echo-Set-Header}
 * @param followRedirects null means true
 * @param tls present: HTTPS
 */
public record RequestSpec(
    String method,
    String host,
    String path,
    String protocol,
    Map<String, List<String>> headers,
    String body,
    String contentType,
    Map<String, String> echoSetHeaders,
    Boolean followRedirects,
    TlsSpec tls) {

  /** How the request travels. */
  public enum Protocol { HTTP_1_1, HTTP_2, H2C }

  public RequestSpec {
    required(method, "method");
    if (method.isEmpty() || !method.equals(method.toUpperCase(java.util.Locale.ROOT))) {
      throw new IllegalArgumentException("method: \"" + method + "\" (expected: an upper-case method)");
    }
    required(path, "path");
    if (protocol != null && !Set.of("HTTP/1.1", "HTTP/2", "H2C").contains(protocol)) {
      throw new IllegalArgumentException("protocol: \"" + protocol + "\" (expected: HTTP/1.1, HTTP/2 or H2C)");
    }
    headers = map(headers, "headers");
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey().isEmpty()) throw new IllegalArgumentException("headers: empty header name");
      if (e.getValue().stream().anyMatch(v -> v == null)) throw new IllegalArgumentException("headers." + e.getKey() + ": null value");
    }
    if (contentType != null && body == null) {
      throw new IllegalArgumentException("contentType: \"" + contentType + "\" (expected: only together with body)");
    }
    echoSetHeaders = map(echoSetHeaders, "echoSetHeaders");
  }

  public Protocol wireProtocol() {
    if (protocol == null || protocol.equals("HTTP/1.1")) return Protocol.HTTP_1_1;
    return protocol.equals("HTTP/2") ? Protocol.HTTP_2 : Protocol.H2C;
  }

  public boolean followsRedirects() {
    return followRedirects == null || followRedirects;
  }

  /** The same request with other headers (the entropy of distribution checks). */
  public RequestSpec withHeaders(Map<String, List<String>> newHeaders) {
    return new RequestSpec(method, host, path, protocol, newHeaders, body, contentType, echoSetHeaders, followRedirects, tls);
  }

  /**
   * {@code tls} of a request (FORMAT.md 6.1 of both corpora).
   *
   * @param sni server name to send
   * @param minVersion {@code TLS1.0} .. {@code TLS1.3}; null: client default (1.2)
   * @param maxVersion likewise; null: client default (1.3)
   * @param cipherSuites IANA names offered for TLS 1.0-1.2; TLS 1.3 suites are always the defaults
   * @param caCerts Higress corpus: trusted roots (no effect: the server is not verified)
   * @param caCertificates Gateway API corpus: trusted roots, used when {@code verifyServerCertificate}
   * @param clientCert id of a generated certificate presented as client certificate
   * @param verifyServerCertificate true: the chain must lead to a trusted root and match {@code sni}
   */
  public record TlsSpec(
      String sni,
      String minVersion,
      String maxVersion,
      List<String> cipherSuites,
      List<String> caCerts,
      List<String> caCertificates,
      String clientCert,
      Boolean verifyServerCertificate) {

    static final List<String> VERSIONS = List.of("TLS1.0", "TLS1.1", "TLS1.2", "TLS1.3");

    public TlsSpec {
      if (minVersion != null && !VERSIONS.contains(minVersion)) {
        throw new IllegalArgumentException("minVersion: \"" + minVersion + "\" (expected one of " + VERSIONS + ")");
      }
      if (maxVersion != null && !VERSIONS.contains(maxVersion)) {
        throw new IllegalArgumentException("maxVersion: \"" + maxVersion + "\" (expected one of " + VERSIONS + ")");
      }
      if (minVersion != null && maxVersion != null && VERSIONS.indexOf(minVersion) > VERSIONS.indexOf(maxVersion)) {
        throw new IllegalArgumentException("minVersion: " + minVersion + " (expected: <= maxVersion " + maxVersion + ")");
      }
      cipherSuites = list(cipherSuites);
      caCerts = list(caCerts);
      caCertificates = list(caCertificates);
    }

    public boolean verifies() {
      return verifyServerCertificate != null && verifyServerCertificate;
    }

    /** Trusted roots of either corpus. */
    public List<String> trustedCertificateIds() {
      return caCertificates.isEmpty() ? caCerts : caCertificates;
    }
  }
}
