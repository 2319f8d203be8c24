package io.higressj.wasm;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One configuration of a Wasm plugin: the JSON given to {@code proxy_on_configure}. Compared by
 * identity: each parsed configuration gets its own root context in every instance.
 */
public final class WasmPluginConfig {
  private final String json;
  private final byte[] bytes;

  WasmPluginConfig(String json) {
    this.json = Objects.requireNonNull(json, "json");
    this.bytes = json.getBytes(StandardCharsets.UTF_8);
  }

  /** the configuration as the plugin sees it */
  public String json() {
    return json;
  }

  byte[] bytes() {
    return bytes;
  }

  @Override
  public String toString() {
    return "WasmPluginConfig" + json;
  }
}
