package io.higressj.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.config.model.Route;
import io.higressj.config.model.Snapshot;
import io.higressj.config.model.SnapshotHolder;
import io.higressj.config.model.VirtualHost;
import io.higressj.config.resource.Problem;
import io.higressj.config.resource.Resource;
import io.higressj.config.resource.ResourceKey;
import io.higressj.config.resource.ResourceSet;
import io.higressj.config.source.YamlResources;
import io.higressj.proxy.tls.ServerCertificates;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The applier's fallback to an object's last good version, driven set by set: which version of each
 * Ingress is served after edits that do not validate, removals, re-additions, unrelated changes and
 * objects of the same name in two API groups.
 */
class ConfigApplierLastGoodTest {
  private final SnapshotHolder holder = new SnapshotHolder();
  private final ConfigApplier applier = new ConfigApplier(holder, new ServerCertificates(holder), "higress");
  private final TreeMap<ResourceKey, Resource> objects = new TreeMap<>();

  @Test
  void aBadEditServesTheLastGoodVersionUntilAGoodOneComes() {
    put(service("ns1", "echo"));
    put(ingress("networking.k8s.io/v1", "ns1", "app", "app.com", "Prefix", "/v1"));
    apply();
    assertThat(routes()).containsExactly("app.com /v1");

    put(ingress("networking.k8s.io/v1", "ns1", "app", "app.com", "Regex", "/v2")); // pathType is invalid
    Snapshot s = apply();
    assertThat(routes()).containsExactly("app.com /v1");
    assertThat(problems(s)).anyMatch(p -> p.contains("Ingress ns1/app") && p.contains("pathType"))
        .anyMatch(p -> p.contains("Ingress ns1/app") && p.contains("still serving its last good version"));

    put(ingress("networking.k8s.io/v1", "ns1", "app", "app.com", "Regex", "/v3")); // still invalid
    apply();
    assertThat(routes()).containsExactly("app.com /v1");

    put(ingress("networking.k8s.io/v1", "ns1", "app", "app.com", "Prefix", "/v4"));
    s = apply();
    assertThat(routes()).containsExactly("app.com /v4");
    assertThat(problems(s)).isEmpty();

    put(ingress("networking.k8s.io/v1", "ns1", "app", "app.com", "Regex", "/v5"));
    apply();
    assertThat(routes()).containsExactly("app.com /v4");
  }

  @Test
  void theLastGoodVersionSurvivesUnrelatedChangesAndReapplies() {
    put(service("ns1", "echo"));
    put(ingress("networking.k8s.io/v1", "ns1", "app", "app.com", "Prefix", "/v1"));
    apply();
    put(ingress("networking.k8s.io/v1", "ns1", "other", "other.com", "Prefix", "/o1"));
    apply();
    put(ingress("networking.k8s.io/v1", "ns1", "other", "other.com", "Prefix", "/o2"));
    apply();
    put(ingress("networking.k8s.io/v1", "ns1", "app", "app.com", "Regex", "/v2"));
    apply();
    assertThat(routes()).containsExactly("app.com /v1", "other.com /o2");
    put(ingress("networking.k8s.io/v1", "ns1", "other", "other.com", "Prefix", "/o3"));
    apply();
    assertThat(routes()).containsExactly("app.com /v1", "other.com /o3");
    applier.reapply();
    assertThat(routes()).containsExactly("app.com /v1", "other.com /o3");
  }

  @Test
  void anObjectThatWasNeverGoodOrCameBackBadIsNotServed() {
    put(service("ns1", "echo"));
    put(ingress("networking.k8s.io/v1", "ns1", "app", "app.com", "Regex", "/bad"));
    Snapshot s = apply();
    assertThat(routes()).isEmpty();
    assertThat(problems(s)).noneMatch(p -> p.contains("still serving"));

    put(ingress("networking.k8s.io/v1", "ns1", "app", "app.com", "Prefix", "/v1"));
    apply();
    assertThat(routes()).containsExactly("app.com /v1");
    remove("networking.k8s.io", "Ingress", "ns1", "app");
    apply();
    assertThat(routes()).isEmpty();
    put(ingress("networking.k8s.io/v1", "ns1", "app", "app.com", "Regex", "/v2"));
    s = apply();
    assertThat(routes()).isEmpty(); // removed in between: /v1 is not its last good version any more
    assertThat(problems(s)).noneMatch(p -> p.contains("still serving"));
  }

