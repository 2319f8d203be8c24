package io.higressj.config.ingress;

import static io.higressj.config.ingress.IngressAnnotations.HIGRESS;
import static io.higressj.config.ingress.IngressAnnotations.NGINX;

import io.higressj.config.ingress.IngressValidator.BackendRef;
import io.higressj.config.model.ClientLimits;
import io.higressj.config.model.ClusterConfig;
import io.higressj.config.model.CorsOrigins;
import io.higressj.config.model.IpRanges;
import io.higressj.config.model.RoutePolicy;
import io.higressj.config.model.RoutePolicy.Cors;
import io.higressj.config.model.RoutePolicy.Fallback;
import io.higressj.config.model.RoutePolicy.IpAccess;
import io.higressj.config.model.RoutePolicy.Limits;
import io.higressj.config.model.RoutePolicy.RateLimit;
import io.higressj.config.model.RoutePolicy.Retry;
import io.higressj.config.resource.Problem;
import io.higressj.config.resource.Resource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The traffic annotations of one Ingress: CORS, local rate limits, client address access lists and the
 * default backend, with Higress's semantics and defaults (and ingress-nginx's for the keys only it
 * defines). Read with {@link IngressAnnotations}: the same prefix order (nginx first, then Higress) and
 * the same reporting (an invalid value is a WARNING naming the annotation, the value and what was
 * expected, and the annotation is ignored). See docs/annotations.md.
 */
final class TrafficAnnotations {
  /** Higress's CORS defaults (cors.go), the same as ingress-nginx's. */
  static final String DEFAULT_ALLOW_METHODS = "GET,PUT,POST,DELETE,PATCH,OPTIONS";
  static final String DEFAULT_ALLOW_HEADERS =
      "DNT,X-CustomHeader,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Authorization";
  static final long DEFAULT_MAX_AGE = 1_728_000;
  /** Higress's retry defaults (retry.go): 3 retries on 5xx, no per-try timeout. */
  static final int DEFAULT_RETRIES = 3;
  /** The nginx proxy-next-upstream conditions Higress maps to Envoy's 5xx. */
  private static final Set<String> SERVER_ERROR_CONDITIONS = Set.of("error", "timeout", "invalid_header");
  /** Higress's route-limit-burst-multiplier default. */
  static final int DEFAULT_BURST_MULTIPLIER = 5;
  private static final long UINT32_MAX = 0xffff_ffffL;

  /**
   * The default backend as the annotation names it; resolved to a cluster per host build, because the
   * Service may come and go.
   *
   * @param codes custom-http-errors, upstream statuses that send the request to it
   */
  record DefaultBackend(String namespace, String service, List<Integer> codes) {
    String ref() {
      return namespace + "/" + service;
    }
  }

  /** What the traffic annotations of one Ingress say; null parts are not configured. */
  record Traffic(Cors cors, RateLimit rateLimit, IpAccess ipAccess, DefaultBackend defaultBackend, Retry retry,
      Limits limits) {
    static final Traffic NONE = new Traffic(null, null, null, null, null, null);

    /** The rate limit for one more route: each route has a bucket of its own, as in Higress. */
    RateLimit routeRateLimit() {
      return rateLimit == null ? null : rateLimit.fresh();
    }
  }

  private final Resource r;
  private final Map<String, String> all;
  private final List<Problem> problems;

  private TrafficAnnotations(Resource r, Map<String, String> all, List<Problem> problems) {
    this.r = r;
    this.all = all;
    this.problems = problems;
  }

  /** Reads the traffic annotations among {@code all} (every annotation of {@code r}, by full key). */
  static Traffic parse(Resource r, Map<String, String> all, List<Problem> problems) {
    TrafficAnnotations t = new TrafficAnnotations(r, all, problems);
    Traffic out = new Traffic(t.cors(), t.rateLimit(), t.ipAccess(), t.defaultBackend(), t.retry(), t.limits());
    return out.equals(Traffic.NONE) ? Traffic.NONE : out;
  }

  // ---- reading and reporting, as IngressAnnotations does

  private String sharedKey(String key) {
    return IngressAnnotations.keyOf(all, key);
  }

