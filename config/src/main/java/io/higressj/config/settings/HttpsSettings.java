package io.higressj.config.settings;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;

/**
 * Gateway-wide certificate settings ({@code higress-https}, key {@code cert}). {@link #credentialConfig}
 * and {@link #fallbackForInvalidSecret} are applied to TLS hosts of Ingresses (see {@link #secretFor});
 * the ACME fields are accepted and validated, certificates are not issued yet.
 *
 * @param automaticHttps issue certificates through ACME
 * @param renewBeforeDays renew a certificate this many days before it expires, 1 to 89
 * @param fallbackForInvalidSecret an Ingress TLS entry naming a Secret that is missing (or holds no
 *     certificate) takes its hosts' certificates from {@link #credentialConfig}
 * @param acmeIssuer the ACME accounts
 * @param credentialConfig certificates by domain, first match wins
 * @param version free text Higress writes when it changes the ConfigMap
 */
public record HttpsSettings(boolean automaticHttps, int renewBeforeDays, boolean fallbackForInvalidSecret,
    List<AcmeIssuer> acmeIssuer, List<Credential> credentialConfig, String version) {
  /** What applies without the ConfigMap: Higress's defaults, no credentials. */
  public static final HttpsSettings DEFAULT = new HttpsSettings(true, 30, false, List.of(), List.of(), "");

  public HttpsSettings {
    if (renewBeforeDays < 1 || renewBeforeDays > 89) {
      throw new IllegalArgumentException("renewBeforeDays: " + renewBeforeDays + " (expected: 1 to 89)");
    }
    acmeIssuer = List.copyOf(acmeIssuer);
    credentialConfig = List.copyOf(credentialConfig);
    requireNonNull(version, "version");
  }

  /**
   * The Secret {@link #credentialConfig} gives {@code host}: the first entry with a domain that covers
   * it (an exact name, or a {@code *.suffix} wildcard covering the names and wildcards below it), or null.
   */
  public SecretRef secretFor(String host) {
    for (Credential c : credentialConfig) {
      for (String d : c.domains()) {
        if (covers(d, host)) return c.tlsSecret();
      }
    }
    return null;
  }

  /** Whether domain pattern {@code pattern} covers {@code host} (both may be wildcards), as Istio's host subsets. */
  static boolean covers(String pattern, String host) {
    String p = pattern.toLowerCase(Locale.ROOT);
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("*")) return p.startsWith("*") && h.substring(1).endsWith(p.substring(1));
    if (p.startsWith("*")) return h.endsWith(p.substring(1));
    return h.equals(p);
  }

  /**
   * An ACME account.
   *
   * @param name {@code letsencrypt} or {@code aliyunssl}
   * @param email contact address (required for letsencrypt)
   * @param ak access key id (aliyunssl)
   * @param sk access key secret (aliyunssl)
   */
  public record AcmeIssuer(String name, String email, String ak, String sk) {
    public AcmeIssuer {
      requireNonNull(name, "name");
      requireNonNull(email, "email");
      requireNonNull(ak, "ak");
      requireNonNull(sk, "sk");
    }

    @Override
    public String toString() { // never print the keys
      return "AcmeIssuer[" + name + " " + email + "]";
    }
  }

  /**
   * Certificates by domain.
   *
   * @param domains exact names or {@code *.suffix} wildcards
   * @param tlsIssuer the ACME issuer that maintains {@link #tlsSecret} ({@code letsencrypt}), or "" for a
   *     certificate managed by hand
   * @param tlsSecret the certificate's Secret
   * @param cacertSecret a CA Secret for client certificates, or null
   */
  public record Credential(List<String> domains, String tlsIssuer, SecretRef tlsSecret, SecretRef cacertSecret) {
    public Credential {
      domains = List.copyOf(domains);
      if (domains.isEmpty()) throw new IllegalArgumentException("domains: [] (expected: at least one domain)");
      requireNonNull(tlsIssuer, "tlsIssuer");
      requireNonNull(tlsSecret, "tlsSecret");
    }
  }

  /** A Secret: {@code name} alone means the gateway's namespace ({@code higress-system}). */
  public record SecretRef(String namespace, String name) {
    public SecretRef {
      requireNonNull(namespace, "namespace");
      requireNonNull(name, "name");
    }

    @Override
    public String toString() {
      return namespace + "/" + name;
    }
  }
}
