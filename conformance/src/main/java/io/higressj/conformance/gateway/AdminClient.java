package io.higressj.conformance.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads the gateway's admin endpoint ({@code docs/admin.md}): {@code /ready}, {@code /config_dump}
 * and, once the gateway publishes object status, {@code /status}.
 */
public final class AdminClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final String base;

  public AdminClient(String address, int port) {
    this.base = "http://" + address + ":" + port;
  }

  /** Whether {@code /ready} answers 200. */
  public boolean ready() {
    try {
      return get("/ready").statusCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  /** Waits until {@code /ready} answers 200. */
  public void awaitReady(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!ready()) {
      if (System.nanoTime() > deadline) throw new IOException("the admin endpoint " + base + "/ready did not answer 200 within " + timeout.toSeconds() + " s");
      sleep(20);
    }
  }

  /** {@code /config_dump}. */
  public JsonNode configDump() throws IOException {
    HttpResponse<String> r = get("/config_dump");
    if (r.statusCode() != 200) throw new IOException(base + "/config_dump: status " + r.statusCode());
    return JSON.readTree(r.body());
  }

  /** The {@code version} of the applied configuration; -1 when it cannot be read. */
  public long version() {
    try {
      return configDump().path("version").asLong(-1);
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * Waits until the applied configuration's version is above {@code before}.
   *
   * @return whether it changed within {@code max}
   */
  public boolean awaitVersionAbove(long before, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      long v = version();
      if (v > before) return true;
      sleep(5);
    }
    return false;
  }

  /**
   * {@code GET /status}: the status of every object, as a Kubernetes list
   * ({@code {"items": [{"apiVersion", "kind", "metadata": {"namespace", "name", "generation"}, "status": {...}}]}}).
   *
   * @return empty when the gateway does not serve it (404)
   */
  public Optional<JsonNode> status() throws IOException {
    HttpResponse<String> r = get("/status");
    if (r.statusCode() == 404) return Optional.empty();
    if (r.statusCode() != 200) throw new IOException(base + "/status: status " + r.statusCode());
    return Optional.of(JSON.readTree(r.body()));
  }

  private HttpResponse<String> get(String path) throws IOException {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
