package io.higressj.plugins.cors;

import com.google.re2j.Pattern;
import io.higressj.api.Action;
import io.higressj.api.FilterContext;
import io.higressj.api.HttpFilter;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginFactory;
import io.higressj.api.PluginPhase;
import io.higressj.api.RequestHeaders;
import io.higressj.api.ResponseHeaders;
import io.higressj.plugins.ConfigFields;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Higress's {@code cors}: answers CORS preflights and adds the CORS response headers to cross-origin
 * requests whose origin, method and headers are allowed; other cross-origin requests get 403
 * "Invalid CORS request". Requests without an {@code Origin} (or from the request's own host) pass
 * untouched.
 */
public final class CorsFactory implements PluginFactory<CorsFactory.Config> {
  static final List<String> DEFAULT_METHODS = List.of("GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS");
  static final List<String> DEFAULT_HEADERS = List.of("DNT", "X-CustomHeader", "Keep-Alive", "User-Agent",
      "X-Requested-With", "If-Modified-Since", "Cache-Control", "Content-Type", "Authorization");
  static final String INVALID = "Invalid CORS request";

  /**
   * @param anyOrigin allow_origins holds {@code *}
   * @param origins allow_origins, lower case
   * @param patterns allow_origin_patterns compiled
   */
  public record Config(boolean anyOrigin, Set<String> origins, List<Pattern> patterns, boolean anyMethod,
      List<String> methods, boolean anyHeader, List<String> headers, List<String> exposeHeaders,
      boolean allowCredentials, long maxAge) {}

  @Override
  public String name() {
    return "cors";
  }

  @Override
  public PluginPhase defaultPhase() {
    return PluginPhase.AUTHZ;
  }

  @Override
  public int defaultPriority() {
    return 340;
  }

  @Override
  public Config parseConfig(Map<String, Object> config) throws PluginConfigException {
    ConfigFields f = ConfigFields.of(config);
    List<String> origins = f.has("allow_origins") ? f.strings("allow_origins") : List.of();
    List<String> patternTexts = f.has("allow_origin_patterns") ? f.strings("allow_origin_patterns") : List.of();
    if (!f.has("allow_origins") && !f.has("allow_origin_patterns")) origins = List.of("*");
    List<Pattern> patterns = new ArrayList<>();
    for (int i = 0; i < patternTexts.size(); i++) {
      patterns.add(originPattern(patternTexts.get(i), "allow_origin_patterns[" + i + "]"));
    }
    List<String> methods = f.has("allow_methods") ? f.strings("allow_methods") : DEFAULT_METHODS;
    List<String> headers = f.has("allow_headers") ? f.strings("allow_headers") : DEFAULT_HEADERS;
    List<String> expose = f.has("expose_headers") ? f.strings("expose_headers") : List.of();
    for (String field : List.of("allow_methods", "allow_headers", "expose_headers")) {
      List<String> values = field.equals("allow_methods") ? methods : field.equals("allow_headers") ? headers : expose;
      for (int i = 0; i < values.size(); i++) {
        String v = values.get(i).trim();
        if (v.isEmpty() || !v.chars().allMatch(c -> c > 32 && c < 127 && c != ',')) {
          throw new PluginConfigException(field + "[" + i + "]", "\"" + values.get(i) + "\" (expected: a token or *)");
        }
      }
    }
    long maxAge = f.integer("max_age", 86400);
    if (maxAge < 0) throw new PluginConfigException("max_age", maxAge + " (expected: seconds, 0 or more)");
    return new Config(origins.contains("*"),
        origins.stream().filter(o -> !o.equals("*")).map(o -> o.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet()),
        List.copyOf(patterns), methods.contains("*"), methods.stream().map(m -> m.trim().toUpperCase(Locale.ROOT)).toList(),
        headers.contains("*"), headers.stream().map(String::trim).toList(), expose.stream().map(String::trim).toList(),
        f.bool("allow_credentials", false), maxAge);
  }

  /**
   * {@code *} alone: any origin. Else {@code scheme://host[:ports]} where {@code *} in the host stands
   * for any labels and ports is {@code [8080,9090]} or {@code [*]}; without ports only the default
   * port (no port in the Origin) matches.
   */
  static Pattern originPattern(String text, String field) throws PluginConfigException {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("*")) return Pattern.compile(".*");
    int bracket = t.indexOf(":[");
    String ports = null;
    if (bracket >= 0) {
      if (!t.endsWith("]")) throw new PluginConfigException(field, "\"" + text + "\" (expected: ports as :[8080,9090] or :[*])");
      ports = t.substring(bracket + 2, t.length() - 1);
      t = t.substring(0, bracket);
    }
    if (!t.matches("[a-z][a-z0-9+.-]*://[a-z0-9*._-]+(:[0-9]+)?")) {
      throw new PluginConfigException(field, "\"" + text + "\" (expected: scheme://host with * for any labels, e.g. http://*.example.com)");
    }
    StringBuilder re = new StringBuilder();
    for (char c : t.toCharArray()) {
      if (c == '*') re.append("[a-z0-9._-]*");
      else if (Character.isLetterOrDigit(c) || c == '-' || c == '_') re.append(c);
      else re.append('\\').append(c);
    }
    if (ports != null) {
      if (ports.equals("*")) {
        re.append("(:[0-9]+)?");
      } else {
        List<String> list = new ArrayList<>();
        for (String p : ports.split(",")) {
          p = p.trim();
          if (!p.matches("[0-9]{1,5}")) throw new PluginConfigException(field, "\"" + text + "\" (expected: ports as :[8080,9090] or :[*])");
          list.add(p);
        }
        re.append(":(").append(String.join("|", list)).append(')');
      }
    }
    return Pattern.compile(re.toString());
  }

  @Override
  public HttpFilter create(Config config) {
    return new HttpFilter() {
      private String allowedOrigin; // set for an allowed cross-origin request: its response gets the headers

      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
        String origin = headers.get("origin");
        if (origin == null || origin.isEmpty() || sameOrigin(origin, headers.authority())) return Action.CONTINUE;
        String allow = allowOrigin(origin);
        boolean preflight = "OPTIONS".equals(headers.method()) && headers.get("access-control-request-method") != null;
        if (allow == null) return reject(ctx);
        if (!preflight) {
          allowedOrigin = allow;
          return Action.CONTINUE;
        }
        String method = headers.get("access-control-request-method").trim().toUpperCase(Locale.ROOT);
        if (!config.anyMethod() && !config.methods().contains(method)) return reject(ctx);
        List<String> asked = new ArrayList<>();
        for (String v : headers.getAll("access-control-request-headers")) {
          for (String h : v.split(",")) {
            if (!h.isBlank()) asked.add(h.trim());
          }
        }
        if (!config.anyHeader()) {
          for (String h : asked) {
            if (config.headers().stream().noneMatch(a -> a.equalsIgnoreCase(h))) return reject(ctx);
          }
        }
        Map<String, String> out = new LinkedHashMap<>();
        out.put("access-control-allow-origin", allow);
        out.put("access-control-allow-methods", config.anyMethod() ? method : String.join(",", config.methods()));
        String allowHeaders = config.anyHeader() ? String.join(",", asked) : String.join(",", config.headers());
        if (!allowHeaders.isEmpty()) out.put("access-control-allow-headers", allowHeaders);
        if (!config.exposeHeaders().isEmpty()) out.put("access-control-expose-headers", String.join(",", config.exposeHeaders()));
        if (config.allowCredentials()) out.put("access-control-allow-credentials", "true");
        out.put("access-control-max-age", String.valueOf(config.maxAge()));
        if (!allow.equals("*")) out.put("vary", "Origin");
        ctx.sendLocalReply(200, out, new byte[0]);
        return Action.PAUSE;
      }

      @Override
      public Action onResponseHeaders(FilterContext ctx, ResponseHeaders headers, boolean endOfStream) {
        if (allowedOrigin == null) return Action.CONTINUE;
        headers.set("access-control-allow-origin", allowedOrigin);
        if (!config.exposeHeaders().isEmpty()) headers.set("access-control-expose-headers", String.join(",", config.exposeHeaders()));
        if (config.allowCredentials()) headers.set("access-control-allow-credentials", "true");
        if (!allowedOrigin.equals("*")) headers.add("vary", "Origin");
        return Action.CONTINUE;
      }

      /** the Access-Control-Allow-Origin value for an allowed origin, or null */
      private String allowOrigin(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        // "*" in allow_origins wins, even with allow_credentials (as Higress documents)
        if (config.anyOrigin()) return "*";
        if (config.origins().contains(o)) return origin.trim();
        for (Pattern p : config.patterns()) {
          if (p.matches(o)) return origin.trim();
        }
        return null;
      }

      private Action reject(FilterContext ctx) {
        ctx.sendLocalReply(403, Map.of("content-type", "text/plain"), INVALID.getBytes(StandardCharsets.UTF_8));
        return Action.PAUSE;
      }
    };
  }

  /** An Origin naming the request's own host is not a cross-origin request. */
  static boolean sameOrigin(String origin, String authority) {
    if (authority == null || authority.isEmpty()) return false;
    int scheme = origin.indexOf("://");
    return scheme > 0 && origin.substring(scheme + 3).equalsIgnoreCase(authority);
  }
}
