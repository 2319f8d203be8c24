package io.higressj.server.plugin;

import io.higressj.api.PluginFactory;
import io.higressj.config.plugin.PluginRegistry;
import io.higressj.config.plugin.WasmModuleResolver;
import io.higressj.wasm.WasmHost;
import io.higressj.wasm.WasmPlugins;
import io.higressj.wasm.fetch.ModuleFetcher;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * The Wasm seam of the plugin registry: a WasmPlugin whose name no Java plugin serves is fetched
 * ({@code file://}, {@code http(s)://}, {@code oci://}, cached on disk by digest) and compiled by the
 * proxy-wasm host of the {@code wasm} module, off the event loops.
 */
public final class WasmModules implements WasmModuleResolver {
  private final Path cacheDir;
  private ModuleFetcher fetcher;

  /** @param cacheDir where fetched modules are kept by digest */
  public WasmModules(Path cacheDir) {
    this.cacheDir = cacheDir;
  }

  /**
   * The fetcher, made at the first module to resolve: its class initialises a JSON mapper, which a
   * gateway without Wasm plugins need not wait for at start.
   */
  private synchronized ModuleFetcher fetcher() {
    if (fetcher == null) fetcher = new ModuleFetcher(cacheDir);
    return fetcher;
  }

  /** {@code $HIGRESS_WASM_CACHE}, else {@code ~/.cache/higress-j/wasm} */
  public static Path defaultCacheDir() {
    String env = System.getenv("HIGRESS_WASM_CACHE");
    if (env != null && !env.isBlank()) return Path.of(env);
    return Path.of(System.getProperty("user.home"), ".cache", "higress-j", "wasm");
  }

  @Override
  public CompletableFuture<PluginFactory<?>> resolve(PluginRegistry.PluginRef plugin) {
    String sha = plugin.sha256() == null || plugin.sha256().isEmpty() ? null : plugin.sha256();
    return WasmPlugins.load(fetcher(), WasmHost.shared(), plugin.name(), plugin.url(), sha).thenApply(f -> f);
  }
}
