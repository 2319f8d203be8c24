package io.higressj.config.plugin;

import io.higressj.api.PluginFactory;
import java.util.concurrent.CompletableFuture;

/**
 * The seam for plugins that are not Java: fetches (and verifies) the module a WasmPlugin's {@code url}
 * names and turns it into a factory. It runs outside the translator, which stays pure: the server's
 * registry asks for a module, answers {@link PluginRegistry.Pending} meanwhile and re-applies the
 * configuration when the future completes. The Wasm module plugs in here, e.g. with {@code
 * ModuleFetcher.fetch(url, sha256)} followed by {@code WasmPlugins.factory(name, bytes)}.
 */
@FunctionalInterface
public interface WasmModuleResolver {
  /**
   * Starts fetching and compiling the module; may complete on any thread. {@code sha256} is empty when
   * the WasmPlugin gives none. A failed future is reported as a problem of the WasmPlugins using it.
   */
  CompletableFuture<PluginFactory<?>> resolve(PluginRegistry.PluginRef plugin);
}
