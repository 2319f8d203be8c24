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
 */
public record ClusterConfig(String name, String service, int port, List<Endpoint> endpoints) {
  public ClusterConfig {
    requireNonNull(name, "name");
    requireNonNull(service, "service");
    endpoints = List.copyOf(endpoints);
  }

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
