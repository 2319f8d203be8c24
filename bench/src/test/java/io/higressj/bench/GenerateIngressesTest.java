package io.higressj.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.config.ingress.IngressTranslator;
import io.higressj.config.model.Route;
import io.higressj.config.model.Snapshot;
import io.higressj.config.model.VirtualHost;
import org.junit.jupiter.api.Test;

/** The generated objects translate without problems, and every item's request finds its route. */
class GenerateIngressesTest {
  @Test
  void everyRequestFindsItsRoute() {
    GenerateIngresses gen = new GenerateIngresses(GenerateIngresses.Spec.defaults(400, 9001));
    Snapshot s = IngressTranslator.translate(InMemoryConfig.resources(gen, "v1"), IngressTranslator.Options.defaults());
    assertThat(s.problems()).isEmpty();
    assertThat(s.clusters()).hasSize(400);
    for (int i = 0; i < 400; i++) {
      GenerateIngresses.Item it = gen.item(i);
      VirtualHost vh = s.routes().select(it.requestHost());
      Route r = vh == null ? null : vh.match(it.requestPath("v1"));
      assertThat(r).as(it.toString()).isNotNull();
      assertThat(r.source()).isEqualTo("Ingress " + it.namespace() + "/" + it.name());
      assertThat(vh.match(it.requestPath("v2"))).isNull();
    }
  }

  @Test
  void paddedNumbersGiveEveryItemNamesOfOneLength() {
    GenerateIngresses small = new GenerateIngresses(new GenerateIngresses.Spec(10, 10, 0, 0, 1, "127.0.0.1", 9001,
        GenerateIngresses.Layout.SPLIT), 5);
    GenerateIngresses large = new GenerateIngresses(GenerateIngresses.Spec.defaults(400, 9001), 5);
    assertThat(small.item(2).requestHost()).isEqualTo("h00000.example.com");
    assertThat(small.item(2).requestPath("v1")).isEqualTo("/v1/p00002/static/s00002/r");
    assertThat(large.item(0).host()).isEqualTo("*.w00000.example.com");
    assertThat(large.item(399).requestHost()).hasSameSizeAs(small.item(9).requestHost());
    Snapshot s = IngressTranslator.translate(InMemoryConfig.resources(large, "v1"), IngressTranslator.Options.defaults());
    assertThat(s.problems()).isEmpty();
    for (int i = 0; i < 400; i++) {
      GenerateIngresses.Item it = large.item(i);
      VirtualHost vh = s.routes().select(it.requestHost());
      assertThat(vh == null ? null : vh.match(it.requestPath("v1"))).as(it.toString()).isNotNull();
    }
  }

  @Test
  void withTlsEveryHostHasItsOwnCertificate() {
    GenerateIngresses gen = new GenerateIngresses(GenerateIngresses.Spec.defaults(400, 9001), 0, true);
    Snapshot s = IngressTranslator.translate(InMemoryConfig.resources(gen, "v1"), IngressTranslator.Options.defaults());
    assertThat(s.problems()).isEmpty();
    int hosts = gen.spec().exactHosts() + gen.spec().wildcardHosts();
    assertThat(s.tls().byHost()).hasSize(hosts);
    assertThat(s.tls().byHost().values().stream().map(c -> c.secret()).distinct()).hasSize(hosts);
    for (int i = 0; i < 400; i++) {
      GenerateIngresses.Item it = gen.item(i);
      if (it.host() == null) continue;
      assertThat(s.tls().select(it.requestHost()).secret()).isEqualTo(it.namespace() + "/" + GenerateIngresses.secretName(it));
      VirtualHost vh = s.routes().select(it.requestHost());
      assertThat(vh.match(it.requestPath("v1"))).as(it.toString()).isNotNull();
    }
  }
}
