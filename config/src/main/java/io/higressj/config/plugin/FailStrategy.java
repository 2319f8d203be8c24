package io.higressj.config.plugin;

/**
 * What happens when a plugin throws (or, for Wasm, traps): Higress's {@code failStrategy}. FAIL_CLOSE,
 * Higress's default, answers 500 (or resets the stream once the response started); FAIL_OPEN skips the
 * plugin for the rest of that request.
 */
public enum FailStrategy {
  FAIL_CLOSE,
  FAIL_OPEN
}
