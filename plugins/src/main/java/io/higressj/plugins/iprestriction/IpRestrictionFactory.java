package io.higressj.plugins.iprestriction;

import io.higressj.api.Action;
import io.higressj.api.FilterContext;
import io.higressj.api.HttpFilter;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginFactory;
import io.higressj.api.PluginPhase;
import io.higressj.api.RequestHeaders;
import io.higressj.plugins.ConfigFields;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Higress's {@code ip-restriction}: allow and deny lists of addresses and CIDR blocks. */
public final class IpRestrictionFactory implements PluginFactory<IpRestrictionFactory.Config> {
  public static final String DEFAULT_MESSAGE = "Your IP address is blocked.";

  /** Where the client address comes from. */
  public enum Source { ORIGIN_SOURCE, HEADER }

  public record Config(Source source, String headerName, List<IpRange> allow, List<IpRange> deny, int status, String message) {
    public Config {
      allow = List.copyOf(allow);
      deny = List.copyOf(deny);
    }
  }

  @Override
  public String name() {
    return "ip-restriction";
  }

  @Override
  public PluginPhase defaultPhase() {
    return PluginPhase.AUTHN;
  }

  @Override
  public int defaultPriority() {
    return 210;
  }

  @Override
  public Config parseConfig(Map<String, Object> config) throws PluginConfigException {
    ConfigFields f = ConfigFields.of(config);
    String type = f.string("ip_source_type", "origin-source");
    Source source = switch (type) {
      case "origin-source" -> Source.ORIGIN_SOURCE;
      case "header" -> Source.HEADER;
      default -> throw new PluginConfigException("ip_source_type", "\"" + type + "\" (expected: origin-source or header)");
    };
    String header = f.string("ip_header_name", "x-forwarded-for").trim();
    if (header.isEmpty()) throw new PluginConfigException("ip_header_name", "empty (expected: a header name)");
    return new Config(source, header.toLowerCase(Locale.ROOT), ranges(f, "allow"), ranges(f, "deny"),
        f.status("status", 403), f.string("message", DEFAULT_MESSAGE));
  }

  private static List<IpRange> ranges(ConfigFields f, String field) throws PluginConfigException {
    List<String> items = f.strings(field);
    List<IpRange> out = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      IpRange r = IpRange.parse(items.get(i));
      if (r == null) {
        throw new PluginConfigException(field + "[" + i + "]",
            ConfigFields.describe(items.get(i)) + " (expected: an IP address or a CIDR block such as 10.0.0.0/8)");
      }
      out.add(r);
    }
    return out;
  }

  @Override
  public HttpFilter create(Config config) {
    return new HttpFilter() {
      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
        byte[] ip = clientAddress(config, ctx, headers);
        if (ip == null || !allowed(config, ip)) {
          ctx.sendLocalReply(config.status(), Map.of("content-type", "text/plain; charset=utf-8"),
              config.message().getBytes(StandardCharsets.UTF_8));
          return Action.PAUSE;
        }
        return Action.CONTINUE;
      }
    };
  }

  static boolean allowed(Config config, byte[] ip) {
    if (!config.allow().isEmpty() && config.allow().stream().noneMatch(r -> r.contains(ip))) return false;
    return config.deny().stream().noneMatch(r -> r.contains(ip));
  }

  /** The client's address as configured; null when it cannot be read (the request is then refused). */
  static byte[] clientAddress(Config config, FilterContext ctx, RequestHeaders headers) {
    String text;
    if (config.source() == Source.HEADER) {
      String v = headers.get(config.headerName());
      if (v == null) return null;
      int comma = v.indexOf(',');
      text = (comma >= 0 ? v.substring(0, comma) : v).trim(); // the first hop is the client
    } else {
      text = ctx.remoteAddress();
      if (text == null) return null;
    }
    return IpRange.parseAddress(stripPort(text));
  }

  private static String stripPort(String s) {
    if (s.startsWith("[")) {
      int end = s.indexOf(']');
      return end > 0 ? s.substring(1, end) : s;
    }
    int colon = s.indexOf(':');
    if (colon > 0 && s.indexOf(':', colon + 1) < 0) return s.substring(0, colon); // v4:port
    return s;
  }
}