  private String value(String fullKey) {
    return fullKey == null ? null : all.get(fullKey).trim();
  }

  private void invalid(String key, String value, String expected) {
    problems.add(Problem.warning(r, "metadata.annotations[\"" + key + "\"]",
        "\"" + value + "\" (expected: " + expected + "); annotation ignored"));
  }

  private void warn(String key, String message) {
    problems.add(Problem.warning(r, "metadata.annotations[\"" + key + "\"]", message));
  }

  private Boolean bool(String key) {
    String v = value(key);
    if (v == null) return null;
    if (v.equalsIgnoreCase("true")) return true;
    if (v.equalsIgnoreCase("false")) return false;
    invalid(key, v, "true or false");
    return null;
  }

  private Long number(String key, long min, long max) {
    String v = value(key);
    if (v == null) return null;
    try {
      long n = Long.parseLong(v);
      if (n >= min && n <= max) return n;
    } catch (NumberFormatException e) {
      // reported below
    }
    invalid(key, v, "an integer from " + min + " to " + max);
    return null;
  }

  /** A comma list, items trimmed, as Higress splits it: a {@code *} item stands for the whole list. */
  static List<String> commaList(String v) {
    List<String> out = new ArrayList<>();
    for (String part : v.split(",", -1)) {
      String item = part.trim();
      if (item.equals("*")) return List.of("*");
      out.add(item);
    }
    return out;
  }

  // ---- CORS

  private Cors cors() {
    String enableKey = sharedKey("enable-cors");
    if (enableKey == null) return null;
    Boolean enabled = bool(enableKey);
    if (enabled == null || !enabled) return null;
    List<String> origins = List.of("*");
    String ok = sharedKey("cors-allow-origin");
    if (ok != null) origins = origins(ok);
    String methods = DEFAULT_ALLOW_METHODS;
    String mk = sharedKey("cors-allow-methods");
    if (mk != null) methods = tokens(mk, "HTTP methods separated by commas, or *", true);
    String headers = DEFAULT_ALLOW_HEADERS;
    String hk = sharedKey("cors-allow-headers");
    if (hk != null) headers = tokens(hk, "header names separated by commas, or *", false);
    String expose = null;
    String ek = sharedKey("cors-expose-headers");
    if (ek != null) expose = tokens(ek, "header names separated by commas, or *", false);
    boolean credentials = true;
    String ck = sharedKey("cors-allow-credentials");
    if (ck != null) {
      Boolean b = bool(ck);
      if (b != null) credentials = b;
    }
    long maxAge = DEFAULT_MAX_AGE;
    String ak = sharedKey("cors-max-age");
    if (ak != null) {
      Long n = number(ak, 0, Integer.MAX_VALUE);
      if (n != null) maxAge = n;
    }
    return new Cors(CorsOrigins.of(origins), methods.isEmpty() ? null : methods, headers.isEmpty() ? null : headers,
        expose == null || expose.isEmpty() ? null : expose, credentials, Long.toString(maxAge));
  }

  /** cors-allow-origin: {@code *}, origins, or origins with a {@code *.} host; bad entries are dropped. */
  private List<String> origins(String key) {
    String v = value(key);
    List<String> out = new ArrayList<>();
    for (String o : commaList(v)) {
      if (o.equals("*")) return List.of("*");
      if (o.isEmpty()) {
        invalid(key, v, "origins like https://example.com or https://*.example.com separated by commas, or *");
        return List.of("*");
      }
      if (o.indexOf('*') >= 0) {
        try {
          CorsOrigins.of(List.of(o));
        } catch (IllegalArgumentException e) {
          warn(key, "\"" + o + "\" (expected: a * only at the start of the host, as in https://*.example.com); "
              + "this origin is ignored");
          continue;
        }
      }
      out.add(o);
    }
    if (out.isEmpty()) {
      invalid(key, v, "origins like https://example.com or https://*.example.com separated by commas, or *");
      return List.of("*");
    }
    return out;
  }

