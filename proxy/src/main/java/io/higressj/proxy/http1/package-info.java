/**
 * Byte-level HTTP/1.x framing checks that sit in front of Netty's codecs: what Netty tolerates or
 * "fixes up" (obs-fold, header lines without a colon in responses, lenient start lines, transfer
 * codings other than a single {@code chunked}) is rejected here, before any message is decoded,
 * and the slowloris request-headers timeout is kept here.
 */
package io.higressj.proxy.http1;
