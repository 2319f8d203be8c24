package io.higressj.config.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.higressj.config.resource.Problem;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotDumpTest {
  @Test
  void dumpsEverythingButKeyMaterial() {
    CertificateConfig cert = new CertificateConfig("default/tls", "-----BEGIN CERTIFICATE-----", "-----BEGIN PRIVATE KEY-----");
    ClusterConfig b = new ClusterConfig("b", "default/b", 80, List.of(new Endpoint("10.0.0.1", 8080), new Endpoint("::1", 9)));
    ClusterConfig a = new ClusterConfig("a", "default/a", 80, List.of());
    Snapshot s = new Snapshot(7, Instant.parse("2024-01-01T00:00:00Z"),
        new RouteTable(List.of(new VirtualHost("foo.com", List.of(new Route("r", PathMatch.prefix("/x"), "b", "Ingress default/i"))))),
        Map.of("b", b, "a", a), new TlsConfig(Map.of("foo.com", cert), cert),
        List.of(new Problem("f.yaml", "Ingress default/i", "spec", "bad", Problem.Severity.WARNING)));

    ObjectNode json = SnapshotDump.toJson(s);

    assertThat(json.toString()).doesNotContain("BEGIN");
    assertThat(json.path("version").asLong()).isEqualTo(7);
    assertThat(json.path("created").asText()).isEqualTo("2024-01-01T00:00:00Z");
    assertThat(json.at("/virtualHosts/0/routes/0/match").asText()).isEqualTo("prefix /x");
    assertThat(json.at("/clusters/0/name").asText()).isEqualTo("a");
    assertThat(json.at("/clusters/1/endpoints").toString()).isEqualTo("[\"10.0.0.1:8080\",\"[::1]:9\"]");
    assertThat(json.at("/tls/hosts/foo.com").asText()).isEqualTo("default/tls");
    assertThat(json.at("/tls/default").asText()).isEqualTo("default/tls");
    assertThat(json.at("/problems/0/severity").asText()).isEqualTo("WARNING");
    assertThat(json.at("/problems/0/origin").asText()).isEqualTo("f.yaml");
  }

  @Test
  void emptySnapshot() {
    ObjectNode json = SnapshotDump.toJson(Snapshot.empty());
    assertThat(json.path("virtualHosts").isEmpty()).isTrue();
    assertThat(json.at("/tls/default").isNull()).isTrue();
  }
}
