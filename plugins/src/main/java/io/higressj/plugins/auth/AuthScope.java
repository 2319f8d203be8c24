package io.higressj.plugins.auth;

import io.higressj.api.PluginConfigException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where an auth plugin's configuration authenticates, with Higress's semantics: the global
 * configuration ({@code defaultConfig}) authenticates every request it applies to when {@code
 * global_auth} is true or absent, and none when it is false; a rule's configuration names the
 * consumers it lets through ({@code allow}) and always authenticates.
 *
 * @param enforce whether requests under this configuration are authenticated at all
 * @param allow the consumers let through, or null for any authenticated consumer
 */
public record AuthScope(boolean enforce, Set<String> allow) {
  public AuthScope {
    allow = allow == null ? null : Set.copyOf(allow);
  }

  /** the global configuration's scope, from its {@code global_auth} */
  public static AuthScope global(Map<String, Object> config) throws PluginConfigException {
    Boolean g = ConfigFields.bool(config, "global_auth", "global_auth", null);
    // Absent: Higress authenticates globally only when no rule exists; the plugin cannot see the
    // rules, and a request that no rule matches is then authenticated (the safe side).
    return new AuthScope(g == null || g, null);
  }

  /** a rule's scope: its {@code allow} list (required, may be empty: nobody is let through) */
  public static AuthScope rule(Map<String, Object> rule) throws PluginConfigException {
    List<String> allow = ConfigFields.strings(rule, "allow", "allow");
    if (allow == null) throw new PluginConfigException("allow", "missing (expected: a list of consumer names)");
    return new AuthScope(true, Set.copyOf(allow));
  }

  /**
   * The global configuration ({@code config} may be null: empty), refused when it has {@code allow}
   * without {@code consumers}: an allow list belongs in a rule.
   */
  public static Map<String, Object> globalConfig(Map<String, Object> config) throws PluginConfigException {
    Map<String, Object> c = ConfigFields.orEmpty(config);
    if (c.containsKey("allow") && !c.containsKey("consumers")) {
      throw new PluginConfigException("allow", "only in a rule's configuration (the global one lists consumers)");
    }
    return c;
  }

  /** the scope of a rule that lists its own consumers: its {@code allow}, or any of them without one */
  public static AuthScope ownConsumers(Map<String, Object> rule) throws PluginConfigException {
    return rule.containsKey("allow") ? rule(rule) : new AuthScope(true, null);
  }

  /** fails for a rule that allows the global configuration's consumers when there is no global configuration */
  public static void requireGlobal(Object global) throws PluginConfigException {
    if (global == null) {
      throw new PluginConfigException("allow", "the global configuration (defaultConfig) has no consumers to allow");
    }
  }

  public boolean allows(String consumer) {
    return allow == null || allow.contains(consumer);
  }

  /** true for a rule's configuration (an allow list) */
  public boolean ruleLevel() {
    return allow != null;
  }
}
