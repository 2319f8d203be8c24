package io.higressj.config.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import io.higressj.config.model.CertificateConfig;
import io.higressj.config.resource.Problem;
import io.higressj.config.resource.Resource;
import io.higressj.config.resource.ResourceSet;
import io.higressj.config.settings.HttpsSettings;
import io.higressj.config.settings.SettingsTranslator;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads certificates from Secrets: type {@code kubernetes.io/tls}, or any type holding {@code tls.crt}
 * and {@code tls.key}. {@code stringData} (plain text, as written in files by hand) wins over {@code
 * data} (base64, as the API server stores it). PEM is not parsed here: the data plane does that.
 */
final class TlsSecrets {
  static final String CERT = "tls.crt";
  static final String KEY = "tls.key";

  /** Either a certificate or why there is none. */
  record Loaded(CertificateConfig certificate, String problem) {}

  private record Memo(Resource secret, Loaded loaded) {}

  private ResourceSet resources = ResourceSet.empty();
  /** what each Secret gave, by "namespace/name", remembered while the Secret object stays the same */
  private Map<String, Memo> cache = new HashMap<>();
  private Map<String, Memo> used = new HashMap<>();

  TlsSecrets() {}

  TlsSecrets(ResourceSet resources) {
    use(resources);
  }

  /** Starts a pass over {@code resources}: what the previous pass did not load is forgotten. */
  void use(ResourceSet resources) {
    this.resources = resources;
    if (!used.isEmpty()) cache = used;
    used = new HashMap<>();
  }

  Loaded load(String namespace, String name) {
    String ref = namespace + "/" + name;
    Memo m = used.get(ref);
    if (m != null) return m.loaded();
    Resource secret = resources.get("", "Secret", namespace, name);
    m = cache.get(ref);
    if (m == null || m.secret() != secret) m = new Memo(secret, read(ref, secret));
    used.put(ref, m);
    return m.loaded();
  }

  /**
   * The certificate that ConfigMap {@code higress-system/higress-https} gives {@code host} of a TLS entry
   * without a usable Secret, through the first {@code credentialConfig} domain covering it; null when there
   * is none. Either way a WARNING on {@code field.secretName} says what happened.
   *
   * @param loaded what the entry's {@code secretName} gave; null when it names no Secret
   */
  CertificateConfig fallback(HttpsSettings https, String host, Loaded loaded, Resource r, String field,
      Collection<Problem> problems) {
    String own = loaded == null ? "missing" : loaded.problem();
    HttpsSettings.SecretRef ref = https.secretFor(host);
    if (ref == null) {
      problems.add(Problem.warning(r, field + ".secretName", own + " (expected: a kubernetes.io/tls Secret, or a"
          + " credentialConfig domain of " + HTTPS_CONFIGMAP + " covering " + host + "); " + host + " gets no certificate"));
      return null;
    }
    Loaded fb = load(ref.namespace(), ref.name());
    if (fb.certificate() == null) {
      problems.add(Problem.warning(r, field + ".secretName", own + "; the credentialConfig of " + HTTPS_CONFIGMAP
          + " gives " + host + " Secret " + ref + ", but: " + fb.problem() + "; " + host + " gets no certificate"));
      return null;
    }
    if (loaded != null) {
      problems.add(Problem.warning(r, field + ".secretName", own + "; " + host + " uses Secret " + ref
          + " from the credentialConfig of " + HTTPS_CONFIGMAP + " (fallbackForInvalidSecret)"));
    }
    return fb.certificate();
  }

  /** {@code ca.crt} of Secret {@code namespace/name}; null when the Secret or the key is missing or unreadable. */
  String caCertificate(String namespace, String name) {
    Resource secret = resources.get("", "Secret", namespace, name);
    if (secret == null) return null;
    try {
      return value(secret, "ca.crt");
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static final String HTTPS_CONFIGMAP =
      "ConfigMap " + SettingsTranslator.NAMESPACE + "/" + SettingsTranslator.HIGRESS_HTTPS;

  private static Loaded read(String ref, Resource secret) {
    if (secret == null) return new Loaded(null, "Secret " + ref + " not found");
    String cert;
    String key;
    try {
      cert = value(secret, CERT);
      key = value(secret, KEY);
    } catch (IllegalArgumentException e) {
      return new Loaded(null, "Secret " + ref + ": " + e.getMessage());
    }
    if (cert == null || key == null) {
      String type = secret.body().path("type").asText("Opaque");
      String missing = cert == null && key == null ? CERT + " and " + KEY : cert == null ? CERT : KEY;
      return new Loaded(null, "Secret " + ref + " (type " + type + ") has no " + missing
          + " (expected: a kubernetes.io/tls Secret with tls.crt and tls.key)");
    }
    return new Loaded(new CertificateConfig(ref, cert, key), null);
  }

  /** The value of {@code key}, or null when absent or empty. */
  static String value(Resource secret, String key) {
    JsonNode s = secret.body().path("stringData").get(key);
    if (s != null && s.isTextual() && !s.asText().isEmpty()) return s.asText();
    JsonNode d = secret.body().path("data").get(key);
    if (d == null || !d.isTextual() || d.asText().isEmpty()) return null;
    try {
      // block scalars in hand-written YAML may wrap the base64 text; the wrapping is not data
      byte[] bytes = Base64.getDecoder().decode(d.asText().replaceAll("\\s+", ""));
      return bytes.length == 0 ? null : new String(bytes, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("data." + key + " is not valid base64 (" + e.getMessage() + ")");
    }
  }
}
