/**
 * The runner's HTTP, gRPC and WebSocket clients, on Netty so that the request target, the Host
 * header and {@code :authority} go on the wire exactly as a case writes them.
 * {@link io.higressj.conformance.client.WireClient} sends one request on a new connection (HTTP/1.1,
 * TLS with SNI, versions, cipher suites and client certificates, HTTP/2 through ALPN, h2c with prior
 * knowledge); {@link io.higressj.conformance.client.GoClient} adds what the upstream harnesses'
 * Go {@code net/http} client does: default {@code User-Agent}, {@code Accept-Encoding: gzip} with
 * transparent decompression, canonical header names and redirect following.
 */
package io.higressj.conformance.client;
