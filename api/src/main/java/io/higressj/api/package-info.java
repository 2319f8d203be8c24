/**
 * The plugin SPI: what a filter sees of a request ({@link io.higressj.api.HttpFilter}, {@link
 * io.higressj.api.FilterContext}, header and body views) and how a plugin is named, configured and
 * created ({@link io.higressj.api.PluginFactory}). Built-in plugins, users' Java plugins and the
 * proxy-wasm host are all written against this package; it depends on the JDK only.
 */
package io.higressj.api;
