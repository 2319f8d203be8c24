package io.higressj.config.model;

import static java.util.Objects.requireNonNull;

import com.google.re2j.Pattern;
import java.time.Duration;
import java.util.List;

/**
 * What a route does besides choosing its cluster: the Higress / ingress-nginx annotations compiled.
 * Every part is optional ({@code null} or empty: not configured). Immutable; compiled once per
 * configuration change.
 *
 * @param weightedClusters when not empty, requests are spread over these clusters by weight (canary by
 *     weight, {@code destination}) instead of going to {@link Route#cluster()} alone
 * @param redirect answer with a redirect instead of forwarding
 * @param rewrite what the upstream request's path and Host become
 * @param requestHeaders header changes on the upstream request
 * @param responseHeaders header changes on the downstream response
 * @param timeout the whole upstream request (Higress {@code timeout}); null: the gateway default
 * @param cors CORS policy
 * @param rateLimit local rate limit per gateway instance
 * @param ipAccess client address allow or deny list
 * @param retry retries on failure
 * @param fallback where requests go when the route's own backend has no endpoints, or answers with one of
 *     the listed codes ({@code default-backend}, {@code custom-http-errors})
 * @param limits per-route upstream timeouts and the request body limit (ingress-nginx {@code proxy-*})
 */
public record RoutePolicy(
    List<WeightedCluster> weightedClusters,
    Redirect redirect,
    Rewrite rewrite,
    HeaderOps requestHeaders,
    HeaderOps responseHeaders,
    Duration timeout,
    Cors cors,
    RateLimit rateLimit,
    IpAccess ipAccess,
    Retry retry,
    Fallback fallback,
    Limits limits,
    Mirror mirror) {

  public static final RoutePolicy NONE = new RoutePolicy(List.of(), null, null, HeaderOps.NONE, HeaderOps.NONE,
      null, null, null, null, null, null, null);

  /** Without a fallback and limits. */
  public RoutePolicy(List<WeightedCluster> weightedClusters, Redirect redirect, Rewrite rewrite, HeaderOps requestHeaders,
      HeaderOps responseHeaders, Duration timeout, Cors cors, RateLimit rateLimit, IpAccess ipAccess, Retry retry) {
    this(weightedClusters, redirect, rewrite, requestHeaders, responseHeaders, timeout, cors, rateLimit, ipAccess, retry,
        null, null);
  }

  /** Without a mirror. */
  public RoutePolicy(List<WeightedCluster> weightedClusters, Redirect redirect, Rewrite rewrite, HeaderOps requestHeaders,
      HeaderOps responseHeaders, Duration timeout, Cors cors, RateLimit rateLimit, IpAccess ipAccess, Retry retry,
      Fallback fallback, Limits limits) {
    this(weightedClusters, redirect, rewrite, requestHeaders, responseHeaders, timeout, cors, rateLimit, ipAccess, retry,
        fallback, limits, null);
  }

  public RoutePolicy withMirror(Mirror m) {
    return new RoutePolicy(weightedClusters, redirect, rewrite, requestHeaders, responseHeaders, timeout, cors, rateLimit,
        ipAccess, retry, fallback, limits, m);
  }

  /**
   * Requests copied to another cluster (fire and forget; the answer is discarded), as Envoy's request
   * mirroring: the copy's Host gets {@code -shadow} appended.
   *
   * @param cluster the cluster copies go to
   * @param percentage share of requests copied, 0 to 100
   * @param next another mirror, decided on its own (Gateway API allows several RequestMirror filters), or null
   */
  public record Mirror(String cluster, double percentage, Mirror next) {
    public Mirror(String cluster, double percentage) {
      this(cluster, percentage, null);
    }
  }

  public RoutePolicy {
    weightedClusters = List.copyOf(weightedClusters);
    requireNonNull(requestHeaders, "requestHeaders");
    requireNonNull(responseHeaders, "responseHeaders");
  }

  public boolean isNone() {
    return equals(NONE);
  }

  public RoutePolicy withWeightedClusters(List<WeightedCluster> w) {
    return new RoutePolicy(w, redirect, rewrite, requestHeaders, responseHeaders, timeout, cors, rateLimit, ipAccess, retry,
        fallback, limits, mirror);
  }

  public RoutePolicy withRedirect(Redirect r) {
    return new RoutePolicy(weightedClusters, r, rewrite, requestHeaders, responseHeaders, timeout, cors, rateLimit, ipAccess,
        retry, fallback, limits, mirror);
  }

  public RoutePolicy withRewrite(Rewrite r) {
    return new RoutePolicy(weightedClusters, redirect, r, requestHeaders, responseHeaders, timeout, cors, rateLimit, ipAccess,
        retry, fallback, limits, mirror);
  }

  public RoutePolicy withRateLimit(RateLimit r) {
    return new RoutePolicy(weightedClusters, redirect, rewrite, requestHeaders, responseHeaders, timeout, cors, r, ipAccess,
        retry, fallback, limits, mirror);
  }

  public RoutePolicy withFallback(Fallback f) {
    return new RoutePolicy(weightedClusters, redirect, rewrite, requestHeaders, responseHeaders, timeout, cors, rateLimit,
        ipAccess, retry, f, limits);
  }

  /**
   * @param cluster cluster name
   * @param weight relative weight, >= 0
   * @param requestHeaders header changes on requests sent to this cluster, after the route's (Gateway API backendRef filters)
   * @param responseHeaders header changes on its responses, after the route's
   */
  public record WeightedCluster(String cluster, int weight, HeaderOps requestHeaders, HeaderOps responseHeaders) {
    public WeightedCluster {
      requireNonNull(cluster, "cluster");
      if (weight < 0) throw new IllegalArgumentException("weight: " + weight + " (expected: >= 0)");
      requireNonNull(requestHeaders, "requestHeaders");
      requireNonNull(responseHeaders, "responseHeaders");
    }

    public WeightedCluster(String cluster, int weight) {
      this(cluster, weight, HeaderOps.NONE, HeaderOps.NONE);
    }
  }

  /**
   * A redirect answer. Parts left null keep the request's: scheme, host, port, path.
   *
   * @param code 301, 302, 303, 307 or 308
   * @param port -1: keep the request's (dropped when the scheme changes), 0: none
   * @param path the new path (the query is kept)
   * @param plainHttpOnly only requests that arrived without TLS are redirected ({@code ssl-redirect});
   *     others are forwarded
   * @param prefixPath {@code path} replaces only the part of the request path the route's prefix matched
   *     (Gateway API {@code ReplacePrefixMatch})
   */
  public record Redirect(int code, String scheme, String host, int port, String path, boolean plainHttpOnly,
      boolean prefixPath) {
    public Redirect(int code, String scheme, String host, int port, String path, boolean plainHttpOnly) {
      this(code, scheme, host, port, path, plainHttpOnly, false);
    }
  }

  /**
   * @param regex when set, the path is rewritten with {@code regex} and {@code substitution} ({@code $1}
   *     groups), as Envoy's regex rewrite
   * @param prefix when set (and regex not), the part of the path the route's match covered becomes it
   * @param host the Host header sent upstream ({@code upstream-vhost}); null: unchanged
   */
  public record Rewrite(Pattern regex, String substitution, String prefix, String host) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Rewrite r && java.util.Objects.equals(regex == null ? null : regex.pattern(),
          r.regex == null ? null : r.regex.pattern()) && java.util.Objects.equals(substitution, r.substitution)
          && java.util.Objects.equals(prefix, r.prefix) && java.util.Objects.equals(host, r.host);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(regex == null ? null : regex.pattern(), substitution, prefix, host);
    }

    @Override
    public String toString() {
      return "Rewrite[" + (regex != null ? "regex " + regex.pattern() + " -> " + substitution : "")
          + (prefix != null ? "prefix -> " + prefix : "") + (host != null ? " host " + host : "") + "]";
    }
  }

  /**
   * Header changes: {@code add} appends a value, {@code set} replaces every value, {@code remove}
   * deletes. Names lower case.
   */
  public record HeaderOps(List<Header> add, List<Header> set, List<String> remove) {
    public static final HeaderOps NONE = new HeaderOps(List.of(), List.of(), List.of());

    public HeaderOps {
      add = List.copyOf(add);
      set = List.copyOf(set);
      remove = List.copyOf(remove);
    }

    public boolean isEmpty() {
      return add.isEmpty() && set.isEmpty() && remove.isEmpty();
    }
  }

  public record Header(String name, String value) {}

  /**
   * CORS as Higress applies it (Envoy's CORS filter): a preflight ({@code OPTIONS} with {@code Origin} and
   * {@code Access-Control-Request-Method}) from an allowed origin is answered by the gateway; other
   * requests from an allowed origin get {@code Access-Control-Allow-Origin} (the request's origin),
   * {@code -Allow-Credentials} and {@code -Expose-Headers} on the response. Header values are ready to
   * send; null: the header is not sent.
   *
   * @param maxAge seconds, as the {@code Access-Control-Max-Age} value
   * @param refuseOtherPreflights preflights from origins not allowed are refused by the gateway (403) instead
   *     of being forwarded (Gateway API CORS filter)
   */
  public record Cors(CorsOrigins allowOrigins, String allowMethods, String allowHeaders, String exposeHeaders,
      boolean allowCredentials, String maxAge, boolean refuseOtherPreflights) {
    public Cors {
      requireNonNull(allowOrigins, "allowOrigins");
    }

    public Cors(CorsOrigins allowOrigins, String allowMethods, String allowHeaders, String exposeHeaders,
        boolean allowCredentials, String maxAge) {
      this(allowOrigins, allowMethods, allowHeaders, exposeHeaders, allowCredentials, maxAge, false);
    }
  }

  /**
   * A local rate limit: a token bucket per route and gateway process, shared by the event loops
   * (Higress {@code route-limit-*}). The bucket is created with the compiled route.
   *
   * @param perMinute whether the limit was given per minute (reported as such)
   */
  public record RateLimit(TokenBucket bucket, boolean perMinute) {
    public RateLimit {
      requireNonNull(bucket, "bucket");
    }

    /** A new (full) bucket of {@code rate} tokens per second or minute, holding {@code rate * burstMultiplier}. */
    public static RateLimit of(long rate, long burstMultiplier, boolean perMinute) {
      return new RateLimit(new TokenBucket(rate, rate * burstMultiplier, (perMinute ? 60L : 1L) * 1_000_000_000L), perMinute);
    }

    /** The same limit with a bucket of its own. */
    public RateLimit fresh() {
      return new RateLimit(new TokenBucket(bucket.tokensPerFill(), bucket.maxTokens(), bucket.fillIntervalNanos()), perMinute);
    }

    @Override
    public String toString() {
      return "RateLimit[" + bucket.tokensPerFill() + (perMinute ? " per minute" : " per second") + ", burst "
          + bucket.maxTokens() + "]";
    }
  }

  /**
   * Client address lists, as ingress-nginx evaluates them: an address in {@code deny} is refused; else,
   * with an {@code allow} list, only addresses in it pass. Refused requests get 403.
   *
   * @param allow whitelist-source-range; null: every address not denied
   * @param deny denylist-source-range; null: none
   */
  public record IpAccess(IpRanges allow, IpRanges deny) {
    /** Whether a client at {@code address} may use the route. */
    public boolean permits(String address) {
      if (deny != null && deny.contains(address)) return false;
      return allow == null || allow.contains(address);
    }
  }

  /**
   * Higress's fallback: the default backend's cluster is used when the route's own cluster has no
   * endpoints; and when the upstream answers with one of {@code codes}, the request is sent once more,
   * to the default backend, as Higress's internal redirect does (path {@code /}, the original Host, and
   * the headers {@code x-envoy-route-name: <fallbackRoute>} and {@code x-envoy-fallback-service: <service>}).
   *
   * @param service "namespace/name" of the default backend Service
   * @param fallbackRoute the route name the fallback request carries
   * @param codes upstream statuses that send the request to the default backend; empty: none
   */
  public record Fallback(String cluster, String service, String fallbackRoute, List<Integer> codes) {
    public Fallback {
      requireNonNull(cluster, "cluster");
      requireNonNull(service, "service");
      requireNonNull(fallbackRoute, "fallbackRoute");
      codes = List.copyOf(codes);
    }

    public boolean redirects(int status) {
      for (int i = 0; i < codes.size(); i++) {
        if (codes.get(i) == status) return true;
      }
      return false;
    }
  }

  /**
   * ingress-nginx's per-location proxy settings. Null durations: the gateway default.
   *
   * @param connectTimeout establishing the upstream connection ({@code proxy-connect-timeout})
   * @param readTimeout between two reads of the upstream response, and until its first byte ({@code proxy-read-timeout})
   * @param sendTimeout between two writes of the request to the upstream ({@code proxy-send-timeout})
   * @param maxRequestBodyBytes a larger request body is refused with 413; -1: no limit ({@code proxy-body-size})
   * @param clients per-client request rates and requests in progress ({@code limit-*}); null: none
   */
  public record Limits(Duration connectTimeout, Duration readTimeout, Duration sendTimeout, long maxRequestBodyBytes,
      ClientLimits clients) {
    public static final Limits NONE = new Limits(null, null, null, -1, null);
  }

  /**
   * Retries as Higress configures Envoy's from {@code proxy-next-upstream*}: another try (with a short
   * jittered back-off, on an endpoint the load balancer picks again) while the response has not started.
   *
   * @param attempts retries after the first try; 0: none at all
   * @param perTryTimeout how long one try may wait for the response headers; null: no limit of its own
   * @param serverErrors retry on a 5xx response, a failed connection, a reset or a per-try timeout
   *     (Envoy {@code 5xx}; nginx {@code error}, {@code timeout}, {@code invalid_header})
   * @param statuses retry on these response statuses (Envoy {@code retriable-status-codes}; nginx {@code http_NNN})
   * @param connectionErrors retry when no response came: a failed connection, a reset, a per-try timeout
   */
  public record Retry(int attempts, Duration perTryTimeout, boolean serverErrors, List<Integer> statuses,
      boolean connectionErrors) {
    public Retry {
      if (attempts < 0) throw new IllegalArgumentException("attempts: " + attempts + " (expected: >= 0)");
      statuses = List.copyOf(statuses);
    }

    /** Connection failures retried exactly when 5xx responses are. */
    public Retry(int attempts, Duration perTryTimeout, boolean serverErrors, List<Integer> statuses) {
      this(attempts, perTryTimeout, serverErrors, statuses, serverErrors);
    }

    /** Whether a response with {@code status} is tried again. */
    public boolean retriesStatus(int status) {
      if (serverErrors && status >= 500) return true;
      for (int i = 0; i < statuses.size(); i++) {
        if (statuses.get(i) == status) return true;
      }
      return false;
    }
  }
}
