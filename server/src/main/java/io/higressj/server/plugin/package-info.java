/**
 * The plugin registry of a running gateway: built-in plugins listed by their {@code META-INF/services}
 * entries (as {@link java.util.ServiceLoader} finds them; loaded at first use when the entry names them),
 * users' plugin jars in {@code <config-dir>/plugins/} (each in its own class loader, loaded, replaced
 * and removed while the gateway runs), and the Wasm seam ({@link
 * io.higressj.config.plugin.WasmModuleResolver}, found with ServiceLoader too) for plugins that are not
 * Java.
 */
package io.higressj.server.plugin;
