/**
 * Response compression as the {@code gzip} settings of the {@code higress-config} ConfigMap say:
 * {@link io.higressj.proxy.compression.HttpCompressionHandler} joins a downstream HTTP/1.1 pipeline or HTTP/2
 * stream pipeline at its first request while gzip is enabled, decides per response from the current
 * snapshot, and gzips bodies chunk by chunk.
 */
package io.higressj.proxy.compression;
