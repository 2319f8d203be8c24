package io.higressj.config.model;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * A set of IPv4 and IPv6 address ranges ({@code 10.0.0.0/8}, {@code 2001:db8::/32}, single addresses,
 * {@code *} for every address), compiled once when the configuration is translated. {@link
 * #contains(String)} parses the client address without allocating for IPv4 and compares it with
 * every range: the lists annotations give are short. Equality and {@link #toString()} go by the
 * entries as written.
 */
public final class IpRanges {
  private final List<String> entries;
  private final boolean any;
  /** IPv4: network and mask, pairwise */
  private final int[] v4;
  /** IPv6: network high, network low, mask high, mask low, per range */
  private final long[] v6;

  private IpRanges(List<String> entries, boolean any, int[] v4, long[] v6) {
    this.entries = List.copyOf(entries);
    this.any = any;
    this.v4 = v4;
    this.v6 = v6;
  }

  /**
   * Compiles {@code entries}.
   *
   * @throws IllegalArgumentException naming the first entry that is neither an address, a CIDR range nor {@code *}
   */
  public static IpRanges of(List<String> entries) {
    requireNonNull(entries, "entries");
    boolean any = false;
    List<int[]> four = new ArrayList<>();
    List<long[]> six = new ArrayList<>();
    for (String e : entries) {
      String s = e.trim();
      if (s.equals("*")) {
        any = true;
        continue;
      }
      int slash = s.indexOf('/');
      String addr = slash < 0 ? s : s.substring(0, slash);
      long v4addr = parseV4(addr, 0, addr.length());
      if (v4addr >= 0) {
        int bits = slash < 0 ? 32 : prefixLength(s, slash, 32);
        int mask = bits == 0 ? 0 : -1 << (32 - bits);
        four.add(new int[] {(int) v4addr & mask, mask});
        continue;
      }
      long[] v6addr = new long[2];
      if (parseV6(addr, v6addr)) {
        int bits = slash < 0 ? 128 : prefixLength(s, slash, 128);
        long maskHi = bits == 0 ? 0 : bits >= 64 ? -1L : -1L << (64 - bits);
        long maskLo = bits <= 64 ? 0 : bits == 128 ? -1L : -1L << (128 - bits);
        six.add(new long[] {v6addr[0] & maskHi, v6addr[1] & maskLo, maskHi, maskLo});
        continue;
      }
      throw new IllegalArgumentException("\"" + s + "\" is not an IP address, a CIDR range or *");
    }
    int[] v4 = new int[four.size() * 2];
    for (int i = 0; i < four.size(); i++) {
      v4[2 * i] = four.get(i)[0];
      v4[2 * i + 1] = four.get(i)[1];
    }
    long[] v6 = new long[six.size() * 4];
    for (int i = 0; i < six.size(); i++) System.arraycopy(six.get(i), 0, v6, 4 * i, 4);
    return new IpRanges(entries, any, v4, v6);
  }

  /** Whether {@code s} is one entry {@link #of} accepts. */
  public static boolean validEntry(String s) {
    try {
      of(List.of(s));
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static int prefixLength(String s, int slash, int max) {
    String p = s.substring(slash + 1);
    if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("\"" + s + "\" has an invalid prefix length (expected: 0.." + max + ")");
    }
    int n = Integer.parseInt(p);
    if (n > max) throw new IllegalArgumentException("\"" + s + "\" has an invalid prefix length (expected: 0.." + max + ")");
    return n;
  }

  public List<String> entries() {
    return entries;
  }

  /**
   * Whether {@code address} (an IPv4 or IPv6 literal, optionally in brackets or with a zone) lies in one
   * of the ranges. An address that does not parse is in none (except with {@code *}).
   */
  public boolean contains(String address) {
    if (any) return true;
    long a = parseV4(address, 0, address.length());
    if (a >= 0) {
      int ip = (int) a;
      for (int i = 0; i < v4.length; i += 2) {
        if ((ip & v4[i + 1]) == v4[i]) return true;
      }
      return false;
    }
    if (v6.length == 0) return false;
    long[] x = new long[2];
    if (!parseV6(address, x)) return false;
    for (int i = 0; i < v6.length; i += 4) {
      if ((x[0] & v6[i + 2]) == v6[i] && (x[1] & v6[i + 3]) == v6[i + 1]) return true;
    }
    return false;
  }

  /** A dotted quad in {@code s[from, to)} as an unsigned 32-bit value, or -1. */
  static long parseV4(CharSequence s, int from, int to) {
    long result = 0;
    int parts = 0;
    int i = from;
    while (parts < 4) {
      int start = i;
      int v = 0;
      while (i < to && i - start < 3) {
        char c = s.charAt(i);
        if (c < '0' || c > '9') break;
        v = v * 10 + (c - '0');
        i++;
      }
      if (i == start || v > 255 || i - start > 1 && s.charAt(start) == '0') return -1;
      result = result << 8 | v;
      parts++;
      if (parts < 4) {
        if (i >= to || s.charAt(i) != '.') return -1;
        i++;
      }
    }
    return i == to ? result : -1;
  }

  /** An IPv6 literal ({@code [..]} and {@code %zone} allowed) into {@code out[0]} (high) and {@code out[1]}. */
  static boolean parseV6(String s, long[] out) {
    int from = 0;
    int to = s.length();
    if (to > 1 && s.charAt(0) == '[' && s.charAt(to - 1) == ']') {
      from = 1;
      to--;
    }
    int zone = s.indexOf('%', from);
    if (zone >= 0 && zone < to) to = zone;
    if (to - from < 2) return false;
    int[] groups = new int[8];
    int n = 0;
    int gap = -1;
    int i = from;
    if (s.charAt(i) == ':') {
      if (s.charAt(i + 1) != ':') return false;
      gap = 0;
      i += 2;
      if (i == to) return finish(groups, n, gap, out);
    }
    while (i < to) {
      if (n == 8) return false;
      int start = i;
      int v = 0;
      while (i < to && i - start < 4) {
        int d = Character.digit(s.charAt(i), 16);
        if (d < 0) break;
        v = v << 4 | d;
        i++;
      }
      if (i < to && s.charAt(i) == '.') { // an embedded IPv4 tail
        long four = parseV4(s, start, to);
        if (four < 0 || n > 6) return false;
        groups[n++] = (int) (four >>> 16);
        groups[n++] = (int) (four & 0xffff);
        i = to;
        break;
      }
      if (i == start) return false;
      groups[n++] = v;
      if (i == to) break;
      if (s.charAt(i) != ':') return false;
      i++;
      if (i < to && s.charAt(i) == ':') {
        if (gap >= 0) return false;
        gap = n;
        i++;
        if (i == to) break;
      } else if (i == to) {
        return false; // a trailing single colon
      }
    }
    return finish(groups, n, gap, out);
  }

  private static boolean finish(int[] groups, int n, int gap, long[] out) {
    int[] full = new int[8];
    if (gap < 0) {
      if (n != 8) return false;
      System.arraycopy(groups, 0, full, 0, 8);
    } else {
      if (n > 7) return false;
      System.arraycopy(groups, 0, full, 0, gap);
      System.arraycopy(groups, gap, full, 8 - (n - gap), n - gap);
    }
    long hi = 0;
    long lo = 0;
    for (int k = 0; k < 4; k++) hi = hi << 16 | full[k];
    for (int k = 4; k < 8; k++) lo = lo << 16 | full[k];
    out[0] = hi;
    out[1] = lo;
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IpRanges r && r.entries.equals(entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return String.join(",", entries);
  }
}
