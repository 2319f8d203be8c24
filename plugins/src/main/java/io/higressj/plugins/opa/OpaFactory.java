package io.higressj.plugins.opa;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.higressj.api.Action;
import io.higressj.api.CalloutRequest;
import io.higressj.api.CalloutResponse;
import io.higressj.api.FilterContext;
import io.higressj.api.HttpFilter;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginFactory;
import io.higressj.api.PluginPhase;
import io.higressj.api.RequestHeaders;
import io.higressj.plugins.ServiceTargets;
import io.higressj.plugins.auth.ConfigFields;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code opa}: asks an Open Policy Agent server whether a request may pass. For each request it posts
 * {@code {"input": {"request": {method, scheme, path, headers, query}}}} to {@code
 * /v1/data/<policy>/allow} of the configured service and lets the request through only when the answer
 * is {@code 200} with {@code "result": true}. A {@code false} result is {@code 401 opa server not
 * allowed}; a non-200 answer is passed on with its status; an unreadable answer is {@code 500}.
 */
public class OpaFactory implements PluginFactory<OpaConfig> {
  static final String NOT_ALLOWED = "opa server not allowed";
  static final String NOT_200 = "opa state not is 200";
  static final String NOT_BOOLEAN = "rsp type conversion fail";

  @Override
  public String name() {
    return "opa";
  }

  @Override
  public PluginPhase defaultPhase() {
    return PluginPhase.AUTHN;
  }

  @Override
  public int defaultPriority() {
    return 225;
  }

  @Override
  public OpaConfig parseConfig(Map<String, Object> config) throws PluginConfigException {
    Map<String, Object> c = ConfigFields.orEmpty(config);
    String policy = ConfigFields.string(c, "policy", "policy", "").trim();
    if (policy.isEmpty()) throw new PluginConfigException("policy", "missing or empty (expected: the OPA policy's package path, e.g. example1)");
    if (!policy.matches("[A-Za-z0-9_.\\-/]+") || policy.contains("..") || policy.startsWith("/") || policy.endsWith("/")) {
      throw new PluginConfigException("policy", "'" + policy + "' (expected: a package path of letters, digits, '_', '-', '.', '/')");
    }
    String timeoutText = ConfigFields.string(c, "timeout", "timeout", "").trim();
    if (timeoutText.isEmpty()) throw new PluginConfigException("timeout", "missing or empty (expected: a duration such as 5s)");
    Duration timeout = ServiceTargets.goDuration("timeout", timeoutText);
    if (timeout.isZero()) throw new PluginConfigException("timeout", "'" + timeoutText + "' (expected: more than zero)");
    if (timeout.toMillis() > 0xFFFF_FFFFL) throw new PluginConfigException("timeout", "'" + timeoutText + "' (expected: at most 4294967295ms)");

    String source = ConfigFields.string(c, "serviceSource", "serviceSource", "").trim();
    String serviceName = ConfigFields.string(c, "serviceName", "serviceName", "").trim();
    int port = port(c);
    String host = ConfigFields.string(c, "host", "host", "").trim();
    if (host.isEmpty() && (serviceName.isEmpty() || port == 0)) {
      throw new PluginConfigException(serviceName.isEmpty() ? "serviceName" : "servicePort",
          "missing (expected: serviceName and servicePort, or host)");
    }
    String namespace = "";
    if (source.equals("k8s") || source.equals("nacos")) {
      namespace = ConfigFields.string(c, "namespace", "namespace", "").trim();
      if (namespace.isEmpty()) throw new PluginConfigException("namespace", "missing (required when serviceSource is " + source + ")");
    }
    return switch (source) {
      case "k8s", "nacos" -> new OpaConfig(ServiceTargets.clusterName(source, serviceName, namespace, port), null, policy, timeout);
      case "dns" -> {
        String domain = ConfigFields.string(c, "domain", "domain", "").trim();
        String name = domain.isEmpty() ? serviceName : domain;
        yield new OpaConfig(ServiceTargets.clusterName("dns", name, null, port), domain.isEmpty() ? null : domain, policy, timeout);
      }
      case "ip" -> {
        if (host.isEmpty()) throw new PluginConfigException("host", "missing (required when serviceSource is ip)");
        if (port == 0) throw new PluginConfigException("servicePort", "missing (required when serviceSource is ip)");
        if (!host.matches("[A-Za-z0-9.\\-]+|\\[[0-9A-Fa-f:.]+\\]|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*")) {
          throw new PluginConfigException("host", "'" + host + "' (expected: an IP address or host name)");
        }
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        yield new OpaConfig("http://" + h + ":" + port, null, policy, timeout);
      }
      case "route" -> throw new PluginConfigException("serviceSource", "route (not supported by Higress-J: use k8s, nacos, ip or dns)");
      default -> throw new PluginConfigException("serviceSource", "'" + source + "' (expected: k8s, nacos, ip or dns)");
    };
  }

