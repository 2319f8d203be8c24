package io.higressj.config.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.config.resource.Problem;
import io.higressj.config.resource.Resource;
import io.higressj.config.resource.ResourceKey;
import org.junit.jupiter.api.Test;

class YamlResourcesTest {
  @Test
  void severalDocumentsAndEmptyOnes() {
    YamlResources.Parsed p = YamlResources.parse("""
        ---
        # nothing here
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: a, namespace: shop}
        ---
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: b}
        spec: {}
        """, "f.yaml");
    assertThat(p.problems()).isEmpty();
    assertThat(p.syntaxError()).isFalse();
    assertThat(p.resources()).extracting(Resource::key).containsExactly(
        new ResourceKey("", "Service", "shop", "a"),
        new ResourceKey("networking.k8s.io", "Ingress", "default", "b"));
    Resource ingress = p.resources().get(1);
    assertThat(ingress.apiVersion()).isEqualTo("networking.k8s.io/v1");
    assertThat(ingress.origin()).isEqualTo("f.yaml");
    assertThat(ingress.spec().isObject()).isTrue();
  }

  @Test
  void emptyFileHasNothing() {
    assertThat(YamlResources.parse("", "f.yaml").resources()).isEmpty();
    assertThat(YamlResources.parse("# just a comment\n", "f.yaml").problems()).isEmpty();
  }

  @Test
  void clusterScopedKindsHaveNoNamespace() {
    YamlResources.Parsed p = YamlResources.parse("""
        apiVersion: networking.k8s.io/v1
        kind: IngressClass
        metadata: {name: higress, namespace: ignored}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop}
        """, "f.yaml");
    assertThat(p.resources()).extracting(Resource::namespace).containsExactly("", "");
  }

  @Test
  void documentsWithoutIdentityAreSkipped() {
    YamlResources.Parsed p = YamlResources.parse("""
        apiVersion: v1
        kind: Service
        metadata: {name: ok}
        ---
        kind: Service
        metadata: {name: no-version}
        ---
        apiVersion: v1
        metadata: {name: no-kind}
        ---
        apiVersion: v1
        kind: Service
        metadata: {namespace: x}
        ---
        apiVersion: v1
        kind: Service
        """, "dir/f.yaml");
    assertThat(p.resources()).extracting(Resource::name).containsExactly("ok");
    assertThat(p.problems()).extracting(Problem::severity).containsOnly(Problem.Severity.ERROR);
    assertThat(p.problems()).extracting(Problem::origin).containsOnly("dir/f.yaml");
    assertThat(p.problems()).extracting(Problem::object, Problem::field).containsExactly(
        org.assertj.core.groups.Tuple.tuple("Service in document 2", "apiVersion"),
        org.assertj.core.groups.Tuple.tuple("document 3", "kind"),
        org.assertj.core.groups.Tuple.tuple("Service in document 4", "metadata.name"),
        org.assertj.core.groups.Tuple.tuple("Service in document 5", "metadata.name"));
    assertThat(p.problems().get(0).toString()).contains("dir/f.yaml", "document 2", "apiVersion", "missing");
  }

  @Test
  void aDocumentThatIsNotAMappingIsReported() {
    YamlResources.Parsed p = YamlResources.parse("- a\n- b\n---\n42\n", "f.yaml");
    assertThat(p.resources()).isEmpty();
    assertThat(p.problems()).extracting(Problem::object).containsExactly("document 1", "document 2");
  }

  @Test
  void listsAreExpanded() {
    YamlResources.Parsed p = YamlResources.parse("""
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Service
          metadata: {name: a}
        - apiVersion: v1
          kind: Service
        - apiVersion: v1
          kind: Endpoints
          metadata: {name: a}
        """, "f.yaml");
    assertThat(p.resources()).extracting(Resource::describe).containsExactly("Service default/a", "Endpoints default/a");
    assertThat(p.problems()).singleElement().satisfies(pr -> {
      assertThat(pr.object()).isEqualTo("Service in document 1 items[1]");
      assertThat(pr.field()).isEqualTo("metadata.name");
    });
  }

  @Test
  void syntaxErrorYieldsOneProblemAndNoObjects() {
    YamlResources.Parsed p = YamlResources.parse("""
        apiVersion: v1
        kind: Service
        metadata: {name: a}
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: b: c
        """, "broken.yaml");
    assertThat(p.syntaxError()).isTrue();
    assertThat(p.resources()).isEmpty();
    assertThat(p.problems()).singleElement().satisfies(pr -> {
      assertThat(pr.origin()).isEqualTo("broken.yaml");
      assertThat(pr.severity()).isEqualTo(Problem.Severity.ERROR);
      assertThat(pr.message()).startsWith("not valid YAML: ").contains("line 8, column 10").doesNotContain("\n");
    });
  }

  @Test
  void repeatedKeysAreASyntaxError() {
    YamlResources.Parsed p = YamlResources.parse("apiVersion: v1\nkind: Service\nkind: Secret\nmetadata: {name: a}\n", "f.yaml");
    assertThat(p.syntaxError()).isTrue();
    assertThat(p.problems().get(0).message()).contains("kind");
  }

  @Test
  void theSameObjectTwiceInOneFile() {
    YamlResources.Parsed p = YamlResources.parse("""
        apiVersion: v1
        kind: Service
        metadata: {name: a}
        spec: {ports: [{port: 1}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: a, namespace: default}
        spec: {ports: [{port: 2}]}
        """, "f.yaml");
    assertThat(p.resources()).singleElement()
        .satisfies(r -> assertThat(r.spec().at("/ports/0/port").asInt()).isEqualTo(2));
    assertThat(p.problems()).singleElement().satisfies(pr -> {
      assertThat(pr.severity()).isEqualTo(Problem.Severity.WARNING);
      assertThat(pr.message()).contains("document 1", "document 2");
    });
  }

  @Test
  void filesTheFastReaderDeclinesGiveTheSameCompactTrees() {
    String block = """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: shop
          namespace: web
        spec:
          tls:
          - hosts:
            - shop.example.com
            secretName: shop-tls
          rules:
          - host: shop.example.com
        """;
    // a flow collection over two lines: the fast reader declines it
    String flow = """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: shop,
          namespace: web}
        spec:
          tls:
          - hosts: [shop.example.com]
            secretName: shop-tls
          rules:
          - host: shop.example.com
        """;
    assertThat(BlockYaml.read(flow)).as("declined: read by Jackson").isNull();
    Resource b = YamlResources.parse(block, "b.yaml").resources().get(0);
    Resource f = YamlResources.parse(flow, "f.yaml").resources().get(0);
    assertThat(f.body()).isEqualTo(b.body());
    // Jackson's tree is rebuilt on field maps with shared names and values, as the fast reader makes them
    com.fasterxml.jackson.databind.JsonNode tls = f.body().path("spec").path("tls").get(0);
    assertThat(tls.fieldNames().next()).isSameAs(b.body().path("spec").path("tls").get(0).fieldNames().next());
    assertThat(f.body().path("metadata").get("namespace")).isSameAs(b.body().path("metadata").get("namespace"));
    assertThat(tls).isInstanceOf(com.fasterxml.jackson.databind.node.ObjectNode.class);
    assertThat(f.body().path("metadata")).isEqualTo(YamlResources.parse(block, "b2.yaml").resources().get(0).body().path("metadata"));
  }
}
