/**
 * The Netty data plane: listeners ({@code listener}), TLS and SNI ({@code tls}), the request
 * exchange from downstream to upstream ({@code exchange}), upstream connection pools
 * ({@code upstream}) and the access log ({@code accesslog}).
 */
package io.higressj.proxy;
