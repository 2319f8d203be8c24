package io.higressj.config.model;

import static java.util.Objects.requireNonNull;

/**
 * A certificate chain and its private key, from a {@code kubernetes.io/tls} Secret.
 *
 * @param secret "namespace/name" of the Secret
 * @param certChainPem PEM of {@code tls.crt}
 * @param privateKeyPem PEM of {@code tls.key}
 */
public record CertificateConfig(String secret, String certChainPem, String privateKeyPem) {
  public CertificateConfig {
    requireNonNull(secret, "secret");
    requireNonNull(certChainPem, "certChainPem");
    requireNonNull(privateKeyPem, "privateKeyPem");
  }

  @Override
  public String toString() { // never print key material
    return "CertificateConfig[" + secret + "]";
  }
}
