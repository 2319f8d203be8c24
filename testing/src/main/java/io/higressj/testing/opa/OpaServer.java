package io.higressj.testing.opa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * An Open Policy Agent stand-in for tests: the part of OPA's REST API that Higress's {@code opa} plugin
 * and its conformance case use, over policies of the Rego subset of {@link RegoPolicy}.
 *
 * <ul>
 *   <li>{@code PUT /v1/policies/<id>} with the Rego text: {@code 200 {}}; a module outside the subset
 *       is {@code 400} with {@code {"code": "invalid_parameter", "message": ...}} saying why, so a
 *       policy is never evaluated differently from OPA;
 *   <li>{@code DELETE /v1/policies/<id>};
 *   <li>{@code POST /v1/data/<package path>[/<rule>]} with {@code {"input": ...}}: {@code 200
 *       {"result": <value>}}, or {@code 200 {}} when the document is undefined (as OPA answers); the
 *       package path alone gives an object of the rules that are defined;
 *   <li>{@code GET /health}: {@code 200 {}}.
 * </ul>
 */
public final class OpaServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY = 1 << 20;

  private final HttpServer server;
  private final Map<String, RegoPolicy> policies = new ConcurrentHashMap<>();

  private OpaServer(HttpServer server) {
    this.server = server;
  }

  /** Starts on 127.0.0.1 and an ephemeral port. */
  public static OpaServer start() {
    try {
      HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      OpaServer opa = new OpaServer(s);
      s.createContext("/", opa::handle);
      s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      s.start();
      return opa;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Loads a policy as {@code PUT /v1/policies/<id>} does. @throws RegoException when outside the subset */
  public void putPolicy(String id, String rego) {
    policies.put(id, RegoPolicy.parse(rego));
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getRawPath();
      String method = ex.getRequestMethod();
      byte[] body = readBody(ex.getRequestBody());
      if (body == null) {
        reply(ex, 413, error("invalid_parameter", "request body too large"));
        return;
      }
      if (path.equals("/health")) {
        reply(ex, 200, JSON.createObjectNode());
      } else if (path.startsWith("/v1/policies/") && path.length() > "/v1/policies/".length()) {
        String id = path.substring("/v1/policies/".length());
        switch (method) {
          case "PUT" -> {
            try {
              putPolicy(id, new String(body, StandardCharsets.UTF_8));
              reply(ex, 200, JSON.createObjectNode());
            } catch (RegoException e) {
              reply(ex, 400, error("invalid_parameter", "error(s) occurred while compiling module(s): " + id + ": " + e.getMessage()));
            }
          }
          case "DELETE" -> {
            if (policies.remove(id) == null) reply(ex, 404, error("resource_not_found", "storage_not_found_error: policy id \"" + id + "\""));
            else reply(ex, 200, JSON.createObjectNode());
          }
          default -> reply(ex, 405, error("method_not_allowed", method + " is not supported by this OPA stand-in"));
        }
      } else if (path.equals("/v1/data") || path.startsWith("/v1/data/")) {
        if (!method.equals("POST") && !method.equals("GET")) {
          reply(ex, 405, error("method_not_allowed", method + " is not supported by this OPA stand-in"));
          return;
        }
        JsonNode input = MissingNode.getInstance();
        if (method.equals("POST") && body.length > 0) {
          JsonNode doc;
          try {
            doc = JSON.readTree(body);
          } catch (IOException e) {
            reply(ex, 400, error("invalid_parameter", "body contains malformed input document: " + e.getMessage()));
            return;
          }
          if (doc != null && doc.isObject() && doc.has("input")) input = doc.get("input");
        }
        List<String> segments = new ArrayList<>();
        for (String s : path.substring("/v1/data".length()).split("/")) if (!s.isEmpty()) segments.add(s);
        try {
          JsonNode result = query(segments, input);
          ObjectNode answer = JSON.createObjectNode();
          if (result != null) answer.set("result", result);
          reply(ex, 200, answer);
        } catch (RegoException e) {
          reply(ex, 500, error("internal_error", e.getMessage()));
        }
      } else {
        reply(ex, 404, error("resource_not_found", path + " is not served by this OPA stand-in"));
      }
    }
  }

  /** the document at {@code segments}, or null when undefined */
  JsonNode query(List<String> segments, JsonNode input) {
    Map<String, JsonNode> packageDoc = new LinkedHashMap<>();
    boolean packageMatched = false;
    for (RegoPolicy p : policies.values()) {
      List<String> pkg = p.packagePath();
      if (segments.size() == pkg.size() + 1 && segments.subList(0, pkg.size()).equals(pkg)) {
        JsonNode v = p.ruleNames().contains(segments.get(pkg.size())) ? p.evaluate(segments.get(pkg.size()), input) : null;
        if (v != null) return v;
      } else if (segments.equals(pkg)) {
        packageMatched = true;
        for (String rule : p.ruleNames()) {
          JsonNode v = p.evaluate(rule, input);
          if (v != null) packageDoc.put(rule, v);
        }
      }
    }
    if (!packageMatched) return null;
    ObjectNode out = JSON.createObjectNode();
    packageDoc.forEach(out::set);
    return out;
  }

  private static ObjectNode error(String code, String message) {
    return JSON.createObjectNode().put("code", code).put("message", message);
  }

  private static byte[] readBody(InputStream in) throws IOException {
    byte[] b = in.readNBytes(MAX_BODY + 1);
    return b.length > MAX_BODY ? null : b;
  }

  private static void reply(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
