package io.higressj.testing.tls;

import static java.util.Objects.requireNonNull;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A certificate made by {@link CertificateGenerator}, with its private key, in Java form and
 * as PEM text the way the corpora store it in Secrets.
 *
 * @param cert the certificate
 * @param key its RSA private key
 * @param certPem the certificate as PEM ({@code CERTIFICATE})
 * @param keyPem the key as PKCS#1 PEM ({@code RSA PRIVATE KEY}), the corpora's {@code tls.key}
 */
public record GeneratedCertificate(X509Certificate cert, PrivateKey key, String certPem, String keyPem) {

    public GeneratedCertificate {
        requireNonNull(cert, "cert");
        requireNonNull(key, "key");
        requireNonNull(certPem, "certPem");
        requireNonNull(keyPem, "keyPem");
    }

    /**
     * The key as PKCS#8 PEM ({@code PRIVATE KEY}), which every TLS stack reads, Netty's
     * {@code SslContextBuilder} without BouncyCastle included.
     */
    public String pkcs8KeyPem() {
        return Pem.encode("PRIVATE KEY", key.getEncoded());
    }
}
