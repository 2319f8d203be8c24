package io.higressj.server;

import static io.higressj.server.GatewayFixture.service;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** higress.io/destination end to end: the Ingress's traffic goes to the listed Services by weight. */
class DestinationEndToEndTest {
  @TempDir Path dir;
  GatewayFixture f;

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  @Test
  void weightedDestinationsSplitTrafficBetweenServices() throws Exception {
    f = new GatewayFixture(dir);
    f.write("services/web.yaml", service("ns1", "web", f.echo("ns1", "web").port()));
    f.write("services/v1.yaml", service("shop", "v1", f.echo("shop", "v1").port()));
    f.write("services/v2.yaml", service("shop", "v2", f.echo("shop", "v2").port()));
    f.write("ingresses/i.yaml", GatewayFixture.ingress("ns1", "i", "foo.com", "Prefix", "/", "web").replace(
        "metadata: {name: i, namespace: ns1}", """
        metadata:
          name: i
          namespace: ns1
          annotations:
            higress.io/destination: |
              20% v1.shop.svc.cluster.local:8080
              80% v2.shop.svc.cluster.local:8080"""));
    f.start();
    f.await("foo.com", "/", r -> r.statusCode() == 200 && !r.body().contains("web-pod"));
    Map<String, Integer> byPod = new HashMap<>();
    for (int i = 0; i < 400; i++) {
      HttpResponse<String> r = f.get("foo.com", "/");
      assertThat(r.statusCode()).isEqualTo(200);
      byPod.merge(f.json(r).path("pod").asText(), 1, Integer::sum);
    }
    assertThat(byPod).containsOnlyKeys("v1-pod", "v2-pod");
    // 20/80 of 400: far from either bound for any fair split
    assertThat(byPod.get("v1-pod")).isBetween(30, 140);
  }
}
