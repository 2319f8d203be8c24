package io.higressj.config.model;

import static java.util.Objects.requireNonNull;

/**
 * A certificate chain and its private key, from a {@code kubernetes.io/tls} Secret.
 *
 * @param secret "namespace/name" of the Secret
 * @param certChainPem PEM of {@code tls.crt}
 * @param privateKeyPem PEM of {@code tls.key}
 * @param clientCaPem when set, clients must present a certificate issued by these CAs (auth-tls-secret)
 * @param cipherSuites TLS 1.2 suites allowed (OpenSSL names, ssl-cipher); empty: the defaults
 * @param protocols TLS versions allowed, as the JDK names them ({@code TLSv1}, {@code TLSv1.1}, {@code TLSv1.2},
 *     {@code TLSv1.3}; tls-min/max-protocol-version); empty: the defaults (TLS 1.2 and 1.3)
 */
public record CertificateConfig(String secret, String certChainPem, String privateKeyPem, String clientCaPem,
    java.util.List<String> cipherSuites, java.util.List<String> protocols) {
  /** TLS versions from oldest to newest, as the JDK names them. */
  public static final java.util.List<String> TLS_VERSIONS = java.util.List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

  public CertificateConfig {
    requireNonNull(secret, "secret");
    requireNonNull(certChainPem, "certChainPem");
    requireNonNull(privateKeyPem, "privateKeyPem");
    cipherSuites = java.util.List.copyOf(cipherSuites);
    protocols = java.util.List.copyOf(protocols);
    for (String p : protocols) {
      if (!TLS_VERSIONS.contains(p)) throw new IllegalArgumentException("protocols: " + p + " (expected: one of " + TLS_VERSIONS + ")");
    }
  }

  public CertificateConfig(String secret, String certChainPem, String privateKeyPem, String clientCaPem,
      java.util.List<String> cipherSuites) {
    this(secret, certChainPem, privateKeyPem, clientCaPem, cipherSuites, java.util.List.of());
  }

  public CertificateConfig(String secret, String certChainPem, String privateKeyPem) {
    this(secret, certChainPem, privateKeyPem, null, java.util.List.of());
  }

  /**
   * This certificate with the downstream TLS settings of Higress's annotations.
   *
   * @param clientCaPem CA certificates clients must present a certificate of (mutual TLS), or null
   * @param cipherSuites OpenSSL names of the TLS 1.2 suites allowed; empty: the provider's defaults
   */
  public CertificateConfig withDownstream(String clientCaPem, java.util.List<String> cipherSuites) {
    return new CertificateConfig(secret, certChainPem, privateKeyPem, clientCaPem, cipherSuites, protocols);
  }

  /** This certificate offered with these TLS versions only (empty: the defaults). */
  public CertificateConfig withProtocols(java.util.List<String> versions) {
    return new CertificateConfig(secret, certChainPem, privateKeyPem, clientCaPem, cipherSuites, versions);
  }

  @Override
  public String toString() { // never print key material
    return "CertificateConfig[" + secret + (clientCaPem != null ? ", mutual TLS" : "")
        + (cipherSuites.isEmpty() ? "" : ", ciphers " + String.join(":", cipherSuites))
        + (protocols.isEmpty() ? "" : ", " + String.join("/", protocols)) + "]";
  }
}
