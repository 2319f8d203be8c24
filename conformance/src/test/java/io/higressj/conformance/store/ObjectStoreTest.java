package io.higressj.conformance.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectStoreTest {
  static final ObjectMapper YAML = new YAMLMapper();

  @TempDir
  Path root;


  ObjectStore store() {
    return new ObjectStore(root, Clock.fixed(Instant.parse("2024-05-01T10:00:00.123Z"), ZoneOffset.UTC));
  }

  static ObjectNode yaml(String text) throws IOException {
    return (ObjectNode) YAML.readTree(text);
  }

  List<Path> files() throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
    }
  }

  @Test
  void writesOneFilePerObjectWithServerFields() throws IOException {
    ObjectStore s = store();
    s.apply(yaml("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\nspec: {rules: []}\n"));
    s.apply(yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: ns, labels: {a: b}}\n"));
    assertThat(files()).containsExactly(Path.of("ingresses/default-web.yaml"), Path.of("namespaces/ns.yaml"));
    ObjectNode ingress = (ObjectNode) YAML.readTree(root.resolve("ingresses/default-web.yaml").toFile());
    assertThat(ingress.path("metadata").path("namespace").asText()).isEqualTo("default");
    assertThat(ingress.path("metadata").path("generation").asInt()).isEqualTo(1);
    assertThat(ingress.path("metadata").path("creationTimestamp").asText()).isEqualTo("2024-05-01T10:00:00Z");
    ObjectNode ns = s.get(new ObjectKey("", "Namespace", "", "ns")).orElseThrow();
    assertThat(ns.path("metadata").path("labels").path(ObjectStore.NAMESPACE_NAME_LABEL).asText()).isEqualTo("ns");
    assertThat(ns.path("metadata").has("generation")).isFalse();
  }

  @Test
  void generationGrowsOnlyWhenTheSpecChanges() throws IOException {
    ObjectStore s = store();
    String gw = "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: g, namespace: n}\nspec: {listeners: [{name: a, port: 80}]}\n";
    s.apply(yaml(gw));
    s.apply(yaml(gw.replace("name: g,", "name: g, labels: {x: y},")));
    ObjectKey key = new ObjectKey("gateway.networking.k8s.io", "Gateway", "n", "g");
    assertThat(s.get(key).orElseThrow().path("metadata").path("generation").asInt()).isEqualTo(1);
    s.mergePatch(key, yaml("spec: {listeners: [{name: b, port: 81}]}"));
    ObjectNode patched = s.get(key).orElseThrow();
    assertThat(patched.path("metadata").path("generation").asInt()).isEqualTo(2);
    assertThat(patched.path("spec").path("listeners")).hasSize(1);
    assertThat(patched.path("spec").path("listeners").get(0).path("name").asText()).isEqualTo("b");
    assertThat(patched.path("metadata").path("labels").path("x").asText()).isEqualTo("y");
  }

  @Test
  void restoreReturnsToASnapshot() throws IOException {
    ObjectStore s = store();
    s.apply(yaml("apiVersion: v1\nkind: Secret\nmetadata: {name: keep, namespace: n}\ndata: {a: eA==}\n"));
    var base = s.snapshot();
    s.apply(yaml("apiVersion: v1\nkind: Secret\nmetadata: {name: keep, namespace: n}\ndata: {a: eQ==}\n"));
    s.apply(yaml("apiVersion: v1\nkind: Secret\nmetadata: {name: extra, namespace: n}\n"));
    assertThat(files()).hasSize(2);
    assertThat(s.restore(base)).isTrue();
    assertThat(files()).containsExactly(Path.of("secrets/n-keep.yaml"));
    assertThat(s.get(new ObjectKey("", "Secret", "n", "keep")).orElseThrow().path("data").path("a").asText()).isEqualTo("eA==");
    assertThat(s.restore(base)).isFalse();
  }

  @Test
  void stringDataIsStoredAsData() throws IOException {
    ObjectStore s = store();
    s.apply(yaml("apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: n}\ndata: {a: eA==, b: eA==}\nstringData: {b: plain}\n"));
    ObjectNode secret = s.get(new ObjectKey("", "Secret", "n", "s")).orElseThrow();
    assertThat(secret.has("stringData")).isFalse();
    assertThat(new String(Base64.getDecoder().decode(secret.path("data").path("b").asText()))).isEqualTo("plain");
    assertThat(secret.path("data").path("a").asText()).isEqualTo("eA==");
  }

  @Test
  void longNamesAndCollisionsGetDistinctShortFiles() throws IOException {
    ObjectStore s = store();
    String longName = "g" + "a".repeat(252);
    s.apply(yaml("apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: " + longName + ", namespace: n}\nspec: {}\n"));
    s.apply(yaml("apiVersion: example.com/v1\nkind: Gateway\nmetadata: {name: " + longName + ", namespace: n}\nspec: {}\n"));
    assertThat(files()).hasSize(2).allMatch(p -> p.getFileName().toString().length() < 200);
    assertThat(s.find(null, "Gateway", "n", longName)).isPresent();
    assertThat(s.delete(new ObjectKey("example.com", "Gateway", "n", longName))).isTrue();
    assertThat(files()).hasSize(1);
  }

  @Test
  void pluralsFollowKubernetes() {
    assertThat(ObjectStore.plural("Ingress")).isEqualTo("ingresses");
    assertThat(ObjectStore.plural("Endpoints")).isEqualTo("endpoints");
    assertThat(ObjectStore.plural("EndpointSlice")).isEqualTo("endpointslices");
    assertThat(ObjectStore.plural("GatewayClass")).isEqualTo("gatewayclasses");
    assertThat(ObjectStore.plural("Gateway")).isEqualTo("gateways");
    assertThat(ObjectStore.plural("Policy")).isEqualTo("policies");
  }

  @Test
  void mergePatchFollowsRfc7386() throws IOException {
    assertThat(MergePatch.apply(yaml("{a: 1, b: {c: 2, d: 3}, l: [1, 2]}"), yaml("{b: {c: null, e: 4}, l: [3], n: x}")))
        .isEqualTo(yaml("{a: 1, b: {d: 3, e: 4}, l: [3], n: x}"));
  }
}
