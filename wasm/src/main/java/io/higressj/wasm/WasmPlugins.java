package io.higressj.wasm;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.InterpreterMachine;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExportSection;
import com.dylibso.chicory.wasm.types.ExternalType;
import io.higressj.api.PluginFactory;
import io.higressj.wasm.fetch.ModuleFetcher;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/** Turns proxy-wasm modules into plugins. */
public final class WasmPlugins {
  private WasmPlugins() {}

  /**
   * Fetches the module a WasmPlugin's {@code url} names and compiles it, both on the fetcher's
   * executor (never on the caller's thread). Fails with a {@link
   * io.higressj.wasm.fetch.ModuleFetchException} or a {@link WasmLoadException}.
   */
  public static CompletableFuture<WasmPluginFactory> load(
      ModuleFetcher fetcher, WasmHost host, String pluginName, String url, String sha256OrNull) {
    return fetcher
        .fetch(url, sha256OrNull)
        .thenApplyAsync(
            module -> {
              try {
                return factory(host, pluginName, module);
              } catch (WasmLoadException e) {
                throw new CompletionException(e);
              }
            },
            fetcher.executor());
  }

  /** {@link #factory(WasmHost, String, byte[])} on the gateway's shared host */
  public static PluginFactory<?> factory(String pluginName, byte[] module) throws WasmLoadException {
    return factory(WasmHost.shared(), pluginName, module);
  }

  /**
   * Parses and compiles {@code module} (to JVM bytecode; on the interpreter if that fails) and
   * checks that it instantiates and initialises. Slow for big modules: call it off the event loop.
   */
  public static WasmPluginFactory factory(WasmHost host, String pluginName, byte[] module)
      throws WasmLoadException {
    return factory(host, pluginName, module, true);
  }

  /** {@code compile} false runs the module on Chicory's interpreter (slower; for tests) */
  static WasmPluginFactory factory(WasmHost host, String pluginName, byte[] module, boolean compile)
      throws WasmLoadException {
    Objects.requireNonNull(pluginName, "pluginName");
    Objects.requireNonNull(module, "module");
    WasmModule parsed;
    try {
      parsed = Parser.parse(module);
    } catch (RuntimeException e) {
      throw new WasmLoadException(
          "wasm plugin " + pluginName + ": not a valid Wasm module: " + e.getMessage(), e);
    }
    Set<String> exports = new HashSet<>();
    boolean memory = false;
    ExportSection es = parsed.exportSection();
    for (int i = 0; i < es.exportCount(); i++) {
      exports.add(es.getExport(i).name());
      memory |= es.getExport(i).exportType() == ExternalType.MEMORY;
    }
    if (!memory) {
      throw new WasmLoadException("wasm plugin " + pluginName + ": the module exports no memory");
    }
    if (exports.stream().noneMatch(e -> e.startsWith("proxy_on_") || e.startsWith("proxy_abi_"))) {
      throw new WasmLoadException(
          "wasm plugin " + pluginName + ": not a proxy-wasm module (no proxy_on_* export)");
    }
    Function<Instance, Machine> machine;
    boolean compiled;
    try {
      if (!compile) {
        throw new UnsupportedOperationException("interpreter asked for");
      }
      machine = MachineFactoryCompiler.compile(parsed);
      compiled = true;
    } catch (RuntimeException | LinkageError e) {
      // the interpreter runs any valid module, only slower
      machine = InterpreterMachine::new;
      compiled = false;
    }
    WasmPluginFactory factory =
        new WasmPluginFactory(host, pluginName, parsed, machine, compiled, exports);
    PluginVm probe = null;
    try {
      probe = new PluginVm(factory, null);
      probe.start();
    } catch (RuntimeException e) {
      throw new WasmLoadException(
          "wasm plugin " + pluginName + ": does not start: " + e.getMessage(), e);
    } finally {
      if (probe != null) {
        probe.discard();
      }
    }
    return factory;
  }
}
