package io.higressj.config.ingress;

import static io.higressj.config.ingress.IngressTranslatorTest.b64;
import static io.higressj.config.ingress.IngressTranslatorTest.parse;
import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.config.model.Snapshot;
import io.higressj.config.model.UpstreamProtocol;
import io.higressj.config.resource.Problem;
import io.higressj.config.resource.ResourceSet;
import org.junit.jupiter.api.Test;

/** backend-protocol HTTPS with proxy-ssl-secret, -verify, -name and -server-name. */
class UpstreamTlsAnnotationsTest {
  static String ingress(String annotations) {
    return """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: site
          namespace: ns
          annotations:
        %s
        spec:
          rules:
          - host: a.example.com
            http:
              paths:
              - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 443}}}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: ns}
        spec: {ports: [{port: 443}]}
        """.formatted(annotations.indent(4).stripTrailing());
  }

  static String secret(String crt, String key, String ca) {
    return """
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: client, namespace: ns}
        data: {tls.crt: %s, tls.key: %s, ca.crt: %s}
        """.formatted(b64(crt), b64(key), b64(ca));
  }

  static UpstreamProtocol protocol(Snapshot s) {
    return s.clusters().values().stream().filter(c -> c.service() != null && c.service().contains("web"))
        .findFirst().orElseThrow().protocol();
  }

  @Test
  void secretVerifyAndNameMakeTheServicesTlsSettings() {
    Snapshot s = IngressTranslator.translate(parse(ingress("""
        nginx.ingress.kubernetes.io/backend-protocol: HTTPS
        nginx.ingress.kubernetes.io/proxy-ssl-secret: ns/client
        nginx.ingress.kubernetes.io/proxy-ssl-verify: "on"
        nginx.ingress.kubernetes.io/proxy-ssl-name: web.internal
        nginx.ingress.kubernetes.io/proxy-ssl-server-name: "on"
        """) + secret("CRT", "KEY", "CA")));
    UpstreamProtocol p = protocol(s);
    assertThat(p.tls()).isTrue();
    assertThat(p.verify()).isTrue();
    assertThat(p.sni()).isEqualTo("web.internal");
    assertThat(p.trustedCaPem()).isEqualTo("CA");
    assertThat(p.clientCertPem()).isEqualTo("CRT");
    assertThat(p.clientKeyPem()).isEqualTo("KEY");
    assertThat(s.problems()).noneMatch(x -> x.field().startsWith("metadata.annotations"));
  }

  @Test
  void withoutTlsTheAnnotationsAreReportedAndIgnored() {
    Snapshot s = IngressTranslator.translate(parse(ingress("higress.io/proxy-ssl-verify: \"on\"")));
    assertThat(protocol(s).tls()).isFalse();
    assertThat(s.problems()).anyMatch(x -> x.severity() == Problem.Severity.WARNING
        && x.field().equals("metadata.annotations[\"higress.io/proxy-ssl-verify\"]")
        && x.message().contains("expected with backend-protocol HTTPS or GRPCS"));
  }

  @Test
  void invalidValuesAndAMissingSecretAreReported() {
    Snapshot s = IngressTranslator.translate(parse(ingress("""
        higress.io/backend-protocol: HTTPS
        higress.io/proxy-ssl-verify: maybe
        higress.io/proxy-ssl-name: "bad name"
        higress.io/proxy-ssl-secret: nope
        """)));
    UpstreamProtocol p = protocol(s);
    assertThat(p.tls()).isTrue();
    assertThat(p.verify()).isFalse();
    assertThat(p.sni()).isNull();
    assertThat(p.clientCertPem()).isNull();
    assertThat(s.problems()).anyMatch(x -> x.message().contains("\"maybe\" (expected: on or off)"))
        .anyMatch(x -> x.message().contains("\"bad name\" (expected: a host name)"))
        .anyMatch(x -> x.message().contains("Secret ns/nope not found"));
  }

  @Test
  void aChangedSecretReachesTheClusterIncrementally() {
    IngressTranslator t = new IngressTranslator(IngressTranslator.Options.defaults());
    String ing = ingress("""
        higress.io/backend-protocol: HTTPS
        higress.io/proxy-ssl-secret: client
        higress.io/proxy-ssl-verify: "on"
        """);
    ResourceSet first = parse(ing + secret("CRT1", "KEY1", "CA1"));
    assertThat(protocol(t.update(first)).clientCertPem()).isEqualTo("CRT1");
    ResourceSet second = parse(ing + secret("CRT2", "KEY2", "CA2"));
    UpstreamProtocol p = protocol(t.update(second));
    assertThat(p.clientCertPem()).isEqualTo("CRT2");
    assertThat(p.trustedCaPem()).isEqualTo("CA2");
    // same as a translation from scratch
    assertThat(protocol(IngressTranslator.translate(second))).isEqualTo(p);
  }
}
