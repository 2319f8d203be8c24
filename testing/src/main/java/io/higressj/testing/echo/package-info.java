/**
 * The in-process echo backends of the tests and of the conformance runner: {@link
 * io.higressj.testing.echo.EchoServer} answers like the upstream backends of the Higress and
 * Gateway API corpora (JSON description of the request, echoed body, gRPC echo, WebSocket
 * echo), over HTTP/1.1, h2c and WebSocket, and records which requests it received.
 */
package io.higressj.testing.echo;
