package io.higressj.config.ingress;

import static io.higressj.config.ingress.IngressTranslatorTest.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.higressj.config.model.Endpoint;
import io.higressj.config.model.Snapshot;
import io.higressj.config.resource.Problem;
import org.junit.jupiter.api.Test;

/**
 * What a Service, its Endpoints and EndpointSlices and the backends naming them report when something
 * is wrong: the field each problem names and its text. The field names are spelled only when a problem
 * is found (see {@code Backends}), so these pin them.
 */
class BackendProblemsTest {
  private static final String INGRESS = """
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {name: site}
      spec:
        rules:
        - host: a.example.com
          http:
            paths:
            - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: %s}}}}
        - host: b.example.com
          http:
            paths:
            - {path: /, pathType: Prefix, backend: {service: {name: web, port: {name: %s}}}}
      ---
      """;

  @Test
  void invalidServicePortsNameTheirFields() {
    Snapshot s = IngressTranslator.translate(parse("""
        apiVersion: v1
        kind: Service
        metadata: {name: bad}
        spec:
          ports:
          - {name: a, port: 0}
          - {name: b, port: "x"}
          - {name: c, port: 80, targetPort: "99999"}
          - {name: d, port: 81, targetPort: 0}
          - {name: e}
          - {name: f, port: 70000}
        """));
    assertThat(s.problems()).extracting(Problem::object, Problem::field, Problem::message, Problem::severity).containsExactly(
        tuple("Service default/bad", "spec.ports[0].port", "0 (expected: 1..65535)", Problem.Severity.ERROR),
        tuple("Service default/bad", "spec.ports[1].port", "\"x\" (expected: an integer 1..65535)", Problem.Severity.ERROR),
        tuple("Service default/bad", "spec.ports[2].targetPort", "\"99999\" (expected: 1..65535)", Problem.Severity.ERROR),
        tuple("Service default/bad", "spec.ports[3].targetPort", "0 (expected: 1..65535)", Problem.Severity.ERROR),
        tuple("Service default/bad", "spec.ports[4].port", "missing (expected: 1..65535)", Problem.Severity.ERROR),
        tuple("Service default/bad", "spec.ports[5].port", "70000 (expected: 1..65535)", Problem.Severity.ERROR));
  }

  @Test
  void endpointsAndSlicesWithBadPorts() {
    Snapshot s = IngressTranslator.translate(parse(INGRESS.formatted("80", "web") + """
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          ports:
          - {name: http, port: 80, targetPort: "8080"}
          - {name: web, port: 90, targetPort: web}
        ---
        apiVersion: v1
        kind: Endpoints
        metadata: {name: web}
        subsets:
        - addresses: [{ip: 10.0.0.1}, {hostname: x}]
          ports: [{name: http, port: 8080}, {name: web, port: 9090}]
        - addresses: [{ip: 10.0.0.2}, {hostname: x}]
          ports: [{name: other, port: 1}, {name: http, port: 0}, {name: web, port: "y"}]
        - addresses: [{ip: 10.0.0.3}]
          ports: [{port: 8080}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: web-abc, labels: {kubernetes.io/service-name: web}}
        endpoints: [{addresses: [10.0.0.4]}]
        ports: [{name: http, port: 70000}, {name: web, port: 9090}]
        """));
    assertThat(s.problems()).extracting(Problem::object, Problem::field, Problem::message, Problem::severity).containsExactly(
        tuple("EndpointSlice default/web-abc", "ports[0].port", "70000 (expected: 1..65535); skipped", Problem.Severity.WARNING),
        tuple("Endpoints default/web", "subsets[0].addresses[1].ip", "missing (expected: an IP address); skipped",
            Problem.Severity.WARNING),
        tuple("Endpoints default/web", "subsets[1].ports[1].port", "0 (expected: 1..65535); skipped", Problem.Severity.WARNING),
        tuple("Endpoints default/web", "subsets[1].ports[2].port", "\"y\" (expected: 1..65535); skipped", Problem.Severity.WARNING));
    // targetPort "8080" is a number (subsets[2]'s one unnamed port is not "http", so its targetPort counts);
    // targetPort "web" is the endpoint port named web
    assertThat(s.clusters().get("outbound|80||web.default.svc.cluster.local").endpoints())
        .containsExactly(new Endpoint("10.0.0.1", 8080), new Endpoint("10.0.0.3", 8080));
    assertThat(s.clusters().get("outbound|90||web.default.svc.cluster.local").endpoints())
        .containsExactly(new Endpoint("10.0.0.1", 9090), new Endpoint("10.0.0.4", 9090));
  }

  @Test
  void backendsNamingPortsTheServiceLacks() {
    Snapshot s = IngressTranslator.translate(parse(INGRESS.formatted("81", "nope") + """
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {ports: [{name: http, port: 80}]}
        """));
    assertThat(s.problems()).extracting(Problem::object, Problem::field, Problem::message, Problem::severity).containsExactly(
        tuple("Ingress default/site", "spec.rules[0].http.paths[0].backend.service.port.number",
            "Service default/web has no port 81", Problem.Severity.WARNING),
        tuple("Ingress default/site", "spec.rules[1].http.paths[0].backend.service.port.name",
            "Service default/web has no port named \"nope\"", Problem.Severity.WARNING));
    assertThat(s.clusters()).containsOnlyKeys("outbound|81||web.default.svc.cluster.local",
        "outbound|nope||web.default.svc.cluster.local");
    assertThat(s.clusters().values()).allSatisfy(c -> assertThat(c.endpoints()).isEmpty());
  }
}
