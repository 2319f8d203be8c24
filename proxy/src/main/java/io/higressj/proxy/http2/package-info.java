/**
 * Downstream HTTP/2 at the edge: the frame codec with the settings and budgets of
 * {@link io.higressj.proxy.Http2Options}, and {@link io.higressj.proxy.http2.Http2FloodGuard},
 * which counts frames on the wire in front of the codec and ends a flooding connection with
 * GOAWAY {@code ENHANCE_YOUR_CALM}. {@code docs/security.md} (section "HTTP/2") says which budget
 * is kept by Netty and which here.
 */
package io.higressj.proxy.http2;
