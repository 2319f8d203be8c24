package io.higressj.wasm;

/** A module that cannot be run: not Wasm, not a proxy-wasm plugin, or failing to start. */
public final class WasmLoadException extends Exception {
  public WasmLoadException(String message) {
    super(message);
  }

  public WasmLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
