package io.higressj.config.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.config.model.CertificateConfig;
import io.higressj.config.model.Snapshot;
import io.higressj.config.model.SnapshotDump;
import io.higressj.config.resource.Problem;
import io.higressj.config.resource.ResourceSet;
import io.higressj.config.source.YamlResources;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngressTranslatorTest {
  static ResourceSet parse(String yaml) {
    YamlResources.Parsed p = YamlResources.parse(yaml, "test.yaml");
    return ResourceSet.of(p.resources(), p.problems());
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static final String TLS_INGRESS = """
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {name: site}
      spec:
        tls:
        - hosts: [site.example.com]
          secretName: site-tls
        defaultBackend:
          service: {name: web, port: {number: 80}}
      ---
      """;

  @Test
  void stringDataWinsOverData() {
    Snapshot s = IngressTranslator.translate(parse(TLS_INGRESS + """
        apiVersion: v1
        kind: Secret
        metadata: {name: site-tls}
        type: kubernetes.io/tls
        data:
          tls.crt: %s
          tls.key: %s
        stringData:
          tls.crt: |
            PLAIN CERT
        """.formatted(b64("OLD CERT"), b64("ENCODED KEY"))));

    CertificateConfig c = s.tls().select("site.example.com");
    assertThat(c.secret()).isEqualTo("default/site-tls");
    assertThat(c.certChainPem()).isEqualTo("PLAIN CERT\n");
    assertThat(c.privateKeyPem()).isEqualTo("ENCODED KEY");
  }

  @Test
  void wrappedBase64IsDecoded() {
    String cert = "-----BEGIN CERTIFICATE-----\n" + "A".repeat(200) + "\n-----END CERTIFICATE-----\n";
    String wrapped = b64(cert).replaceAll("(.{60})", "$1\n    ");
    Snapshot s = IngressTranslator.translate(parse(TLS_INGRESS + """
        apiVersion: v1
        kind: Secret
        metadata: {name: site-tls}
        type: kubernetes.io/tls
        data:
          tls.crt: >-
            %s
          tls.key: %s
        """.formatted(wrapped, b64("KEY"))));
    assertThat(s.tls().select("site.example.com").certChainPem()).isEqualTo(cert);
  }

  @Test
  void invalidBase64IsAWarning() {
    Snapshot s = IngressTranslator.translate(parse(TLS_INGRESS + """
        apiVersion: v1
        kind: Secret
        metadata: {name: site-tls}
        type: kubernetes.io/tls
        data:
          tls.crt: "not base64!"
          tls.key: %s
        """.formatted(b64("KEY"))));
    assertThat(s.tls().isEmpty()).isTrue();
    assertThat(s.problems()).filteredOn(p -> p.field().startsWith("spec.tls")).singleElement().satisfies(p -> {
      assertThat(p.severity()).isEqualTo(Problem.Severity.WARNING);
      assertThat(p.field()).isEqualTo("spec.tls[0].secretName");
      assertThat(p.message()).contains("data.tls.crt is not valid base64");
    });
  }

  @Test
  void createdComesFromTheOptions() {
    ResourceSet empty = ResourceSet.of(List.of(), List.of());
    Instant t = Instant.parse("2025-05-05T05:05:05Z");
    assertThat(IngressTranslator.translate(empty, IngressTranslator.Options.defaults().withCreated(t)).created()).isEqualTo(t);
    assertThat(IngressTranslator.translate(empty).created()).isEqualTo(Instant.EPOCH);
    assertThat(IngressTranslator.translate(empty).version()).isZero();
  }

  @Test
  void theSourcesProblemsComeFirst() {
    Problem fromSource = new Problem("x.yaml", "", "", "not valid YAML: boom", Problem.Severity.ERROR);
    YamlResources.Parsed p = YamlResources.parse("""
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: a}
        spec: {}
        """, "a.yaml");
    List<Problem> problems = new ArrayList<>(p.problems());
    problems.add(fromSource);
    Snapshot s = IngressTranslator.translate(ResourceSet.of(p.resources(), problems));
    assertThat(s.problems()).hasSize(2);
    assertThat(s.problems().get(0)).isEqualTo(fromSource);
    assertThat(s.problems().get(1).object()).isEqualTo("Ingress default/a");
  }

  @Test
  void onlyClustersThatRoutesUseAreListed() {
    Snapshot s = IngressTranslator.translate(parse("""
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: a}
        spec:
          defaultBackend:
            service: {name: unused, port: {number: 80}}
          rules:
          - http:
              paths:
              - path: /
                pathType: Prefix
                backend:
                  service: {name: web, port: {number: 80}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: unused}
        spec: {ports: [{port: 80}]}
        """));
    // the rule's "/" covers "*", so the default backend serves nowhere
    assertThat(s.clusters().keySet()).containsExactly("outbound|80||web.default.svc.cluster.local");
    assertThat(s.problems()).extracting(Problem::message).containsExactly("Service default/web not found");
  }

  @Test
  void otherKindsNamedIngressAreNotOurs() {
    Snapshot s = IngressTranslator.translate(parse("""
        apiVersion: example.com/v1
        kind: Ingress
        metadata: {name: a}
        spec: {rules: "whatever"}
        """));
    assertThat(s.problems()).isEmpty();
    assertThat(s.routes().virtualHosts()).isEmpty();
  }

  @Test
  void deterministic() throws Exception {
    String input = java.nio.file.Files.readString(IngressGoldenTest.DIR.resolve("services.in.yaml"));
    Snapshot a = IngressGoldenTest.translate("services", input);
    Snapshot b = IngressGoldenTest.translate("services", input);
    assertThat(SnapshotDump.toJson(a)).isEqualTo(SnapshotDump.toJson(b));
  }

  @Test
  void naturalOrderComparesIndexesAsNumbers() {
    assertThat(IngressTranslator.compareNatural("paths[2].x", "paths[10].x")).isNegative();
    assertThat(IngressTranslator.compareNatural("paths[10]", "paths[9]")).isPositive();
    assertThat(IngressTranslator.compareNatural("a", "a")).isZero();
    assertThat(IngressTranslator.compareNatural("a", "a.b")).isNegative();
    assertThat(IngressTranslator.compareNatural("rule007", "rule7")).isZero();
  }
}
