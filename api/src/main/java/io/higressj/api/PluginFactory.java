package io.higressj.api;

import java.util.Map;

/**
 * Names, configures and creates one plugin. Built-in and user plugins register implementations with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/io.higressj.api.PluginFactory}).
 *
 * <p>Configuration arrives as the plain Java form of the WasmPlugin's JSON/YAML ({@code Map}, {@code
 * List}, {@code String}, {@code Number}, {@code Boolean}, null) and is parsed once per configuration
 * change into an immutable {@code C}, never per request.
 *
 * @param <C> the parsed configuration, an immutable record
 */
public interface PluginFactory<C> {
  /** the plugin's name, exactly as Higress spells it (kebab-case), e.g. {@code key-auth} */
  String name();

  /** the phase used when the WasmPlugin does not name one */
  default PluginPhase defaultPhase() {
    return PluginPhase.UNSPECIFIED_PHASE;
  }

  /** the priority used when the WasmPlugin does not give one */
  default int defaultPriority() {
    return 0;
  }

  /** parses {@code defaultConfig} (the global configuration) */
  C parseConfig(Map<String, Object> config) throws PluginConfigException;

  /**
   * Parses one match rule's configuration. {@code global} is the parsed {@code defaultConfig}, or null
   * when there is none; plugins whose rules extend the global configuration (consumers and an {@code
   * allow} list, for instance) combine the two here.
   */
  default C parseRuleConfig(Map<String, Object> rule, C global) throws PluginConfigException {
    return parseConfig(rule);
  }

  /** a filter for one request */
  HttpFilter create(C config);
}
