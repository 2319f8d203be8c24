/**
 * The proxy-wasm ABI 0.2.1 host on Chicory: a proxy-wasm module becomes a {@link
 * io.higressj.api.PluginFactory} whose filters run the module's HTTP contexts ({@link
 * io.higressj.wasm.WasmPlugins}).
 */
package io.higressj.wasm;
