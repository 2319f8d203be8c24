package io.higressj.config.model;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The traffic one Gateway receives on one of the ports its listeners declare (Gateway API): every
 * listener of the Gateway with that port, merged, as one socket serves them. The server binds the port
 * (or the one {@code --listener-port-map} maps it to) and routes with this listener's own tables.
 *
 * @param gatewayNamespace namespace of the Gateway
 * @param gatewayName name of the Gateway
 * @param port the port the Gateway's listeners declare
 * @param protocol what the port speaks
 * @param routes HTTP and HTTPS: the virtual hosts of the routes attached to the listeners of this port
 * @param tls HTTPS: certificates by listener hostname (a listener without hostname gives the default)
 * @param passthrough TLS: where connections go by the SNI name the client sends, in match order
 * @param tcpClusters TCP: where connections go (spread by weight)
 * @param hostnames the hostnames of the merged listeners ({@code *} for one without), to tell which one a
 *     request is for: an HTTPS request whose Host belongs to another listener than its SNI name is misdirected
 */
public record ListenerConfig(String gatewayNamespace, String gatewayName, int port, Protocol protocol,
    RouteTable routes, TlsConfig tls, List<SniRoute> passthrough, List<RoutePolicy.WeightedCluster> tcpClusters,
    List<String> hostnames) {
  /** What a Gateway listener's port speaks. */
  public enum Protocol { HTTP, HTTPS, TLS, TCP }

  /**
   * A TLSRoute's destination: connections whose SNI matches {@code host} ({@code foo.com}, {@code
   * *.foo.com} or {@code *}) go to one of {@code clusters}.
   */
  public record SniRoute(String host, List<RoutePolicy.WeightedCluster> clusters, String source) {
    public SniRoute {
      requireNonNull(host, "host");
      clusters = List.copyOf(clusters);
      requireNonNull(source, "source");
    }

    public boolean matches(String sni) {
      if (host.equals("*")) return true;
      if (sni == null) return false;
      String h = RouteTable.normalizeHost(sni);
      if (host.startsWith("*.")) return h.endsWith(host.substring(1)) && h.length() > host.length() - 1;
      return h.equals(host);
    }
  }

  public ListenerConfig {
    requireNonNull(gatewayNamespace, "gatewayNamespace");
    requireNonNull(gatewayName, "gatewayName");
    if (port < 1 || port > 65535) throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
    requireNonNull(protocol, "protocol");
    requireNonNull(routes, "routes");
    requireNonNull(tls, "tls");
    passthrough = List.copyOf(passthrough);
    tcpClusters = List.copyOf(tcpClusters);
    hostnames = List.copyOf(hostnames);
  }

  /** The most specific listener hostname matching {@code host} (exact, longest wildcard, {@code *}), or null. */
  public String listenerHostname(String host) {
    String h = host == null ? null : RouteTable.normalizeHost(host);
    String best = null;
    for (String p : hostnames) {
      boolean match = p.equals("*") || (h != null && (p.equals(h)
          || (p.startsWith("*.") && h.endsWith(p.substring(1)) && h.length() > p.length() - 1)));
      if (!match) continue;
      if (best == null || rank(p) > rank(best)) best = p;
    }
    return best;
  }

  private static int rank(String p) {
    if (p.equals("*")) return 0;
    return p.startsWith("*.") ? p.length() : 100_000;
  }

  /**
   * Whether an HTTPS request for {@code host} on a connection whose TLS server name was {@code sni} belongs
   * to another listener than the connection (answered 421, Misdirected Request).
   */
  public boolean misdirected(String sni, String host) {
    if (protocol != Protocol.HTTPS || hostnames.size() < 2) return false;
    return !java.util.Objects.equals(listenerHostname(sni), listenerHostname(host));
  }

  /** {@code <namespace>/<gateway>:<port>}: how the server and {@code /config_dump} name it. */
  public String key() {
    return key(gatewayNamespace, gatewayName, port);
  }

  public static String key(String namespace, String gateway, int port) {
    return namespace + "/" + gateway + ":" + port;
  }

  /** The first passthrough route whose host matches {@code sni} (exact before wildcard, as ordered), or null. */
  public SniRoute selectPassthrough(String sni) {
    for (SniRoute r : passthrough) {
      if (r.matches(sni)) return r;
    }
    return null;
  }
}
