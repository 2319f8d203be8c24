package io.higressj.plugins.geoip;

/**
 * Parses IP literals in place (IPv4 without allocating), never reaching a resolver as {@link
 * java.net.InetAddress#getByName} can for anything it does not read as a literal.
 */
final class IpLiterals {
  private IpLiterals() {}

  /** {@code a.b.c.d} in {@code s[from, to)} as an unsigned value, or -1 when it is not one */
  static long parseV4(CharSequence s, int from, int to) {
    long ip = 0;
    int i = from;
    for (int part = 0; part < 4; part++) {
      if (part > 0) {
        if (i >= to || s.charAt(i) != '.') return -1;
        i++;
      }
      int start = i;
      int v = 0;
      while (i < to && i - start < 3 && s.charAt(i) >= '0' && s.charAt(i) <= '9') v = v * 10 + (s.charAt(i++) - '0');
      if (i == start || v > 255) return -1;
      ip = ip << 8 | v;
    }
    return i == to ? ip : -1;
  }

  /**
   * An IPv6 literal in {@code s[from, to)} ({@code ::} compression and a trailing dotted IPv4 part
   * allowed; no brackets, no zone) into {@code out[0]} (high 64 bits) and {@code out[1]} (low 64 bits);
   * false when it is not one.
   */
  static boolean parseV6(CharSequence s, int from, int to, long[] out) {
    int[] g = new int[8];
    int n = 0;
    int compressAt = -1;
    int i = from;
    if (to - from >= 2 && s.charAt(from) == ':' && s.charAt(from + 1) == ':') {
      compressAt = 0;
      i += 2;
    } else if (i >= to || s.charAt(i) == ':') {
      return false;
    }
    while (i < to) {
      int start = i;
      int v = 0;
      while (i < to && i - start < 4 && hex(s.charAt(i)) >= 0) v = v << 4 | hex(s.charAt(i++));
      if (i == start) return false;
      if (i < to && s.charAt(i) == '.') { // the last 32 bits in dotted IPv4 form
        if (n > 6) return false;
        long v4 = parseV4(s, start, to);
        if (v4 < 0) return false;
        g[n++] = (int) (v4 >>> 16);
        g[n++] = (int) (v4 & 0xffff);
        break;
      }
      if (i < to && hex(s.charAt(i)) >= 0) return false; // more than four digits
      if (n == 8) return false;
      g[n++] = v;
      if (i == to) break;
      if (s.charAt(i) != ':') return false;
      i++;
      if (i < to && s.charAt(i) == ':') {
        if (compressAt >= 0) return false;
        compressAt = n;
        i++;
      } else if (i == to) {
        return false; // a trailing single colon
      }
    }
    if (compressAt < 0 ? n != 8 : n > 7) return false;
    int gap = compressAt < 0 ? 0 : 8 - n;
    long hi = 0;
    long lo = 0;
    for (int k = 0; k < 8; k++) {
      int v = compressAt < 0 || k < compressAt ? g[k] : k < compressAt + gap ? 0 : g[k - gap];
      if (k < 4) hi = hi << 16 | v;
      else lo = lo << 16 | v;
    }
    out[0] = hi;
    out[1] = lo;
    return true;
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

}
