package io.higressj.config.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import io.higressj.config.model.RouteConditions;
import io.higressj.config.model.RouteConditions.NamedMatch;
import io.higressj.config.model.RoutePolicy;
import io.higressj.config.model.RoutePolicy.Header;
import io.higressj.config.model.RoutePolicy.HeaderOps;
import io.higressj.config.model.RoutePolicy.Redirect;
import io.higressj.config.model.StringMatch;
import io.higressj.config.resource.Problem;
import io.higressj.config.resource.Resource;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The Higress and ingress-nginx annotations of one Ingress, read once per change of the object. A key
 * is looked up as {@code nginx.ingress.kubernetes.io/<key>} first, then {@code higress.io/<key>};
 * Higress-only keys only under {@code higress.io/}. A value that does not parse is reported (WARNING,
 * naming the annotation, the value and what was expected) and ignored: the Ingress still serves.
 * See docs/annotations.md for every key.
 */
final class IngressAnnotations {
  static final String NGINX = "nginx.ingress.kubernetes.io/";
  static final String HIGRESS = "higress.io/";

  private static final java.util.concurrent.ConcurrentHashMap<String, String[]> SPELLINGS =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** ingress-nginx's and Higress's full key of annotation {@code name}, in that order (made once per name). */
  static String[] spellings(String name) {
    String[] s = SPELLINGS.get(name);
    return s != null ? s : SPELLINGS.computeIfAbsent(name, n -> new String[] {NGINX + n, HIGRESS + n});
  }

  /** The full key under which annotation {@code name} is set on {@code r} (ingress-nginx's first), or null. */
  static String keyOf(Resource r, String name) {
    JsonNode annotations = r.metadata().path("annotations");
    if (annotations.isEmpty()) return null; // most Ingresses: no key to build
    for (String k : spellings(name)) {
      JsonNode v = annotations.get(k);
      if (v != null && !v.isNull()) return k;
    }
    return null;
  }

  /** The full key under which annotation {@code name} is in {@code all} (ingress-nginx's first), or null. */
  static String keyOf(Map<String, String> all, String name) {
    if (all.isEmpty()) return null;
    for (String k : spellings(name)) {
      if (all.containsKey(k)) return k;
    }
    return null;
  }

  /** Keys read under both prefixes. */
  static final Set<String> SHARED_KEYS = Set.of(
      "canary", "canary-by-header", "canary-by-header-value", "canary-by-header-pattern", "canary-by-cookie",
      "canary-weight", "canary-weight-total",
      "rewrite-target", "use-regex", "upstream-vhost", "ssl-redirect", "force-ssl-redirect",
      "permanent-redirect", "permanent-redirect-code", "temporal-redirect", "app-root");

  /** Higress-only keys read here (under {@code higress.io/} only). */
  static final Set<String> HIGRESS_KEYS = Set.of(
      "full-path-regex", "rewrite-path", "ignore-path-case", "match-method", "timeout",
      "request-header-control-add", "request-header-control-update", "request-header-control-remove",
      "response-header-control-add", "response-header-control-update", "response-header-control-remove");

  /**
   * Keys Higress defines that other parts of the gateway read (CORS, limits, TLS ...), or that are not
   * supported yet: not reported as unknown here.
   */
  static final Set<String> OTHER_KNOWN_KEYS = Set.of(
      "enable-cors", "cors-allow-origin", "cors-allow-methods", "cors-allow-headers", "cors-expose-headers",
      "cors-allow-credentials", "cors-max-age",
      "proxy-next-upstream", "proxy-next-upstream-tries", "proxy-next-upstream-timeout",
      "route-limit-rps", "route-limit-rpm", "route-limit-burst-multiplier",
      "load-balance", "upstream-hash-by", "affinity", "affinity-mode", "session-cookie-name", "session-cookie-path",
      "session-cookie-max-age", "session-cookie-expires",
      "mirror-target-service", "mirror-target-fqdn", "mirror-target-fqdn-port", "mirror-percentage", "mirror-target-host",
      "default-backend", "custom-http-errors", "destination",
      "whitelist-source-range", "denylist-source-range", "blacklist-source-range",
      "backend-protocol", "proxy-ssl-secret", "proxy-ssl-verify", "proxy-ssl-name", "proxy-ssl-server-name",
      "ssl-cipher", "auth-tls-secret", "auth-tls-verify-client", "tls-min-protocol-version", "tls-max-protocol-version",
      "proxy-connect-timeout", "proxy-read-timeout", "proxy-send-timeout", "proxy-body-size", "limit-rps",
      "limit-rpm", "limit-burst-multiplier", "limit-allowlist", "limit-whitelist", "limit-connections",
      "ingress.class", "rpc-destination-name", "mcpbridge", "auth-type", "auth-secret",
      "auth-realm", "auth-secret-type", "ssl-passthrough", "service-upstream", "mcp-server",
      "mcp-server-match-rule-domains", "mcp-server-match-rule-type", "mcp-server-match-rule-value",
      "mcp-server-upstream-type", "mcp-server-enable-path-rewrite", "mcp-server-path-rewrite-prefix");

