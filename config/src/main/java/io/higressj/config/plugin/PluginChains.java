package io.higressj.config.plugin;

import io.higressj.config.model.Route;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plugin chains of a snapshot: one per route that has plugins (looked up by the route object, so a
 * request on a route without plugins costs one identity-hash probe), and the WasmPlugins in effect.
 */
public final class PluginChains {
  public static final PluginChains EMPTY = new PluginChains(new IdentityHashMap<>(), null, List.of());

  private final IdentityHashMap<Route, PluginChain> byRoute;
  private final PluginChain unrouted;
  private final List<PluginSummary> plugins;

  /** A WasmPlugin in effect, for {@code /config_dump}. */
  public record PluginSummary(int rank, String plugin, String source, String url, String phase, int priority,
      FailStrategy failStrategy, String implementation) {}

  public PluginChains(Map<Route, PluginChain> byRoute, List<PluginSummary> plugins) {
    this(byRoute, null, plugins);
  }

  /**
   * @param unrouted the plugins that run on requests no route matches (global configurations and
   *     domain rules, as in Envoy, where the filters run before the router answers 404); null: none
   */
  public PluginChains(Map<Route, PluginChain> byRoute, PluginChain unrouted, List<PluginSummary> plugins) {
    this(unrouted, plugins, new IdentityHashMap<>(byRoute));
  }

  /** Takes {@code byRoute} as it is: the caller made it for this object and does not change it afterwards. */
  static PluginChains owning(IdentityHashMap<Route, PluginChain> byRoute, PluginChain unrouted, List<PluginSummary> plugins) {
    return new PluginChains(unrouted, plugins, byRoute);
  }

  private PluginChains(PluginChain unrouted, List<PluginSummary> plugins, IdentityHashMap<Route, PluginChain> owned) {
    this.byRoute = owned;
    this.unrouted = unrouted;
    this.plugins = List.copyOf(plugins);
  }

  /** The chain for requests without a route, or null. */
  public PluginChain unrouted() {
    return unrouted;
  }

  /** The chain of {@code route}, or null when it has no plugins. */
  public PluginChain forRoute(Route route) {
    return byRoute.isEmpty() ? null : byRoute.get(route);
  }

  public boolean isEmpty() {
    return byRoute.isEmpty() && plugins.isEmpty();
  }

  /** The WasmPlugins in effect, in chain order. */
  public List<PluginSummary> plugins() {
    return plugins;
  }

  /** Every distinct chain (for tests and for the registry to see which factories are in use). */
  public java.util.Collection<PluginChain> chains() {
    java.util.LinkedHashSet<PluginChain> all = new java.util.LinkedHashSet<>(byRoute.values());
    if (unrouted != null) all.add(unrouted);
    return java.util.Collections.unmodifiableCollection(all);
  }

  @Override
  public String toString() {
    return "PluginChains" + plugins;
  }
}
