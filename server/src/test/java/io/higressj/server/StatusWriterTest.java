package io.higressj.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.higressj.config.resource.ResourceKey;
import io.higressj.config.resource.ResourceSet;
import io.higressj.config.source.YamlResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusWriterTest {
  @TempDir
  Path dir;

  static final String FILE = """
      # my gateway, keep this comment
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: gw, namespace: ns, generation: 2}
      spec:
        gatewayClassName: higress # inline comment
        listeners: [{name: http, port: 80, protocol: HTTP}]
      status:
        conditions: [{type: Old, status: "True"}]
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: svc, namespace: ns}
      """;

  static ObjectNode status(String accepted) {
    ObjectNode s = JsonNodeFactory.instance.objectNode();
    s.putArray("conditions").addObject().put("type", "Accepted").put("status", accepted).put("reason", "Accepted")
        .put("observedGeneration", 2L);
    return s;
  }

  ResourceSet read(Path f) throws Exception {
    return ResourceSet.of(YamlResources.read(f).resources(), List.of());
  }

  @Test
  void writesTheStatusIntoTheObjectsDocumentOnlyWhenItChanges() throws Exception {
    Path f = dir.resolve("gw.yaml");
    Files.writeString(f, FILE);
    ResourceKey key = new ResourceKey("gateway.networking.k8s.io", "Gateway", "ns", "gw");
    StatusWriter w = new StatusWriter(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
    w.write(read(f), Map.of(key, status("True")));
    String text = Files.readString(f);
    assertThat(text).contains("# my gateway, keep this comment", "gatewayClassName: higress # inline comment")
        .doesNotContain("type: Old").contains("lastTransitionTime: 2026-01-01T00:00:00Z")
        .endsWith("apiVersion: v1\nkind: Service\nmetadata: {name: svc, namespace: ns}\n");
    assertThat(read(f).resources().get(key).body().path("status").path("conditions").get(0).path("observedGeneration").asInt())
        .isEqualTo(2);

    // read back: nothing to write (no reload loop), even later
    long modified = Files.getLastModifiedTime(f).toMillis();
    new StatusWriter(Clock.fixed(Instant.parse("2026-01-02T00:00:00Z"), ZoneOffset.UTC)).write(read(f), Map.of(key, status("True")));
    assertThat(Files.readString(f)).isEqualTo(text);
    assertThat(Files.getLastModifiedTime(f).toMillis()).isEqualTo(modified);

    // a changed condition gets a new transition time
    new StatusWriter(Clock.fixed(Instant.parse("2026-01-03T00:00:00Z"), ZoneOffset.UTC)).write(read(f), Map.of(key, status("False")));
    assertThat(Files.readString(f)).contains("lastTransitionTime: 2026-01-03T00:00:00Z").contains("status: \"False\"");
  }

  @Test
  void aFileHoldingAnotherGenerationIsLeftAlone() throws Exception {
    Path f = dir.resolve("gw.yaml");
    Files.writeString(f, FILE);
    ResourceSet old = read(f);
    Files.writeString(f, FILE.replace("generation: 2", "generation: 3"));
    ResourceKey key = new ResourceKey("gateway.networking.k8s.io", "Gateway", "ns", "gw");
    new StatusWriter(Clock.systemUTC()).write(old, Map.of(key, status("True")));
    assertThat(Files.readString(f)).contains("type: Old");
  }

  static final ResourceKey GW = new ResourceKey("gateway.networking.k8s.io", "Gateway", "ns", "gw");

  @Test
  void aFileDeletedWhileItsStatusIsPreparedStaysDeleted() throws Exception {
    // a rename of the new text over the file brought a deleted Gateway back (and kept its listener open)
    Path f = dir.resolve("gw.yaml");
    Files.writeString(f, FILE);
    StatusWriter w = new StatusWriter(Clock.systemUTC());
    w.beforeWrite = () -> {
      try {
        Files.delete(f);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
    w.write(read(f), Map.of(GW, status("True")));
    assertThat(f).doesNotExist();
    try (var left = Files.list(dir)) {
      assertThat(left.toList()).as("no temporary file left").isEmpty();
    }
  }

  @Test
  void aFileEditedWhileItsStatusIsPreparedKeepsTheEdit() throws Exception {
    Path f = dir.resolve("gw.yaml");
    Files.writeString(f, FILE);
    StatusWriter w = new StatusWriter(Clock.systemUTC());
    String edited = FILE.replace("port: 80", "port: 81");
    w.beforeWrite = () -> {
      try {
        Files.writeString(f, edited);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
    w.write(read(f), Map.of(GW, status("True")));
    assertThat(Files.readString(f)).isEqualTo(edited);
  }

  @Test
  void aSymbolicLinkStaysALinkAndTheFileKeepsItsMode() throws Exception {
    Path target = Files.createDirectory(dir.resolve("repo")).resolve("gw.yaml");
    Files.writeString(target, FILE);
    java.util.Set<java.nio.file.attribute.PosixFilePermission> mode =
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----");
    Files.setPosixFilePermissions(target, mode);
    Path link = Files.createSymbolicLink(dir.resolve("gw.yaml"), target);
    new StatusWriter(Clock.systemUTC()).write(read(link), Map.of(GW, status("True")));
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readString(target)).contains("type: Accepted");
    assertThat(Files.getPosixFilePermissions(target)).isEqualTo(mode);
  }

  @Test
  void aShorterStatusLeavesNoPaddingBehind() throws Exception {
    Path f = dir.resolve("gw.yaml");
    String longStatus = FILE.replace("conditions: [{type: Old, status: \"True\"}]",
        "conditions: [{type: Old, status: \"True\", message: " + "x".repeat(400) + "}]");
    Files.writeString(f, longStatus);
    new StatusWriter(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC)).write(read(f), Map.of(GW, status("True")));
    String text = Files.readString(f);
    assertThat(text).doesNotContain("xxx").endsWith("metadata: {name: svc, namespace: ns}\n");
    assertThat(text.length()).isLessThan(longStatus.length());
  }

  @Test
  void thePaddingIsAYamlCommentThatChangesNothing() throws Exception {
    for (String text : List.of("a: 1\nb: [x, y]\n", "a: 1\nb: plain", "a: 1\nb: 'quoted'", "")) {
      for (int pad = 0; pad <= 3; pad++) {
        byte[] padded = StatusWriter.padded(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), text.length() + pad);
        assertThat(padded).hasSize(text.length() + pad);
        assertThat(new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(padded))
            .as("%s + %d", text, pad).isEqualTo(new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(text));
      }
    }
  }
}
