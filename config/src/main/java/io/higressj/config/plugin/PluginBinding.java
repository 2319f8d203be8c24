package io.higressj.config.plugin;

import static java.util.Objects.requireNonNull;

import io.higressj.api.PluginFactory;
import io.higressj.api.PluginPhase;
import java.util.List;

/**
 * One plugin on one route, with its configuration already parsed. The rules that could be decided
 * when the configuration was compiled (by Ingress and Service) are decided; what is left are the
 * {@code domain} rules that come before the first decided rule, checked against the request's host in
 * order. A null configuration means the plugin is disabled there ({@code configDisable}, {@code
 * defaultConfigDisable}, or no global configuration).
 *
 * @param rank the plugin's position in the global order (phase, then priority, then name): chains of
 *     different routes are sub-sequences of one order, so a reroute continues after the current rank
 * @param plugin the plugin's name, e.g. {@code key-auth}
 * @param source the WasmPlugin, e.g. {@code WasmPlugin higress-system/key-auth}
 * @param domainRules the domain rules still to check per request, in order (first match wins)
 * @param config the configuration when no domain rule matches; null: the plugin does not run
 * @param configFrom where {@code config} comes from ({@code defaultConfig}, {@code matchRules[2]}), for
 *     {@code /config_dump}
 */
public record PluginBinding(int rank, String plugin, String source, PluginPhase phase, int priority,
    FailStrategy failStrategy, PluginFactory<Object> factory, List<DomainRule> domainRules, Object config,
    String configFrom) {
  public PluginBinding {
    requireNonNull(plugin, "plugin");
    requireNonNull(source, "source");
    requireNonNull(phase, "phase");
    requireNonNull(failStrategy, "failStrategy");
    requireNonNull(factory, "factory");
    domainRules = List.copyOf(domainRules);
    requireNonNull(configFrom, "configFrom");
  }

  /** A {@code domain} rule: {@code config} null when the rule disables the plugin. */
  public record DomainRule(DomainMatch domains, Object config, String from) {
    public DomainRule {
      requireNonNull(domains, "domains");
      requireNonNull(from, "from");
    }
  }

  /** The configuration for a request to {@code authority}, or null when the plugin does not run. */
  public Object configFor(String authority) {
    List<DomainRule> rules = domainRules;
    for (int i = 0, n = rules.size(); i < n; i++) {
      DomainRule r = rules.get(i);
      if (r.domains().matches(authority)) return r.config();
    }
    return config;
  }
}
