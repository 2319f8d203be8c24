package io.higressj.config.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.higressj.config.model.CertificateConfig;
import io.higressj.config.model.Snapshot;
import io.higressj.config.model.SnapshotDump;
import io.higressj.config.resource.Resource;
import io.higressj.config.resource.ResourceKey;
import io.higressj.config.resource.Problem;
import io.higressj.config.resource.ResourceSet;
import io.higressj.config.source.YamlResources;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Certificates from ConfigMap {@code higress-system/higress-https}: entries without a Secret take the
 * {@code credentialConfig} one of their domain, entries with a missing or unusable Secret too when
 * {@code fallbackForInvalidSecret} is set; and a change of the ConfigMap re-evaluates TLS incrementally.
 */
class HttpsFallbackTranslationTest {
  static String secret(String namespace, String name) {
    return """
        apiVersion: v1
        kind: Secret
        metadata: {name: %s, namespace: %s}
        type: kubernetes.io/tls
        stringData: {tls.crt: "cert of %1$s", tls.key: "key of %1$s"}
        """.formatted(name, namespace);
  }

  /** An Ingress of host {@code host} whose only TLS entry names {@code secret} (null: none). */
  static String ingress(String name, String host, String secret) {
    return """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: %s, namespace: infra}
        spec:
          tls:
          - hosts: [%s]
            %s
          rules:
          - host: %2$s
            http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: echo, port: {number: 8080}}}}]}
        """.formatted(name, host, secret == null ? "" : "secretName: " + secret);
  }

  static String httpsConfigMap(boolean fallback, String tlsSecret) {
    return """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: higress-https, namespace: higress-system}
        data:
          cert: |
            automaticHttps: false
            fallbackForInvalidSecret: %s
            credentialConfig:
            - domains: [foo.com, "*.foo.com"]
              tlsSecret: %s
        """.formatted(fallback, tlsSecret);
  }

  /** The objects of the ConfigmapHttps conformance case, with a ConfigMap of our choice. */
  static String objects(String configMap) {
    return String.join("---\n", secret("higress-system", "foo-com-secret"), secret("infra", "bar-com-secret"),
        ingress("bar", "bar.com", "bar-com-secret"), ingress("afoo", "a.foo.com", null),
        ingress("bfoo", "b.foo.com", "b-foo-com-secret"), configMap);
  }

  static ResourceSet set(String yaml) {
    YamlResources.Parsed p = YamlResources.parse(yaml, "test.yaml");
    assertThat(p.problems()).isEmpty();
    return ResourceSet.of(p.resources(), p.problems());
  }

