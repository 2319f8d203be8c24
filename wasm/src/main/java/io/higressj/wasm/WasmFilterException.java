package io.higressj.wasm;

/**
 * A Wasm plugin failed while handling a request: it trapped, threw from a host call, exited, or its
 * instance could not be created. Thrown from the {@link io.higressj.api.HttpFilter} callbacks; the
 * filter runner fails the request open or closed as the plugin's {@code failStrategy} says. The
 * instance that failed has already been discarded and the error counted.
 */
public final class WasmFilterException extends RuntimeException {
  private final String plugin;

  public WasmFilterException(String plugin, String message, Throwable cause) {
    super("wasm plugin " + plugin + ": " + message, cause);
    this.plugin = plugin;
  }

  /** the plugin's name */
  public String plugin() {
    return plugin;
  }
}
