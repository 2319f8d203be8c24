/**
 * Higress's built-in plugins as native Java, one package per plugin ({@code plugins.keyauth},
 * {@code plugins.iprestriction} ...), each a {@link io.higressj.api.PluginFactory} registered in
 * {@code META-INF/services/io.higressj.api.PluginFactory} under Higress's plugin name.
 */
package io.higressj.plugins;
