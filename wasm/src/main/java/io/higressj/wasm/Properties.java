package io.higressj.wasm;

import io.higressj.api.FilterContext;
import io.higressj.api.RequestHeaders;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code proxy_get_property}: Envoy's attribute names (a path of NUL-separated segments) served from
 * what the gateway knows of the request. Strings are UTF-8, integers and timestamps 8-byte little
 * endian, booleans one byte, header maps in the ABI's pairs encoding. A name not known here is
 * looked up as a request attribute ({@link FilterContext#attribute}) of the same dotted name, so the
 * gateway can offer more without changing the host. {@code proxy_set_property} stores a request
 * attribute of that name (a {@code byte[]}), like Envoy's filter state shared by all filters.
 */
final class Properties {
  private Properties() {}

  static List<String> split(byte[] path) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= path.length; i++) {
      if (i == path.length || path[i] == 0) {
        if (i > start) {
          out.add(new String(path, start, i - start, StandardCharsets.UTF_8));
        }
        start = i + 1;
      }
    }
    if (out.size() == 1 && out.get(0).contains(".") && !out.get(0).startsWith(".")) {
      // some SDKs pass "request.path" as one segment
      return List.of(out.get(0).split("\\.", -1));
    }
    return out;
  }

  static byte[] get(PluginVm vm, PluginVm.RootContext root, HttpStream s, List<String> path) {
    String key = String.join(".", path);
    if (s != null && attribute(s.ctx, key) instanceof byte[] set) {
      return set; // set by proxy_set_property (this plugin's or another's)
    }
    switch (key) {
      case "plugin_name":
        return str(vm.plugin.name());
      case "plugin_root_id":
        return str(vm.plugin.rootId());
      case "plugin_vm_id":
        return str(vm.plugin.vmId());
      default:
        break;
    }
    if (s == null) {
      return null;
    }
    FilterContext ctx = s.ctx;
    RequestHeaders rh = s.requestHeaders;
    if (rh != null) {
      String p = rh.path() == null ? "" : rh.path();
      int q = p.indexOf('?');
      switch (key) {
        case "request.path":
          return str(p);
        case "request.url_path":
          return str(q < 0 ? p : p.substring(0, q));
        case "request.query":
          return str(q < 0 ? "" : p.substring(q + 1));
        case "request.host":
          return str(rh.authority());
        case "request.scheme":
          return str(rh.scheme());
        case "request.method":
          return str(rh.method());
        case "request.headers":
          return Pairs.encode(new HeaderMap.Request(rh).pairs());
        case "request.referer":
          return str(rh.get("referer"));
        case "request.useragent":
          return str(rh.get("user-agent"));
        case "request.id":
          return str(rh.get("x-request-id"));
        default:
          if (key.startsWith("request.headers.")) {
            return str(new HeaderMap.Request(rh).get(key.substring("request.headers.".length())));
          }
      }
    }
    switch (key) {
      case "request.time":
        return i64(s.startEpochNanos);
      case "request.duration":
        return i64(Clock.epochNanos() - s.startEpochNanos);
      case "response.code":
        return s.responseHeaders == null ? null : i64(s.responseHeaders.status());
      case "response.headers":
        return s.responseHeaders == null
            ? null
            : Pairs.encode(new HeaderMap.Response(s.responseHeaders).pairs());
      case "source.address":
        return str(ctx.remoteAddress());
      case "source.port":
        {
          Object port = attribute(ctx, key);
          return port != null ? encode(port) : null;
        }
      case "connection.requested_server_name":
        {
          Object sni = attribute(ctx, key);
          if (sni != null) {
            return encode(sni);
          }
          if (!ctx.secure() || rh == null || rh.authority() == null) {
            return null;
          }
          String host = rh.authority();
          int colon = host.lastIndexOf(':');
          return str(colon > 0 && !host.endsWith("]") ? host.substring(0, colon) : host);
        }
      case "route_name":
      case "xds.route_name":
        return str(ctx.routeName());
      case "cluster_name":
      case "xds.cluster_name":
        return str(ctx.clusterName());
      default:
        Object v = attribute(ctx, key);
        return v == null ? null : encode(v);
    }
  }

  private static Object attribute(FilterContext ctx, String key) {
    try {
      return ctx.attribute(key, Object.class);
    } catch (RuntimeException e) {
      return null;
    }
  }

  static byte[] encode(Object v) {
    if (v instanceof byte[] b) {
      return b;
    }
    if (v instanceof Boolean b) {
      return new byte[] {(byte) (b ? 1 : 0)};
    }
    if (v instanceof Number n && !(v instanceof Double) && !(v instanceof Float)) {
      return i64(n.longValue());
    }
    if (v instanceof Number n) {
      return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(n.doubleValue()).array();
    }
    return str(v.toString());
  }

  private static byte[] str(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] i64(long v) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
  }
}
