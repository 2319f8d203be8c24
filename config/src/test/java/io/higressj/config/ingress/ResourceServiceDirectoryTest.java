package io.higressj.config.ingress;

import static io.higressj.config.ingress.IngressTranslatorTest.parse;
import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.config.model.ClusterConfig;
import io.higressj.config.model.Endpoint;
import io.higressj.config.model.ServiceDirectory;
import org.junit.jupiter.api.Test;

/** Services that no route uses, found by Higress cluster name (what plugins call). */
class ResourceServiceDirectoryTest {
  static final String OBJECTS = """
      apiVersion: v1
      kind: Service
      metadata: {name: opa, namespace: policy}
      spec: {ports: [{port: 8181, targetPort: 18181}]}
      ---
      apiVersion: v1
      kind: Endpoints
      metadata: {name: opa, namespace: policy}
      subsets:
      - addresses: [{ip: 10.0.0.7}]
        ports: [{port: 18181}]
      """;

  @Test
  void aKubernetesServiceResolvesThroughItsEndpoints() {
    ResourceServiceDirectory d = new ResourceServiceDirectory(parse(OBJECTS));
    ClusterConfig c = d.find("outbound|8181||opa.policy.svc.cluster.local");
    assertThat(c.name()).isEqualTo("outbound|8181||opa.policy.svc.cluster.local");
    assertThat(c.endpoints()).containsExactly(new Endpoint("10.0.0.7", 18181));
    assertThat(d.find("outbound|8181||opa.policy.svc.cluster.local")).isSameAs(c);
  }

  @Test
  void unknownServicesAndPortsHaveNoEndpoints() {
    ResourceServiceDirectory d = new ResourceServiceDirectory(parse(OBJECTS));
    assertThat(d.find("outbound|8181||missing.policy.svc.cluster.local").endpoints()).isEmpty();
    assertThat(d.find("outbound|9999||opa.policy.svc.cluster.local").endpoints()).isEmpty();
  }

  @Test
  void hostNamesAndAddressesAreTheirOwnEndpoint() {
    ResourceServiceDirectory d = new ResourceServiceDirectory(parse(""));
    assertThat(d.find("outbound|443||auth.example.com.dns").endpoints()).containsExactly(new Endpoint("auth.example.com", 443));
    assertThat(d.find("outbound|6379||127.0.0.1").endpoints()).containsExactly(new Endpoint("127.0.0.1", 6379));
  }

  @Test
  void namesThatAreNotClusterNamesAreUnknown() {
    ResourceServiceDirectory d = new ResourceServiceDirectory(parse(""));
    assertThat(d.find("opa")).isNull();
    assertThat(d.find("outbound|x||opa.policy.svc.cluster.local")).isNull();
    assertThat(d.find("outbound|0||opa.policy.svc.cluster.local")).isNull();
    assertThat(d.find("outbound|80||a.b.c.svc.cluster.local")).isNull();
    assertThat(d.find("outbound|80||reg.static")).isNull();
  }

  @Test
  void pluginServiceReferencesBecomeClusterNames() {
    assertThat(ServiceDirectory.clusterName("k8s", "opa", "policy", 8181)).isEqualTo("outbound|8181||opa.policy.svc.cluster.local");
    assertThat(ServiceDirectory.clusterName("dns", "auth.example.com", null, 443)).isEqualTo("outbound|443||auth.example.com.dns");
    assertThat(ServiceDirectory.clusterName("k8s", "redis.infra.svc.cluster.local", null, 6379))
        .isEqualTo("outbound|6379||redis.infra.svc.cluster.local");
    assertThat(ServiceDirectory.clusterName("ip", "backend", null, 80)).isEqualTo("outbound|80||backend.static");
  }
}
