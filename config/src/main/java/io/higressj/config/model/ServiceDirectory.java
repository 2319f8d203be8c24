package io.higressj.config.model;

/**
 * Finds the cluster of any Service the configuration knows, also one that no route uses: the services
 * plugins call (an OPA server, an authorization service, Redis). Names are Higress's cluster names:
 * {@code outbound|<port>||<service>.<namespace>.svc.cluster.local} for a Kubernetes Service, {@code
 * outbound|<port>||<host>.dns} (or any other host) for a host name or address reached directly.
 */
@FunctionalInterface
public interface ServiceDirectory {
  /** Knows nothing: every lookup answers null. */
  ServiceDirectory NONE = name -> null;

  /** the cluster named {@code clusterName}, or null when the name is not a known service */
  ClusterConfig find(String clusterName);

  /**
   * The cluster name for a plugin's service reference, as Higress's plugins build it from {@code
   * serviceSource}, {@code serviceName}, {@code namespace}, {@code servicePort} and {@code domain}.
   * {@code k8s}: {@code <name>.<namespace>.svc.cluster.local}; {@code dns}: {@code <domain or
   * name>.dns}; {@code ip}/{@code static}: {@code <name>.static}; {@code nacos}: {@code
   * <name>.<namespace>.nacos}; a name that already ends in one of those suffixes is kept.
   */
  static String clusterName(String source, String name, String namespace, int port) {
    String n = name;
    if (!n.endsWith(".svc.cluster.local") && !n.endsWith(".dns") && !n.endsWith(".static")
        && !n.endsWith(".nacos")) {
      n = switch (source == null ? "k8s" : source) {
        case "dns" -> n + ".dns";
        case "ip", "static" -> n + ".static";
        case "nacos" -> n + "." + (namespace == null || namespace.isEmpty() ? "DEFAULT-GROUP.public" : namespace) + ".nacos";
        default -> namespace == null || namespace.isEmpty() ? n : n + "." + namespace + ".svc.cluster.local";
      };
    }
    return "outbound|" + port + "||" + n;
  }
}