  /** {@code servicePort}: a number, or digits in a string (as Go's gjson reads both) */
  static int port(Map<String, Object> c) throws PluginConfigException {
    Object v = c.get("servicePort");
    if (v instanceof String s && s.trim().matches("\\d{1,5}")) v = Long.parseLong(s.trim());
    else if (v instanceof String s && !s.isBlank()) throw new PluginConfigException("servicePort", "'" + s + "' (expected: a port number)");
    else if (v instanceof String) v = null;
    return (int) ConfigFields.integer(v == null ? Map.of() : Map.of("servicePort", v), "servicePort", "servicePort", 0, 0, 65535);
  }

  @Override
  public HttpFilter create(OpaConfig config) {
    return new HttpFilter() {
      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
        byte[] body = JSONObjectUtils.toJSONString(Map.of("input", Map.of("request", input(headers)))).getBytes(StandardCharsets.UTF_8);
        List<Map.Entry<String, String>> h = new ArrayList<>(2);
        h.add(Map.entry("content-type", "application/json"));
        if (config.authority() != null) h.add(Map.entry("host", config.authority()));
        boolean url = config.target().startsWith("http://");
        CalloutRequest request = url
            ? new CalloutRequest(config.target() + config.queryPath(), "POST", null, h, body)
            : new CalloutRequest(config.target(), "POST", config.queryPath(), h, body);
        ctx.callout(request, config.timeout(), response -> decide(ctx, response));
        return Action.PAUSE;
      }
    };
  }

  /** The request as Higress's plugin describes it to OPA; headers are {@code [name, value]} pairs. */
  static Map<String, Object> input(RequestHeaders headers) {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("method", headers.method());
    request.put("scheme", headers.scheme());
    request.put("path", headers.path());
    List<List<String>> pairs = new ArrayList<>();
    pairs.add(List.of(":authority", nullToEmpty(headers.authority())));
    pairs.add(List.of(":path", headers.path()));
    pairs.add(List.of(":method", headers.method()));
    pairs.add(List.of(":scheme", nullToEmpty(headers.scheme())));
    for (Map.Entry<String, String> e : headers.entries()) pairs.add(List.of(e.getKey(), e.getValue()));
    request.put("headers", pairs);
    request.put("query", query(headers.path()));
    return request;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  /** the query parameters: each name with its decoded values, in order */
  static Map<String, List<String>> query(String pathAndQuery) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    int q = pathAndQuery.indexOf('?');
    if (q < 0) return out;
    int end = pathAndQuery.indexOf('#', q);
    for (String pair : pathAndQuery.substring(q + 1, end < 0 ? pathAndQuery.length() : end).split("&")) {
      if (pair.isEmpty()) continue;
      int eq = pair.indexOf('=');
      String k = decode(eq < 0 ? pair : pair.substring(0, eq));
      out.computeIfAbsent(k, x -> new ArrayList<>()).add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
    }
    return out;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  static void decide(FilterContext ctx, CalloutResponse response) {
    if (response.status() == 0) {
      ctx.log().warn("opa: no answer from the policy server: " + response.failure());
      ctx.sendLocalReply(503, NOT_200);
      return;
    }
    if (response.status() != 200) {
      ctx.sendLocalReply(response.status(), NOT_200);
      return;
    }
    Map<String, Object> answer;
    try {
      answer = JSONObjectUtils.parse(new String(response.body(), StandardCharsets.UTF_8));
    } catch (ParseException e) {
      ctx.sendLocalReply(500, "opa parse rsp fail " + e.getMessage());
      return;
    }
    if (!(answer.get("result") instanceof Boolean allowed)) {
      ctx.sendLocalReply(500, NOT_BOOLEAN);
      return;
    }
    if (!allowed) {
      ctx.sendLocalReply(401, NOT_ALLOWED);
      return;
    }
    ctx.resume();
  }
}
