package io.higressj.proxy.exchange;

import io.higressj.proxy.ProxyOptions;
import io.higressj.proxy.http1.ProtocolViolationException;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.NetUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Edge checks on a decoded request, before routing: what Netty's decoder does not check itself. */
final class RequestRules {
  private RequestRules() {}

  /** The status for a request whose decoder result failed. */
  static HttpResponseStatus statusForDecoderFailure(Throwable cause) {
    if (cause instanceof ProtocolViolationException v) return HttpResponseStatus.valueOf(v.status());
    if (cause instanceof TooLongHttpLineException) return HttpResponseStatus.REQUEST_URI_TOO_LONG;
    if (cause instanceof TooLongHttpHeaderException) return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
    return HttpResponseStatus.BAD_REQUEST;
  }

  /**
   * A request target may hold only visible ASCII and no fragment (RFC 9112 3.2); Netty's decoder lets
   * control characters and raw non-ASCII bytes through.
   */
  static boolean validTarget(String target) {
    if (target.isEmpty()) return false;
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c <= 0x20 || c >= 0x7F || c == '#') return false;
    }
    return true;
  }

  /** {@code Host} syntax (RFC 9110 7.2, RFC 3986 3.2.2): reg-name or IP literal, optional port. */
  static boolean validHost(String host) {
    if (host.isEmpty()) return true; // allowed when the target has no authority
    int portStart;
    if (host.charAt(0) == '[') {
      int close = host.indexOf(']');
      if (close < 0 || !NetUtil.isValidIpV6Address(host.substring(1, close))) return false;
      portStart = close + 1;
      if (portStart < host.length() && host.charAt(portStart) != ':') return false;
    } else {
      int colon = host.indexOf(':');
      portStart = colon < 0 ? host.length() : colon;
      for (int i = 0; i < portStart; i++) {
        char c = host.charAt(i);
        boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
            || c == '-' || c == '.' || c == '_' || c == '~' || c == '%' || "!$&'()*+,;=".indexOf(c) >= 0;
        if (!ok) return false;
      }
      if (portStart == 0) return false;
    }
    if (portStart < host.length()) {
      int digits = host.length() - portStart - 1;
      if (digits > 5) return false;
      for (int i = portStart + 1; i < host.length(); i++) {
        char c = host.charAt(i);
        if (c < '0' || c > '9') return false;
      }
    }
    return true;
  }

  /** True when the absolute-form authority and the Host header name the same host and port. */
  static boolean sameAuthority(String targetAuthority, String host, boolean tls) {
    return canonicalAuthority(targetAuthority, tls).equals(canonicalAuthority(host, tls));
  }

  private static String canonicalAuthority(String a, boolean tls) {
    String s = a.toLowerCase(Locale.ROOT);
    int at = s.lastIndexOf('@');
    if (at >= 0) s = s.substring(at + 1); // userinfo is not part of the host
    String defaultPort = tls ? ":443" : ":80";
    if (s.endsWith(defaultPort)) s = s.substring(0, s.length() - defaultPort.length());
    if (s.endsWith(":")) s = s.substring(0, s.length() - 1);
    if (s.endsWith(".")) s = s.substring(0, s.length() - 1);
    return s;
  }

  /** Removes the gateway-owned headers a client must not be able to set. */
  static void stripInternalHeaders(HttpHeaders h, ProxyOptions o) {
    List<String> remove = null;
    for (java.util.Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iteratorCharSequence(); it.hasNext(); ) {
      CharSequence n = it.next().getKey();
      if (!mayBeInternal(n, o.internalHeaders())) continue; // most names: no copy, no lower-casing
      String name = n.toString().toLowerCase(Locale.ROOT);
      if (isInternal(name, o)) {
        if (remove == null) remove = new ArrayList<>(2);
        remove.add(name);
      }
    }
    if (remove != null) for (String n : remove) h.remove(n);
  }

  /** Whether header name {@code n} starts (in any case) as one of {@code patterns} does. */
  static boolean mayBeInternal(CharSequence n, List<String> patterns) {
    if (n.length() == 0) return false;
    char c = n.charAt(0);
    if (c >= 'A' && c <= 'Z') c = (char) (c + ('a' - 'A'));
    for (int i = 0; i < patterns.size(); i++) {
      String p = patterns.get(i);
      if (p.isEmpty() || p.charAt(0) == c || p.charAt(0) == '*') return true;
    }
    return false;
  }

  private static boolean isInternal(String name, ProxyOptions o) {
    for (String pattern : o.internalHeaders()) {
      boolean match = pattern.endsWith("*")
          ? name.startsWith(pattern.substring(0, pattern.length() - 1))
          : name.equals(pattern);
      if (match) return !o.internalHeaderExceptions().contains(name);
    }
    return false;
  }

  /** Names of the request's header fields that contain an underscore, or null when there is none. */
  static List<String> underscoreHeaders(HttpHeaders h) {
    List<String> found = null;
    for (Map.Entry<String, String> e : h) {
      if (e.getKey().indexOf('_') >= 0) {
        if (found == null) found = new ArrayList<>(2);
        found.add(e.getKey());
      }
    }
    return found;
  }

  /**
   * The client address as Envoy computes it with {@code use_remote_address: true}: with N trusted
   * hops, the Nth address from the right of the received {@code X-Forwarded-For}; the TCP peer when
   * N is 0, when the header has fewer addresses, or when that entry is not an IP address.
   */
  static String trustedClientAddress(String peer, List<String> forwardedFor, int trustedHops) {
    if (trustedHops <= 0 || forwardedFor.isEmpty()) return peer;
    List<String> entries = new ArrayList<>();
    for (String v : forwardedFor) {
      for (String part : v.split(",")) entries.add(part.trim());
    }
    int index = entries.size() - trustedHops;
    if (index < 0) return peer;
    String candidate = entries.get(index);
    return NetUtil.isValidIpV4Address(candidate) || NetUtil.isValidIpV6Address(candidate) ? candidate : peer;
  }
}