  /** A comma list of tokens, joined with "," as Envoy sends it; the default (from the caller) when invalid. */
  private String tokens(String key, String expected, boolean upper) {
    String v = value(key);
    List<String> items = commaList(v);
    Set<String> out = new LinkedHashSet<>();
    for (String item : items) {
      if (item.isEmpty()) continue;
      if (!item.equals("*") && !IngressAnnotations.HeaderNames.valid(item)) {
        invalid(key, v, expected);
        return upper ? DEFAULT_ALLOW_METHODS : key.endsWith("expose-headers") ? "" : DEFAULT_ALLOW_HEADERS;
      }
      out.add(upper ? item.toUpperCase(Locale.ROOT) : item);
    }
    return String.join(",", out);
  }

  // ---- local rate limit (Higress only)

  private RateLimit rateLimit() {
    String rpmKey = HIGRESS + "route-limit-rpm";
    String rpsKey = HIGRESS + "route-limit-rps";
    String multKey = HIGRESS + "route-limit-burst-multiplier";
    boolean hasRpm = all.containsKey(rpmKey);
    boolean hasRps = all.containsKey(rpsKey);
    if (!hasRpm && !hasRps) {
      if (all.containsKey(multKey)) warn(multKey, "has no effect without route-limit-rps or route-limit-rpm");
      return null;
    }
    long multiplier = DEFAULT_BURST_MULTIPLIER;
    if (all.containsKey(multKey)) {
      Long m = number(multKey, 1, UINT32_MAX);
      if (m != null) multiplier = m;
    }
    // as Higress: per minute when given, else per second
    Long rate = null;
    boolean perMinute = false;
    if (hasRpm) {
      rate = number(rpmKey, 1, UINT32_MAX);
      perMinute = rate != null;
      if (hasRps && rate != null) warn(rpsKey, "ignored: route-limit-rpm is given too and takes precedence");
    }
    if (rate == null && hasRps) rate = number(rpsKey, 1, UINT32_MAX);
    if (rate == null) return null;
    if (rate * multiplier > UINT32_MAX) {
      long capped = UINT32_MAX / rate;
      warn(multKey, "the burst " + rate + " x " + multiplier + " exceeds " + UINT32_MAX + "; the multiplier "
          + capped + " applies instead");
      multiplier = capped;
    }
    return RateLimit.of(rate, multiplier, perMinute);
  }

  // ---- client address access

  private IpAccess ipAccess() {
    IpRanges allow = null;
    String wk = sharedKey("whitelist-source-range");
    if (wk == null && all.containsKey(NGINX + "allowlist-source-range")) {
      wk = NGINX + "allowlist-source-range"; // ingress-nginx's newer name for it
    }
    if (wk != null) allow = ranges(wk, true);
    IpRanges deny = null;
    String dk = sharedKey("denylist-source-range");
    if (dk != null) deny = ranges(dk, false);
    if (allow == null && deny == null) return null;
    return new IpAccess(allow, deny);
  }

  /**
   * The ranges of an access list. An invalid entry is reported and dropped; for an allow list this
   * makes it stricter (an allow list of only invalid entries refuses everyone), never looser.
   */
  private IpRanges ranges(String key, boolean allow) {
    String v = value(key);
    List<String> ok = new ArrayList<>();
    for (String e : commaList(v)) {
      if (e.isEmpty()) continue;
      if (IpRanges.validEntry(e)) {
        ok.add(e);
      } else {
        warn(key, "\"" + e + "\" (expected: an IPv4 or IPv6 address or CIDR range, or *); this entry is ignored"
            + (allow ? ", so it admits nobody" : ""));
      }
    }
    if (ok.isEmpty() && !allow) return null;
    return IpRanges.of(ok);
  }

  // ---- retries (proxy-next-upstream*), as Higress maps them onto Envoy's

