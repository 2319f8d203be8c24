package io.higressj.server;

import static io.higressj.server.GatewayFixture.ingress;
import static io.higressj.server.GatewayFixture.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.higressj.testing.echo.EchoServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configuration directory is rewritten 100 times while persistent HTTP/1.1 connections, an
 * HTTP/2 connection, an SSE stream and a WebSocket keep working: no failed request, no closed
 * connection; an invalid file in the middle changes nothing.
 */
class HotReloadTest {
  @TempDir Path dir;
  GatewayFixture f;
  EchoServer echo;
  EchoServer echo2;

  @BeforeEach
  void setUp() throws Exception {
    f = new GatewayFixture(dir);
    echo = f.echo("ns1", "echo");
    echo2 = f.echo("ns1", "echo2");
    f.write("services/echo.yaml", service("ns1", "echo", echo.port()));
    f.write("services/echo2.yaml", service("ns1", "echo2", echo2.port()));
    f.write("ingresses/stable.yaml", ingress("ns1", "stable", "foo.com", "Prefix", "/", "echo"));
    f.write("ingresses/ws.yaml", ingress("ns1", "ws", null, "Prefix", "/", "echo"));
    f.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  @Test
  void hundredRewritesUnderLoadDropNothing() throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger ok = new AtomicInteger();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    List<Thread> workers = new ArrayList<>();

    // persistent HTTP/1.1 connections: one socket each for the whole test
    for (int w = 0; w < 6; w++) {
      workers.add(Thread.ofPlatform().start(() -> {
        try (RawHttp c = new RawHttp(f.gateway.httpPort())) {
          while (running.get()) {
            RawHttp.Response r = c.request("foo.com", "/stable");
            if (r.status() != 200) failures.add("h1 status " + r.status() + ": " + r.body());
            else ok.incrementAndGet();
            if ("close".equalsIgnoreCase(r.headers().get("connection"))) failures.add("h1 connection closed by gateway");
          }
        } catch (Exception e) {
          failures.add("h1 " + e);
        }
      }));
    }
    // one HTTP/2 connection (h2c)
    HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    workers.add(Thread.ofPlatform().start(() -> {
      try {
        while (running.get()) {
          HttpResponse<String> r = h2.send(HttpRequest.newBuilder(URI.create(f.base() + "/h2")).build(),
              HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() != 200) failures.add("h2 status " + r.statusCode());
          else ok.incrementAndGet();
        }
      } catch (Exception e) {
        failures.add("h2 " + e);
      }
    }));
    // an SSE stream that lasts through the rewrites
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    Thread sse = Thread.ofPlatform().start(() -> {
      try {
        HttpResponse<InputStream> r = f.client.send(GatewayFixture.withHost(HttpRequest.newBuilder(URI.create(f.base() + "/sse")), "foo.com")
            .header("X-Echo-SSE", "20,100").build(), HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
          for (String line; (line = in.readLine()) != null; ) if (line.startsWith("data:")) events.add(line);
        }
      } catch (Exception e) {
        failures.add("sse " + e);
      }
    });
    // a WebSocket that keeps talking
    LinkedBlockingQueue<String> wsReplies = new LinkedBlockingQueue<>();
    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + f.gateway.httpPort() + "/ws"), new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            wsReplies.add(data.toString());
            w.request(1);
            return null;
          }
        }).get(10, TimeUnit.SECONDS);

    long firstVersion = f.gateway.snapshot().version();
    List<Long> applyMillis = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      // churn: add a route, change one, remove one, and move the stable host between backends
      f.write("ingresses/churn-" + i + ".yaml", ingress("ns1", "churn-" + i, "churn" + i + ".example", "Exact", "/p" + i, "echo"));
      if (i > 0) f.delete("ingresses/churn-" + (i - 1) + ".yaml");
      f.write("ingresses/stable.yaml", ingress("ns1", "stable", "foo.com", i % 3 == 0 ? "ImplementationSpecific" : "Prefix", "/",
          i % 2 == 0 ? "echo2" : "echo"));
      if (i == 50) {
        f.write("ingresses/broken.yaml", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: [unclosed\n");
      }
      if (i % 10 == 0) {
        long t0 = System.nanoTime();
        f.await("churn" + i + ".example", "/p" + i, r -> r.statusCode() == 200);
        applyMillis.add((System.nanoTime() - t0) / 1_000_000);
      } else {
        Thread.sleep(15);
      }
      ws.sendText("ping " + i, true);
    }
    Thread.sleep(300);
    running.set(false);
    for (Thread t : workers) t.join(15_000);
    sse.join(15_000);

    assertThat(failures).as("failed requests or closed connections").isEmpty();
    assertThat(ok.get()).isGreaterThan(200);
    assertThat(events).as("SSE events through the rewrites").hasSize(20);
    List<String> replies = new ArrayList<>();
    wsReplies.drainTo(replies);
    assertThat(replies).as("WebSocket echoes").hasSize(100);
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
    assertThat(f.gateway.snapshot().version()).as("changes applied (bursts coalesce)").isGreaterThan(firstVersion + 10);

    // the broken file is reported, and nothing it could not express was lost
    JsonNode dump = GatewayFixture.JSON.readTree(f.adminGet("/config_dump"));
    assertThat(dump.path("problems").toString()).contains("broken.yaml");
    assertThat(f.get("foo.com", "/").statusCode()).isEqualTo(200);
    applyMillis.sort(Long::compare);
    System.out.println("file write -> new route served (ms), sorted: " + applyMillis);
  }

  @Test
  void invalidEditKeepsTheLastGoodVersionOfTheObject() throws Exception {
    f.write("ingresses/app.yaml", ingress("ns1", "app", "app.com", "Prefix", "/api", "echo"));
    f.await("app.com", "/api/x", r -> r.statusCode() == 200);
    // now an edit that does not validate: the old routes keep serving, the problem is reported
    f.write("ingresses/app.yaml", ingress("ns1", "app", "app.com", "Regex", "/v2", "echo"));
    long deadline = System.nanoTime() + 5_000_000_000L;
    JsonNode dump;
    do {
      Thread.sleep(20);
      dump = GatewayFixture.JSON.readTree(f.adminGet("/config_dump"));
    } while (!dump.path("problems").toString().contains("pathType") && System.nanoTime() < deadline);
    assertThat(dump.path("problems").toString()).contains("Ingress ns1/app").contains("pathType");
    assertThat(f.get("app.com", "/api/x").statusCode()).isEqualTo(200);
    assertThat(f.get("app.com", "/v2").statusCode()).isEqualTo(404);
    // fixing it applies the new version
    f.write("ingresses/app.yaml", ingress("ns1", "app", "app.com", "Prefix", "/v2", "echo"));
    f.await("app.com", "/v2", r -> r.statusCode() == 200);
    assertThat(f.get("app.com", "/api/x").statusCode()).isEqualTo(404);
  }
}
