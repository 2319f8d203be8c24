package io.higressj.config.ingress;

import static io.higressj.config.ingress.IngressTranslatorTest.b64;
import static io.higressj.config.ingress.IngressTranslatorTest.parse;
import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.config.model.CertificateConfig;
import io.higressj.config.model.Snapshot;
import io.higressj.config.resource.Problem;
import org.junit.jupiter.api.Test;

/** auth-tls-secret and ssl-cipher on the certificates of an Ingress's TLS hosts. */
class DownstreamTlsTest {
  static Snapshot translate(String annotations) {
    return IngressTranslator.translate(parse("""
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: site
          namespace: ns
          annotations:
        %s
        spec:
          tls:
          - hosts: [a.example.com]
            secretName: site-tls
          defaultBackend:
            service: {name: web, port: {number: 80}}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: site-tls, namespace: ns}
        type: kubernetes.io/tls
        data: {tls.crt: %s, tls.key: %s}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: site-tls-cacert, namespace: ns}
        data: {ca.crt: %s}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: other-ca, namespace: ns}
        data: {ca.crt: %s}
        """.formatted(annotations.indent(4).stripTrailing(), b64("CERT"), b64("KEY"), b64("CA PEM"), b64("OTHER"))));
  }

  @Test
  void caSecretAndCiphersApplyToTheHostsCertificate() {
    Snapshot s = translate("""
        higress.io/auth-tls-secret: site-tls-cacert
        higress.io/ssl-cipher: "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA"
        """);
    CertificateConfig c = s.tls().select("a.example.com");
    assertThat(c.clientCaPem()).isEqualTo("CA PEM");
    assertThat(c.cipherSuites()).containsExactly("ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-SHA");
    assertThat(s.problems()).noneMatch(p -> p.field().startsWith("metadata.annotations"));
  }

  @Test
  void aCaSecretOtherThanTheCertificatesOwnIsRefusedAsHigressDoes() {
    Snapshot s = translate("nginx.ingress.kubernetes.io/auth-tls-secret: ns/other-ca");
    assertThat(s.tls().select("a.example.com").clientCaPem()).isNull();
    assertThat(s.problems()).anyMatch(p -> p.severity() == Problem.Severity.WARNING
        && p.field().equals("metadata.annotations[\"nginx.ingress.kubernetes.io/auth-tls-secret\"]")
        && p.message().contains("expected: Secret ns/site-tls or ns/site-tls-cacert"));
  }

  @Test
  void unknownCipherNamesAreDroppedAndReported() {
    // a comma-separated list is one unknown name for Higress too: the defaults stay
    Snapshot s = translate("higress.io/ssl-cipher: \"ECDHE-ECDSA-AES128-SHA,ECDHE-ECDSA-AES256-SHA\"");
    assertThat(s.tls().select("a.example.com").cipherSuites()).isEmpty();
    assertThat(s.problems()).anyMatch(p -> p.message().contains("is not a cipher suite the gateway knows"));
  }

  @Test
  void protocolVersionsBoundTheHostsTls() {
    assertThat(translate("higress.io/tls-min-protocol-version: TLSv1.2").tls().select("a.example.com").protocols())
        .containsExactly("TLSv1.2", "TLSv1.3");
    assertThat(translate("""
        nginx.ingress.kubernetes.io/tls-min-protocol-version: TLSv1.0
        higress.io/tls-max-protocol-version: TLSv1.1
        """).tls().select("a.example.com").protocols()).containsExactly("TLSv1", "TLSv1.1");
    assertThat(translate("").tls().select("a.example.com").protocols()).isEmpty();
  }

  @Test
  void invalidProtocolVersionsAreReportedAndTheDefaultsKept() {
    Snapshot bad = translate("higress.io/tls-min-protocol-version: TLS1.3");
    assertThat(bad.tls().select("a.example.com").protocols()).isEmpty();
    assertThat(bad.problems()).anyMatch(p -> p.field().equals("metadata.annotations[\"higress.io/tls-min-protocol-version\"]")
        && p.message().contains("expected: TLSv1.0, TLSv1.1, TLSv1.2 or TLSv1.3"));
    Snapshot crossed = translate("""
        higress.io/tls-min-protocol-version: TLSv1.3
        higress.io/tls-max-protocol-version: TLSv1.2
        """);
    assertThat(crossed.tls().select("a.example.com").protocols()).isEmpty();
    assertThat(crossed.problems()).anyMatch(p -> p.message().contains("expected: min <= max"));
  }
}
