package io.higressj.wasm.fetch;

import java.io.IOException;

/** A module that could not be fetched; the message names the URL and the reason. */
public final class ModuleFetchException extends IOException {
  public ModuleFetchException(String message) {
    super(message);
  }

  public ModuleFetchException(String message, Throwable cause) {
    super(message, cause);
  }
}
