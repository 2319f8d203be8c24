package io.higressj.server.annotations;

import static io.higressj.server.GatewayFixture.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.higressj.proxy.ProxyOptions;
import io.higressj.server.GatewayFixture;
import io.higressj.server.ServerOptions;
import io.higressj.testing.echo.EchoServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CORS, local rate limits, client address lists and the default backend through real sockets: what the
 * client gets back, and whether the upstream was reached at all.
 */
class TrafficAnnotationsEndToEndTest {
  @TempDir Path dir;
  GatewayFixture f;
  EchoServer v1;
  EchoServer fb;

  void start(ProxyOptions proxy) throws Exception {
    f = new GatewayFixture(dir);
    v1 = f.echo("ns", "v1");
    fb = f.echo("ns", "fb");
    f.write("services/v1.yaml", service("ns", "v1", v1.port()));
    f.write("services/fb.yaml", service("ns", "fb", fb.port()));
    f.start(ServerOptions.forTest(dir).withProxy(proxy));
  }

  void start() throws Exception {
    start(ProxyOptions.defaults());
  }

  @AfterEach
  void tearDown() throws Exception {
    if (f != null) f.close();
  }

  static String ingress(String name, String annotations, String host, String path, String service) {
    return """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: %s
          namespace: ns
          annotations:
        %s
        spec:
          rules:
          - host: %s
            http:
              paths:
              - pathType: Prefix
                path: "%s"
                backend:
                  service: {name: %s, port: {number: 8080}}
        """.formatted(name, annotations.indent(4).stripTrailing(), host, path, service);
  }

  HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return f.client().send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpRequest.Builder request(String host, String target) {
    return GatewayFixture.withHost(HttpRequest.newBuilder(URI.create(f.base() + target)), host);
  }

  HttpRequest.Builder options(String host, String target) {
    return request(host, target).method("OPTIONS", HttpRequest.BodyPublishers.noBody());
  }

  // ---- CORS

  @Test
  void corsPreflightIsAnsweredByTheGatewayAndResponsesGetTheHeaders() throws Exception {
    start();
    f.write("ingresses/c.yaml", ingress("c", """
        nginx.ingress.kubernetes.io/enable-cors: "true"
        nginx.ingress.kubernetes.io/cors-allow-origin: "https://app.example.com, https://*.trusted.org"
        nginx.ingress.kubernetes.io/cors-allow-methods: "GET, POST"
        nginx.ingress.kubernetes.io/cors-expose-headers: "X-Total"
        nginx.ingress.kubernetes.io/cors-max-age: "600"
        """, "foo.com", "/", "v1"));
    f.await("foo.com", "/", x -> x.statusCode() == 200);
    long before = v1.requestCount();

    HttpResponse<String> pre = send(options("foo.com", "/api").header("Origin", "https://a.trusted.org")
        .header("Access-Control-Request-Method", "POST"));
    assertThat(pre.statusCode()).isEqualTo(200);
    assertThat(pre.body()).isEmpty();
    assertThat(pre.headers().firstValue("access-control-allow-origin")).contains("https://a.trusted.org");
    assertThat(pre.headers().firstValue("access-control-allow-credentials")).contains("true");
    assertThat(pre.headers().firstValue("access-control-allow-methods")).contains("GET,POST");
    assertThat(pre.headers().firstValue("access-control-allow-headers")).hasValueSatisfying(v -> v.startsWith("DNT,"));
    assertThat(pre.headers().firstValue("access-control-max-age")).contains("600");
    assertThat(pre.headers().firstValue("access-control-expose-headers")).isEmpty();
    assertThat(v1.requestCount()).as("the upstream never saw the preflight").isEqualTo(before);

    HttpResponse<String> actual = send(request("foo.com", "/api").header("Origin", "https://app.example.com"));
    assertThat(f.json(actual).path("path").asText()).isEqualTo("/api");
    assertThat(actual.headers().firstValue("access-control-allow-origin")).contains("https://app.example.com");
    assertThat(actual.headers().firstValue("access-control-allow-credentials")).contains("true");
    assertThat(actual.headers().firstValue("access-control-expose-headers")).contains("X-Total");
    assertThat(actual.headers().firstValue("access-control-max-age")).isEmpty();

    // a foreign origin: no CORS headers, and its preflight goes to the upstream
    HttpResponse<String> foreign = send(options("foo.com", "/api").header("Origin", "https://evil.org")
        .header("Access-Control-Request-Method", "POST"));
    assertThat(f.json(foreign).path("method").asText()).isEqualTo("OPTIONS");
    assertThat(foreign.headers().firstValue("access-control-allow-origin")).isEmpty();
    // no Origin: not a CORS request
    assertThat(f.get("foo.com", "/").headers().firstValue("access-control-allow-origin")).isEmpty();
  }

