/**
 * Certificates made for a test run: {@link io.higressj.testing.tls.CertificateGenerator}
 * produces the CA, server, client and self-signed certificates that the corpora's
 * {@code generateCertificate} step describes, as Java objects and as PEM.
 */
package io.higressj.testing.tls;
