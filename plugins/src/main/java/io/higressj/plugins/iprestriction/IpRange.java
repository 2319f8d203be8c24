package io.higressj.plugins.iprestriction;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

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
    return addr.length == network.length && Arrays.equals(mask(addr, prefix), network);
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

  private static byte[] parseV4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) return null;
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) return null;
      int v = Integer.parseInt(p);
      if (v > 255) return null;
      out[i] = (byte) v;
    }
    return out;
  }
}
