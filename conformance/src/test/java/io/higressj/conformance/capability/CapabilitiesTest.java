package io.higressj.conformance.capability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.higressj.conformance.corpus.Case;
import io.higressj.conformance.corpus.Corpus;
import io.higressj.conformance.corpus.CorpusReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CapabilitiesTest {
  @TempDir
  Path root;

  private Case write(String caseYaml, String manifest) throws IOException {
    Files.createDirectories(root.resolve("_base"));
    Files.writeString(root.resolve("_base/base.yaml"), "name: _base\n");
    Path dir = root.resolve("C");
    Files.createDirectories(dir.resolve("manifests"));
    Files.writeString(dir.resolve("case.yaml"), caseYaml);
    Files.writeString(dir.resolve("manifests/m.yaml"), manifest);
    Corpus corpus = CorpusReader.read(root);
    return CorpusReader.readCase(corpus, "C");
  }

  static final String INGRESS = """
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata:
        name: i
        annotations:
          nginx.ingress.kubernetes.io/configuration-snippet: "more_set_headers 'X: 1';"
          higress.io/server-snippet: "x"
          kubernetes.io/ingress.class: higress
      spec: {}
      ---
      apiVersion: extensions.higress.io/v1alpha1
      kind: WasmPlugin
      metadata: {name: w}
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: redis}
      """;

  @Test
  void theBuiltinListLoadsAndSupportsPlainIngress() {
    Capabilities c = Capabilities.builtin();
    assertThat(c.kinds()).contains("networking.k8s.io/Ingress", "Service", "Endpoints", "discovery.k8s.io/EndpointSlice", "Secret",
        "ConfigMap");
    assertThat(c.kinds()).contains("extensions.higress.io/WasmPlugin") // its plugins are listed one by one
        .contains("gateway.networking.k8s.io/Gateway", "gateway.networking.k8s.io/HTTPRoute", "gateway.networking.k8s.io/GRPCRoute");
    assertThat(c.annotations()).contains("nginx.ingress.kubernetes.io/enable-cors", "higress.io/route-limit-rps")
        .allMatch(a -> a.startsWith("nginx.ingress.kubernetes.io/") || a.startsWith("higress.io/"))
        .doesNotContain("nginx.ingress.kubernetes.io/configuration-snippet");
    assertThat(c.plugins()).contains("key-auth", "basic-auth", "jwt-auth", "simple-jwt-auth");
    assertThat(c.plugins()).contains("hmac-auth", "hmac-auth-apisix", "oauth", "sni-misdirect", "traffic-tag");
    assertThat(c.plugins()).contains("ip-restriction", "request-block", "bot-detect", "custom-response", "cache-control");
    assertThat(c.plugins()).contains("replay-protection");
    assertThat(c.plugins()).contains("opa", "ext-auth");
    assertThat(c.services()).as("a real redis-server and the runner's OPA stand-in (backend.ServiceStandIns)")
        .containsExactlyInAnyOrder("redis", "opa");
    assertThat(c.plugins()).contains("ip-restriction", "request-block", "bot-detect", "custom-response", "cache-control", "transformer", "request-validation", "cors", "gw-error-format", "de-graphql");
    assertThat(c.status()).as("GET /status on the admin endpoint").isTrue();
    assertThat(c.gatewayApi().gatewayClassName()).isEqualTo("higress");
    assertThat(c.installationObjects()).extracting(o -> o.path("kind").asText()).containsExactly("ConfigMap", "GatewayClass");
  }

  @Test
  void namesEverythingMissingInAStableOrder() throws IOException {
    Case c = write("""
        name: C
        upstream: {features: [http, not-a-feature]}
        requires:
          plugins: [{name: not-a-plugin}]
          services: [{name: redis}, {name: not-a-service}]
        manifests: [m.yaml]
        assertions:
        - step: {patchConfigMap: {namespace: higress-system, name: higress-config, key: higress, value: x}}
        - name: s
          statusCheck: {type: gatewayLatestConditions, gateway: {namespace: n, name: g}}
        """, INGRESS);
    assertThat(Capabilities.builtin().missing(c)).containsExactly(
        "annotation nginx.ingress.kubernetes.io/configuration-snippet",
        "annotation higress.io/server-snippet",
        "plugin not-a-plugin",
        "service not-a-service",
        "feature not-a-feature");
  }

  @Test
  void aCapabilitiesFileChangesTheVerdict() throws IOException {
    Case c = write("name: C\nmanifests: [m.yaml]\n", INGRESS);
    Path file = root.resolve("caps.yaml");
    Files.writeString(file, """
        kinds: [networking.k8s.io/Ingress, extensions.higress.io/WasmPlugin]
        declarationKinds: [apps/Deployment]
        annotationPrefixes: [nginx.ingress.kubernetes.io/, higress.io/]
        annotations: [nginx.ingress.kubernetes.io/configuration-snippet, higress.io/server-snippet]
        """, StandardCharsets.UTF_8);
    assertThat(Capabilities.load(file).missing(c)).isEmpty();
    assertThat(Capabilities.builtin().permissive().missing(c)).isEmpty();
  }

  @Test
  void generationChangedNeedsNoGatewayStatus() throws IOException {
    Case c = write("""
        name: C
        assertions:
        - name: g
          statusCheck: {type: generationChanged, object: {kind: Secret, namespace: n, name: s}}
        """, "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n");
    assertThat(Capabilities.builtin().missing(c)).isEmpty();
  }

  @Test
  void anUnknownSectionIsAnError() throws IOException {
    Path file = root.resolve("bad.yaml");
    Files.writeString(file, "kinds: []\nplugin: [x]\n");
    assertThatThrownBy(() -> Capabilities.load(file)).hasMessageContaining("plugin");
  }
}
