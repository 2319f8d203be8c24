package io.higressj.config.model;

import static java.util.Objects.requireNonNull;

/** One upstream address: an IP or a host name, and a port. */
public record Endpoint(String address, int port) {
  public Endpoint {
    requireNonNull(address, "address");
    if (port < 1 || port > 65535) throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
  }

  @Override
  public String toString() {
    return address.indexOf(':') >= 0 ? "[" + address + "]:" + port : address + ":" + port;
  }
}
