package io.higressj.config.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The compiled route table: virtual hosts looked up by exact host (hash), then by wildcard suffix
 * (longest first), then the catch-all {@code *}. A request goes to exactly one virtual host; a path
 * that none of its routes matches is a 404, as in Envoy and Higress (no fall-through to a less
 * specific host).
 */
public final class RouteTable {
  private final List<VirtualHost> virtualHosts;
  private final Map<String, VirtualHost> exact = new HashMap<>();
  /** wildcard virtual hosts keyed by suffix including the dot (".foo.com"), longest first */
  private final List<Map.Entry<String, VirtualHost>> wildcards = new ArrayList<>();
  private final VirtualHost catchAll;

  public RouteTable(List<VirtualHost> virtualHosts) {
    this.virtualHosts = List.copyOf(virtualHosts);
    VirtualHost any = null;
    for (VirtualHost vh : this.virtualHosts) {
      String d = vh.domain();
      if (d.equals("*")) any = vh;
      else if (d.startsWith("*.")) wildcards.add(Map.entry(d.substring(1), vh));
      else exact.put(d, vh);
    }
    wildcards.sort(Comparator.comparingInt((Map.Entry<String, VirtualHost> e) -> e.getKey().length()).reversed());
    this.catchAll = any;
  }

  public static RouteTable empty() {
    return new RouteTable(List.of());
  }

  /** Virtual hosts in the order given (exact ones first, then wildcards by length, then {@code *}). */
  public List<VirtualHost> virtualHosts() {
    return virtualHosts;
  }

  /**
   * @param host the request's host, already lower case, without port and trailing dot
   * @return the virtual host serving it, or null
   */
  public VirtualHost select(String host) {
    VirtualHost vh = exact.get(host);
    if (vh != null) return vh;
    for (int i = 0, n = wildcards.size(); i < n; i++) {
      Map.Entry<String, VirtualHost> e = wildcards.get(i);
      String suffix = e.getKey();
      // "*.foo.com" matches "a.foo.com" and "a.b.foo.com", not "foo.com"
      if (host.length() > suffix.length() && host.endsWith(suffix)) return e.getValue();
    }
    return catchAll;
  }

  /** Lower case, without port and trailing dot: the form {@link #select} expects. */
  public static String normalizeHost(String authority) {
    if (authority == null) return "";
    String h = authority;
    if (h.startsWith("[")) { // IPv6 literal
      int end = h.indexOf(']');
      h = end > 0 ? h.substring(0, end + 1) : h;
    } else {
      int colon = h.lastIndexOf(':');
      if (colon >= 0) h = h.substring(0, colon);
    }
    if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
    for (int i = 0; i < h.length(); i++) {
      char c = h.charAt(i);
      if (c >= 'A' && c <= 'Z') return h.toLowerCase(java.util.Locale.ROOT);
    }
    return h;
  }
}
