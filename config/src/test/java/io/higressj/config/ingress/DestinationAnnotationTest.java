package io.higressj.config.ingress;

import static io.higressj.config.ingress.IngressTranslatorTest.parse;
import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.config.model.Route;
import io.higressj.config.model.RoutePolicy;
import io.higressj.config.model.Snapshot;
import io.higressj.config.resource.ResourceSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** higress.io/destination: the routes of the Ingress go to these Services, by weight. */
class DestinationAnnotationTest {
  static String objects(String destination) {
    return """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: site
          namespace: ns
          annotations:
            higress.io/destination: |
        %s
        spec:
          rules:
          - host: a.example.com
            http:
              paths:
              - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: ns}
        spec: {ports: [{port: 80}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: v1, namespace: shop}
        spec: {ports: [{port: 8080}, {port: 9090}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: v2, namespace: shop}
        spec: {ports: [{port: 8080}]}
        """.formatted(destination.indent(6).stripTrailing());
  }

  static Route route(Snapshot s) {
    return s.routes().select("a.example.com").routes().get(0);
  }

  @Test
  void oneDestinationReplacesTheBackend() {
    Snapshot s = IngressTranslator.translate(parse(objects("v1.shop.svc.cluster.local:9090")));
    Route r = route(s);
    assertThat(s.clusters().get(r.cluster()).service()).contains("v1");
    assertThat(s.clusters().get(r.cluster()).port()).isEqualTo(9090);
    assertThat(r.policy().weightedClusters()).isEmpty();
  }

  @Test
  void weightedLinesSplitTheTraffic() {
    Snapshot s = IngressTranslator.translate(parse(objects("""
        30% v1.shop.svc.cluster.local:8080
        70% v2.shop.svc
        """)));
    List<RoutePolicy.WeightedCluster> w = route(s).policy().weightedClusters();
    assertThat(w).extracting(RoutePolicy.WeightedCluster::weight).containsExactly(30, 70);
    assertThat(s.clusters().get(w.get(0).cluster()).port()).isEqualTo(8080);
    assertThat(s.clusters().get(w.get(1).cluster()).service()).contains("v2");
    assertThat(s.clusters().get(w.get(1).cluster()).port()).isEqualTo(8080); // no port: the Service's first
  }

  @Test
  void invalidDestinationsAreReportedAndTheBackendKept() {
    for (String[] bad : new String[][] {
        {"30% v1.shop.svc.cluster.local\n60% v2.shop.svc.cluster.local", "weights add up to 90 (expected: 100)"},
        {"abc% v1.shop.svc.cluster.local", "is not a weight"},
        {"v1.shop.svc.cluster.local:99999", "invalid port"},
        {"providers.DEFAULT-GROUP.public.nacos", "registry destinations need McpBridge"},
        {"100% v1.shop.svc.cluster.local v1 extra", "expected: [weight%] host[:port] [subset]"}}) {
      Snapshot s = IngressTranslator.translate(parse(objects(bad[0])));
      Route r = route(s);
      assertThat(s.clusters().get(r.cluster()).service()).as(bad[0]).contains("web");
      assertThat(s.problems()).as(bad[0]).anyMatch(p -> p.field().equals("metadata.annotations[\"higress.io/destination\"]")
          && p.message().contains(bad[1]) && p.message().endsWith("annotation ignored"));
    }
  }

  @Test
  void aDestinationServiceChangeIsPickedUpIncrementally() {
    IngressTranslator t = new IngressTranslator(IngressTranslator.Options.defaults());
    String objects = objects("v2.shop.svc.cluster.local");
    Snapshot first = t.update(parse(objects));
    assertThat(first.clusters().get(route(first).cluster()).port()).isEqualTo(8080);
    ResourceSet changed = parse(objects.replace("metadata: {name: v2, namespace: shop}\nspec: {ports: [{port: 8080}]}",
        "metadata: {name: v2, namespace: shop}\nspec: {ports: [{port: 7070}]}"));
    Snapshot second = t.update(changed);
    assertThat(second.clusters().get(route(second).cluster()).port()).isEqualTo(7070);
    assertThat(route(IngressTranslator.translate(changed)).cluster()).isEqualTo(route(second).cluster());
  }
}
