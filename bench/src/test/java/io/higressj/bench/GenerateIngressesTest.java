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
}
