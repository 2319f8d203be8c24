package io.higressj.server;

import io.higressj.proxy.ProxyOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code bin/higress}: runs the gateway on a configuration directory.
 *
 * <p>The command line is parsed here, by hand: a reflective parser (picocli, before) took 0.4 s of
 * the JVM's start to build its model from annotations, a third of the time to the first routed
 * response.
 */
public final class Main {
  static final String VERSION = "Higress-J 0.1.0";

  /** One option: {@code --name VALUE} or {@code --name=VALUE}; the help shows a non-empty default after the description. */
  record Flag(String name, String label, String dflt, String description) {
    String help() {
      return dflt.isEmpty() ? description : description.substring(0, description.length() - 1) + " (default: " + dflt + ").";
    }
  }

  static final List<Flag> FLAGS = List.of(
      new Flag("--config-dir", "DIR", "conf",
          "Configuration directory, created with a commented example if missing."),
      new Flag("--http-port", "PORT", "8080", "Plain HTTP port: HTTP/1.1 and h2c."),
      new Flag("--https-port", "PORT", "8443",
          "HTTPS port: TLS with SNI, ALPN h2 and http/1.1; -1 disables it."),
      new Flag("--admin-port", "PORT", "15000", "Admin endpoint port (/config_dump, /ready); -1 disables it."),
      new Flag("--bind-address", "ADDR", "0.0.0.0", "Address the HTTP and HTTPS listeners bind."),
      new Flag("--admin-address", "ADDR", "127.0.0.1", "Address the admin endpoint binds."),
      new Flag("--access-log", "TARGET", "stdout",
          "Access log: stdout, off, or a file path; one JSON line per request."),
      new Flag("--ingress-class", "NAME", "higress",
          "IngressClass served; Ingresses without a class are served too."),
      new Flag("--workers", "N", "0", "Event loop threads; 0 = one per CPU."),
      new Flag("--upstream-timeout", "DURATION", "60s",
          "Time to wait for an upstream's response headers before answering 504, e.g. 15s, 500ms."),
      new Flag("--busy-poll", "DURATION", "0",
          "After handling I/O, an event loop keeps polling for this long before it sleeps, e.g. 50us: lower"
              + " latency where each event loop has a CPU of its own, paid for with that CPU; 0: off."),
      new Flag("--listener-port-map", "FROM=TO[,FROM=TO...]", "",
          "Gateway API listeners: bind port TO where a Gateway declares FROM; FROM * maps every other port,"
              + " TO 0 picks a free port (default: as declared)."),
      new Flag("--write-status", "BOOL", "true",
          "Write Gateway API status into the objects' files in the configuration directory."),
      new Flag("--read-cache", "DIR", "auto",
          "Where a configuration directory of 1,000 files or more keeps what was read from it, so that the"
              + " next start reads only the files changed since; auto: $XDG_CACHE_HOME/higress-j/config or"
              + " ~/.cache/higress-j/config; off: none."));

