package io.higressj.server.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.api.Action;
import io.higressj.testing.plugin.PluginTestHost;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The test plugin driven by the plugin test host: no gateway, no sockets. */
class PluginTestHostTest {
  @Test
  void pausesForACalloutThatTheTestAnswers() throws Exception {
    PluginTestHost host = PluginTestHost.of(new TestPluginFactory(), Map.of("tag", "t",
        "calloutCluster", "outbound|80||auth.default.svc.cluster.local", "calloutPath", "/check"));
    PluginTestHost.Exchange ex = host.exchange("GET", "/api", "example.com");
    assertThat(ex.requestHeaders()).isEqualTo(Action.PAUSE);
    assertThat(ex.callouts()).singleElement().satisfies(c -> {
      assertThat(c.request().target()).isEqualTo("outbound|80||auth.default.svc.cluster.local");
      assertThat(c.request().path()).isEqualTo("/check");
    });
    ex.callouts().get(0).answer(204, "");
    assertThat(ex.resumes()).isEqualTo(1);
    assertThat(ex.headers().get("x-callout-status")).isEqualTo("204");
    assertThat(ex.responseHeaders(200, Map.of(), true)).isEqualTo(Action.CONTINUE);
    assertThat(ex.response().get("x-callout-seen")).isEqualTo("204");
    ex.done();
  }

  @Test
  void localRepliesBodiesAndConsumer() throws Exception {
    PluginTestHost host = PluginTestHost.of(new TestPluginFactory(), Map.of("tag", "t", "blockPrefix", "/admin",
        "upperCaseRequestBody", true, "consumer", "bob"));
    PluginTestHost.Exchange blocked = host.exchange("GET", "/admin/x", "example.com");
    blocked.requestHeaders();
    assertThat(blocked.localReply().status()).isEqualTo(403);
    assertThat(blocked.localReply().text()).isEqualTo("blocked by t");
    assertThat(blocked.headers().get("x-mse-consumer")).isEqualTo("bob");

    PluginTestHost.Exchange post = host.exchange("POST", "/upload", "example.com");
    assertThat(post.requestHeaders(false)).isEqualTo(Action.CONTINUE);
    assertThat(post.requestBufferLimit()).isEqualTo(1024);
    post.requestBody("abc", true);
    assertThat(post.requestBody()).isEqualTo("ABC!");
    assertThat(post.headers().get("x-plugin-order")).isEqualTo("t");
  }
}
