/**
 * The gateway process: command line ({@link io.higressj.server.Main}), wiring of config source,
 * translator and data plane ({@link io.higressj.server.GatewayServer}), applying configuration with
 * last-good fallback ({@link io.higressj.server.ConfigApplier}) and the admin endpoint
 * ({@code admin}).
 */
package io.higressj.server;
