package io.higressj.conformance.client;

import static java.util.Objects.requireNonNull;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * How the client does TLS.
 *
 * @param sni the server name to send; null or an IP literal: none (as Go does)
 * @param protocols JDK protocol names ({@code TLSv1.2}, {@code TLSv1.3}); empty: JDK defaults
 * @param cipherSuites suites offered for TLS 1.2 and below; empty: defaults. The default TLS 1.3
 *     suites are always added when TLS 1.3 is enabled, as Go does
 * @param trusted trusted roots, used only when {@code verify}
 * @param verify verify the chain and that the certificate matches {@code sni}
 * @param clientCertificate presented when the server asks; null: none
 * @param clientKey the key of {@code clientCertificate}
 * @param alpn protocols offered through ALPN; empty: no ALPN
 */
public record TlsOptions(
    String sni,
    List<String> protocols,
    List<String> cipherSuites,
    List<X509Certificate> trusted,
    boolean verify,
    X509Certificate clientCertificate,
    PrivateKey clientKey,
    List<String> alpn) {

  /** Go's TLS 1.3 suites, offered whatever {@code cipherSuites} says. */
  static final List<String> TLS13_SUITES = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

  public TlsOptions {
    protocols = List.copyOf(requireNonNull(protocols, "protocols"));
    cipherSuites = List.copyOf(requireNonNull(cipherSuites, "cipherSuites"));
    trusted = List.copyOf(requireNonNull(trusted, "trusted"));
    alpn = List.copyOf(requireNonNull(alpn, "alpn"));
    if ((clientCertificate == null) != (clientKey == null)) {
      throw new IllegalArgumentException("clientKey: " + (clientKey == null ? "missing" : "given without clientCertificate"));
    }
  }

  /** No verification, no client certificate, JDK defaults: what the Higress corpus's plain {@code tls} means. */
  public static TlsOptions insecure(String sni) {
    return new TlsOptions(sni, List.of(), List.of(), List.of(), false, null, null, List.of());
  }

  public TlsOptions withAlpn(List<String> protocols) {
    return new TlsOptions(sni, this.protocols, cipherSuites, trusted, verify, clientCertificate, clientKey, protocols);
  }

  /** {@code TLS1.2} → {@code TLSv1.2}. */
  public static String jdkProtocol(String corpusVersion) {
    return switch (corpusVersion) {
      case "TLS1.0" -> "TLSv1";
      case "TLS1.1" -> "TLSv1.1";
      case "TLS1.2" -> "TLSv1.2";
      case "TLS1.3" -> "TLSv1.3";
      default -> throw new IllegalArgumentException("version: " + corpusVersion + " (expected: TLS1.0 .. TLS1.3)");
    };
  }
}
