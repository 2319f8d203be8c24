package io.higressj.config.model;

import static java.util.Objects.requireNonNull;

/**
 * One route of a virtual host: a path match and where matching requests go.
 *
 * @param name stable name, {@code <namespace>/<ingress>} plus the rule and path index, as shown in
 *     the access log and {@code /config_dump}
 * @param path the path match
 * @param cluster name of the {@link ClusterConfig} requests are sent to
 * @param source the object the route comes from, e.g. "Ingress default/foo"
 */
public record Route(String name, PathMatch path, String cluster, String source) {
  public Route {
    requireNonNull(name, "name");
    requireNonNull(path, "path");
    requireNonNull(cluster, "cluster");
    requireNonNull(source, "source");
  }
}
