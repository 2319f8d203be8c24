/**
 * Layer-4 Gateway listeners: TCP (TCPRoute) and TLS passthrough by SNI (TLSRoute). Bytes are spliced
 * between the client and an endpoint of the chosen cluster, on the client connection's event loop.
 */
package io.higressj.proxy.tcp;
