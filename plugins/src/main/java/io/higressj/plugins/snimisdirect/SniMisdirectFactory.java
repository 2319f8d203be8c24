package io.higressj.plugins.snimisdirect;

import io.higressj.api.Action;
import io.higressj.api.FilterContext;
import io.higressj.api.HttpFilter;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginFactory;
import io.higressj.api.RequestHeaders;
import java.util.Locale;
import java.util.Map;

/**
 * {@code sni-misdirect} (no configuration): answers 421 with an empty body when the connection's SNI
 * differs from the request's host (port stripped, compared case-insensitively; a wildcard SNI
 * {@code *.example.com} covers hosts ending in {@code .example.com}). HTTP/1.x requests, plain-text
 * requests, gRPC requests ({@code application/grpc}, {@code application/grpc+...}) and connections
 * without SNI are left alone, as in Higress.
 */
public class SniMisdirectFactory implements PluginFactory<SniMisdirectFactory.Config> {
  /** The plugin takes no configuration. */
  public record Config() {}

  private static final Config CONFIG = new Config();

  @Override
  public String name() {
    return "sni-misdirect";
  }

  @Override
  public Config parseConfig(Map<String, Object> config) throws PluginConfigException {
    return CONFIG;
  }

  @Override
  public HttpFilter create(Config config) {
    return FILTER;
  }

  private static final HttpFilter FILTER = new HttpFilter() {
    @Override
    public Action onRequestHeaders(FilterContext ctx, RequestHeaders h, boolean endOfStream) {
      if (!misdirected(ctx, h)) return Action.CONTINUE;
      ctx.sendLocalReply(421, Map.of(), new byte[0]);
      return Action.PAUSE;
    }
  };

  static boolean misdirected(FilterContext ctx, RequestHeaders h) {
    String protocol = ctx.protocol();
    if (protocol != null && protocol.startsWith("HTTP/1")) return false;
    if (!"https".equals(h.scheme())) return false;
    String contentType = h.get("content-type");
    if (contentType != null && contentType.startsWith("application/grpc")
        && (contentType.length() == 16 || contentType.charAt(16) == '+')) {
      return false;
    }
    String sni = ctx.sni();
    if (sni == null || sni.isEmpty()) return false;
    String host = stripPort(h.authority());
    if (host == null || host.isEmpty()) return false;
    sni = sni.toLowerCase(Locale.ROOT);
    host = host.toLowerCase(Locale.ROOT);
    if (sni.equals(host)) return false;
    return !(sni.startsWith("*.") && host.endsWith(sni.substring(1)));
  }

  /** host[:port] or [v6]:port without the port */
  static String stripPort(String authority) {
    if (authority == null) return null;
    if (authority.startsWith("[")) {
      int end = authority.indexOf(']');
      return end < 0 ? authority : authority.substring(0, end + 1);
    }
    int colon = authority.lastIndexOf(':');
    return colon < 0 ? authority : authority.substring(0, colon);
  }
}
