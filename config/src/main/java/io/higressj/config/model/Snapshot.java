package io.higressj.config.model;

import static java.util.Objects.requireNonNull;

import io.higressj.config.plugin.PluginChains;
import io.higressj.config.resource.Problem;
import io.higressj.config.settings.GatewaySettings;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A complete, validated, immutable configuration. The data plane reads the current snapshot once per
 * request (at request headers) and keeps it until the request ends.
 *
 * @param version increases with every published snapshot
 * @param created when it was compiled
 * @param routes the route table
 * @param clusters by cluster name
 * @param tls server certificates
 * @param problems what was rejected (ERROR) or applied with a defect (WARNING) while compiling
 * @param settings the gateway-wide settings of the {@code higress-config} and {@code higress-https} ConfigMaps
 * @param listeners the Gateway API listeners (ports declared by Gateways), each with its own routes and certificates
 * @param plugins the plugin chain of each route with plugins (WasmPlugin objects)
 * @param services every Service of the configuration by cluster name, also those no route uses (plugins call them)
 */
public record Snapshot(
    long version,
    Instant created,
    RouteTable routes,
    Map<String, ClusterConfig> clusters,
    TlsConfig tls,
    List<Problem> problems,
    GatewaySettings settings,
    GatewayListeners listeners,
    PluginChains plugins,
    ServiceDirectory services) {
  public Snapshot {
    requireNonNull(created, "created");
    requireNonNull(routes, "routes");
    clusters = Map.copyOf(clusters);
    requireNonNull(tls, "tls");
    problems = List.copyOf(problems);
    requireNonNull(settings, "settings");
    requireNonNull(listeners, "listeners");
    requireNonNull(plugins, "plugins");
    requireNonNull(services, "services");
  }

  /** A snapshot whose services are only its clusters. */
  public Snapshot(long version, Instant created, RouteTable routes, Map<String, ClusterConfig> clusters, TlsConfig tls,
      List<Problem> problems, GatewaySettings settings, GatewayListeners listeners, PluginChains plugins) {
    this(version, created, routes, clusters, tls, problems, settings, listeners, plugins, ServiceDirectory.NONE);
  }

  /** The cluster named {@code name}: one of {@link #clusters}, else a service of {@link #services}; null when unknown. */
  public ClusterConfig cluster(String name) {
    ClusterConfig c = clusters.get(name);
    return c != null ? c : services.find(name);
  }

  /** A snapshot without Gateway API listeners and plugins. */
  public Snapshot(long version, Instant created, RouteTable routes, Map<String, ClusterConfig> clusters, TlsConfig tls,
      List<Problem> problems, GatewaySettings settings) {
    this(version, created, routes, clusters, tls, problems, settings, GatewayListeners.NONE, PluginChains.EMPTY);
  }

  /** A snapshot without plugins. */
  public Snapshot(long version, Instant created, RouteTable routes, Map<String, ClusterConfig> clusters, TlsConfig tls,
      List<Problem> problems, GatewaySettings settings, GatewayListeners listeners) {
    this(version, created, routes, clusters, tls, problems, settings, listeners, PluginChains.EMPTY);
  }

  /** A snapshot without Gateway API listeners. */
  public Snapshot(long version, Instant created, RouteTable routes, Map<String, ClusterConfig> clusters, TlsConfig tls,
      List<Problem> problems, GatewaySettings settings, PluginChains plugins) {
    this(version, created, routes, clusters, tls, problems, settings, GatewayListeners.NONE, plugins);
  }

  /** A snapshot with the default settings (as without the two ConfigMaps). */
  public Snapshot(long version, Instant created, RouteTable routes, Map<String, ClusterConfig> clusters, TlsConfig tls,
      List<Problem> problems) {
    this(version, created, routes, clusters, tls, problems, GatewaySettings.DEFAULT);
  }

  public static Snapshot empty() {
    return new Snapshot(0, Instant.EPOCH, RouteTable.empty(), Map.of(), TlsConfig.empty(), List.of());
  }

  public Snapshot withVersion(long v) {
    return new Snapshot(v, created, routes, clusters, tls, problems, settings, listeners, plugins, services);
  }
}