  @Test
  void corsHeadersReplaceTheUpstreamsAndGoOnLocalReplies() throws Exception {
    start();
    f.write("ingresses/c.yaml", ingress("c", """
        higress.io/enable-cors: "true"
        higress.io/route-limit-rps: "1"
        higress.io/route-limit-burst-multiplier: "1"
        """, "foo.com", "/", "v1"));
    f.await("foo.com", "/", x -> x.statusCode() == 429);
    HttpResponse<String> limited = send(request("foo.com", "/").header("Origin", "http://x.org"));
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("access-control-allow-origin")).contains("http://x.org");

    f.write("ingresses/c.yaml", ingress("c", "higress.io/enable-cors: \"true\"", "foo.com", "/", "v1"));
    f.await("foo.com", "/", x -> x.statusCode() == 200);
    HttpResponse<String> r = send(request("foo.com", "/").header("Origin", "http://x.org")
        .header("X-Echo-Set-Header", "Access-Control-Allow-Origin:*"));
    assertThat(r.headers().allValues("access-control-allow-origin")).containsExactly("http://x.org");
  }

  // ---- local rate limit

  @Test
  void routeLimitAnswers429WhenTheBucketIsEmpty() throws Exception {
    start();
    f.write("ingresses/l.yaml", ingress("l", """
        higress.io/route-limit-rpm: "2"
        higress.io/route-limit-burst-multiplier: "1"
        """, "foo.com", "/limited", "v1"));
    f.write("ingresses/free.yaml", ingress("free", "{}", "foo.com", "/free", "v1"));
    f.await("foo.com", "/free", x -> x.statusCode() == 200);
    HttpResponse<String> first = f.await("foo.com", "/limited", x -> x.statusCode() != 404);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(f.get("foo.com", "/limited").statusCode()).as("the second of 2 per minute").isEqualTo(200);
    long before = v1.requestCount();
    HttpResponse<String> third = f.get("foo.com", "/limited");
    assertThat(third.statusCode()).isEqualTo(429);
    assertThat(third.body()).isEqualTo("local_rate_limited\n");
    assertThat(third.headers().firstValue("x-envoy-ratelimited")).contains("true");
    assertThat(v1.requestCount()).isEqualTo(before);
    for (int i = 0; i < 5; i++) assertThat(f.get("foo.com", "/free").statusCode()).as("other routes").isEqualTo(200);
  }

  @Test
  void routeLimitIsSharedByEveryConnectionAndEventLoop() throws Exception {
    start();
    f.write("ingresses/l.yaml", ingress("l", """
        higress.io/route-limit-rpm: "20"
        higress.io/route-limit-burst-multiplier: "1"
        """, "foo.com", "/", "v1"));
    f.await("foo.com", "/", x -> x.statusCode() == 200 || x.statusCode() == 429);
    java.net.http.HttpClient[] clients = new java.net.http.HttpClient[4];
    for (int i = 0; i < clients.length; i++) {
      clients[i] = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
    }
    int ok = 0;
    for (int i = 0; i < 60; i++) {
      HttpRequest req = request("foo.com", "/").timeout(Duration.ofSeconds(10)).build();
      if (clients[i % clients.length].send(req, HttpResponse.BodyHandlers.ofString()).statusCode() == 200) ok++;
    }
    assertThat(ok).as("20 in the bucket (one went to the readiness check), 1 more per 3 s").isBetween(19, 21);
  }

  @Test
  void limitRpsIsPerClientAddressWith503() throws Exception {
    start(ProxyOptions.defaults().toBuilder().xffNumTrustedHops(1).build());
    f.write("ingresses/l.yaml", ingress("l", """
        nginx.ingress.kubernetes.io/limit-rpm: "1"
        nginx.ingress.kubernetes.io/limit-burst-multiplier: "1"
        """, "foo.com", "/", "v1"));
    f.await("foo.com", "/", x -> x.statusCode() == 503 && x.body().contains("too many requests"));
    HttpResponse<String> a = send(request("foo.com", "/").header("X-Forwarded-For", "10.0.0.1"));
    HttpResponse<String> b = send(request("foo.com", "/").header("X-Forwarded-For", "10.0.0.1"));
    HttpResponse<String> c = send(request("foo.com", "/").header("X-Forwarded-For", "10.0.0.1"));
    assertThat(a.statusCode()).isEqualTo(200);
    assertThat(b.statusCode()).as("nginx's burst: 1 x 1, plus one").isEqualTo(200);
    assertThat(c.statusCode()).isEqualTo(503);
    assertThat(send(request("foo.com", "/").header("X-Forwarded-For", "10.0.0.2")).statusCode())
        .as("another client has a bucket of its own").isEqualTo(200);
  }

  @Test
  void limitConnectionsCountsRequestsInProgressPerClient() throws Exception {
    start();
    f.write("ingresses/l.yaml", ingress("l", "nginx.ingress.kubernetes.io/limit-connections: \"1\"", "foo.com", "/", "v1"));
    f.await("foo.com", "/", x -> x.statusCode() == 200);
    java.util.concurrent.CompletableFuture<HttpResponse<String>> slow = f.client().sendAsync(
        request("foo.com", "/slow").header("X-Delay", "1500").timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(v1.awaitRequest("/slow", Duration.ofSeconds(5))).isTrue();
    assertThat(f.get("foo.com", "/").statusCode()).as("the slow one is still in progress").isEqualTo(503);
    assertThat(slow.get().statusCode()).isEqualTo(200);
    // counted out when it ended (once the response is written, which the client may see a moment before)
    assertThat(f.await("foo.com", "/", x -> x.statusCode() == 200).statusCode()).isEqualTo(200);
  }

  // ---- client address lists

  @Test
  void whitelistAndDenylistAgainstTheClientAddress() throws Exception {
    start();
    f.write("ingresses/a.yaml", ingress("a", "nginx.ingress.kubernetes.io/whitelist-source-range: \"10.0.0.0/8\"",
        "a.com", "/", "v1"));
    f.write("ingresses/b.yaml", ingress("b", "nginx.ingress.kubernetes.io/whitelist-source-range: \"127.0.0.0/8, ::1\"",
        "b.com", "/", "v1"));
    f.write("ingresses/c.yaml", ingress("c", "nginx.ingress.kubernetes.io/denylist-source-range: \"127.0.0.1\"",
        "c.com", "/", "v1"));
    HttpResponse<String> denied = f.await("a.com", "/", x -> x.statusCode() != 404);
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(denied.body()).isEqualTo("RBAC: access denied\n");
    assertThat(f.await("b.com", "/", x -> x.statusCode() != 404).statusCode()).isEqualTo(200);
    assertThat(f.await("c.com", "/", x -> x.statusCode() != 404).statusCode()).isEqualTo(403);
    // an untrusted X-Forwarded-For changes nothing
    assertThat(send(request("a.com", "/").header("X-Forwarded-For", "10.1.2.3")).statusCode()).isEqualTo(403);
  }

  @Test
  void theAddressListsUseTheTrustedForwardedAddress() throws Exception {
    start(ProxyOptions.defaults().toBuilder().xffNumTrustedHops(1).build());
    f.write("ingresses/a.yaml", ingress("a", "nginx.ingress.kubernetes.io/whitelist-source-range: \"10.0.0.0/8\"",
        "a.com", "/", "v1"));
    f.await("a.com", "/", x -> x.statusCode() == 403);
    assertThat(send(request("a.com", "/").header("X-Forwarded-For", "10.1.2.3")).statusCode()).isEqualTo(200);
    assertThat(send(request("a.com", "/").header("X-Forwarded-For", "10.1.2.3, 8.8.8.8")).statusCode()).isEqualTo(403);
  }

  // ---- default backend

  @Test
  void defaultBackendServesWhenTheRoutesServiceIsMissing() throws Exception {
    start();
    f.write("ingresses/d.yaml", ingress("d", "nginx.ingress.kubernetes.io/default-backend: fb", "foo.com", "/x",
        "non-existent"));
    JsonNode j = f.json(f.await("foo.com", "/x/1", x -> x.statusCode() == 200));
    assertThat(j.path("pod").asText()).startsWith("fb");
    assertThat(j.path("path").asText()).as("the request as it is").isEqualTo("/x/1");
  }

  @Test
  void customHttpErrorsSendTheRequestToTheDefaultBackend() throws Exception {
    start();
    // an upstream answering /status/NNN with that status
    try (EchoServer api = EchoServer.start(EchoServer.Options.of(EchoServer.Kind.GATEWAY_API, "ns", "api-pod"))) {
      f.write("services/api.yaml", service("ns", "api", api.port()));
      f.write("ingresses/d.yaml", ingress("d", """
          nginx.ingress.kubernetes.io/default-backend: fb
          nginx.ingress.kubernetes.io/custom-http-errors: "404,503"
          """, "foo.com", "/", "api"));
      f.await("foo.com", "/status/200", x -> x.statusCode() == 200);
      HttpResponse<String> r = send(request("foo.com", "/status/404").header("X-Mine", "kept"));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode j = f.json(r);
      assertThat(j.path("pod").asText()).startsWith("fb");
      assertThat(j.path("path").asText()).as("Higress's internal redirect goes to /").isEqualTo("/");
      assertThat(j.path("host").asText()).isEqualTo("foo.com");
      JsonNode h = j.path("headers");
      assertThat(h.path("X-Envoy-Route-Name").get(0).asText()).isEqualTo("ns/d/rule0/path0-fallback");
      assertThat(h.path("X-Envoy-Fallback-Service").get(0).asText()).isEqualTo("ns/fb");
      assertThat(h.path("X-Mine").get(0).asText()).isEqualTo("kept");
      assertThat(api.requestCount()).isGreaterThan(0);

      assertThat(f.get("foo.com", "/status/500").statusCode()).as("a code not listed passes").isEqualTo(500);
      assertThat(send(request("foo.com", "/status/503")).statusCode()).isEqualTo(200);

      HttpResponse<String> withBody = send(request("foo.com", "/status/404").POST(HttpRequest.BodyPublishers.ofString("x")));
      assertThat(withBody.statusCode()).as("a small body is kept and sent again").isEqualTo(200);
      assertThat(f.json(withBody).path("body").asText()).isEqualTo("x");
      HttpResponse<String> big = send(request("foo.com", "/status/404")
          .POST(HttpRequest.BodyPublishers.ofString("y".repeat(100_000))));
      assertThat(big.statusCode()).as("a body past the replay buffer is not sent again").isEqualTo(404);
    }
  }

  @Test
  void aFallbackAnsweringWithAListedCodeIsNotRedirectedAgain() throws Exception {
    start();
    f.write("ingresses/d.yaml", ingress("d", """
        nginx.ingress.kubernetes.io/default-backend: fb
        nginx.ingress.kubernetes.io/custom-http-errors: "503"
        """, "foo.com", "/", "v1"));
    f.await("foo.com", "/", x -> x.statusCode() == 200);
    long fbBefore = fb.requestCount();
    HttpResponse<String> r = send(request("foo.com", "/").header("X-Echo-Status", "503"));
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(f.json(r).path("pod").asText()).startsWith("fb");
    assertThat(fb.requestCount()).isEqualTo(fbBefore + 1);
  }
}
