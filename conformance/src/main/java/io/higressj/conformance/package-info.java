/**
 * The conformance runner: runs a corpus of gateway conformance cases (the format of
 * {@code ../shared/conformance/higress} and {@code ../shared/conformance/gateway-api}, described by
 * their {@code FORMAT.md}) against the gateway. {@link io.higressj.conformance.ConformanceRunner} is
 * the entry point for code and tests, {@link io.higressj.conformance.Main} the command line
 * ({@code bin/higress-conformance}). The feature packages: {@code corpus} (the format as records),
 * {@code capability} (what the gateway supports; the rest is skipped), {@code store} (the objects
 * the gateway sees, as an API server keeps them), {@code gateway} (starting and observing the
 * gateway), {@code backend} (echo backends), {@code client} (HTTP, gRPC and WebSocket clients that
 * behave like the upstream Go client), {@code check} (comparison rules), {@code run} (cases, steps,
 * retries) and {@code report} (results).
 */
package io.higressj.conformance;
