package io.higressj.config.model;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Reads parameters from a raw query string ({@code a=1&b=2}), decoding names and values as forms do. */
public final class QueryString {
  private QueryString() {}

  /** The first value of {@code name} in {@code query} (null: no query), {@code ""} for a bare name; or null. */
  public static String first(String query, String name) {
    if (query == null || query.isEmpty()) return null;
    int i = 0;
    int n = query.length();
    while (i <= n) {
      int amp = query.indexOf('&', i);
      if (amp < 0) amp = n;
      int eq = query.indexOf('=', i);
      if (eq < 0 || eq > amp) eq = -1;
      String k = decode(query.substring(i, eq < 0 ? amp : eq));
      if (k.equals(name)) return eq < 0 ? "" : decode(query.substring(eq + 1, amp));
      i = amp + 1;
    }
    return null;
  }

  private static String decode(String s) {
    if (s.indexOf('%') < 0 && s.indexOf('+') < 0) return s;
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s; // a broken escape: compare it as sent
    }
  }
}
