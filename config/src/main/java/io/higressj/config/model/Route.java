package io.higressj.config.model;

import static java.util.Objects.requireNonNull;

/**
 * One route of a virtual host: a path match, further conditions, where matching requests go and what
 * is done with them.
 *
 * @param name stable name, {@code <namespace>/<ingress>} plus the rule and path index, as shown in
 *     the access log and {@code /config_dump}
 * @param path the path match
 * @param cluster name of the {@link ClusterConfig} requests are sent to (with weighted clusters: the
 *     first one; with a redirect: unused)
 * @param source the object the route comes from, e.g. "Ingress default/foo"
 * @param conditions what else the request must have (method, headers, query)
 * @param policy redirects, rewrites, header changes, timeouts ... (annotations)
 */
public record Route(String name, PathMatch path, String cluster, String source, RouteConditions conditions,
    RoutePolicy policy) {
  public Route {
    requireNonNull(name, "name");
    requireNonNull(path, "path");
    requireNonNull(cluster, "cluster");
    requireNonNull(source, "source");
    requireNonNull(conditions, "conditions");
    requireNonNull(policy, "policy");
  }

  public Route(String name, PathMatch path, String cluster, String source) {
    this(name, path, cluster, source, RouteConditions.NONE, RoutePolicy.NONE);
  }

  /** Whether the path and every condition hold. */
  public boolean matches(MatchInput in) {
    return path.matches(in.path()) && conditions.matches(in);
  }
}
