package io.higressj.config.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Gateway API listeners of a snapshot, by {@link ListenerConfig#key()}, in key order. Ingress
 * traffic does not use them: it has the gateway's own HTTP and HTTPS ports and {@link Snapshot#routes()}.
 */
public final class GatewayListeners {
  public static final GatewayListeners NONE = new GatewayListeners(List.of());

  private final List<ListenerConfig> all;
  private final Map<String, ListenerConfig> byKey;

  public GatewayListeners(List<ListenerConfig> listeners) {
    Map<String, ListenerConfig> m = new LinkedHashMap<>();
    listeners.stream().sorted(java.util.Comparator.comparing(ListenerConfig::key)).forEach(l -> m.put(l.key(), l));
    this.byKey = java.util.Collections.unmodifiableMap(m);
    this.all = List.copyOf(m.values());
  }

  public List<ListenerConfig> all() {
    return all;
  }

  /** The listener of that key, or null. */
  public ListenerConfig get(String key) {
    return byKey.get(key);
  }

  public boolean isEmpty() {
    return all.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GatewayListeners g && all.equals(g.all);
  }

  @Override
  public int hashCode() {
    return all.hashCode();
  }
}
