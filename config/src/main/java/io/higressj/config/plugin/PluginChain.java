package io.higressj.config.plugin;

import java.util.List;

/**
 * The plugins of one route in chain order (phase, then priority, highest first), prebuilt when the
 * configuration changes. Immutable; routes with the same plugins share one instance.
 */
public record PluginChain(List<PluginBinding> bindings) {
  public PluginChain {
    bindings = List.copyOf(bindings);
  }

  public int size() {
    return bindings.size();
  }

  public PluginBinding get(int i) {
    return bindings.get(i);
  }
}
