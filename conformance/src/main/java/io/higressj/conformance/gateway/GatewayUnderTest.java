package io.higressj.conformance.gateway;

/** A running gateway: where it listens. Closing it stops it. */
public interface GatewayUnderTest extends AutoCloseable {
  /** The address clients connect to (loopback). */
  String address();

  int httpPort();

  /** -1 when HTTPS is disabled. */
  int httpsPort();

  /** -1 when the admin endpoint is disabled. */
  int adminPort();

  /** For reports: what runs, e.g. {@code in-process} or the command. */
  String describe();

  @Override
  void close();
}
