package io.higressj.server;

import io.higressj.proxy.ProxyOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/higress}: runs the gateway on a configuration directory. */
@Command(
    name = "higress",
    mixinStandardHelpOptions = true,
    version = "Higress-J 0.1.0",
    sortOptions = false,
    description = {
      "Runs the Higress-J gateway. Its configuration is a directory of Kubernetes-style YAML",
      "(Ingress, Service, Endpoints, EndpointSlice, Secret ...), watched and applied live.",
      "A port of 0 picks a free port; the ports actually bound are printed on start."
    })
public final class Main implements Callable<Integer> {
  @Option(names = "--config-dir", paramLabel = "DIR", defaultValue = "conf",
      description = "Configuration directory, created with a commented example if missing (default: ${DEFAULT-VALUE}).")
  Path configDir;

  @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
      description = "Plain HTTP port: HTTP/1.1 and h2c (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(names = "--https-port", paramLabel = "PORT", defaultValue = "8443",
      description = "HTTPS port: TLS with SNI, ALPN h2 and http/1.1; -1 disables it (default: ${DEFAULT-VALUE}).")
  int httpsPort;

  @Option(names = "--admin-port", paramLabel = "PORT", defaultValue = "15000",
      description = "Admin endpoint port (/config_dump, /ready); -1 disables it (default: ${DEFAULT-VALUE}).")
  int adminPort;

  @Option(names = "--bind-address", paramLabel = "ADDR", defaultValue = "0.0.0.0",
      description = "Address the HTTP and HTTPS listeners bind (default: ${DEFAULT-VALUE}).")
  String bindAddress;

  @Option(names = "--admin-address", paramLabel = "ADDR", defaultValue = "127.0.0.1",
      description = "Address the admin endpoint binds (default: ${DEFAULT-VALUE}).")
  String adminAddress;

  @Option(names = "--access-log", paramLabel = "TARGET", defaultValue = "stdout",
      description = "Access log: stdout, off, or a file path; one JSON line per request (default: ${DEFAULT-VALUE}).")
  String accessLog;

  @Option(names = "--ingress-class", paramLabel = "NAME", defaultValue = "higress",
      description = "IngressClass served; Ingresses without a class are served too (default: ${DEFAULT-VALUE}).")
  String ingressClass;

  @Option(names = "--workers", paramLabel = "N", defaultValue = "0",
      description = "Event loop threads; 0 = one per CPU (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--upstream-timeout", paramLabel = "DURATION", defaultValue = "60s",
      description = "Time to wait for an upstream's response headers before answering 504, e.g. 15s, 500ms (default: ${DEFAULT-VALUE}).")
  String upstreamTimeout;

  @Option(names = "--listener-port-map", paramLabel = "FROM=TO[,FROM=TO...]", defaultValue = "",
      description = "Gateway API listeners: bind port TO where a Gateway declares FROM; FROM * maps every other port, TO 0 picks a free port (default: as declared).")
  String listenerPortMap;

  @Option(names = "--write-status", paramLabel = "BOOL", defaultValue = "true", arity = "1",
      description = "Write Gateway API status into the objects' files in the configuration directory (default: ${DEFAULT-VALUE}).")
  boolean writeStatus;

  public static void main(String[] args) {
    configureLogging();
    int code = new CommandLine(new Main()).execute(args);
    if (code != 0) System.exit(code);
  }

  static void configureLogging() {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
    }
  }

  @Override
  public Integer call() throws Exception {
    ServerOptions options = new ServerOptions(configDir, bindAddress, httpPort, httpsPort, adminAddress, adminPort,
        accessLog, ingressClass, workers, ProxyOptions.defaults().withUpstreamResponseTimeout(parseDuration(upstreamTimeout)),
        parsePortMap(listenerPortMap), writeStatus);
    GatewayServer server = GatewayServer.start(options);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "shutdown"));
    // tools (tests, the conformance runner, benchmarks) read this line to learn the bound ports
    System.err.println("higress-j ready: http=" + server.httpPort() + " https=" + server.httpsPort()
        + " admin=" + server.adminPort() + " config-dir=" + configDir.toAbsolutePath());
    stopped.await();
    return 0;
  }

  static java.util.Map<Integer, Integer> parsePortMap(String s) {
    try {
      return ServerOptions.parseListenerPortMap(s);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(new Main()), e.getMessage());
    }
  }

  static Duration parseDuration(String s) {
    String v = s.trim();
    try {
      if (v.endsWith("ms")) return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      if (v.endsWith("s")) return Duration.ofMillis((long) (Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
      if (v.endsWith("m")) return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
      return Duration.ofSeconds(Long.parseLong(v));
    } catch (NumberFormatException e) {
      throw new CommandLine.ParameterException(new CommandLine(new Main()), "--upstream-timeout: " + s + " (expected: e.g. 60s, 500ms, 2m)");
    }
  }
}
