/**
 * The gateway under test, started the way a user starts it: in this JVM through
 * {@link io.higressj.server.GatewayServer} ({@link io.higressj.conformance.gateway.InProcessGateway}),
 * or as a separate process from any command that accepts the {@code bin/higress} flags
 * ({@link io.higressj.conformance.gateway.ExternalGateway}), whose bound ports are read from its
 * {@code higress-j ready:} line. {@link io.higressj.conformance.gateway.AdminClient} reads the admin
 * endpoint: the configuration version (to know when a change is applied), the listeners, and the
 * object status.
 */
package io.higressj.conformance.gateway;
