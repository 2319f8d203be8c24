package io.higressj.config.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The compiled route table: virtual hosts looked up by exact host (hash), then by wildcard suffix
 * (longest first), then the catch-all {@code *}. A request goes to exactly one virtual host; a path
 * that none of its routes matches is a 404, as in Envoy and Higress (no fall-through to a less
 * specific host).
 *
 * <p>With thousands of hosts, the entry a request needs is rarely in the CPU caches, so the exact-host
 * lookup is laid out for few cache lines, and few that wait on one another: open addressing over two
 * arrays indexed by the same slot, the host names (whose {@code String} keeps its hash, so a probe
 * rejects a slot without comparing) and the virtual hosts, loaded side by side instead of one after
 * the other as a {@code HashMap}'s table, node, key and value are. The names are copies made when the
 * table is built, so that they and their bytes lie together in memory rather than each next to its
 * own virtual host. Wildcard suffixes, probed with regions of the host, are a {@link StringTable}.
 */
public final class RouteTable {
  private final List<VirtualHost> virtualHosts;
  /** open addressing by {@code String.hashCode()}: the exact host name of each slot, or null */
  private final String[] exactKeys;
  /** the virtual host of each slot of {@link #exactKeys} */
  private final VirtualHost[] exactBySlot;
  private final int exactShift;
  /** wildcard suffixes including the dot (".foo.com"), one after the other */
  private final String suffixKeys;
  private final long[] suffixSlots;
  private final int suffixShift;
  /** the virtual host of each slot of {@link #suffixSlots} */
  private final VirtualHost[] suffixBySlot;
  /** bit {@code n} (bit 63: any length from 63 on) set when some suffix has length n */
  private final long suffixLengths;
  /** the longest suffix: no need to scan further from the end of a host (0: no wildcards) */
  private final int longestSuffix;
  private final VirtualHost catchAll;
  /** routes over all virtual hosts */
  private final int routeCount;

  public RouteTable(List<VirtualHost> virtualHosts) {
    this.virtualHosts = List.copyOf(virtualHosts);
    List<VirtualHost> exact = new ArrayList<>();
    List<VirtualHost> wild = new ArrayList<>();
    VirtualHost any = null;
    int routes = 0;
    for (VirtualHost vh : this.virtualHosts) {
      routes += vh.routes().size();
      String d = vh.domain();
      if (d.equals("*")) any = vh; // the last one given wins, as for exact hosts
      else if (d.startsWith("*.")) wild.add(vh);
      else exact.add(vh);
    }
    // at most half full, so that probes stay short and always end; at least two slots, so that shift < 32
    int slots = Math.max(2, Integer.highestOneBit(Math.max(1, exact.size()) * 2 - 1) << 1);
    this.exactKeys = new String[slots];
    this.exactBySlot = new VirtualHost[slots];
    this.exactShift = 32 - Integer.numberOfTrailingZeros(slots);
    for (int i = exact.size() - 1; i >= 0; i--) { // the last one given wins
      VirtualHost vh = exact.get(i);
      int hash = vh.domain().hashCode();
      for (int at = StringTable.home(hash, exactShift); ; at = (at + 1) & (slots - 1)) {
        if (exactBySlot[at] == null) {
          exactKeys[at] = copy(vh.domain());
          exactBySlot[at] = vh;
          break;
        }
        if (exactKeys[at].equals(vh.domain())) break;
      }
    }

    StringTable.Keys sk = new StringTable.Keys();
    StringTable.Builder sb = StringTable.builder(wild.size(), sk);
    VirtualHost[] suffixVh = new VirtualHost[sb.slotCount()];
    long lengths = 0;
    int longest = 0;
    for (int i = 0; i < wild.size(); i++) { // the first one given wins
      String suffix = wild.get(i).domain().substring(1);
      int slot = sb.putIfAbsent(suffix, i);
      if (slot != StringTable.NONE) suffixVh[slot] = wild.get(i);
      lengths |= 1L << Math.min(suffix.length(), 63);
      longest = Math.max(longest, suffix.length());
    }
    StringTable s = sb.build();
    this.suffixSlots = s.slots();
    this.suffixShift = s.shift();
    this.suffixKeys = sk.build();
    this.suffixBySlot = suffixVh;
    this.suffixLengths = lengths;
    this.longestSuffix = longest;
    this.catchAll = any;
    this.routeCount = routes;
  }

  /** The number of routes over all virtual hosts. */
  public int routeCount() {
    return routeCount;
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
    int hash = host.hashCode();
    for (int at = StringTable.home(hash, exactShift), mask = -1 >>> exactShift; ; at = (at + 1) & mask) {
      String k = exactKeys[at];
      if (k == null) break;
      if (k.hashCode() == hash && k.equals(host)) return exactBySlot[at];
    }
    return inexact(host);
  }

  /**
   * A copy of {@code s}, with its hash computed: made while the table is built, the copies lie together
   * (a {@code StringBuilder}'s string is allocated right before its bytes).
   */
  private static String copy(String s) {
    String c = new StringBuilder(s).toString();
    c.hashCode();
    return c;
  }

  /** The wildcard or catch-all virtual host of a host that has no exact one. */
  private VirtualHost inexact(String host) {
    int n = host.length();
    if (longestSuffix > 0) {
      // "*.foo.com" matches "a.foo.com" and "a.b.foo.com", not "foo.com": the suffix starts at a dot
      // that has at least one character before it. Scanning from the right, the last hit is the longest.
      VirtualHost found = null;
      int hash = 0;
      int power = 1;
      for (int i = n - 1, stop = Math.max(1, n - longestSuffix); i >= stop; i--) {
        char c = host.charAt(i);
        hash += c * power;
        power *= 31;
        if (c == '.' && (suffixLengths & 1L << Math.min(n - i, 63)) != 0) {
          int at = StringTable.find(suffixSlots, suffixShift, suffixKeys, host, i, n - i, hash, Integer.MAX_VALUE);
          if (at != StringTable.NONE) found = suffixBySlot[at];
        }
      }
      if (found != null) return found;
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
