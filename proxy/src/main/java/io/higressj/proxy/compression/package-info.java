/**
 * Response compression as the {@code gzip} settings of the {@code higress-config} ConfigMap say:
 * {@link io.higressj.proxy.compression.HttpCompressionHandler} sits in every downstream HTTP/1.1 pipeline and
 * HTTP/2 stream pipeline, decides per response from the current snapshot, and gzips bodies chunk by chunk.
 */
package io.higressj.proxy.compression;
