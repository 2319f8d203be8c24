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
 * @param listenerPorts Gateway listener port to the port bound ({@code --listener-port-map}; 0 = a free one);
 *     the key {@link #ANY_PORT} maps every port not listed; unmapped ports are bound as declared
 * @param writeStatus write Gateway API status into the objects' files (standalone mode's status store)
 * @param readCache directory for the configuration directory's read cache ({@code --read-cache}), or null for
 *     none
 * @param busyPoll how long an event loop keeps polling without blocking after it handled I/O ({@code
 *     --busy-poll}); zero: off
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
    ProxyOptions proxy,
    java.util.Map<Integer, Integer> listenerPorts,
    boolean writeStatus,
    Path readCache,
    java.time.Duration busyPoll) {
  /** The longest {@link #busyPoll}: polling longer only burns the CPU an idle loop would give back. */
  public static final java.time.Duration MAX_BUSY_POLL = java.time.Duration.ofMillis(10);

  /** The {@link #listenerPorts} key standing for every port ({@code *=TO}). */
  public static final int ANY_PORT = -1;

  public ServerOptions(Path configDir, String bindAddress, int httpPort, int httpsPort, String adminAddress, int adminPort,
      String accessLog, String ingressClass, int workers, ProxyOptions proxy) {
    this(configDir, bindAddress, httpPort, httpsPort, adminAddress, adminPort, accessLog, ingressClass, workers, proxy,
        java.util.Map.of(), true, null, java.time.Duration.ZERO);
  }

  public ServerOptions {
    listenerPorts = java.util.Map.copyOf(listenerPorts);
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
    requireNonNull(busyPoll, "busyPoll");
    if (busyPoll.isNegative() || busyPoll.compareTo(MAX_BUSY_POLL) > 0) {
      throw new IllegalArgumentException("busyPoll: " + busyPoll.toNanos() / 1000 + "us (expected: 0 to "
          + MAX_BUSY_POLL.toMillis() + "ms, e.g. 50us)");
    }
  }

  public ServerOptions withListenerPorts(java.util.Map<Integer, Integer> map) {
    return new ServerOptions(configDir, bindAddress, httpPort, httpsPort, adminAddress, adminPort, accessLog, ingressClass, workers, proxy,
        map, writeStatus, readCache, busyPoll);
  }

  /** @param write whether Gateway API status is written into the objects' files (standalone mode) */
  public ServerOptions withWriteStatus(boolean write) {
    return new ServerOptions(configDir, bindAddress, httpPort, httpsPort, adminAddress, adminPort, accessLog, ingressClass, workers, proxy,
        listenerPorts, write, readCache, busyPoll);
  }

  /** @param dir where to keep the configuration directory's read cache between runs; null: no cache */
  public ServerOptions withReadCache(Path dir) {
    return new ServerOptions(configDir, bindAddress, httpPort, httpsPort, adminAddress, adminPort, accessLog, ingressClass, workers, proxy,
        listenerPorts, writeStatus, dir, busyPoll);
  }

  /** The port to bind for a Gateway listener declaring {@code declared}: mapped, else as declared; 0 = a free one. */
  public int listenerPort(int declared) {
    Integer to = listenerPorts.get(declared);
    if (to == null) to = listenerPorts.get(ANY_PORT);
    return to == null ? declared : to;
  }

  /**
   * Parses {@code FROM=TO[,FROM=TO...]}; FROM may be {@code *} (every port not listed), TO 0 (a free port).
   *
   * @throws IllegalArgumentException with a message naming the bad entry
   */
  public static java.util.Map<Integer, Integer> parseListenerPortMap(String spec) {
    java.util.Map<Integer, Integer> m = new java.util.HashMap<>();
    if (spec == null || spec.isBlank()) return m;
    for (String entry : spec.split(",")) {
      String e = entry.trim();
      int eq = e.indexOf('=');
      try {
        if (eq <= 0) throw new NumberFormatException();
        String from = e.substring(0, eq).trim();
        int f = from.equals("*") ? ANY_PORT : Integer.parseInt(from);
        int t = Integer.parseInt(e.substring(eq + 1).trim());
        if ((f != ANY_PORT && (f < 1 || f > 65535)) || t < 0 || t > 65535) throw new NumberFormatException();
        m.put(f, t);
      } catch (NumberFormatException ex) {
        throw new IllegalArgumentException("--listener-port-map: " + e + " (expected: FROM=TO with FROM 1..65535 or *, TO 0..65535)");
      }
    }
    return m;
  }

  private static void port(String name, int p, boolean mayDisable) {
    if (p < (mayDisable ? -1 : 0) || p > 65535) {
      throw new IllegalArgumentException(name + ": " + p + " (expected: 0..65535" + (mayDisable ? ", or -1 to disable" : "") + ")");
    }
  }

  /** Defaults for tests: every port picked free, access log off. */
  public static ServerOptions forTest(Path configDir) {
    return new ServerOptions(configDir, "127.0.0.1", 0, 0, "127.0.0.1", 0, "off", "higress", 2, ProxyOptions.defaults(),
        java.util.Map.of(ANY_PORT, 0), true, null, java.time.Duration.ZERO);
  }

  public ServerOptions withAccessLog(String target) {
    return new ServerOptions(configDir, bindAddress, httpPort, httpsPort, adminAddress, adminPort, target, ingressClass, workers, proxy,
        listenerPorts, writeStatus, readCache, busyPoll);
  }

  public ServerOptions withBusyPoll(java.time.Duration d) {
    return new ServerOptions(configDir, bindAddress, httpPort, httpsPort, adminAddress, adminPort, accessLog, ingressClass, workers, proxy,
        listenerPorts, writeStatus, readCache, d);
  }

  public ServerOptions withProxy(ProxyOptions p) {
    return new ServerOptions(configDir, bindAddress, httpPort, httpsPort, adminAddress, adminPort, accessLog, ingressClass, workers, p,
        listenerPorts, writeStatus, readCache, busyPoll);
  }
}
