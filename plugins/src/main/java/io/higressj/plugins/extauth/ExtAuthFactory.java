package io.higressj.plugins.extauth;

import io.higressj.api.Action;
import io.higressj.api.Body;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code ext-auth}: Envoy's ext_authz over HTTP as Higress's plugin implements it. Each request (unless
 * {@code match_type}/{@code match_list} exempt it) is first sent to an authorization service: in
 * {@code envoy} mode with the client's method and {@code path_prefix} + the client's path, in {@code
 * forward_auth} mode as {@code request_method path} with {@code X-Forwarded-*} headers. A {@code 200}
 * answer lets the request go on (with the answer's {@code allowed_upstream_headers}); any other answer
 * is returned to the client with its status, body and headers ({@code allowed_client_headers}); a
 * failure or a 5xx is {@code status_on_error}, or passes with {@code failure_mode_allow}.
 */
public class ExtAuthFactory implements PluginFactory<ExtAuthConfig> {
  static final String FAILURE_MODE_ALLOWED = "x-envoy-auth-failure-mode-allowed";
  /** not copied from the authorization answer to the client: framing belongs to the gateway's reply */
  private static final Set<String> HOP_BY_HOP = Set.of("content-length", "transfer-encoding", "connection", "keep-alive",
      "upgrade", "proxy-connection", "te", "trailer");

  @Override
  public String name() {
    return "ext-auth";
  }

  @Override
  public PluginPhase defaultPhase() {
    return PluginPhase.AUTHN;
  }

  @Override
  public int defaultPriority() {
    return 360;
  }

  @Override
  public ExtAuthConfig parseConfig(Map<String, Object> config) throws PluginConfigException {
    Map<String, Object> c = ConfigFields.orEmpty(config);
    Map<String, Object> http = ConfigFields.object(c, "http_service", "http_service");
    if (http == null) throw new PluginConfigException("http_service", "missing (expected: {endpoint_mode, endpoint, timeout, ...})");
    String mode = ConfigFields.string(http, "endpoint_mode", "http_service.endpoint_mode", "envoy");
    if (mode.isEmpty()) mode = "envoy";
    if (!mode.equals("envoy") && !mode.equals("forward_auth")) {
      throw new PluginConfigException("http_service.endpoint_mode", "'" + mode + "' (expected: envoy or forward_auth)");
    }
    boolean forwardAuth = mode.equals("forward_auth");
    Map<String, Object> endpoint = ConfigFields.object(http, "endpoint", "http_service.endpoint");
    if (endpoint == null) throw new PluginConfigException("http_service.endpoint", "missing (expected: {service_name, service_port, ...})");
    String serviceName = ConfigFields.string(endpoint, "service_name", "http_service.endpoint.service_name", "").trim();
    if (serviceName.isEmpty()) {
      throw new PluginConfigException("http_service.endpoint.service_name", "missing (expected: a full name such as ext-auth.backend.svc.cluster.local or ext-auth.dns)");
    }
    if (!serviceName.matches("[A-Za-z0-9._\\-]+")) {
      throw new PluginConfigException("http_service.endpoint.service_name", "'" + serviceName + "' (expected: a host name)");
    }
    long port = ConfigFields.integer(endpoint, "service_port", "http_service.endpoint.service_port", 0, 0, 65535);
    if (port == 0) port = 80;
    String namespace = ConfigFields.string(endpoint, "namespace", "http_service.endpoint.namespace", "").trim();
    String source = ConfigFields.string(endpoint, "service_source", "http_service.endpoint.service_source", "").trim();
    String target = namespace.isEmpty() && source.isEmpty()
        ? "outbound|" + port + "||" + serviceName
        : ServiceTargets.clusterName(source.isEmpty() ? "k8s" : source, serviceName, namespace, (int) port);
    String host = ConfigFields.string(endpoint, "service_host", "http_service.endpoint.service_host", "").trim();
    if (host.isEmpty()) host = serviceName;

    String pathPrefix = null;
    String method = null;
    String path = null;
    if (forwardAuth) {
      method = ConfigFields.string(endpoint, "request_method", "http_service.endpoint.request_method", "GET").toUpperCase(Locale.ROOT);
      if (!method.matches("[A-Z]+")) throw new PluginConfigException("http_service.endpoint.request_method", "'" + method + "' (expected: an HTTP method)");
      path = ConfigFields.string(endpoint, "path", "http_service.endpoint.path", null);
      if (path == null) throw new PluginConfigException("http_service.endpoint.path", "missing (required when endpoint_mode is forward_auth)");
      if (!path.startsWith("/")) throw new PluginConfigException("http_service.endpoint.path", "'" + path + "' (expected: a path starting with /)");
    } else {
      pathPrefix = ConfigFields.string(endpoint, "path_prefix", "http_service.endpoint.path_prefix", null);
      if (pathPrefix == null) throw new PluginConfigException("http_service.endpoint.path_prefix", "missing (required when endpoint_mode is envoy)");
      if (pathPrefix.contains("?") || pathPrefix.contains("#")) {
        throw new PluginConfigException("http_service.endpoint.path_prefix", "'" + pathPrefix + "' (expected: a path, without query)");
      }
    }
    long timeoutMs = ConfigFields.integer(http, "timeout", "http_service.timeout", 0, 0, 0xFFFF_FFFFL);
    Duration timeout = Duration.ofMillis(timeoutMs == 0 ? 1000 : timeoutMs);

    List<StringMatcher> allowedHeaders = null;
    Map<String, String> headersToAdd = Map.of();
    boolean withBody = false;
    int maxBody = 10 * 1024 * 1024;
    Map<String, Object> req = ConfigFields.object(http, "authorization_request", "http_service.authorization_request");
    if (req != null) {
      String at = "http_service.authorization_request.";
      allowedHeaders = StringMatcher.listIgnoringCase(req.get("allowed_headers"), at + "allowed_headers");
      Map<String, Object> add = ConfigFields.object(req, "headers_to_add", at + "headers_to_add");
      if (add != null) {
        Map<String, String> h = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : add.entrySet()) {
          Object v = e.getValue();
          if (v instanceof Map || v instanceof List) throw new PluginConfigException(at + "headers_to_add." + e.getKey(), "not a string");
          String value = v == null ? "" : String.valueOf(v);
          if (!e.getKey().matches("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+") || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new PluginConfigException(at + "headers_to_add." + e.getKey(), "not a valid header name and value");
          }
          h.put(e.getKey().toLowerCase(Locale.ROOT), value);
        }
        headersToAdd = Map.copyOf(h);
      }
      withBody = ConfigFields.bool(req, "with_request_body", at + "with_request_body", false);
      if (withBody && forwardAuth && (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS"))) {
        throw new PluginConfigException(at + "with_request_body", "true with request_method " + method + " (a " + method + " request carries no body)");
      }
      long max = ConfigFields.integer(req, "max_request_body_bytes", at + "max_request_body_bytes", 0, 0, Integer.MAX_VALUE);
      if (max > 0) maxBody = (int) max;
    }
    List<StringMatcher> upstream = null;
    List<StringMatcher> client = null;
    Map<String, Object> resp = ConfigFields.object(http, "authorization_response", "http_service.authorization_response");
    if (resp != null) {
      upstream = StringMatcher.listIgnoringCase(resp.get("allowed_upstream_headers"), "http_service.authorization_response.allowed_upstream_headers");
      client = StringMatcher.listIgnoringCase(resp.get("allowed_client_headers"), "http_service.authorization_response.allowed_client_headers");
    }
    MatchRules rules = matchRules(c);
    boolean failureModeAllow = ConfigFields.bool(c, "failure_mode_allow", "failure_mode_allow", false);
    boolean headerAdd = ConfigFields.bool(c, "failure_mode_allow_header_add", "failure_mode_allow_header_add", false);
    long status = ConfigFields.integer(c, "status_on_error", "status_on_error", 0, 0, 599);
    if (status != 0 && status < 100) throw new PluginConfigException("status_on_error", status + " (expected: an HTTP status from 100 to 599)");
    return new ExtAuthConfig(forwardAuth, target, host, pathPrefix, method, path, timeout, allowedHeaders, headersToAdd, withBody, maxBody,
        upstream, client, rules, failureModeAllow, headerAdd, status == 0 ? 403 : (int) status);
  }

  private static MatchRules matchRules(Map<String, Object> c) throws PluginConfigException {
    List<Map<String, Object>> list = ConfigFields.objects(c, "match_list", "match_list");
    if (list == null) return MatchRules.none();
    String type = ConfigFields.string(c, "match_type", "match_type", null);
    if (type == null) throw new PluginConfigException("match_type", "missing (required with match_list: whitelist or blacklist)");
    if (!type.equals("whitelist") && !type.equals("blacklist")) throw new PluginConfigException("match_type", "'" + type + "' (expected: whitelist or blacklist)");
    List<MatchRules.Rule> rules = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Map<String, Object> r = list.get(i);
      String at = "match_list[" + i + "].";
      String domain = ConfigFields.string(r, "match_rule_domain", at + "match_rule_domain", "");
      List<String> methods = ConfigFields.strings(r, "match_rule_method", at + "match_rule_method");
      String ruleType = ConfigFields.string(r, "match_rule_type", at + "match_rule_type", "");
      String rulePath = ConfigFields.string(r, "match_rule_path", at + "match_rule_path", "");
      StringMatcher path = null;
      if (!ruleType.isEmpty() || !rulePath.isEmpty()) {
        if (ruleType.isEmpty()) throw new PluginConfigException(at + "match_rule_type", "missing (expected: exact, prefix, suffix, contains or regex)");
        path = StringMatcher.of(ruleType, rulePath, false, at + "match_rule_type");
      }
      rules.add(new MatchRules.Rule(domain.isEmpty() ? null : MatchRules.wildcard(domain), methods == null ? List.of() : methods, path));
    }
    return new MatchRules(type.equals("blacklist"), List.copyOf(rules));
  }

  @Override
  public HttpFilter create(ExtAuthConfig config) {
    return new HttpFilter() {
      RequestHeaders request;

      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
        String pathOnly = headers.path();
        int q = pathOnly.indexOf('?');
        if (q >= 0) pathOnly = pathOnly.substring(0, q);
        if (config.matchRules().skips(headers.authority() == null ? "" : headers.authority(), headers.method(), pathOnly)) {
          return Action.CONTINUE;
        }
        request = headers;
        if (config.withRequestBody() && !endOfStream) {
          ctx.bufferRequestBody(config.maxRequestBodyBytes());
          return Action.CONTINUE;
        }
        check(ctx, null);
        return Action.PAUSE;
      }

      @Override
      public Action onRequestBody(FilterContext ctx, Body body, boolean endOfStream) {
        if (request == null || !config.withRequestBody()) return Action.CONTINUE;
        check(ctx, body.bytes());
        return Action.PAUSE;
      }

      private void check(FilterContext ctx, byte[] body) {
        RequestHeaders h = request;
        request = null; // once per request
        List<Map.Entry<String, String>> out = authorizationHeaders(config, h);
        String method = config.forwardAuth() ? config.method() : h.method();
        String path = config.forwardAuth() ? config.path() : join(config.pathPrefix(), h.path());
        ctx.callout(new CalloutRequest(config.target(), method, path, out, body), config.timeout(), answer -> decide(ctx, config, h, answer));
      }
    };
  }

  /** the headers of the authorization request */
  static List<Map.Entry<String, String>> authorizationHeaders(ExtAuthConfig config, RequestHeaders h) {
    Map<String, String> out = new LinkedHashMap<>();
    if (config.allowedHeaders() != null) {
      for (Map.Entry<String, String> e : h.entries()) {
        String name = e.getKey().toLowerCase(Locale.ROOT);
        if (!name.equals("host") && !HOP_BY_HOP.contains(name) && StringMatcher.any(config.allowedHeaders(), name)) out.put(name, e.getValue());
      }
    }
    out.putAll(config.headersToAdd());
    String authorization = h.get("authorization");
    if (authorization != null && !authorization.isEmpty()) out.put("authorization", authorization);
    if (config.forwardAuth()) {
      out.put("x-original-method", h.method());
      out.put("x-original-uri", h.path());
      out.put("x-forwarded-proto", h.scheme() == null ? "http" : h.scheme());
      out.put("x-forwarded-method", h.method());
      out.put("x-forwarded-uri", h.path());
      out.put("x-forwarded-host", h.authority() == null ? "" : h.authority());
    }
    out.put("host", config.host());
    List<Map.Entry<String, String>> list = new ArrayList<>(out.size());
    out.forEach((k, v) -> list.add(Map.entry(k, v)));
    return list;
  }

  /**
   * {@code prefix} + the client's path, cleaned as Go's {@code path.Join} cleans it (duplicate and
   * trailing slashes, {@code .} and {@code ..} segments), the query kept as it is.
   */
  static String join(String prefix, String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    String p = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    String query = q < 0 ? "" : pathAndQuery.substring(q);
    return clean(prefix + "/" + p) + query;
  }

  static String clean(String path) {
    List<String> out = new ArrayList<>();
    for (String seg : path.split("/")) {
      if (seg.isEmpty() || seg.equals(".")) continue;
      if (seg.equals("..")) {
        if (!out.isEmpty()) out.remove(out.size() - 1);
        continue;
      }
      out.add(seg);
    }
    return "/" + String.join("/", out);
  }

  static void decide(FilterContext ctx, ExtAuthConfig config, RequestHeaders request, CalloutResponse answer) {
    if (answer.status() == 200) {
      if (config.allowedUpstreamHeaders() != null) {
        Set<String> done = new java.util.HashSet<>();
        for (Map.Entry<String, String> e : answer.headers()) {
          String name = e.getKey().toLowerCase(Locale.ROOT);
          if (name.startsWith(":") || HOP_BY_HOP.contains(name) || !done.add(name)) continue;
          if (StringMatcher.any(config.allowedUpstreamHeaders(), name)) request.set(name, e.getValue());
        }
      }
      ctx.resume();
      return;
    }
    int status = answer.status() == 0 ? 500 : answer.status();
    if (answer.status() == 0) ctx.log().warn("ext-auth: no answer from the authorization service: " + answer.failure());
    if (status >= 500 && config.failureModeAllow()) {
      if (config.failureModeAllowHeaderAdd()) request.set(FAILURE_MODE_ALLOWED, "true");
      ctx.resume();
      return;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : answer.headers()) {
      String name = e.getKey().toLowerCase(Locale.ROOT);
      if (name.startsWith(":") || HOP_BY_HOP.contains(name) || headers.containsKey(name)) continue;
      if (config.allowedClientHeaders() == null || StringMatcher.any(config.allowedClientHeaders(), name)) headers.put(name, e.getValue());
    }
    ctx.sendLocalReply(status >= 500 ? config.statusOnError() : status, headers, answer.body());
  }
}
