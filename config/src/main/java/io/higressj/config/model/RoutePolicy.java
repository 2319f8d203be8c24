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
    Retry retry) {

  public static final RoutePolicy NONE = new RoutePolicy(List.of(), null, null, HeaderOps.NONE, HeaderOps.NONE,
      null, null, null, null, null);

  public RoutePolicy {
    weightedClusters = List.copyOf(weightedClusters);
    requireNonNull(requestHeaders, "requestHeaders");
    requireNonNull(responseHeaders, "responseHeaders");
  }

  public boolean isNone() {
    return equals(NONE);
  }

  public RoutePolicy withWeightedClusters(List<WeightedCluster> w) {
    return new RoutePolicy(w, redirect, rewrite, requestHeaders, responseHeaders, timeout, cors, rateLimit, ipAccess, retry);
  }

  public RoutePolicy withRedirect(Redirect r) {
    return new RoutePolicy(weightedClusters, r, rewrite, requestHeaders, responseHeaders, timeout, cors, rateLimit, ipAccess, retry);
  }

  /** @param cluster cluster name; @param weight relative weight, >= 0 */
  public record WeightedCluster(String cluster, int weight) {
    public WeightedCluster {
      requireNonNull(cluster, "cluster");
      if (weight < 0) throw new IllegalArgumentException("weight: " + weight + " (expected: >= 0)");
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
   */
  public record Redirect(int code, String scheme, String host, int port, String path, boolean plainHttpOnly) {}

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
   * CORS as Higress applies it (Envoy's CORS filter): preflight requests are answered by the gateway.
   *
   * @param allowOrigins exact origins or {@code *}
   */
  public record Cors(List<String> allowOrigins, String allowMethods, String allowHeaders, String exposeHeaders,
      boolean allowCredentials, long maxAgeSeconds) {}

  /**
   * A token bucket per route and gateway instance.
   *
   * @param requestsPerSecond refill rate
   * @param burst bucket size
   * @param perMinute whether the limit was given per minute (reported as such)
   */
  public record RateLimit(double requestsPerSecond, int burst, boolean perMinute) {}

  /**
   * @param allow true: only {@code cidrs} may pass (whitelist); false: {@code cidrs} are refused
   * @param cidrs {@code a.b.c.d/n} or IPv6 ranges, as written
   */
  public record IpAccess(boolean allow, List<String> cidrs) {}

  /**
   * @param attempts retries after the first try
   * @param perTryTimeout null: none
   * @param on Envoy retry-on conditions ("5xx", "connect-failure", "reset", "gateway-error" ...)
   */
  public record Retry(int attempts, Duration perTryTimeout, List<String> on) {}
}
