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

  public boolean allows(String consumer) {
    return allow == null || allow.contains(consumer);
  }

  /** true for a rule's configuration (an allow list) */
  public boolean ruleLevel() {
    return allow != null;
  }
}