  private Retry retry() {
    String tk = sharedKey("proxy-next-upstream-tries");
    String ok = sharedKey("proxy-next-upstream-timeout");
    String nk = sharedKey("proxy-next-upstream");
    if (tk == null && ok == null && nk == null) return null;
    int attempts = DEFAULT_RETRIES;
    if (tk != null) {
      Long n = number(tk, 0, 100);
      if (n != null) attempts = n.intValue();
    }
    Duration perTry = null;
    if (ok != null) {
      Long n = number(ok, 0, 86_400);
      if (n != null && n > 0) perTry = Duration.ofSeconds(n);
    }
    boolean serverErrors = true;
    List<Integer> statuses = List.of();
    if (nk != null) {
      String v = value(nk);
      // as Higress: a comma list when there is a comma, else a space separated one
      String[] items = v.contains(",") ? v.split(",") : v.trim().split("\\s+");
      Set<String> conditions = new LinkedHashSet<>();
      for (String item : items) {
        String c = item.trim().toLowerCase(Locale.ROOT);
        if (!c.isEmpty()) conditions.add(c);
      }
      if (conditions.contains("off")) {
        attempts = 0;
      } else if (!conditions.isEmpty()) {
        serverErrors = false;
        List<Integer> codes = new ArrayList<>();
        for (String c : conditions) {
          if (SERVER_ERROR_CONDITIONS.contains(c)) {
            serverErrors = true;
          } else if (c.startsWith("http_") && statusCode(c.substring(5)) > 0) {
            codes.add(statusCode(c.substring(5)));
          } else if (!c.equals("non_idempotent")) {
            warn(nk, "\"" + c + "\" (expected: error, timeout, invalid_header, http_<status>, non_idempotent or off); "
                + "this condition is ignored");
          }
        }
        statuses = codes;
        if (!serverErrors && codes.isEmpty()) {
          warn(nk, "\"" + v + "\" names no condition to retry on; requests are not retried");
          attempts = 0;
        }
      }
    }
    return new Retry(attempts, perTry, serverErrors, statuses);
  }

  private static int statusCode(String s) {
    if (s.length() != 3 || !s.chars().allMatch(Character::isDigit)) return 0;
    int n = Integer.parseInt(s);
    return n >= 100 && n <= 599 ? n : 0;
  }

  // ---- ingress-nginx proxy settings

  private Limits limits() {
    Duration connect = duration("proxy-connect-timeout");
    Duration read = duration("proxy-read-timeout");
    Duration send = duration("proxy-send-timeout");
    long body = -1;
    String bk = sharedKey("proxy-body-size");
    if (bk != null) body = size(bk);
    ClientLimits clients = clientLimits();
    if (connect == null && read == null && send == null && body < 0 && clients == null) return null;
    return new Limits(connect, read, send, body, clients);
  }

  /** ingress-nginx's limit-rps, limit-rpm, limit-connections (per client address), shared by the Ingress's routes. */
  private ClientLimits clientLimits() {
    long rps = 0;
    long rpm = 0;
    int connections = 0;
    String k = sharedKey("limit-rps");
    if (k != null) rps = orZero(number(k, 1, UINT32_MAX));
    k = sharedKey("limit-rpm");
    if (k != null) rpm = orZero(number(k, 1, UINT32_MAX));
    k = sharedKey("limit-connections");
    if (k != null) connections = (int) orZero(number(k, 1, Integer.MAX_VALUE));
    long multiplier = DEFAULT_BURST_MULTIPLIER; // ingress-nginx's default is 5 too
    String mk = sharedKey("limit-burst-multiplier");
    if (mk != null) {
      Long m = number(mk, 1, 1000);
      if (m != null) multiplier = m;
    }
    if (rps == 0 && rpm == 0 && connections == 0) {
      if (mk != null) warn(mk, "has no effect without limit-rps or limit-rpm");
      return null;
    }
    IpRanges exempt = null;
    String ek = sharedKey("limit-allowlist");
    if (ek == null) ek = sharedKey("limit-whitelist");
    if (ek != null) {
      exempt = ranges(ek, false);
    }
    return new ClientLimits(rps, rpm, multiplier, connections, exempt);
  }

  private static long orZero(Long n) {
    return n == null ? 0 : n;
  }

  /** Seconds, as ingress-nginx takes them ({@code 30}, also {@code 30s}); null when absent or invalid. */
  private Duration duration(String key) {
    String k = sharedKey(key);
    if (k == null) return null;
    String v = value(k);
    String digits = v.endsWith("s") ? v.substring(0, v.length() - 1) : v;
    try {
      long n = Long.parseLong(digits);
      if (n >= 1 && n <= 86_400 && !digits.startsWith("+")) return Duration.ofSeconds(n);
    } catch (NumberFormatException e) {
      // reported below
    }
    invalid(k, v, "a number of seconds from 1 to 86400");
    return null;
  }

