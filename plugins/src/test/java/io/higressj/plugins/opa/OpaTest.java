package io.higressj.plugins.opa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.higressj.api.Action;
import io.higressj.api.CalloutRequest;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginPhase;
import io.higressj.testing.opa.OpaServer;
import io.higressj.testing.plugin.PluginTestHost;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpaTest {
  final OpaFactory factory = new OpaFactory();
  final ObjectMapper json = new ObjectMapper();

  static Map<String, Object> config() {
    Map<String, Object> c = new HashMap<>();
    c.put("serviceSource", "k8s");
    c.put("serviceName", "opa");
    c.put("servicePort", 8181);
    c.put("namespace", "higress-backend");
    c.put("policy", "example1");
    c.put("timeout", "5s");
    return c;
  }

  @Test
  void nameAndPlace() {
    assertThat(factory.name()).isEqualTo("opa");
    assertThat(factory.defaultPhase()).isEqualTo(PluginPhase.AUTHN);
    assertThat(factory.defaultPriority()).isEqualTo(225);
  }

  @Test
  void asksOpaWithHigressInputAndFollowsItsDecision() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, config());
    var ex = host.exchange("GET", "/a/b?x=1&x=2&y=%20z", "foo.com").header("x-user", "alice");
    assertThat(ex.requestHeaders()).isEqualTo(Action.PAUSE);
    CalloutRequest r = ex.callouts().get(0).request();
    assertThat(r.target()).isEqualTo("outbound|8181||opa.higress-backend.svc.cluster.local");
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/v1/data/example1/allow");
    assertThat(r.headers()).contains(Map.entry("content-type", "application/json"));
    assertThat(ex.callouts().get(0).timeout()).isEqualTo(Duration.ofSeconds(5));
    JsonNode request = json.readTree(r.body()).path("input").path("request");
    assertThat(request.path("method").asText()).isEqualTo("GET");
    assertThat(request.path("path").asText()).isEqualTo("/a/b?x=1&x=2&y=%20z");
    assertThat(request.path("query").toString()).isEqualTo("{\"x\":[\"1\",\"2\"],\"y\":[\" z\"]}");
    assertThat(request.path("headers").toString()).contains("[\"x-user\",\"alice\"]").contains("[\":authority\",\"foo.com\"]");
    ex.callouts().get(0).answer(200, "{\"result\": true}");
    assertThat(ex.resumes()).isEqualTo(1);
    assertThat(ex.localReply()).isNull();

    var denied = host.exchange("POST", "/", "foo.com");
    denied.requestHeaders();
    denied.callouts().get(0).answer(200, "{\"result\": false}");
    assertThat(denied.localReply().status()).isEqualTo(401);
    assertThat(denied.localReply().text()).isEqualTo("opa server not allowed");
    assertThat(denied.resumes()).isZero();
  }

  @Test
  void unusableAnswersAreRefused() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, config());
    String[][] cases = {
        {"403", "{}", "403", "opa state not is 200"},
        {"200", "{}", "500", "rsp type conversion fail"}, // an undefined decision
        {"200", "{\"result\": \"true\"}", "500", "rsp type conversion fail"},
        {"200", "not json", "500", "opa parse rsp fail"},
    };
    for (String[] c : cases) {
      var ex = host.exchange("GET", "/", "foo.com");
      ex.requestHeaders();
      ex.callouts().get(0).answer(Integer.parseInt(c[0]), c[1]);
      assertThat(ex.localReply().status()).as(c[1]).isEqualTo(Integer.parseInt(c[2]));
      assertThat(ex.localReply().text()).as(c[1]).startsWith(c[3]);
      assertThat(ex.resumes()).isZero();
    }
    var down = host.exchange("GET", "/", "foo.com");
    down.requestHeaders();
    down.callouts().get(0).fail("connection refused");
    assertThat(down.localReply().status()).isEqualTo(503);
    assertThat(down.resumes()).isZero();
  }

  @Test
  void decisionsOfARealOpaStandIn() throws Exception {
    try (OpaServer opa = OpaServer.start()) {
      opa.putPolicy("p", """
          package authz.http
          import input.request
          default allow = false
          allow { request.method == "GET" }
          allow { request.path == "/public?open=1" }
          """);
      Map<String, Object> c = config();
      c.put("serviceSource", "ip");
      c.put("host", "127.0.0.1");
      c.put("servicePort", Integer.toString(opa.port()));
      c.put("policy", "authz/http");
      PluginTestHost host = PluginTestHost.of(factory, c);
      HttpClient client = HttpClient.newHttpClient();
      for (String[] t : new String[][] {{"GET", "/x", "pass"}, {"POST", "/x", "401"}, {"DELETE", "/public?open=1", "pass"}}) {
        var ex = host.exchange(t[0], t[1], "foo.com");
        ex.requestHeaders();
        CalloutRequest r = ex.callouts().get(0).request();
        assertThat(r.target()).isEqualTo("http://127.0.0.1:" + opa.port() + "/v1/data/authz/http/allow");
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create(r.target()))
            .POST(HttpRequest.BodyPublishers.ofByteArray(r.body())).header("content-type", "application/json").build(),
            HttpResponse.BodyHandlers.ofString());
        ex.callouts().get(0).answer(answer.statusCode(), answer.body());
        if (t[2].equals("pass")) {
          assertThat(ex.resumes()).as(t[0] + " " + t[1]).isEqualTo(1);
        } else {
          assertThat(ex.localReply().status()).as(t[0] + " " + t[1]).isEqualTo(401);
        }
      }
    }
  }

  @Test
  void serviceSources() throws Exception {
    Map<String, Object> c = config();
    c.put("serviceSource", "dns");
    c.put("domain", "opa.example.com");
    c.remove("namespace");
    OpaConfig dns = factory.parseConfig(c);
    assertThat(dns.target()).isEqualTo("outbound|8181||opa.example.com.dns");
    assertThat(dns.authority()).isEqualTo("opa.example.com");
    c.put("serviceSource", "nacos");
    c.put("namespace", "public");
    assertThat(factory.parseConfig(c).target()).isEqualTo("outbound|8181||opa.public.nacos");
    c = config();
    c.put("timeout", "1m30s");
    assertThat(factory.parseConfig(c).timeout()).isEqualTo(Duration.ofSeconds(90));
    c.put("timeout", "250ms");
    assertThat(factory.parseConfig(c).timeout()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void badConfigurationsNameTheField() {
    List<Object[]> bad = List.of(
        new Object[] {"policy", null}, new Object[] {"policy", " "}, new Object[] {"policy", "a/../b"},
        new Object[] {"timeout", null}, new Object[] {"timeout", "5"}, new Object[] {"timeout", "soon"}, new Object[] {"timeout", "0s"},
        new Object[] {"serviceSource", "route"}, new Object[] {"serviceSource", "consul"},
        new Object[] {"namespace", ""}, new Object[] {"servicePort", "http"}, new Object[] {"servicePort", 70000},
        new Object[] {"serviceName", null});
    for (Object[] b : bad) {
      Map<String, Object> c = config();
      c.put((String) b[0], b[1]);
      assertThatThrownBy(() -> factory.parseConfig(c)).as(b[0] + "=" + b[1]).isInstanceOf(PluginConfigException.class)
          .hasMessageContaining((String) b[0]);
    }
    Map<String, Object> ip = config();
    ip.put("serviceSource", "ip");
    assertThatThrownBy(() -> factory.parseConfig(ip)).hasMessageContaining("host");
    ip.put("host", "127.0.0.1/evil");
    assertThatThrownBy(() -> factory.parseConfig(ip)).hasMessageContaining("host");
  }
}