  static Map<String, String> certificates(Snapshot s) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, CertificateConfig> e : new TreeMap<>(s.tls().byHost()).entrySet()) out.put(e.getKey(), e.getValue().secret());
    return out;
  }

  /** The problems of TLS entries and of the ConfigMap (the Services are left out of these objects). */
  static java.util.List<Problem> tlsProblems(Snapshot s) {
    return s.problems().stream().filter(p -> !p.message().startsWith("Service ")).toList();
  }

  @Test
  void fallbackCoversEntriesWithoutOrWithAMissingSecret() {
    Snapshot s = IngressTranslator.translate(set(objects(httpsConfigMap(true, "foo-com-secret"))));
    assertThat(certificates(s)).containsExactly(
        Map.entry("a.foo.com", "higress-system/foo-com-secret"),
        Map.entry("b.foo.com", "higress-system/foo-com-secret"),
        Map.entry("bar.com", "infra/bar-com-secret"));
    assertThat(s.tls().select("b.foo.com").certChainPem()).isEqualTo("cert of foo-com-secret");
    assertThat(tlsProblems(s)).extracting(Problem::severity, Problem::object, Problem::field, Problem::message)
        .containsExactly(tuple(Problem.Severity.WARNING, "Ingress infra/bfoo", "spec.tls[0].secretName",
            "Secret infra/b-foo-com-secret not found; b.foo.com uses Secret higress-system/foo-com-secret from the"
                + " credentialConfig of ConfigMap higress-system/higress-https (fallbackForInvalidSecret)"));
    assertThat(s.settings().https().fallbackForInvalidSecret()).isTrue();
  }

  @Test
  void withoutFallbackOnlyEntriesNamingNoSecretUseTheCredentials() {
    Snapshot s = IngressTranslator.translate(set(objects(httpsConfigMap(false, "foo-com-secret"))));
    assertThat(certificates(s)).containsExactly(
        Map.entry("a.foo.com", "higress-system/foo-com-secret"),
        Map.entry("bar.com", "infra/bar-com-secret"));
    assertThat(tlsProblems(s)).extracting(Problem::object, Problem::message)
        .containsExactly(tuple("Ingress infra/bfoo", "Secret infra/b-foo-com-secret not found"));
  }

  @Test
  void anUnusableSecretFallsBackToo() {
    String broken = """
        apiVersion: v1
        kind: Secret
        metadata: {name: b-foo-com-secret, namespace: infra}
        type: kubernetes.io/tls
        stringData: {tls.crt: only a certificate}
        """;
    Snapshot s = IngressTranslator.translate(set(objects(httpsConfigMap(true, "foo-com-secret")) + "---\n" + broken));
    assertThat(certificates(s)).containsEntry("b.foo.com", "higress-system/foo-com-secret");
    assertThat(tlsProblems(s)).extracting(Problem::message).containsExactly("Secret infra/b-foo-com-secret (type"
        + " kubernetes.io/tls) has no tls.key (expected: a kubernetes.io/tls Secret with tls.crt and tls.key); b.foo.com"
        + " uses Secret higress-system/foo-com-secret from the credentialConfig of ConfigMap higress-system/higress-https"
        + " (fallbackForInvalidSecret)");
  }

  @Test
  void withoutTheConfigMapHostsWithoutSecretGetNoCertificate() {
    Snapshot s = IngressTranslator.translate(set(objects("")));
    assertThat(certificates(s)).containsExactly(Map.entry("bar.com", "infra/bar-com-secret"));
    assertThat(tlsProblems(s)).extracting(Problem::object, Problem::message).containsExactly(
        tuple("Ingress infra/afoo", "missing (expected: a kubernetes.io/tls Secret, or a credentialConfig domain of"
            + " ConfigMap higress-system/higress-https covering a.foo.com); a.foo.com gets no certificate"),
        tuple("Ingress infra/bfoo", "Secret infra/b-foo-com-secret not found"));
    // without hosts nothing can be matched: the entry is ignored as before
    Snapshot noHosts = IngressTranslator.translate(set(objects(httpsConfigMap(true, "foo-com-secret"))
        .replace("- hosts: [a.foo.com]\n    \n", "- {}\n")));
    assertThat(tlsProblems(noHosts)).extracting(Problem::message)
        .contains("missing (expected: the name of a kubernetes.io/tls Secret); entry ignored");
  }

  @Test
  void aCredentialSecretThatIsMissingGivesNoCertificate() {
    Snapshot s = IngressTranslator.translate(set(objects(httpsConfigMap(true, "certs/wildcard"))));
    assertThat(certificates(s)).containsExactly(Map.entry("bar.com", "infra/bar-com-secret"));
    assertThat(tlsProblems(s)).extracting(Problem::message).containsExactly(
        "missing; the credentialConfig of ConfigMap higress-system/higress-https gives a.foo.com Secret certs/wildcard,"
            + " but: Secret certs/wildcard not found; a.foo.com gets no certificate",
        "Secret infra/b-foo-com-secret not found; the credentialConfig of ConfigMap higress-system/higress-https gives"
            + " b.foo.com Secret certs/wildcard, but: Secret certs/wildcard not found; b.foo.com gets no certificate");
  }

  @Test
  void anInvalidConfigMapIsReportedAndGivesNoFallback() {
    Snapshot s = IngressTranslator.translate(set(objects(httpsConfigMap(true, "foo-com-secret")
        .replace("automaticHttps: false", "automaticHttps: false\n    renewBeforeDays: 365"))));
    assertThat(certificates(s)).containsOnlyKeys("bar.com");
    assertThat(tlsProblems(s)).extracting(Problem::severity, Problem::object, Problem::field)
        .contains(tuple(Problem.Severity.ERROR, "ConfigMap higress-system/higress-https", "data.cert.renewBeforeDays"));
  }

  @Test
  void configMapChangesReEvaluateTlsIncrementally() {
    IngressTranslator t = new IngressTranslator(IngressTranslator.Options.defaults());
    String[] steps = {
        objects(""),
        objects(httpsConfigMap(false, "foo-com-secret")),
        objects(httpsConfigMap(true, "foo-com-secret")),
        objects(httpsConfigMap(true, "other")) + "---\n" + secret("higress-system", "other"),
        objects(httpsConfigMap(true, "foo-com-secret")),
        objects(""),
    };
    int[] hosts = {1, 2, 3, 3, 3, 1};
    ResourceSet previous = ResourceSet.empty();
    for (int i = 0; i < steps.length; i++) {
      ResourceSet fresh = set(steps[i]);
      // keep unchanged objects identical, as a config source does, so that only the ConfigMap counts as changed
      TreeMap<ResourceKey, Resource> changes = new TreeMap<>();
      for (var e : fresh.resources().entrySet()) {
        var before = previous.resources().get(e.getKey());
        if (before == null || !before.body().equals(e.getValue().body())) changes.put(e.getKey(), e.getValue());
      }
      for (var k : previous.resources().keySet()) if (!fresh.resources().containsKey(k)) changes.put(k, null);
      ResourceSet next = previous.with(changes, fresh.problems());
      Snapshot incremental = t.update(next);
      Snapshot full = IngressTranslator.translate(next);
      assertThat(SnapshotDump.toJson(incremental).toPrettyString()).as("step %d", i)
          .isEqualTo(SnapshotDump.toJson(full).toPrettyString());
      assertThat(incremental.tls()).as("step %d", i).isEqualTo(full.tls());
      assertThat(incremental.settings()).as("step %d", i).isEqualTo(full.settings());
      assertThat(incremental.tls().byHost()).as("step %d", i).hasSize(hosts[i]);
      previous = next;
    }
  }
}
