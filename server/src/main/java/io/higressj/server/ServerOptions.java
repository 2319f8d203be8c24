package io.higressj.server;

import static java.util.Objects.requireNonNull;

import io.higressj.proxy.ProxyOptions;
import java.nio.file.Path;

/**
 * How to run a gateway.
 *
 * @param configDir the configuration directory (created with a commented example if missing)
 * @param bindAddress address the HTTP and HTTPS listeners bind
 * @param httpPort 0 picks a free port
 * @param httpsPort 0 picks a free port; -1 disables HTTPS
 * @param adminAddress address of the admin endpoint (loopback by default)
 * @param adminPort 0 picks a free port; -1 disables it
 * @param accessLog "stdout", "off" or a file path
 * @param ingressClass the IngressClass served (Ingresses without a class are served too)
 * @param workers event loop threads; 0 = one per CPU
 * @param proxy data plane settings
 */
public record ServerOptions(
    Path configDir,
    String bindAddress,
    int httpPort,
    int httpsPort,
    String adminAddress,
    int adminPort,
    String accessLog,
    String ingressClass,
    int workers,
    ProxyOptions proxy) {
  public ServerOptions {
    requireNonNull(configDir, "configDir");
    requireNonNull(bindAddress, "bindAddress");
    requireNonNull(adminAddress, "adminAddress");
    requireNonNull(accessLog, "accessLog");
    requireNonNull(ingressClass, "ingressClass");
    requireNonNull(proxy, "proxy");
    port("httpPort", httpPort, false);
    port("httpsPort", httpsPort, true);
    port("adminPort", adminPort, true);
    if (workers < 0) throw new IllegalArgumentException("workers: " + workers + " (expected: >= 0)");
  }

  private static void port(String name, int p, boolean mayDisable) {
    if (p < (mayDisable ? -1 : 0) || p > 65535) {
      throw new IllegalArgumentException(name + ": " + p + " (expected: 0..65535" + (mayDisable ? ", or -1 to disable" : "") + ")");
    }
  }

  /** Defaults for tests: every port picked free, access log off. */
  public static ServerOptions forTest(Path configDir) {
    return new ServerOptions(configDir, "127.0.0.1", 0, 0, "127.0.0.1", 0, "off", "higress", 2, ProxyOptions.defaults());
  }

  public ServerOptions withAccessLog(String target) {
    return new ServerOptions(configDir, bindAddress, httpPort, httpsPort, adminAddress, adminPort, target, ingressClass, workers, proxy);
  }

  public ServerOptions withProxy(ProxyOptions p) {
    return new ServerOptions(configDir, bindAddress, httpPort, httpsPort, adminAddress, adminPort, accessLog, ingressClass, workers, p);
  }
}
