package io.higressj.config.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

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
 *
 * <p>A configuration change that changes the routes of hosts the table has, and adds or removes no
 * host, makes the next table with {@link #replacing}: it shares this table's keys and slots and copies
 * only the arrays of virtual hosts, so that one changed route among thousands of hosts does not pay for
 * a pass over every host (which, right after a start, ran in the interpreter).
 */
public final class RouteTable {
  private final List<VirtualHost> virtualHosts;
  /** {@link #virtualHosts} as given; replaced whole when a change makes a new table */
  private final VirtualHost[] ordered;
  /** open addressing by {@code String.hashCode()}: the exact host name of each slot, or null */
  private final String[] exactKeys;
  /** the virtual host of each slot of {@link #exactKeys} */
  private final VirtualHost[] exactBySlot;
  /** the position in {@link #ordered} of each slot's virtual host */
  private final int[] exactOrder;
  private final int exactShift;
  /** wildcard suffixes including the dot (".foo.com"), one after the other */
  private final String suffixKeys;
  private final long[] suffixSlots;
  private final int suffixShift;
  /** the virtual host of each slot of {@link #suffixSlots} */
  private final VirtualHost[] suffixBySlot;
  /** the position in {@link #ordered} of each suffix slot's virtual host */
  private final int[] suffixOrder;
  /** bit {@code n} (bit 63: any length from 63 on) set when some suffix has length n */
  private final long suffixLengths;
  /** the longest suffix: no need to scan further from the end of a host (0: no wildcards) */
  private final int longestSuffix;
  private final VirtualHost catchAll;
  private final int catchAllOrder;
  /** no domain is given twice: each virtual host given is the one its domain selects */
  private final boolean distinct;
  /** routes over all virtual hosts */
  private final int routeCount;

  public RouteTable(List<VirtualHost> virtualHosts) {
    this.ordered = virtualHosts.toArray(new VirtualHost[0]);
    for (VirtualHost vh : ordered) Objects.requireNonNull(vh, "virtual host");
    this.virtualHosts = view(ordered);
    int exactCount = 0;
    int wildCount = 0;
    int catchAlls = 0;
    int routes = 0;
    for (VirtualHost vh : ordered) {
      routes += vh.routes().size();
      String d = vh.domain();
      if (d.equals("*")) {
        catchAlls++;
      } else if (d.startsWith("*.")) {
        wildCount++;
      } else {
        exactCount++;
      }
    }
    // at most half full, so that probes stay short and always end; at least two slots, so that shift < 32
    int slots = Math.max(2, Integer.highestOneBit(Math.max(1, exactCount) * 2 - 1) << 1);
    this.exactKeys = new String[slots];
    this.exactBySlot = new VirtualHost[slots];
    this.exactOrder = new int[slots];
    this.exactShift = 32 - Integer.numberOfTrailingZeros(slots);
    boolean unique = true;
    for (int i = ordered.length - 1; i >= 0; i--) { // the last one given wins
      VirtualHost vh = ordered[i];
      String d = vh.domain();
      if (d.equals("*") || d.startsWith("*.")) continue;
      int hash = d.hashCode();
      for (int at = StringTable.home(hash, exactShift); ; at = (at + 1) & (slots - 1)) {
        if (exactBySlot[at] == null) {
          exactKeys[at] = copy(d);
          exactBySlot[at] = vh;
          exactOrder[at] = i;
          break;
        }
        if (exactKeys[at].equals(d)) {
          unique = false;
          break;
        }
      }
    }

    StringTable.Keys sk = new StringTable.Keys();
    StringTable.Builder sb = StringTable.builder(wildCount, sk);
    VirtualHost[] suffixVh = new VirtualHost[sb.slotCount()];
    int[] suffixAt = new int[sb.slotCount()];
    long lengths = 0;
    int longest = 0;
    for (int i = 0; i < ordered.length; i++) { // the first one given wins
      VirtualHost vh = ordered[i];
      if (!vh.domain().startsWith("*.")) continue;
      String suffix = vh.domain().substring(1);
      int slot = sb.putIfAbsent(suffix, i);
      if (slot != StringTable.NONE) {
        suffixVh[slot] = vh;
        suffixAt[slot] = i;
      } else {
        unique = false;
      }
      lengths |= 1L << Math.min(suffix.length(), 63);
      longest = Math.max(longest, suffix.length());
    }
    StringTable s = sb.build();
    this.suffixSlots = s.slots();
    this.suffixShift = s.shift();
    this.suffixKeys = sk.build();
    this.suffixBySlot = suffixVh;
    this.suffixOrder = suffixAt;
    this.suffixLengths = lengths;
    this.longestSuffix = longest;
    this.catchAllOrder = lastCatchAll(ordered); // the last one given wins, as for exact hosts
    this.catchAll = catchAllOrder >= 0 ? ordered[catchAllOrder] : null;
    this.distinct = unique && catchAlls <= 1;
    this.routeCount = routes;
  }

  /** A table like {@code base} whose virtual hosts {@code ordered} replace some of its own, domain for domain. */
  private RouteTable(RouteTable base, VirtualHost[] ordered, VirtualHost[] exactBySlot, VirtualHost[] suffixBySlot,
      VirtualHost catchAll, int routeCount) {
    this.ordered = ordered;
    this.virtualHosts = view(ordered);
    this.exactKeys = base.exactKeys; // never written once built: tables share them
    this.exactBySlot = exactBySlot;
    this.exactOrder = base.exactOrder;
    this.exactShift = base.exactShift;
    this.suffixKeys = base.suffixKeys;
    this.suffixSlots = base.suffixSlots;
    this.suffixShift = base.suffixShift;
    this.suffixBySlot = suffixBySlot;
    this.suffixOrder = base.suffixOrder;
    this.suffixLengths = base.suffixLengths;
    this.longestSuffix = base.longestSuffix;
    this.catchAll = catchAll;
    this.catchAllOrder = base.catchAllOrder;
    this.distinct = true;
    this.routeCount = routeCount;
  }

  private static int lastCatchAll(VirtualHost[] ordered) {
    for (int i = ordered.length - 1; i >= 0; i--) {
      if (ordered[i].domain().equals("*")) return i;
    }
    return -1;
  }

  private static List<VirtualHost> view(VirtualHost[] ordered) {
    return Collections.unmodifiableList(Arrays.asList(ordered));
  }

  /**
   * This table with some virtual hosts changed: what {@code new RouteTable(whole.get())} gives, made
   * without rebuilding the hash tables when every changed domain names a virtual host this table
   * already has (a change of routes, not of hosts). The new table shares the old one's keys and
   * replaces the virtual hosts in place: a change costs copies of three arrays of references, not a
   * pass over every host. Otherwise (a host added or removed, or a table built with a domain given
   * twice) the table is built anew from {@code whole}.
   *
   * @param changed by domain: the virtual host it has now, or null when it has none any more
   * @param whole every virtual host, in the order a new table would be given them, with the changes
   */
  public RouteTable replacing(Map<String, VirtualHost> changed, Supplier<? extends List<VirtualHost>> whole) {
    if (changed.isEmpty()) return this;
    if (!distinct) return new RouteTable(whole.get());
    VirtualHost[] order = ordered.clone();
    VirtualHost[] exact = null;
    VirtualHost[] suffixes = null;
    VirtualHost any = catchAll;
    int routes = routeCount;
    for (Map.Entry<String, VirtualHost> e : changed.entrySet()) {
      String d = e.getKey();
      VirtualHost vh = e.getValue();
      if (vh == null || !vh.domain().equals(d)) return new RouteTable(whole.get());
      int at;
      if (d.equals("*")) {
        if (catchAll == null) return new RouteTable(whole.get());
        any = vh;
        at = catchAllOrder;
      } else if (d.startsWith("*.")) {
        int slot = suffixSlot(d.substring(1));
        if (slot == StringTable.NONE) return new RouteTable(whole.get());
        if (suffixes == null) suffixes = suffixBySlot.clone();
        suffixes[slot] = vh;
        at = suffixOrder[slot];
      } else {
        int slot = exactSlot(d);
        if (slot < 0) return new RouteTable(whole.get());
        if (exact == null) exact = exactBySlot.clone();
        exact[slot] = vh;
        at = exactOrder[slot];
      }
      routes += vh.routes().size() - order[at].routes().size();
      order[at] = vh;
    }
    return new RouteTable(this, order, exact != null ? exact : exactBySlot, suffixes != null ? suffixes : suffixBySlot,
        any, routes);
  }

  /** The slot of exact host {@code host}, or -1. */
  private int exactSlot(String host) {
    int hash = host.hashCode();
    for (int at = StringTable.home(hash, exactShift), mask = -1 >>> exactShift; ; at = (at + 1) & mask) {
      String k = exactKeys[at];
      if (k == null) return -1;
      if (k.hashCode() == hash && k.equals(host)) return at;
    }
  }

  /** The slot of wildcard suffix {@code suffix} (".foo.com"), or {@link StringTable#NONE}. */
  private int suffixSlot(String suffix) {
    return StringTable.find(suffixSlots, suffixShift, suffixKeys, suffix, 0, suffix.length(), suffix.hashCode(),
        Integer.MAX_VALUE);
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
