package io.higressj.config.plugin;

import static java.util.Objects.requireNonNull;

import io.higressj.api.PluginFactory;
import java.util.Map;

/**
 * Finds the factory serving a WasmPlugin: a built-in Java plugin of that name, a user's plugin jar, or
 * (through the server's Wasm seam) a fetched module. Lookups are cheap and never block: a module that is
 * still being fetched is {@link Lookup.Pending}, and the registry's owner re-applies the configuration
 * once it is ready.
 */
@FunctionalInterface
public interface PluginRegistry {
  /** The factory for {@code plugin}, or why there is none (yet). */
  Lookup lookup(PluginRef plugin);

  /** What the WasmPlugin says about its plugin. */
  record PluginRef(String name, String url, String sha256, String imagePullPolicy) {
    public PluginRef {
      requireNonNull(name, "name");
      requireNonNull(url, "url");
      requireNonNull(sha256, "sha256");
      requireNonNull(imagePullPolicy, "imagePullPolicy");
    }
  }

  /** The outcome of a lookup. */
  sealed interface Lookup {}

  /** {@code factory} serves the plugin. */
  record Found(PluginFactory<?> factory) implements Lookup {
    public Found {
      requireNonNull(factory, "factory");
    }
  }

  /** The module is being fetched or compiled: the plugin is left out until it is ready. */
  record Pending(String message) implements Lookup {}

  /** No factory can serve the plugin; {@code message} says why. */
  record Missing(String message) implements Lookup {}

  /** A registry of fixed factories by name (tests, tools). */
  static PluginRegistry of(Map<String, ? extends PluginFactory<?>> factories) {
    Map<String, PluginFactory<?>> copy = Map.copyOf(factories);
    return ref -> {
      PluginFactory<?> f = copy.get(ref.name());
      return f != null ? new Found(f) : new Missing(missingMessage(ref.name()));
    };
  }

  /** The message for a plugin nobody can serve. */
  static String missingMessage(String name) {
    return "no built-in plugin named " + name + " and no Wasm module loader";
  }
}