  /**
   * An nginx size ({@code 1024}, {@code 8k}, {@code 16m}, {@code 1g}); {@code 0} means no limit. Returns
   * the bytes, {@link Long#MAX_VALUE} for no limit, or -1 when invalid (reported).
   */
  private long size(String key) {
    String v = value(key);
    String digits = v;
    long unit = 1;
    if (!v.isEmpty()) {
      switch (Character.toLowerCase(v.charAt(v.length() - 1))) {
        case 'k' -> unit = 1024L;
        case 'm' -> unit = 1024L * 1024;
        case 'g' -> unit = 1024L * 1024 * 1024;
        default -> unit = 1;
      }
      if (unit > 1) digits = v.substring(0, v.length() - 1);
    }
    if (!digits.isEmpty() && digits.length() <= 12 && digits.chars().allMatch(Character::isDigit)) {
      long n = Long.parseLong(digits);
      return n == 0 ? Long.MAX_VALUE : n * unit;
    }
    invalid(key, v, "a size like 1024, 8k, 16m or 1g (0: no limit)");
    return -1;
  }

  // ---- default backend

  private DefaultBackend defaultBackend() {
    String dk = sharedKey("default-backend");
    String ek = sharedKey("custom-http-errors");
    if (dk == null) {
      if (ek != null) warn(ek, "has no effect without default-backend");
      return null;
    }
    String v = value(dk);
    String namespace = r.namespace();
    String name = v;
    int slash = v.indexOf('/');
    if (slash >= 0) {
      namespace = v.substring(0, slash);
      name = v.substring(slash + 1);
    }
    if (name.isEmpty() || namespace.isEmpty() || !dnsLabel(name) || !dnsLabel(namespace)) {
      invalid(dk, v, "a Service name, or namespace/name");
      return null;
    }
    List<Integer> codes = new ArrayList<>();
    if (ek != null) {
      String codesText = value(ek);
      for (String c : codesText.split(",")) {
        String code = c.trim();
        if (code.isEmpty()) continue;
        try {
          int n = Integer.parseInt(code);
          if (n >= 100 && n <= 599) {
            if (!codes.contains(n)) codes.add(n);
            continue;
          }
        } catch (NumberFormatException e) {
          // reported below
        }
        warn(ek, "\"" + code + "\" (expected: an HTTP status code from 100 to 599); this code is ignored");
      }
    }
    return new DefaultBackend(namespace, name, codes);
  }

  private static boolean dnsLabel(String s) {
    if (s.length() > 253) return false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.')) return false;
    }
    return true;
  }

  /**
   * The policy with the Ingress's default backend resolved for route {@code routeName}: its cluster joins
   * {@code used} and its Service {@code services} (so that the host is built again when it changes). A
   * Service that is missing or has no port is reported; the route then has no fallback.
   */
  static RoutePolicy withFallback(RoutePolicy policy, Traffic traffic, Backends backends, Resource r, String routeName,
      Set<String> services, List<ClusterConfig> used, Set<Problem> problems) {
    DefaultBackend d = traffic.defaultBackend();
    if (d == null) return policy;
    services.add(d.ref());
    String key = annotationKey(r, "default-backend");
    int port = backends.firstPort(d.namespace(), d.service());
    if (port <= 0) {
      problems.add(Problem.warning(r, "metadata.annotations[\"" + key + "\"]", "Service " + d.ref()
          + " not found, invalid or without ports (expected: a Service whose first port is used); no default backend"));
      return policy;
    }
    Backends.Resolved resolved = backends.resolve(d.namespace(), new BackendRef(d.service(), port, null, ""));
    problems.addAll(resolved.found());
    for (Backends.Issue issue : resolved.issues()) {
      problems.add(Problem.warning(r, "metadata.annotations[\"" + key + "\"]", issue.message()));
    }
    used.add(resolved.cluster());
    return policy.withFallback(new Fallback(resolved.cluster().name(), d.ref(), routeName + "-fallback", d.codes()));
  }

  private static String annotationKey(Resource r, String key) {
    return r.annotation(NGINX + key) != null ? NGINX + key : HIGRESS + key;
  }

}
