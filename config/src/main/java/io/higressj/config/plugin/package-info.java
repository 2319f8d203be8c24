/**
 * WasmPlugin objects to plugin chains: the Higress contract (url naming the plugin, phase and priority
 * order, defaultConfig, matchRules by ingress, domain and service, configDisable, failStrategy, Secret
 * references), the per-route chains a snapshot carries ({@link io.higressj.config.plugin.PluginChains}),
 * and the seams that find a plugin's factory ({@link io.higressj.config.plugin.PluginRegistry}, {@link
 * io.higressj.config.plugin.WasmModuleResolver}).
 */
package io.higressj.config.plugin;
