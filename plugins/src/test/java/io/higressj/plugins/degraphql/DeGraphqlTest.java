package io.higressj.plugins.degraphql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.higressj.api.CalloutResponse;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginPhase;
import io.higressj.testing.plugin.PluginTestHost;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeGraphqlTest {
  private final DeGraphqlFactory factory = new DeGraphqlFactory();
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String GQL = """
      query ($owner:String! $name:String! $first:Int $ok:Boolean){
        repository(owner:$owner, name:$name) { name forkCount description }
      }
      """;

  @Test
  void placement() {
    assertThat(factory.name()).isEqualTo("de-graphql");
    assertThat(factory.defaultPhase()).isEqualTo(PluginPhase.AUTHN);
    assertThat(factory.defaultPriority()).isEqualTo(430);
  }

  @Test
  void aGetBecomesAGraphqlPostAndItsAnswerTheReply() throws Exception {
    PluginTestHost.Exchange ex = PluginTestHost.of(factory, Map.of("gql", GQL, "domain", "api.github.com", "timeout", 3000))
        .route("r", "outbound|443||github.dns").exchange("GET", "/api?owner=alibaba&name=hig%22ress&first=3&ok=true&x=1", "localhost");
    ex.header("Authorization", "Bearer t");
    ex.requestHeaders();
    assertThat(ex.callouts()).hasSize(1);
    var c = ex.callouts().get(0);
    assertThat(c.request().target()).isEqualTo("outbound|443||github.dns");
    assertThat(c.request().method()).isEqualTo("POST");
    assertThat(c.request().path()).isEqualTo("/graphql");
    assertThat(c.timeout().toMillis()).isEqualTo(3000);
    assertThat(c.request().headers()).contains(Map.entry("host", "api.github.com"), Map.entry("content-type", "application/json"),
        Map.entry("authorization", "Bearer t"));
    var body = JSON.readTree(c.request().body());
    assertThat(body.path("query").asText()).isEqualTo(GQL);
    assertThat(body.path("variables")).isEqualTo(JSON.readTree("{\"owner\":\"alibaba\",\"name\":\"hig\\\"ress\",\"first\":3,\"ok\":true}"));
    c.answer(new CalloutResponse(200, List.of(Map.entry("content-type", "application/json")),
        "{\"data\":{}}".getBytes(StandardCharsets.UTF_8), null));
    assertThat(ex.localReply().status()).isEqualTo(200);
    assertThat(ex.localReply().text()).isEqualTo("{\"data\":{}}");
    assertThat(ex.localReply().headers()).containsEntry("x-degraphql-endpoint", "/graphql").containsEntry("content-type", "application/json");
  }

  @Test
  void badlyTypedValuesAndFailuresAreAnswered() throws Exception {
    PluginTestHost.Exchange ex = PluginTestHost.of(factory, Map.of("gql", GQL)).route("r", "c")
        .exchange("GET", "/api?owner=a&first=3,4}", "h");
    ex.requestHeaders();
    assertThat(ex.callouts()).isEmpty();
    assertThat(ex.localReply().status()).isEqualTo(400);
    PluginTestHost.Exchange down = PluginTestHost.of(factory, Map.of("gql", GQL)).route("r", "c").exchange("GET", "/api", "h");
    down.requestHeaders();
    assertThat(JSON.readTree(down.callouts().get(0).request().body()).has("variables")).isFalse();
    down.callouts().get(0).fail("connection refused");
    assertThat(down.localReply().status()).isEqualTo(502);
  }

  @Test
  void badConfigurationsNameTheField() {
    assertThatThrownBy(() -> factory.parseConfig(Map.of()))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("gql: missing");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("gql", "{a}", "endpoint", "graphql")))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("endpoint: ");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("gql", "{a}", "timeout", "soon")))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("timeout: ");
  }
}
