package io.higressj.config.model;

import java.util.ArrayList;
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
  private final Map<String, VirtualHost> exact;
  /** wildcard virtual hosts by suffix including the dot (".foo.com") */
  private final StringTable wildcardSuffixes;
  private final VirtualHost[] wildcards;
  private final VirtualHost catchAll;

  public RouteTable(List<VirtualHost> virtualHosts) {
    this.virtualHosts = List.copyOf(virtualHosts);
    this.exact = new HashMap<>(Math.max(16, this.virtualHosts.size() * 4 / 3 + 1));
    List<VirtualHost> wild = new ArrayList<>();
    VirtualHost any = null;
    for (VirtualHost vh : this.virtualHosts) {
      String d = vh.domain();
      if (d.equals("*")) any = vh;
      else if (d.startsWith("*.")) wild.add(vh);
      else exact.put(d, vh);
    }
    StringTable.Builder b = StringTable.builder(wild.size());
    for (int i = 0; i < wild.size(); i++) b.putIfAbsent(wild.get(i).domain().substring(1), i); // the first one given wins
    this.wildcardSuffixes = b.build();
    this.wildcards = wild.toArray(new VirtualHost[0]);
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
   * @return the virtual host serving it: exact, else the longest wildcard suffix, else {@code *}; or null
   */
  public VirtualHost select(String host) {
    VirtualHost vh = exact.get(host);
    if (vh != null) return vh;
    if (wildcards.length > 0) {
      // "*.foo.com" matches "a.foo.com" and "a.b.foo.com", not "foo.com": the suffix starts at a dot
      // that has at least one character before it. Scanning from the right, the last hit is the longest.
      int found = StringTable.MISSING;
      int hash = 0;
      int power = 1;
      for (int i = host.length() - 1; i >= 1; i--) {
        char c = host.charAt(i);
        hash += c * power;
        power *= 31;
        if (c == '.') {
          int at = wildcardSuffixes.getSuffix(host, i, hash);
          if (at != StringTable.MISSING) found = at;
        }
      }
      if (found != StringTable.MISSING) return wildcards[found];
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
