package io.higressj.config.plugin;

import java.util.List;

/**
 * A {@code matchRules[].domain} list: exact names, {@code *.suffix} (any host ending with {@code
 * .suffix}) and {@code prefix*} (any host starting with {@code prefix}), compared with the request's
 * host without its port, case-insensitively, as Higress's rule matcher does.
 */
public record DomainMatch(List<String> patterns) {
  public DomainMatch {
    patterns = List.copyOf(patterns);
  }

  public boolean matches(String authority) {
    String host = hostOf(authority);
    for (int i = 0, n = patterns.size(); i < n; i++) {
      String p = patterns.get(i);
      if (p.startsWith("*")) {
        if (host.regionMatches(true, host.length() - (p.length() - 1), p, 1, p.length() - 1)
            && host.length() >= p.length() - 1) {
          return true;
        }
      } else if (p.endsWith("*")) {
        if (host.regionMatches(true, 0, p, 0, p.length() - 1) && host.length() >= p.length() - 1) return true;
      } else if (host.equalsIgnoreCase(p)) {
        return true;
      }
    }
    return false;
  }

  /** host[:port] or [v6]:port without the port. */
  static String hostOf(String authority) {
    if (authority == null) return "";
    if (authority.startsWith("[")) {
      int end = authority.indexOf(']');
      return end < 0 ? authority : authority.substring(0, end + 1);
    }
    int colon = authority.lastIndexOf(':');
    return colon >= 0 && authority.indexOf(':') == colon ? authority.substring(0, colon) : authority;
  }

  /** The pattern as written, checked: null when valid, else what is wrong and what was expected. */
  static String check(String p) {
    String expected = " (expected: a host name, *.suffix or prefix*)";
    if (p.isEmpty()) return "empty" + expected;
    int star = p.indexOf('*');
    if (star >= 0 && (p.indexOf('*', star + 1) >= 0 || star != 0 && star != p.length() - 1)) {
      return p + ": one * at the start or at the end" + expected;
    }
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c <= ' ' || c == '/') return p + ": invalid character" + expected;
    }
    return null;
  }

  @Override
  public String toString() {
    return String.join(",", patterns);
  }
}
