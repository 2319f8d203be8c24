/**
 * Test support for Higress-J: what tests of the gateway and the conformance runner need
 * beside the gateway itself. Each feature has its own package: {@code echo} (echo backends),
 * {@code tls} (certificates made for a test run), {@code leak} (failing tests on Netty buffer
 * leak reports).
 */
package io.higressj.testing;
