package io.higressj.conformance.client;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * An absolute http(s) URL and RFC 3986 reference resolution, leniently, as Go's {@code url.Parse}
 * and {@code URL.ResolveReference} treat a {@code Location} header: no percent-decoding, no
 * validation of characters, a fragment dropped.
 *
 * @param scheme lower case
 * @param host the host name, without port (IPv6 without brackets)
 * @param port the explicit port text, "" when none
 * @param path the path, possibly empty
 * @param query without {@code ?}; null when there is none
 */
public record Url(String scheme, String host, String port, String path, String query) {
  public Url {
    requireNonNull(scheme, "scheme");
    requireNonNull(host, "host");
    requireNonNull(port, "port");
    requireNonNull(path, "path");
  }

  /** {@code scheme://host[:port]} + the request target {@code pathAndQuery}. */
  public static Url of(String scheme, String hostPort, String pathAndQuery) {
    String[] hp = splitHostPort(hostPort);
    int q = pathAndQuery.indexOf('?');
    return new Url(scheme.toLowerCase(Locale.ROOT), hp[0], hp[1], q < 0 ? pathAndQuery : pathAndQuery.substring(0, q),
        q < 0 ? null : pathAndQuery.substring(q + 1));
  }

  /** The explicit port, or the scheme's default. */
  public int effectivePort() {
    if (!port.isEmpty()) return Integer.parseInt(port);
    return scheme.equals("https") ? 443 : 80;
  }

  /** {@code host[:port]}, brackets around an IPv6 host. */
  public String hostPort() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return port.isEmpty() ? h : h + ":" + port;
  }

  /** Path and query: what goes into the request line ({@code /} for an empty path). */
  public String requestTarget() {
    String p = path.isEmpty() ? "/" : path;
    return query == null ? p : p + "?" + query;
  }

  @Override
  public String toString() {
    return scheme + "://" + hostPort() + path + (query == null ? "" : "?" + query);
  }

  /** Whether {@code reference} has a scheme (an absolute URL) — Go's {@code URL.IsAbs}. */
  public static boolean isAbsolute(String reference) {
    return reference.matches("(?s)^[A-Za-z][A-Za-z0-9+.-]*:.*");
  }

  /**
   * Resolves a reference (a {@code Location} value) against this URL.
   *
   * @throws IllegalArgumentException when the reference is absolute but not http(s), or its port is not a number
   */
  public Url resolve(String reference) {
    String ref = reference;
    int hash = ref.indexOf('#');
    if (hash >= 0) ref = ref.substring(0, hash);
    if (isAbsolute(ref)) {
      int colon = ref.indexOf(':');
      String scheme = ref.substring(0, colon).toLowerCase(Locale.ROOT);
      String rest = ref.substring(colon + 1);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalArgumentException("Location " + reference + ": scheme " + scheme + " (expected: http or https)");
      }
      if (!rest.startsWith("//")) {
        // "http:path" (opaque): no authority; Go keeps the base host out of it, so cannot be followed
        throw new IllegalArgumentException("Location " + reference + ": no host");
      }
      return withAuthority(scheme, rest.substring(2), reference);
    }
    if (ref.startsWith("//")) return withAuthority(scheme, ref.substring(2), reference);
    String refPath = ref;
    String refQuery = null;
    int q = ref.indexOf('?');
    if (q >= 0) {
      refPath = ref.substring(0, q);
      refQuery = ref.substring(q + 1);
    }
    if (refPath.isEmpty()) return new Url(scheme, host, port, path, refQuery != null ? refQuery : query);
    String merged;
    if (refPath.startsWith("/")) {
      merged = refPath;
    } else {
      int slash = path.lastIndexOf('/');
      merged = (slash < 0 ? "/" : path.substring(0, slash + 1)) + refPath;
    }
    return new Url(scheme, host, port, removeDotSegments(merged), refQuery);
  }

  private static Url withAuthority(String scheme, String afterSlashes, String reference) {
    int end = afterSlashes.length();
    for (int i = 0; i < afterSlashes.length(); i++) {
      char c = afterSlashes.charAt(i);
      if (c == '/' || c == '?') {
        end = i;
        break;
      }
    }
    String authority = afterSlashes.substring(0, end);
    int at = authority.lastIndexOf('@');
    if (at >= 0) authority = authority.substring(at + 1);
    String rest = afterSlashes.substring(end);
    String[] hp = splitHostPort(authority);
    if (!hp[1].isEmpty() && !hp[1].chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException("Location " + reference + ": invalid port \"" + hp[1] + "\"");
    }
    int q = rest.indexOf('?');
    String p = q < 0 ? rest : rest.substring(0, q);
    return new Url(scheme, hp[0], hp[1], removeDotSegments(p), q < 0 ? null : rest.substring(q + 1));
  }

  /** {@code host:port}, {@code [v6]:port}, {@code host} → {host, port or ""}. */
  static String[] splitHostPort(String hostPort) {
    if (hostPort.startsWith("[")) {
      int close = hostPort.indexOf(']');
      if (close > 0) {
        String rest = hostPort.substring(close + 1);
        return new String[] {hostPort.substring(1, close), rest.startsWith(":") ? rest.substring(1) : ""};
      }
    }
    int colon = hostPort.lastIndexOf(':');
    if (colon >= 0 && hostPort.indexOf(':') == colon) {
      return new String[] {hostPort.substring(0, colon), hostPort.substring(colon + 1)};
    }
    return new String[] {hostPort, ""};
  }

  /** RFC 3986 5.2.4. */
  static String removeDotSegments(String path) {
    if (!path.contains(".")) return path;
    Deque<String> out = new ArrayDeque<>();
    String[] segments = path.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      String s = segments[i];
      boolean last = i == segments.length - 1;
      if (s.equals(".")) {
        if (last) out.addLast("");
      } else if (s.equals("..")) {
        if (out.size() > 1) out.removeLast();
        if (last) out.addLast("");
      } else {
        out.addLast(s);
      }
    }
    String joined = String.join("/", out);
    return path.startsWith("/") && !joined.startsWith("/") ? "/" + joined : joined;
  }
}
