/**
 * The plugin registry of a running gateway: built-in plugins found with {@link java.util.ServiceLoader},
 * users' plugin jars in {@code <config-dir>/plugins/} (each in its own class loader, loaded, replaced
 * and removed while the gateway runs), and the Wasm seam ({@link
 * io.higressj.config.plugin.WasmModuleResolver}, found with ServiceLoader too) for plugins that are not
 * Java.
 */
package io.higressj.server.plugin;
