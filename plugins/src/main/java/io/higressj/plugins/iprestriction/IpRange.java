package io.higressj.plugins.iprestriction;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address or a CIDR block, IPv4 or IPv6, compared as bytes (an IPv4-mapped IPv6 address counts as IPv4). */
public record IpRange(byte[] network, int prefix) {
  /** Parses {@code 10.0.0.1}, {@code 10.0.0.0/8}, {@code 2001:db8::/32}; null when it is not one. */
  public static IpRange parse(String s) {
    String text = s.trim();
    int slash = text.indexOf('/');
    byte[] addr = parseAddress(slash < 0 ? text : text.substring(0, slash));
    if (addr == null) return null;
    int prefix = addr.length * 8;
    if (slash >= 0) {
      String p = text.substring(slash + 1);
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) return null;
      prefix = Integer.parseInt(p);
      if (prefix > addr.length * 8) return null;
    }
    // 192.168.0.1/16 means 192.168.0.0/16, as Higress (and Go's net.ParseCIDR) read it
    return new IpRange(mask(addr, prefix), prefix);
  }

  public boolean contains(byte[] addr) {
    if (addr.length != network.length) return false;
    for (int i = 0; i < addr.length; i++) { // the network is masked already; the address is masked here, in place of a copy
      int bits = Math.max(0, Math.min(8, prefix - i * 8));
      int m = (0xff << (8 - bits)) & 0xff;
      if ((addr[i] & m) != (network[i] & 0xff)) return false;
    }
    return true;
  }

  private static byte[] mask(byte[] addr, int prefix) {
    byte[] out = addr.clone();
    for (int i = 0; i < out.length; i++) {
      int bits = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] = (byte) (out[i] & (0xff << (8 - bits)));
    }
    return out;
  }

  /** The bytes of an IP literal (4 for IPv4 and IPv4-mapped IPv6, else 16); null when it is not one. */
  public static byte[] parseAddress(String s) {
    if (s.isEmpty() || s.length() > 45) return null;
    if (s.indexOf(':') < 0) return parseV4(s);
    String v6 = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
    int zone = v6.indexOf('%');
    if (zone >= 0) v6 = v6.substring(0, zone);
    for (int i = 0; i < v6.length(); i++) {
      char c = v6.charAt(i);
      boolean ok = c == ':' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!ok) return null; // never let a host name reach the resolver
    }
    try {
      byte[] b = InetAddress.getByName(v6).getAddress(); // a literal: no lookup
      return b;
    } catch (UnknownHostException | IllegalArgumentException e) {
      return null;
    }
  }

  /** Four dot-separated decimal numbers of one to three digits, each at most 255; read per request, in one pass. */
  private static byte[] parseV4(String s) {
    byte[] out = new byte[4];
    int part = 0;
    int value = 0;
    int digits = 0;
    for (int i = 0; i <= s.length(); i++) {
      char c = i < s.length() ? s.charAt(i) : '.'; // the end closes the last number
      if (c >= '0' && c <= '9') {
        if (++digits > 3) return null;
        value = value * 10 + (c - '0');
      } else if (c == '.') {
        if (digits == 0 || value > 255 || part == 4) return null;
        out[part++] = (byte) value;
        value = 0;
        digits = 0;
      } else {
        return null;
      }
    }
    return part == 4 ? out : null;
  }
}
