package io.higressj.config.model;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * An upstream service and its ready endpoints.
 *
 * @param name {@code outbound|<port>||<service>.<namespace>.svc.cluster.local}, Higress's naming
 * @param service "namespace/name" of the Kubernetes Service
 * @param port the Service port requests are addressed to
 * @param endpoints ready endpoints; empty means every request gets 503
 * @param loadBalancer how a request picks an endpoint
 * @param protocol how requests reach the endpoints (HTTP/1.1 unless the Service port or an annotation says otherwise)
 */
public record ClusterConfig(String name, String service, int port, List<Endpoint> endpoints, UpstreamProtocol protocol,
    LoadBalancer loadBalancer) {
  public ClusterConfig {
    requireNonNull(name, "name");
    requireNonNull(service, "service");
    endpoints = List.copyOf(endpoints);
    requireNonNull(protocol, "protocol");
    requireNonNull(loadBalancer, "loadBalancer");
  }

  /** An HTTP/1.1 cluster, round robin. */
  public ClusterConfig(String name, String service, int port, List<Endpoint> endpoints) {
    this(name, service, port, endpoints, UpstreamProtocol.HTTP1, LoadBalancer.ROUND_ROBIN);
  }

  public ClusterConfig withProtocol(UpstreamProtocol p) {
    return p.equals(protocol) ? this : new ClusterConfig(name, service, port, endpoints, p, loadBalancer);
  }

  public ClusterConfig withLoadBalancer(LoadBalancer lb) {
    return lb.equals(loadBalancer) ? this : new ClusterConfig(name, service, port, endpoints, protocol, lb);
  }

  /**
   * The cluster name of a backend reference that cannot be used (Gateway API: not found, not permitted,
   * not a Service): no such cluster exists, and requests sent there get 500, as the specification asks.
   */
  public static final String INVALID_BACKEND = "invalid-backend-ref";

  public static String clusterName(String namespace, String service, int port) {
    return "outbound|" + port + "||" + service + "." + namespace + ".svc.cluster.local";
  }

  /**
   * The name of a cluster whose Service port is known only by name (the Service is missing or lacks
   * that port). A port name always holds a letter, so it never collides with a numbered cluster.
   */
  public static String clusterName(String namespace, String service, String portName) {
    return "outbound|" + portName + "||" + service + "." + namespace + ".svc.cluster.local";
  }
}