  @Test
  void namesSharedByTwoApiGroupsFallBackToTheVersionWhoseKeySortsLast() {
    put(service("ns1", "echo"));
    // another API group's kind of the same name and object name (not ours: not translated, no problem)
    put(ingress("example.com/v1", "ns1", "app", "x.com", "Prefix", "/x1"));
    put(ingress("networking.k8s.io/v1", "ns1", "app", "n.com", "Prefix", "/n1"));
    apply();
    assertThat(routes()).containsExactly("n.com /n1");

    // problems name objects without their group: both objects named "Ingress ns1/app" are replaced by that
    // name's last good version, the networking.k8s.io one (its key sorts last)
    put(ingress("networking.k8s.io/v1", "ns1", "app", "n.com", "Regex", "/n2"));
    Snapshot s = apply();
    assertThat(routes()).containsExactly("n.com /n1");
    assertThat(problems(s)).filteredOn(p -> p.contains("still serving")).hasSize(2);

    put(ingress("example.com/v1", "ns1", "app", "x.com", "Prefix", "/x2")); // changed while the name is rejected
    apply();
    assertThat(routes()).containsExactly("n.com /n1");

    put(ingress("networking.k8s.io/v1", "ns1", "app", "n.com", "Prefix", "/n3"));
    apply();
    assertThat(routes()).containsExactly("n.com /n3");

    remove("example.com", "Ingress", "ns1", "app");
    apply();
    put(ingress("networking.k8s.io/v1", "ns1", "app", "n.com", "Regex", "/n4"));
    s = apply();
    assertThat(routes()).containsExactly("n.com /n3");
    assertThat(problems(s)).filteredOn(p -> p.contains("still serving")).hasSize(1);
  }

  private Snapshot apply() {
    applier.accept(new ResourceSet(new TreeMap<>(objects), List.of()));
    return holder.get();
  }

  private void put(String yaml) {
    YamlResources.Parsed p = YamlResources.parse(yaml, "test.yaml");
    assertThat(p.problems()).isEmpty();
    for (Resource r : p.resources()) objects.put(r.key(), r);
  }

  private void remove(String group, String kind, String namespace, String name) {
    assertThat(objects.remove(new ResourceKey(group, kind, namespace, name))).isNotNull();
  }

  /** "host path" of every route served, sorted. */
  private List<String> routes() {
    List<String> out = new ArrayList<>();
    for (VirtualHost vh : holder.get().routes().virtualHosts()) {
      for (Route r : vh.routes()) out.add(vh.domain() + " " + r.path().value());
    }
    out.sort(null);
    return out;
  }

  private static List<String> problems(Snapshot s) {
    return s.problems().stream().map(Problem::toString).toList();
  }

  private static String service(String ns, String name) {
    return String.format("""
        apiVersion: v1
        kind: Service
        metadata: {name: %s, namespace: %s}
        spec:
          ports: [{name: http, port: 80}]
        ---
        apiVersion: v1
        kind: Endpoints
        metadata: {name: %s, namespace: %s}
        subsets:
        - addresses: [{ip: 127.0.0.1}]
          ports: [{name: http, port: 80}]
        """, name, ns, name, ns);
  }

  private static String ingress(String apiVersion, String ns, String name, String host, String pathType, String path) {
    return String.format("""
        apiVersion: %s
        kind: Ingress
        metadata: {name: %s, namespace: %s}
        spec:
          ingressClassName: higress
          rules:
          - host: %s
            http:
              paths:
              - {path: %s, pathType: %s, backend: {service: {name: echo, port: {number: 80}}}}
        """, apiVersion, name, ns, host, path, pathType);
  }
}
