package io.higressj.config.ingress;

import io.higressj.config.model.ClusterConfig;
import io.higressj.config.model.Endpoint;
import io.higressj.config.model.ServiceDirectory;
import io.higressj.config.resource.ResourceSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The services of one (immutable) resource set, resolved on first use and remembered: a Kubernetes
 * Service through its Endpoints and EndpointSlices, a {@code .dns} name or a plain host (an address,
 * a name without a Service) as itself. Lookups are thread-safe; a new configuration gets a new
 * directory.
 */
public final class ResourceServiceDirectory implements ServiceDirectory {
  private static final String K8S_SUFFIX = ".svc.cluster.local";
  private static final ClusterConfig UNKNOWN = new ClusterConfig("unknown", "", 0, List.of());

  private final ResourceSet resources;
  private final Map<String, ClusterConfig> found = new ConcurrentHashMap<>();
  private Backends backends;

  public ResourceServiceDirectory(ResourceSet resources) {
    this.resources = resources;
  }

  @Override
  public ClusterConfig find(String clusterName) {
    ClusterConfig c = found.computeIfAbsent(clusterName, this::resolve);
    return c == UNKNOWN ? null : c;
  }

  private ClusterConfig resolve(String name) {
    // outbound|<port>|<subset>|<host>
    String[] parts = name.split("\\|", -1);
    if (parts.length != 4 || !"outbound".equals(parts[0])) return UNKNOWN;
    int port;
    try {
      port = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      return UNKNOWN;
    }
    if (port < 1 || port > 65535) return UNKNOWN;
    String host = parts[3].toLowerCase(java.util.Locale.ROOT);
    if (host.isEmpty()) return UNKNOWN;
    if (host.endsWith(K8S_SUFFIX)) {
      String rest = host.substring(0, host.length() - K8S_SUFFIX.length());
      int dot = rest.indexOf('.');
      if (dot <= 0 || dot == rest.length() - 1 || rest.indexOf('.', dot + 1) >= 0) return UNKNOWN;
      ClusterConfig c = kubernetes(rest.substring(dot + 1), rest.substring(0, dot), port);
      return c.name().equals(name) ? c
          : new ClusterConfig(name, c.service(), c.port(), c.endpoints(), c.protocol(), c.loadBalancer());
    }
    if (host.endsWith(".static") || host.endsWith(".nacos")) return UNKNOWN; // registries are not served yet
    String target = host.endsWith(".dns") ? host.substring(0, host.length() - 4) : host;
    return new ClusterConfig(name, "", port, List.of(new Endpoint(target, port)));
  }

  /** Backends is not thread-safe: one resolution at a time (each name resolves once). */
  private synchronized ClusterConfig kubernetes(String namespace, String service, int port) {
    if (backends == null) backends = new Backends(resources, new ArrayList<>());
    return backends.resolve(namespace, new IngressValidator.BackendRef(service, port, null, "")).cluster();
  }
}
