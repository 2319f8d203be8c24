package io.higressj.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.higressj.testing.echo.EchoServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A gateway on free ports over a temporary config directory, with echo upstreams. */
public final class GatewayFixture implements AutoCloseable {
  public static final ObjectMapper JSON = new ObjectMapper();

  static {
    // lets tests send a Host header of their choice, as curl --header Host: does
    System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
  }

  final Path configDir;
  GatewayServer gateway;
  final List<AutoCloseable> closeables = new ArrayList<>();
  final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  public GatewayFixture(Path configDir) {
    this.configDir = configDir;
  }

  public GatewayFixture start() throws Exception {
    return start(ServerOptions.forTest(configDir));
  }

  public GatewayFixture start(ServerOptions options) throws Exception {
    gateway = GatewayServer.start(options);
    return this;
  }

  public EchoServer echo(String namespace, String service) throws Exception {
    EchoServer e = EchoServer.start(EchoServer.Options.of(EchoServer.Kind.ECHO_SERVER, namespace, service + "-pod"));
    closeables.add(e);
    return e;
  }

  /**
   * Most tests' starting point: an echo backend as Service ns1/echo and an Ingress ns1/foo that sends
   * {@code foo.com/} to it. Returns the echo server.
   */
  public EchoServer fooToEcho() throws Exception {
    EchoServer e = echo("ns1", "echo");
    write("services/echo.yaml", service("ns1", "echo", e.port()));
    write("ingresses/foo.yaml", ingress("ns1", "foo", "foo.com", "Prefix", "/", "echo"));
    return e;
  }

  /** Writes a file atomically (temp file + rename), as editors and kubectl-like tools do. */
  public void write(String relative, String yaml) throws IOException {
    Path p = configDir.resolve(relative);
    Files.createDirectories(p.getParent());
    Path tmp = p.resolveSibling("." + p.getFileName() + ".tmp");
    Files.writeString(tmp, yaml, StandardCharsets.UTF_8);
    Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  public void delete(String relative) throws IOException {
    Files.deleteIfExists(configDir.resolve(relative));
  }

  /** Service + Endpoints making {@code name.namespace:8080} reach the given local port. */
  public static String service(String namespace, String name, int localPort) {
    return """
        apiVersion: v1
        kind: Service
        metadata: {name: %2$s, namespace: %1$s}
        spec:
          ports: [{name: http, port: 8080, targetPort: %3$d}]
        ---
        apiVersion: v1
        kind: Endpoints
        metadata: {name: %2$s, namespace: %1$s}
        subsets:
        - addresses: [{ip: 127.0.0.1}]
          ports: [{name: http, port: %3$d}]
        """.formatted(namespace, name, localPort);
  }

  /** An Ingress with one rule: host (or none when null), one path to service:8080. */
  public static String ingress(String namespace, String name, String host, String pathType, String path, String service) {
    return """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: %2$s, namespace: %1$s}
        spec:
          ingressClassName: higress
          rules:
          - %3$shttp:
              paths:
              - path: %5$s
                pathType: %4$s
                backend: {service: {name: %6$s, port: {number: 8080}}}
        """.formatted(namespace, name, host == null ? "" : "host: " + host + "\n    ", pathType, path, service);
  }

  public String base() {
    return "http://127.0.0.1:" + gateway.httpPort();
  }

  public HttpResponse<String> get(String host, String path) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10));
    return client.send(withHost(b, host).build(), HttpResponse.BodyHandlers.ofString());
  }

  public static HttpRequest.Builder withHost(HttpRequest.Builder b, String host) {
    if (host != null) b.header("Host", host);
    return b;
  }

  /** The first value of header {@code name} (any case) in an echo server's JSON reply; null when absent. */
  public static String echoedHeader(JsonNode echoed, String name) {
    JsonNode headers = echoed.path("headers");
    for (var it = headers.fieldNames(); it.hasNext(); ) {
      String n = it.next();
      if (n.equalsIgnoreCase(name)) return headers.path(n).get(0).asText();
    }
    return null;
  }

  public JsonNode json(HttpResponse<String> r) throws IOException {
    return JSON.readTree(r.body());
  }

  /** Polls until {@code ok} holds for GET path (with Host), or fails after 10 s. */
  public HttpResponse<String> await(String host, String path, Predicate<HttpResponse<String>> ok) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    HttpResponse<String> last = null;
    java.io.IOException failure = null;
    while (System.nanoTime() < deadline) {
      try {
        last = get(host, path);
        failure = null;
      } catch (java.io.IOException e) { // e.g. a pooled connection the gateway closed: try again
        failure = e;
        Thread.sleep(5);
        continue;
      }
      if (ok.test(last)) return last;
      Thread.sleep(5);
    }
    AssertionError e = new AssertionError("condition not met for " + host + path + "; last: "
        + (last == null ? null : last.statusCode() + " " + last.body()));
    if (failure != null) e.initCause(failure);
    throw e;
  }

  public String adminGet(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.adminPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  public GatewayServer gateway() {
    return gateway;
  }

  public HttpClient client() {
    return client;
  }

  @Override
  public void close() throws Exception {
    if (gateway != null) gateway.close();
    for (AutoCloseable c : closeables) c.close();
  }
}