  private static final String REGEX_CHARS = "\\.+*?()|[]{}^$";
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  /**
   * Canary settings. Header and cookie canaries come before weight ({@link #byHeader()}).
   *
   * @param header canary-by-header; the canary is taken when it is {@code always}, or matches value/pattern
   * @param weight of weightTotal, for a weight canary
   */
  record Canary(String header, String headerValue, String headerPattern, String cookie, int weight, int weightTotal) {
    boolean byHeader() {
      return header != null || cookie != null;
    }

    /** The condition a header/cookie canary adds to the base route's. */
    RouteConditions condition() {
      StringMatch m;
      String name;
      if (header != null) {
        name = header.toLowerCase(Locale.ROOT);
        if (headerValue != null) m = StringMatch.regex("always|" + headerValue);
        else if (headerPattern != null) m = StringMatch.regex(".*(?:" + headerPattern + ").*"); // found anywhere, as nginx
        else m = StringMatch.exact("always");
      } else {
        name = "cookie";
        m = StringMatch.regex("^(.*?;\\s*)?(" + com.google.re2j.Pattern.quote(cookie) + "=always)(;.*)?$");
      }
      return new RouteConditions(Set.of(), List.of(new NamedMatch(name, m)), List.of());
    }
  }

  /**
   * What the annotations of one Ingress say.
   *
   * @param canary null when the Ingress is not a canary
   * @param conditions match-method, *-match-header-*, *-match-pseudo-header-*, *-match-query-*
   * @param matchKey the match annotations as a canonical string: a canary pairs with the non-canary route
   *     of the same host, path and matchKey, as in Higress
   * @param regex paths are regular expressions: null (no), "prefix" ({@code <path>.*}) or "full"
   * @param rewriteTarget the substitution for the regex rewrite, or null
   * @param rewritePath Higress rewrite-path, or null
   * @param redirect permanent/temporal/ssl redirect for every route of the Ingress, or null
   * @param appRoot a path that {@code /} on the Ingress's hosts redirects to (302), or null
   * @param traffic CORS, rate limit, access lists, default backend ({@link TrafficAnnotations})
   */
  record Parsed(Canary canary, RouteConditions conditions, String matchKey, String regex, boolean ignoreCase,
      String rewriteTarget, String rewritePath, String upstreamVhost, Redirect redirect, String appRoot,
      HeaderOps requestHeaders, HeaderOps responseHeaders, Duration timeout, TrafficAnnotations.Traffic traffic) {

    static final Parsed NONE = new Parsed(null, RouteConditions.NONE, "", null, false, null, null, null, null, null,
        HeaderOps.NONE, HeaderOps.NONE, null, TrafficAnnotations.Traffic.NONE);

    boolean needsRegex(String path) {
      if (regex != null) return true;
      return rewriteTarget != null && containsAny(path, REGEX_CHARS);
    }

    /** The policy these annotations give a route (without the regex rewrite, which depends on its path). */
    RoutePolicy policy() {
      return new RoutePolicy(List.of(), redirect, null, requestHeaders, responseHeaders, timeout, traffic.cors(),
          traffic.routeRateLimit(), traffic.ipAccess(), traffic.retry(), null, traffic.limits());
    }
  }

  private final Resource r;
  private final List<Problem> problems;
  private final Map<String, String> all;

