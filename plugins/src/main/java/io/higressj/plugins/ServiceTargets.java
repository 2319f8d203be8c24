package io.higressj.plugins;

import io.higressj.api.PluginConfigException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Helpers for plugins that call other services: the callout target of a Higress service reference and
 * Go-style durations ({@code 5s}, {@code 300ms}, {@code 1m30s}) as Higress's plugins write timeouts.
 */
public final class ServiceTargets {
  private ServiceTargets() {}

  /**
   * The cluster name for a service reference, by the same rule as the configuration module's {@code
   * ServiceDirectory.clusterName}: {@code k8s}: {@code outbound|<port>||<name>.<namespace>.svc.cluster.local};
   * {@code dns}: {@code <domain or name>.dns}; {@code ip}/{@code static}: {@code <name>.static}; {@code
   * nacos}: {@code <name>.<namespace>.nacos}; a name that already ends in one of those suffixes is kept.
   */
  public static String clusterName(String source, String name, String namespace, int port) {
    String n = name;
    if (!n.endsWith(".svc.cluster.local") && !n.endsWith(".dns") && !n.endsWith(".static") && !n.endsWith(".nacos")) {
      n = switch (source == null ? "k8s" : source) {
        case "dns" -> n + ".dns";
        case "ip", "static" -> n + ".static";
        case "nacos" -> n + "." + (namespace == null || namespace.isEmpty() ? "DEFAULT-GROUP.public" : namespace) + ".nacos";
        default -> namespace == null || namespace.isEmpty() ? n : n + "." + namespace + ".svc.cluster.local";
      };
    }
    return "outbound|" + port + "||" + n;
  }

  private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

  /** A Go duration ({@code time.ParseDuration}): {@code 5s}, {@code 1.5s}, {@code 1m30s}, {@code 250ms}; no sign. */
  public static Duration goDuration(String field, String text) throws PluginConfigException {
    String t = text.trim();
    if (t.equals("0")) return Duration.ZERO;
    Matcher m = DURATION_PART.matcher(t);
    int at = 0;
    double nanos = 0;
    while (at < t.length()) {
      if (!m.find(at) || m.start() != at) {
        throw new PluginConfigException(field, "'" + text + "' (expected: a duration such as 5s, 500ms or 1m30s)");
      }
      double v = Double.parseDouble(m.group(1));
      nanos += v * switch (m.group(2)) {
        case "ns" -> 1d;
        case "us", "µs" -> 1e3;
        case "ms" -> 1e6;
        case "s" -> 1e9;
        case "m" -> 60e9;
        default -> 3600e9;
      };
      at = m.end();
    }
    if (at == 0) throw new PluginConfigException(field, "'' (expected: a duration such as 5s, 500ms or 1m30s)");
    if (nanos > Long.MAX_VALUE) throw new PluginConfigException(field, "'" + text + "' (too long)");
    return Duration.ofNanos((long) nanos);
  }
}
