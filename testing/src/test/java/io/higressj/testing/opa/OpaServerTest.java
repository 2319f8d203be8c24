package io.higressj.testing.opa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpaServerTest {
  static final String EXAMPLE1 = """
      package example1
              import input.request
              default allow = false
              allow {
              # HTTP method must GET
              request.method == "GET"
              }""";

  final OpaServer opa = OpaServer.start();
  final HttpClient client = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();

  @AfterEach
  void stop() {
    opa.close();
  }

  HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + opa.port() + path))
        .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body)).build();
    return client.send(r, BodyHandlers.ofString());
  }

  JsonNode data(String path, String input) throws Exception {
    HttpResponse<String> r = send("POST", "/v1/data/" + path, "{\"input\": " + input + "}");
    assertThat(r.statusCode()).isEqualTo(200);
    return json.readTree(r.body());
  }

  @Test
  void higressExamplePolicyOverRestApi() throws Exception {
    assertThat(send("PUT", "/v1/policies/example1", EXAMPLE1).statusCode()).isEqualTo(200);
    assertThat(data("example1/allow", "{\"request\": {\"method\": \"GET\"}}").get("result").booleanValue()).isTrue();
    assertThat(data("example1/allow", "{\"request\": {\"method\": \"POST\"}}").get("result").booleanValue()).isFalse();
    assertThat(data("example1/allow", "{}").get("result").booleanValue()).isFalse();
    assertThat(data("example1", "{\"request\": {\"method\": \"GET\"}}").toString()).isEqualTo("{\"result\":{\"allow\":true}}");
    // undefined documents: {} without result, as OPA answers
    assertThat(data("example1/deny", "{}").has("result")).isFalse();
    assertThat(data("nope/allow", "{}").has("result")).isFalse();
    assertThat(send("DELETE", "/v1/policies/example1", null).statusCode()).isEqualTo(200);
    assertThat(data("example1/allow", "{\"request\": {\"method\": \"GET\"}}").has("result")).isFalse();
  }

  @Test
  void rulesAreOrAndExpressionsAreAnd() {
    RegoPolicy p = RegoPolicy.parse("""
        package a.b
        import input.request as req
        default allow := false
        allow if { req.method == "GET"; req.path != "/admin" }
        allow { input.user.admin }
        allow { req.port == 8080.0
          req.secure == true }
        """);
    assertThat(p.packagePath()).containsExactly("a", "b");
    assertThat(eval(p, "{\"request\": {\"method\": \"GET\", \"path\": \"/\"}}")).isTrue();
    assertThat(eval(p, "{\"request\": {\"method\": \"GET\", \"path\": \"/admin\"}}")).isFalse();
    assertThat(eval(p, "{\"request\": {\"method\": \"GET\"}}")).isFalse(); // != with an undefined side is undefined
    assertThat(eval(p, "{\"request\": {\"method\": \"POST\"}, \"user\": {\"admin\": true}}")).isTrue();
    assertThat(eval(p, "{\"request\": {\"method\": \"POST\"}, \"user\": {\"admin\": false}}")).isFalse();
    assertThat(eval(p, "{\"request\": {\"port\": 8080, \"secure\": true}}")).isTrue();
    assertThat(eval(p, "{\"request\": {\"port\": 8080, \"secure\": \"true\"}}")).isFalse();
  }

  boolean eval(RegoPolicy p, String input) {
    try {
      return p.evaluate("allow", json.readTree(input)).booleanValue();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void outsideTheSubsetIsRefusedAtPut() throws Exception {
    for (String rego : new String[] {
        "package x\nallow { input.a > 1 }",
        "package x\nallow { input.headers[0] == \"a\" }",
        "package x\nallow { not input.a }",
        "package x\nimport data.users\nallow { users.a == 1 }",
        "package x\nallow { startswith(input.path, \"/a\") }",
        "package x\nallow { some i }",
        "package x\nallow { input.a == 1 } else = false { true }",
        "package x\nallow { other == 1 }\nother { input.a == 1 }",
        "package x\nallow { x := input.a }",
        "allow { input.a == 1 }",
    }) {
      HttpResponse<String> r = send("PUT", "/v1/policies/x", rego);
      assertThat(r.statusCode()).as(rego).isEqualTo(400);
      assertThat(json.readTree(r.body()).get("message").asText()).as(rego).containsAnyOf("outside", "subset", "expected", "not a", "unexpected");
    }
    assertThatThrownBy(() -> RegoPolicy.parse("package x\nallow { input.a >= 1 }")).isInstanceOf(RegoException.class)
        .hasMessageContaining("outside the supported Rego subset");
  }

  @Test
  void conflictingValuesAreAnErrorNotAGuess() throws Exception {
    assertThat(send("PUT", "/v1/policies/c", "package c\nlevel = \"a\" { input.x == 1 }\nlevel = \"b\" { input.y == 1 }").statusCode()).isEqualTo(200);
    assertThat(data("c/level", "{\"x\": 1}").get("result").asText()).isEqualTo("a");
    assertThat(send("POST", "/v1/data/c/level", "{\"input\": {\"x\": 1, \"y\": 1}}").statusCode()).isEqualTo(500);
    assertThat(send("POST", "/v1/data/c/level", "{not json").statusCode()).isEqualTo(400);
  }
}
