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
 */
public record CertificateConfig(String secret, String certChainPem, String privateKeyPem, String clientCaPem,
    java.util.List<String> cipherSuites) {
  public CertificateConfig {
    requireNonNull(secret, "secret");
    requireNonNull(certChainPem, "certChainPem");
    requireNonNull(privateKeyPem, "privateKeyPem");
    cipherSuites = java.util.List.copyOf(cipherSuites);
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
    return new CertificateConfig(secret, certChainPem, privateKeyPem, clientCaPem, cipherSuites);
  }

  @Override
  public String toString() { // never print key material
    return "CertificateConfig[" + secret + (clientCaPem != null ? ", mutual TLS" : "")
        + (cipherSuites.isEmpty() ? "" : ", ciphers " + String.join(":", cipherSuites)) + "]";
  }
}
