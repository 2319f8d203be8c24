package io.higressj.plugins.oidc;

import static java.util.Objects.requireNonNull;

import io.higressj.api.RequestHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cookie options ({@code cookie_*}) and how cookies are read from requests and written in
 * {@code Set-Cookie}. A value too long for one cookie is split into {@code <name>_0}, {@code <name>_1}
 * ... as oauth2-proxy splits it.
 *
 * @param domains {@code cookie_domains}, longest first
 * @param expire {@code cookie_expire}; zero: a browser-session cookie
 * @param refresh {@code cookie_refresh}; zero: never refreshed before the tokens expire
 * @param sameSite empty (no attribute), {@code lax}, {@code strict} or {@code none}
 */
record CookieSettings(String name, CookieCipher cipher, List<String> domains, String path, Duration expire, Duration refresh,
    boolean secure, boolean httpOnly, String sameSite, boolean csrfPerRequest, Duration csrfExpire) {
  /** the longest value one cookie carries before it is split (browsers keep about 4096 bytes per cookie) */
  static final int MAX_COOKIE_BYTES = 4000;
  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
      .withZone(ZoneOffset.UTC);

  CookieSettings {
    requireNonNull(name, "name");
    requireNonNull(cipher, "cipher");
    domains = List.copyOf(domains);
    requireNonNull(path, "path");
    requireNonNull(expire, "expire");
    requireNonNull(refresh, "refresh");
    requireNonNull(sameSite, "sameSite");
    requireNonNull(csrfExpire, "csrfExpire");
  }

  String csrfName(String state) {
    return csrfPerRequest ? name + "_csrf_" + state.substring(0, Math.min(16, state.length())) : name + "_csrf";
  }

  /** the cookie domain for a request to {@code host}: the longest configured one it is in, else the shortest, else none */
  String domainFor(String host) {
    if (domains.isEmpty()) return null;
    String h = host == null ? "" : host.toLowerCase(Locale.ROOT);
    for (String d : domains) {
      String bare = d.startsWith(".") ? d.substring(1) : d;
      if (h.equals(bare) || h.endsWith("." + bare)) return d;
    }
    return domains.get(domains.size() - 1);
  }

  /** a {@code Set-Cookie} value; {@code maxAge} null or zero makes a browser-session cookie */
  String setCookie(String cookieName, String value, String host, Duration maxAge, long nowMillis) {
    StringBuilder b = new StringBuilder(cookieName).append('=').append(value);
    attributes(b, host);
    if (maxAge != null && !maxAge.isZero()) {
      b.append("; Expires=").append(HTTP_DATE.format(Instant.ofEpochMilli(nowMillis).plus(maxAge)));
      b.append("; Max-Age=").append(maxAge.toSeconds());
    }
    return b.toString();
  }

  /** a {@code Set-Cookie} value that removes {@code cookieName} */
  String clearCookie(String cookieName, String host) {
    StringBuilder b = new StringBuilder(cookieName).append('=');
    attributes(b, host);
    return b.append("; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0").toString();
  }

  private void attributes(StringBuilder b, String host) {
    b.append("; Path=").append(path);
    String domain = domainFor(host);
    if (domain != null) b.append("; Domain=").append(domain);
    if (httpOnly) b.append("; HttpOnly");
    if (secure) b.append("; Secure");
    switch (sameSite) {
      case "lax" -> b.append("; SameSite=Lax");
      case "strict" -> b.append("; SameSite=Strict");
      case "none" -> b.append("; SameSite=None");
      default -> {}
    }
  }

  /**
   * {@code Set-Cookie} values storing {@code value} under {@code name} (split when long), and clearing
   * the parts of an earlier value the request carried that this one does not overwrite.
   */
  List<String> store(String value, Map<String, String> requestCookies, String host, Duration maxAge, long nowMillis) {
    List<String> out = new ArrayList<>();
    List<String> written = new ArrayList<>();
    int room = MAX_COOKIE_BYTES - name.length() - 4;
    if (value.length() <= room) {
      out.add(setCookie(name, value, host, maxAge, nowMillis));
      written.add(name);
    } else {
      for (int i = 0, at = 0; at < value.length(); i++, at += room) {
        String part = name + "_" + i;
        out.add(setCookie(part, value.substring(at, Math.min(value.length(), at + room)), host, maxAge, nowMillis));
        written.add(part);
      }
    }
    for (String n : partsIn(requestCookies)) if (!written.contains(n)) out.add(clearCookie(n, host));
    return out;
  }

  /** {@code Set-Cookie} values clearing the session cookie (each part the request carried, at least {@code name}) */
  List<String> clearSession(Map<String, String> requestCookies, String host) {
    List<String> names = partsIn(requestCookies);
    if (!names.contains(name)) names.add(0, name);
    List<String> out = new ArrayList<>();
    for (String n : names) out.add(clearCookie(n, host));
    return out;
  }

  /** the session cookie's value from the request: {@code name}, else its parts {@code name_0, name_1 ...} joined */
  String load(Map<String, String> requestCookies) {
    String whole = requestCookies.get(name);
    if (whole != null) return whole;
    StringBuilder b = new StringBuilder();
    for (int i = 0; ; i++) {
      String part = requestCookies.get(name + "_" + i);
      if (part == null) break;
      b.append(part);
    }
    return b.isEmpty() ? null : b.toString();
  }

  private List<String> partsIn(Map<String, String> requestCookies) {
    List<String> out = new ArrayList<>();
    for (String n : requestCookies.keySet()) {
      if (n.equals(name) || n.startsWith(name + "_") && n.substring(name.length() + 1).matches("\\d{1,3}")) out.add(n);
    }
    return out;
  }

  /** the request's cookies by name (the first of a repeated name) */
  static Map<String, String> parse(RequestHeaders h) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : h.getAll("cookie")) {
      for (String pair : line.split(";")) {
        int eq = pair.indexOf('=');
        if (eq <= 0) continue;
        String n = pair.substring(0, eq).trim();
        String v = pair.substring(eq + 1).trim();
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) v = v.substring(1, v.length() - 1);
        if (!n.isEmpty()) out.putIfAbsent(n, v);
      }
    }
    return out;
  }
}
