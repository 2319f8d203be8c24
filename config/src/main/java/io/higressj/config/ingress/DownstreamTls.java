package io.higressj.config.ingress;

import io.higressj.config.model.CertificateConfig;
import io.higressj.config.resource.Problem;
import io.higressj.config.resource.Resource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Higress's downstream TLS annotations, applied to the certificates of an Ingress's TLS hosts:
 * {@code auth-tls-secret} (clients must present a certificate; the CA is {@code ca.crt} of the Secret,
 * which must be the host's own Secret or {@code <it>-cacert} in the same namespace, as Higress checks) and
 * {@code ssl-cipher} (TLS 1.2 suites, OpenSSL names separated by {@code :}; names Envoy does not know are
 * dropped, as Higress drops them, and reported here), {@code tls-min-protocol-version} and
 * {@code tls-max-protocol-version} (TLSv1.0 to TLSv1.3).
 */
final class DownstreamTls {
  /** The suites Envoy (and so Higress) accepts in cipher_suites. */
  static final Set<String> CIPHERS = Set.of(
      "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
      "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
      "ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA", "ECDHE-RSA-AES256-SHA",
      "AES128-GCM-SHA256", "AES256-GCM-SHA384", "AES128-SHA", "AES256-SHA");

  private DownstreamTls() {}

  static CertificateConfig apply(Resource r, CertificateConfig cert, TlsSecrets secrets, Collection<Problem> problems) {
    String ca = null;
    String caKey = key(r, "auth-tls-secret");
    if (caKey != null) {
      String v = r.annotation(caKey).trim();
      int slash = v.indexOf('/');
      String ns = slash < 0 ? r.namespace() : v.substring(0, slash);
      String name = slash < 0 ? v : v.substring(slash + 1);
      String own = cert.secret();
      String ownNs = own.substring(0, own.indexOf('/'));
      String ownName = own.substring(own.indexOf('/') + 1);
      String field = "metadata.annotations[\"" + caKey + "\"]";
      if (name.isEmpty() || !ns.equals(ownNs) || !(name.equals(ownName) || name.equals(ownName + "-cacert"))) {
        problems.add(Problem.warning(r, field, "\"" + v + "\" (expected: Secret " + own + " or " + own
            + "-cacert, holding ca.crt); clients are not asked for a certificate"));
      } else {
        ca = secrets.caCertificate(ns, name);
        if (ca == null) {
          problems.add(Problem.warning(r, field, "Secret " + ns + "/" + name + " not found or without ca.crt;"
              + " clients are not asked for a certificate"));
        }
      }
    }
    List<String> ciphers = new ArrayList<>();
    String cipherKey = key(r, "ssl-cipher");
    if (cipherKey != null) {
      for (String c : r.annotation(cipherKey).trim().split(":")) {
        String name = c.trim();
        if (CIPHERS.contains(name)) {
          if (!ciphers.contains(name)) ciphers.add(name);
        } else if (!name.isEmpty()) {
          problems.add(Problem.warning(r, "metadata.annotations[\"" + cipherKey + "\"]", "\"" + name
              + "\" is not a cipher suite the gateway knows (expected: OpenSSL names such as ECDHE-RSA-AES128-GCM-SHA256,"
              + " separated by ':'); dropped" + (ciphers.isEmpty() ? "" : "")));
        }
      }
    }
    List<String> protocols = protocols(r, problems);
    if (ca == null && ciphers.isEmpty() && protocols.isEmpty()) return cert;
    return cert.withDownstream(ca, ciphers).withProtocols(protocols);
  }

  /**
   * The versions between {@code tls-min-protocol-version} and {@code tls-max-protocol-version} (Higress's
   * values TLSv1.0 to TLSv1.3), or empty when neither is set or they are invalid (reported).
   */
  static List<String> protocols(Resource r, Collection<Problem> problems) {
    String minKey = key(r, "tls-min-protocol-version");
    String maxKey = key(r, "tls-max-protocol-version");
    if (minKey == null && maxKey == null) return List.of();
    int min = minKey == null ? 0 : version(r, minKey, problems);
    int max = maxKey == null ? 3 : version(r, maxKey, problems);
    if (min < 0 || max < 0) return List.of();
    if (min > max) {
      problems.add(Problem.warning(r, "metadata.annotations[\"" + minKey + "\"]", "\"" + r.annotation(minKey).trim()
          + "\" is above the maximum \"" + r.annotation(maxKey).trim() + "\" (expected: min <= max); both ignored"));
      return List.of();
    }
    return CertificateConfig.TLS_VERSIONS.subList(min, max + 1);
  }

  /** 0 for TLSv1.0 ... 3 for TLSv1.3; -1 (reported) for anything else */
  private static int version(Resource r, String key, Collection<Problem> problems) {
    String v = r.annotation(key).trim();
    switch (v) {
      case "TLSv1.0": return 0;
      case "TLSv1.1": return 1;
      case "TLSv1.2": return 2;
      case "TLSv1.3": return 3;
      default:
        problems.add(Problem.warning(r, "metadata.annotations[\"" + key + "\"]", "\"" + v
            + "\" (expected: TLSv1.0, TLSv1.1, TLSv1.2 or TLSv1.3); the default versions apply"));
        return -1;
    }
  }

  private static String key(Resource r, String name) {
    return IngressAnnotations.keyOf(r, name);
  }
}
