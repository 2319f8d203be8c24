package io.higressj.config.model;

import java.util.Map;

/**
 * Server certificates by SNI host: exact names and {@code *.suffix} wildcards, plus the certificate
 * for clients that send no SNI (or an unknown name).
 *
 * @param byHost lower-case host or wildcard pattern to certificate
 * @param defaultCertificate may be null: then clients without a known SNI fail the handshake
 */
public record TlsConfig(Map<String, CertificateConfig> byHost, CertificateConfig defaultCertificate) {
  public TlsConfig {
    byHost = Map.copyOf(byHost);
  }

  public static TlsConfig empty() {
    return new TlsConfig(Map.of(), null);
  }

  public boolean isEmpty() {
    return byHost.isEmpty() && defaultCertificate == null;
  }

  /** @return the certificate for this SNI host name (exact, then wildcard, then default) */
  public CertificateConfig select(String sni) {
    if (sni != null) {
      String h = RouteTable.normalizeHost(sni);
      CertificateConfig c = byHost.get(h);
      if (c != null) return c;
      for (int dot = h.indexOf('.'); dot >= 0; dot = h.indexOf('.', dot + 1)) {
        c = byHost.get("*" + h.substring(dot));
        if (c != null) return c;
      }
    }
    return defaultCertificate;
  }
}
