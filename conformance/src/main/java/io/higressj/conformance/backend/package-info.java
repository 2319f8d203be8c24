/**
 * The echo backends of a corpus: one in-process {@link io.higressj.testing.echo.EchoServer} per
 * Service of {@code _base/base.yaml}, and the {@code v1 Service} and {@code v1 Endpoints} objects
 * that make {@code <service>.<namespace>:<servicePort>} reach it through the gateway.
 */
package io.higressj.conformance.backend;