  /** A command line that cannot be run; the message says why. */
  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message, null, false, false);
    }
  }

  private Main() {}

  public static void main(String[] args) {
    configureLogging();
    int code = run(args, System.out, System.err);
    if (code != 0) System.exit(code);
  }

  static void configureLogging() {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
    }
    // Netty's buffer allocator declares JFR events (off unless a recording enables them); asking whether
    // they are enabled at the first allocation starts the JDK's JFR machinery, 0.1 s of the first
    // request. -Dio.netty.jfr.enabled=true brings them back for a recording.
    if (System.getProperty("io.netty.jfr.enabled") == null) System.setProperty("io.netty.jfr.enabled", "false");
  }

  /** Runs the command line: 0 after the gateway stopped (or after --help, --version), 2 for a bad command line. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Map<String, String> values;
    try {
      values = parse(args);
    } catch (UsageException e) {
      err.println("higress: " + e.getMessage());
      err.print(usage());
      return 2;
    }
    if (values.containsKey("--help")) {
      out.print(usage());
      return 0;
    }
    if (values.containsKey("--version")) {
      out.println(VERSION);
      return 0;
    }
    if (values.containsKey("--train")) return Training.run(err);
    ServerOptions options;
    try {
      options = new ServerOptions(Path.of(values.get("--config-dir")), values.get("--bind-address"),
          integer(values, "--http-port"), integer(values, "--https-port"), values.get("--admin-address"),
          integer(values, "--admin-port"), values.get("--access-log"), values.get("--ingress-class"),
          integer(values, "--workers"),
          ProxyOptions.defaults().withUpstreamResponseTimeout(parseDuration("--upstream-timeout", values.get("--upstream-timeout"))),
          parsePortMap(values.get("--listener-port-map")), bool(values, "--write-status"),
          readCache(values.get("--read-cache")), parseDuration("--busy-poll", values.get("--busy-poll")));
    } catch (UsageException | IllegalArgumentException e) {
      err.println("higress: " + e.getMessage());
      return 2;
    }
    try {
      serve(options);
      return 0;
    } catch (Exception e) {
      err.println("higress: " + e);
      return 1;
    }
  }

  private static void serve(ServerOptions options) throws Exception {
    GatewayServer server = GatewayServer.start(options);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "shutdown"));
    // tools (tests, the conformance runner, benchmarks) read this line to learn the bound ports
    System.err.println("higress-j ready: http=" + server.httpPort() + " https=" + server.httpsPort()
        + " admin=" + server.adminPort() + " config-dir=" + options.configDir().toAbsolutePath());
    stopped.await();
  }

  /** Every flag's value (defaults filled in), plus {@code --help}, {@code --version} or {@code --train} when asked. */
  static Map<String, String> parse(String[] args) throws UsageException {
    Map<String, String> values = new LinkedHashMap<>();
    for (Flag f : FLAGS) values.put(f.name(), f.dflt());
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h") || a.equals("--help")) {
        values.put("--help", "");
        continue;
      }
      if (a.equals("-V") || a.equals("--version")) {
        values.put("--version", "");
        continue;
      }
      if (a.equals("--train")) {
        values.put("--train", "");
        continue;
      }
      int eq = a.indexOf('=');
      String name = eq > 0 && a.startsWith("--") ? a.substring(0, eq) : a;
      Flag flag = FLAGS.stream().filter(f -> f.name().equals(name)).findFirst()
          .orElseThrow(() -> new UsageException(a.startsWith("-") ? "unknown option " + name : "unexpected argument " + a));
      String value;
      if (eq > 0 && a.startsWith("--")) {
        value = a.substring(eq + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new UsageException(name + ": missing " + flag.label());
      }
      values.put(name, value);
    }
    return values;
  }

  static String usage() {
    StringBuilder b = new StringBuilder("Usage: higress [-hV]");
    for (Flag f : FLAGS) b.append(" [").append(f.name()).append('=').append(f.label()).append(']');
    b.append("\nRuns the Higress-J gateway. Its configuration is a directory of Kubernetes-style YAML\n")
        .append("(Ingress, Service, Endpoints, EndpointSlice, Secret ...), watched and applied live.\n")
        .append("A port of 0 picks a free port; the ports actually bound are printed on start.\n");
    for (Flag f : FLAGS) {
      b.append(String.format("      %-30s %s%n", f.name() + "=" + f.label(), f.help()));
    }
    b.append(String.format("  -h, --help%-22s %s%n", "", "Show this help message and exit."));
    b.append(String.format("  -V, --version%-19s %s%n", "", "Print version information and exit."));
    b.append(String.format("      --train%-21s %s%n", "", "Serve a thousand requests on a built-in configuration"
        + " and exit (bin/higress runs it once per build to write the JVM's class cache)."));
    return b.toString();
  }

  /** The {@code --read-cache} directory: null for {@code off}. */
  static Path readCache(String value) {
    String v = value.trim();
    if (v.equals("off")) return null;
    if (!v.equals("auto")) return Path.of(v);
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("higress-j").resolve("config");
  }

  private static int integer(Map<String, String> values, String name) throws UsageException {
    String v = values.get(name).trim();
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new UsageException(name + ": " + v + " (expected: an integer)");
    }
  }

  private static boolean bool(Map<String, String> values, String name) throws UsageException {
    String v = values.get(name).trim();
    if (v.equalsIgnoreCase("true")) return true;
    if (v.equalsIgnoreCase("false")) return false;
    throw new UsageException(name + ": " + v + " (expected: true or false)");
  }

  static Map<Integer, Integer> parsePortMap(String s) throws UsageException {
    try {
      return ServerOptions.parseListenerPortMap(s);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--listener-port-map: " + e.getMessage());
    }
  }

  /** A duration as flags take it: {@code 60s}, {@code 1.5s}, {@code 500ms}, {@code 50us}, {@code 2m}, or seconds. */
  static Duration parseDuration(String flag, String s) throws UsageException {
    String v = s.trim();
    try {
      if (v.endsWith("us")) return Duration.ofNanos(Long.parseLong(v.substring(0, v.length() - 2)) * 1000);
      if (v.endsWith("ms")) return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      if (v.endsWith("s")) return Duration.ofMillis((long) (Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
      if (v.endsWith("m")) return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
      return Duration.ofSeconds(Long.parseLong(v));
    } catch (NumberFormatException e) {
      throw new UsageException(flag + ": " + s + " (expected: e.g. 60s, 500ms, 50us, 2m)");
    }
  }
}