  private IngressAnnotations(Resource r, List<Problem> problems) {
    this.r = r;
    this.problems = problems;
    this.all = new TreeMap<>();
    JsonNode a = r.metadata().path("annotations");
    for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().isValueNode() && !e.getValue().isNull()) all.put(e.getKey(), e.getValue().asText());
    }
  }

  /** Reads the annotations of Ingress {@code r}; problems (warnings) go to {@code problems}. */
  static Parsed parse(Resource r, List<Problem> problems) {
    IngressAnnotations a = new IngressAnnotations(r, problems);
    if (a.all.isEmpty()) return Parsed.NONE;
    return a.parse();
  }

  private static String field(String key) {
    return "metadata.annotations[\"" + key + "\"]";
  }

  private void invalid(String key, String value, String expected) {
    problems.add(Problem.warning(r, field(key), "\"" + value + "\" (expected: " + expected + "); annotation ignored"));
  }

  /** The full key a shared annotation is given under (nginx first), or null. */
  private String sharedKey(String key) {
    return keyOf(all, key);
  }

  private String shared(String key) {
    String k = sharedKey(key);
    return k == null ? null : all.get(k).trim();
  }

  private String higress(String key) {
    String v = all.get(HIGRESS + key);
    return v == null ? null : v.trim();
  }

  private Boolean bool(String fullKey, String v) {
    if (v == null) return null;
    if (v.equalsIgnoreCase("true")) return true;
    if (v.equalsIgnoreCase("false")) return false;
    invalid(fullKey, v, "true or false");
    return null;
  }

  private boolean sharedBool(String key) {
    Boolean b = bool(sharedKey(key), shared(key));
    return b != null && b;
  }

  private boolean higressBool(String key) {
    Boolean b = bool(HIGRESS + key, higress(key));
    return b != null && b;
  }

  private Integer integer(String fullKey, String v, int min, int max) {
    if (v == null) return null;
    try {
      int i = Integer.parseInt(v);
      if (i >= min && i <= max) return i;
    } catch (NumberFormatException e) {
      // reported below
    }
    invalid(fullKey, v, "an integer from " + min + " to " + max);
    return null;
  }

  private Parsed parse() {
    reportUnknown();
    Canary canary = canary();
    MatchAnnotations match = matches();
    String regex = null;
    String rewritePath = higress("rewrite-path");
    if (rewritePath != null && (rewritePath.isEmpty() || !rewritePath.startsWith("/"))) {
      invalid(HIGRESS + "rewrite-path", rewritePath, "an absolute path");
      rewritePath = null;
    }
    String rewriteTarget = shared("rewrite-target");
    if (rewriteTarget != null && rewriteTarget.isEmpty()) rewriteTarget = null;
    boolean useRegex = sharedBool("use-regex");
    if (rewritePath == null && rewriteTarget != null) useRegex = true; // as Higress: a rewrite target means regex paths
    if (rewritePath != null) rewriteTarget = null;
    if (higressBool("full-path-regex")) regex = "full";
    else if (useRegex) regex = "prefix";
    String vhost = shared("upstream-vhost");
    if (vhost != null && (vhost.isEmpty() || !RequestHost.valid(vhost))) {
      invalid(sharedKey("upstream-vhost"), vhost, "a host name, optionally with a port");
      vhost = null;
    }
    return new Parsed(canary, match.conditions, match.key, regex, higressBool("ignore-path-case"), rewriteTarget,
        rewritePath, vhost, redirect(), appRoot(), headerOps("request"), headerOps("response"), timeout(),
        TrafficAnnotations.parse(r, all, problems));
  }

  private void reportUnknown() {
    for (String k : all.keySet()) {
      if (!k.startsWith(HIGRESS)) continue;
      String key = k.substring(HIGRESS.length());
      if (SHARED_KEYS.contains(key) || HIGRESS_KEYS.contains(key) || OTHER_KNOWN_KEYS.contains(key)) continue;
      if (key.matches("(exact|prefix|regex)-match-(header|query|pseudo-header)-.+")) continue;
      problems.add(Problem.warning(r, field(k), "unknown Higress annotation; ignored"));
    }
  }

  private Canary canary() {
    String k = sharedKey("canary");
    if (k == null) return null;
    Boolean on = bool(k, shared("canary"));
    if (on == null || !on) return null;
    String header = emptyToNull(shared("canary-by-header"));
    String value = emptyToNull(shared("canary-by-header-value"));
    String pattern = emptyToNull(shared("canary-by-header-pattern"));
    String cookie = emptyToNull(shared("canary-by-cookie"));
    if (pattern != null && checkRegex(sharedKey("canary-by-header-pattern"), pattern) == null) pattern = null;
    if (value != null && checkRegex(sharedKey("canary-by-header-value"), "always|" + value) == null) value = null;
    if (header != null && !HeaderNames.valid(header)) {
      invalid(sharedKey("canary-by-header"), header, "a header name");
      header = null;
    }
    int weightTotal = 100;
    Integer total = integer(sharedKey("canary-weight-total"), shared("canary-weight-total"), 1, Integer.MAX_VALUE);
    if (total != null) weightTotal = total;
    int weight = 0;
    Integer w = integer(sharedKey("canary-weight"), shared("canary-weight"), 0, weightTotal);
    if (w != null) weight = w;
    return new Canary(header, header == null ? null : value, header == null ? null : pattern,
        header == null ? cookie : null, weight, weightTotal);
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private StringMatch checkRegex(String key, String regex) {
    try {
      return StringMatch.regex(regex);
    } catch (IllegalArgumentException e) {
      invalid(key, regex, "an RE2 regular expression: " + e.getMessage());
      return null;
    }
  }

  private record MatchAnnotations(RouteConditions conditions, String key) {}

  private MatchAnnotations matches() {
    Set<String> methods = new LinkedHashSet<>();
    StringBuilder key = new StringBuilder();
    String mm = higress("match-method");
    if (mm != null) {
      for (String m : mm.split("\\s+")) {
        if (m.isEmpty()) continue;
        String u = m.toUpperCase(Locale.ROOT);
        if (METHODS.contains(u)) methods.add(u);
        else invalid(HIGRESS + "match-method", mm, "methods separated by spaces, of " + new java.util.TreeSet<>(METHODS));
      }
      key.append("method ").append(String.join(" ", methods)).append('\n');
    }
    List<NamedMatch> headers = new ArrayList<>();
    List<NamedMatch> query = new ArrayList<>();
    for (Map.Entry<String, String> e : all.entrySet()) { // sorted: a stable key
      String k = e.getKey();
      if (!k.startsWith(HIGRESS)) continue;
      String rest = k.substring(HIGRESS.length());
      int dash = rest.indexOf("-match-");
      if (dash < 0) continue;
      String type = rest.substring(0, dash);
      StringMatch.Kind kind = switch (type) {
        case "exact" -> StringMatch.Kind.EXACT;
        case "prefix" -> StringMatch.Kind.PREFIX;
        case "regex" -> StringMatch.Kind.REGEX;
        default -> null;
      };
      if (kind == null) continue;
      String what = rest.substring(dash + "-match-".length());
      String name;
      List<NamedMatch> into;
      if (what.startsWith("pseudo-header-")) {
        name = ":" + what.substring("pseudo-header-".length()).toLowerCase(Locale.ROOT);
        if (!Set.of(":authority", ":path", ":method", ":scheme").contains(name)) {
          invalid(k, e.getValue(), "a pseudo-header of authority, path, method or scheme in the annotation name");
          continue;
        }
        into = headers;
      } else if (what.startsWith("header-")) {
        name = what.substring("header-".length()).toLowerCase(Locale.ROOT);
        into = headers;
      } else if (what.startsWith("query-")) {
        name = what.substring("query-".length());
        into = query;
      } else {
        continue;
      }
      if (name.isEmpty() || name.equals(":")) {
        invalid(k, e.getValue(), "a name after the match type in the annotation name");
        continue;
      }
      StringMatch m;
      try {
        m = StringMatch.of(kind, e.getValue(), false);
      } catch (IllegalArgumentException ex) {
        invalid(k, e.getValue(), "an RE2 regular expression: " + ex.getMessage());
        continue;
      }
      into.add(new NamedMatch(name, m));
      key.append(k).append('=').append(e.getValue()).append('\n');
    }
    return new MatchAnnotations(new RouteConditions(methods, headers, query), key.toString());
  }

  private Redirect redirect() {
    String tk = sharedKey("temporal-redirect");
    String pk = sharedKey("permanent-redirect");
    if (tk != null && !shared("temporal-redirect").isEmpty()) {
      Redirect r = toRedirect(tk, shared("temporal-redirect"), 302);
      if (r != null) return r;
    }
    if (pk != null && !shared("permanent-redirect").isEmpty()) {
      int code = 301;
      String ck = sharedKey("permanent-redirect-code");
      if (ck != null) {
        Integer c = integer(ck, shared("permanent-redirect-code"), 300, 308);
        if (c != null && Set.of(301, 302, 303, 307, 308).contains(c)) code = c;
        else if (c != null) invalid(ck, shared("permanent-redirect-code"), "301, 302, 303, 307 or 308");
      }
      Redirect r = toRedirect(pk, shared("permanent-redirect"), code);
      if (r != null) return r;
    }
    boolean force = sharedKey("force-ssl-redirect") != null && sharedBool("force-ssl-redirect");
    boolean ssl = sharedKey("ssl-redirect") != null && sharedBool("ssl-redirect");
    if (force || ssl) return new Redirect(308, "https", null, -1, null, true);
    return null;
  }

  private Redirect toRedirect(String key, String url, int code) {
    try {
      URI u = new URI(url);
      String scheme = u.getScheme();
      if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https")) || u.getHost() == null) {
        invalid(key, url, "an absolute http or https URL");
        return null;
      }
      String path = u.getRawPath();
      return new Redirect(code, scheme.toLowerCase(Locale.ROOT), u.getHost().toLowerCase(Locale.ROOT),
          u.getPort() < 0 ? 0 : u.getPort(), path == null || path.isEmpty() ? null : path, false);
    } catch (URISyntaxException e) {
      invalid(key, url, "an absolute http or https URL");
      return null;
    }
  }

  private String appRoot() {
    String k = sharedKey("app-root");
    if (k == null) return null;
    String v = shared("app-root");
    if (!v.startsWith("/") || v.length() < 2 || containsAny(v, " ?#\t")) {
      invalid(k, v, "an absolute path other than /");
      return null;
    }
    return v;
  }

  private HeaderOps headerOps(String side) {
    String addKey = side + "-header-control-add";
    String updateKey = side + "-header-control-update";
    String removeKey = side + "-header-control-remove";
    List<Header> add = headerLines(addKey);
    List<Header> set = headerLines(updateKey);
    List<String> remove = new ArrayList<>();
    String rm = higress(removeKey);
    if (rm != null) {
      for (String n : rm.split(",")) {
        String name = n.trim();
        if (name.isEmpty()) continue;
        if (HeaderNames.valid(name)) remove.add(name.toLowerCase(Locale.ROOT));
        else invalid(HIGRESS + removeKey, rm, "header names separated by commas");
      }
    }
    if (add.isEmpty() && set.isEmpty() && remove.isEmpty()) return HeaderOps.NONE;
    return new HeaderOps(add, set, remove);
  }

  private List<Header> headerLines(String key) {
    String v = higress(key);
    List<Header> out = new ArrayList<>();
    if (v == null) return out;
    for (String line : v.split("\n")) {
      String l = line.trim();
      if (l.isEmpty()) continue;
      String[] kv = l.split("\\s+", 2);
      String name = kv.length == 2 ? unquote(kv[0]) : "";
      String value = kv.length == 2 ? unquote(kv[1].trim()) : "";
      if (kv.length != 2 || !HeaderNames.valid(name) || !HeaderNames.validValue(value)) {
        invalid(HIGRESS + key, l, "lines of a header name, spaces, and a value (either may be quoted)");
        continue;
      }
      out.add(new Header(name.toLowerCase(Locale.ROOT), value));
    }
    return out;
  }

  /** {@code "x"} or {@code 'x'} without its quotes; anything else as it is. */
  static String unquote(String s) {
    if (s.length() >= 2 && (s.charAt(0) == '"' || s.charAt(0) == '\'') && s.charAt(s.length() - 1) == s.charAt(0)) {
      return s.substring(1, s.length() - 1);
    }
    return s;
  }

  private Duration timeout() {
    String v = higress("timeout");
    if (v == null) return null;
    Integer s = integer(HIGRESS + "timeout", v, 0, 86_400);
    return s == null ? null : Duration.ofSeconds(s);
  }

  static boolean containsAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) return true;
    }
    return false;
  }

  /** RFC 9110 token characters for header names; visible characters, space and tab for values. */
  static final class HeaderNames {
    private HeaderNames() {}

    static boolean valid(String name) {
      if (name.isEmpty()) return false;
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        if (!ok) return false;
      }
      return true;
    }

    static boolean validValue(String v) {
      for (int i = 0; i < v.length(); i++) {
        char c = v.charAt(i);
        if (c < 0x20 && c != '\t' || c == 0x7f) return false;
      }
      return true;
    }
  }

  /** Host names with an optional port, as upstream-vhost takes them. */
  static final class RequestHost {
    private RequestHost() {}

    static boolean valid(String h) {
      for (int i = 0; i < h.length(); i++) {
        char c = h.charAt(i);
        boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-.:[]_".indexOf(c) >= 0;
        if (!ok) return false;
      }
      return true;
    }
  }
}
