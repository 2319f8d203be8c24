/**
 * Higress's {@code sni-misdirect}: a request on an HTTP/2 TLS connection whose server name (SNI)
 * does not cover its {@code :authority} is answered 421, so that a browser which reused the
 * connection for another host opens a new one (RFC 7540 9.1.1, 9.1.2).
 */
package io.higressj.plugins.snimisdirect;
