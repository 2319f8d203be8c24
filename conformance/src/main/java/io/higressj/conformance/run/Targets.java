package io.higressj.conformance.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.higressj.conformance.client.GoClient;
import io.higressj.conformance.corpus.Traffic.Target;
import io.higressj.conformance.gateway.AdminClient;
import io.higressj.conformance.gateway.GatewayUnderTest;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Where a request goes (FORMAT.md 6 and Gateway API FORMAT.md 2.2). Without a {@code target} the
 * logical address is {@code localhost}: port 80 is the gateway's HTTP port, 443 its HTTPS port.
 * A {@code target} names a Gateway and a listener port: the gateway lists such listeners in
 * {@code /config_dump} ({@code listeners[]} with {@code gateway: {namespace, name}},
 * {@code gatewayPort} and the bound {@code address}/{@code port}); failing that, listener port 80
 * is the HTTP port and 443 the HTTPS port.
 */
final class Targets {
  /** What the client dials, and the logical address the Host header and redirects speak of. */
  record Endpoint(InetSocketAddress dial, String logicalHost, int logicalPort) {
    /** The default Host: the logical host, with the port unless it is the scheme's default. */
    String authority(String scheme) {
      boolean defaultPort = (scheme.equals("https") ? 443 : 80) == logicalPort;
      return defaultPort ? logicalHost : logicalHost + ":" + logicalPort;
    }
  }

  /** How long a read of the listeners is reused: distribution checks send hundreds of requests. */
  private static final long LISTENERS_TTL_NANOS = 500_000_000L;

  private final GatewayUnderTest gateway;
  private final AdminClient admin;
  private JsonNode listeners;
  private long listenersRead;

  Targets(GatewayUnderTest gateway, AdminClient admin) {
    this.gateway = gateway;
    this.admin = admin;
  }

  /** The endpoint of {@code target} (null: the default gateway address) for {@code scheme}. */
  Endpoint resolve(Target target, String scheme) throws IOException {
    int port = target != null ? target.port() : scheme.equals("https") ? 443 : 80;
    return resolve(target, scheme, port);
  }

  Endpoint resolve(Target target, String scheme, int logicalPort) throws IOException {
    if (target != null) {
      for (JsonNode l : listeners()) {
        JsonNode gw = l.path("gateway");
        if (gw.path("namespace").asText().equals(target.gateway().namespace()) && gw.path("name").asText().equals(target.gateway().name())
            && l.path("gatewayPort").asInt(-1) == logicalPort) {
          String address = l.path("address").asText(gateway.address());
          if (address.equals("0.0.0.0") || address.equals("::")) address = gateway.address();
          return new Endpoint(new InetSocketAddress(address, l.path("port").asInt()), address, logicalPort);
        }
      }
    }
    String host = target == null ? "localhost" : gateway.address();
    if (scheme.equals("http") && logicalPort == 80) return new Endpoint(new InetSocketAddress(gateway.address(), gateway.httpPort()), host, 80);
    if (scheme.equals("https") && logicalPort == 443 && gateway.httpsPort() > 0) {
      return new Endpoint(new InetSocketAddress(gateway.address(), gateway.httpsPort()), host, 443);
    }
    throw new IOException("the gateway has no " + scheme + " listener for port " + logicalPort
        + (target == null ? "" : " of Gateway " + target.gateway()) + " (see docs/conformance.md, \"Targets\")");
  }

  private synchronized JsonNode listeners() throws IOException {
    if (listeners == null || System.nanoTime() - listenersRead > LISTENERS_TTL_NANOS) {
      listeners = admin.configDump().path("listeners");
      listenersRead = System.nanoTime();
    }
    return listeners;
  }

  /** Dials every host name at the gateway, by scheme and port, as the target's Gateway would. */
  GoClient.Dialer dialer(Target target) {
    return (scheme, host, port) -> resolve(target, scheme, port).dial();
  }
}
