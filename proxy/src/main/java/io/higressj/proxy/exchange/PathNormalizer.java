package io.higressj.proxy.exchange;

import io.higressj.proxy.ProxyOptions.EscapedSlashes;

/**
 * Normalises a request path before routing (RFC 3986 section 6.2.2), so that a route cannot be
 * bypassed by spelling its path differently: percent-encoded unreserved characters are decoded
 * ({@code %7E} is {@code ~}, {@code %2e} is {@code .}), the remaining escapes get upper-case hex,
 * dot segments are removed (section 5.2.4), and runs of {@code /} are merged when configured.
 * {@code %2F} and {@code %5C} stay encoded (so they never become separators), are refused, or are
 * decoded to {@code /} before the rest ({@link EscapedSlashes}).
 * A path that would climb above the root is refused rather than clamped.
 */
public final class PathNormalizer {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private final boolean mergeSlashes;
  private final EscapedSlashes escapedSlashes;

  public PathNormalizer(boolean mergeSlashes, EscapedSlashes escapedSlashes) {
    this.mergeSlashes = mergeSlashes;
    this.escapedSlashes = escapedSlashes;
  }

  /** Thrown for a path that cannot be normalised; the message says why. */
  public static final class InvalidPathException extends Exception {
    InvalidPathException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * @param path the path part of an origin-form target (starts with {@code /}, no query)
   * @return the normalised path, the same instance when nothing changed
   */
  public String normalize(String path) throws InvalidPathException {
    if (path.isEmpty() || path.charAt(0) != '/') throw new InvalidPathException("path does not start with /");
    String p = path.indexOf('%') >= 0 ? decodeUnreserved(path) : path;
    if (!needsSegmentWork(p)) return p.equals(path) ? path : p;
    return removeDotSegments(p);
  }

  private String decodeUnreserved(String path) throws InvalidPathException {
    StringBuilder b = new StringBuilder(path.length());
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c != '%') {
        b.append(c);
        continue;
      }
      if (i + 2 >= path.length()) throw new InvalidPathException("truncated percent-encoding");
      int hi = Character.digit(path.charAt(i + 1), 16);
      int lo = Character.digit(path.charAt(i + 2), 16);
      if (hi < 0 || lo < 0 || path.charAt(i + 1) > 0x7F || path.charAt(i + 2) > 0x7F) {
        throw new InvalidPathException("invalid percent-encoding");
      }
      int v = hi * 16 + lo;
      i += 2;
      if (isUnreserved(v)) {
        b.append((char) v);
      } else {
        if ((v == '/' || v == '\\') && escapedSlashes == EscapedSlashes.REJECT) {
          throw new InvalidPathException("escaped slash or backslash in the path");
        }
        if ((v == '/' || v == '\\') && unescapes()) {
          b.append('/'); // a separator from now on: dot segments and merging see it
          continue;
        }
        b.append('%').append(HEX[hi]).append(HEX[lo]);
      }
    }
    return b.toString();
  }

  private static boolean isUnreserved(int c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~';
  }

  private boolean unescapes() {
    return escapedSlashes == EscapedSlashes.UNESCAPE_AND_FORWARD || escapedSlashes == EscapedSlashes.UNESCAPE_AND_REDIRECT;
  }

  /**
   * True when a request with {@code path} (as received) is answered with a redirect to its normalised
   * path: {@link EscapedSlashes#UNESCAPE_AND_REDIRECT} and the path has {@code %2F} or {@code %5C}.
   */
  public boolean redirects(String path) {
    if (escapedSlashes != EscapedSlashes.UNESCAPE_AND_REDIRECT) return false;
    for (int i = path.indexOf('%'); i >= 0 && i + 2 < path.length(); i = path.indexOf('%', i + 1)) {
      char a = path.charAt(i + 1);
      char c = Character.toUpperCase(path.charAt(i + 2));
      if (a == '2' && c == 'F' || a == '5' && c == 'C') return true;
    }
    return false;
  }

  /** True when the path has a "." or ".." segment, or "//" that must be merged. */
  private boolean needsSegmentWork(String p) {
    int n = p.length();
    for (int i = 0; i < n; i++) {
      if (p.charAt(i) != '/') continue;
      if (i + 1 < n) {
        char c = p.charAt(i + 1);
        if (c == '/' && mergeSlashes) return true;
        if (c == '.') {
          int end = i + 2;
          if (end < n && p.charAt(end) == '.') end++;
          if (end == n || p.charAt(end) == '/') return true;
        }
      }
    }
    return false;
  }

  private String removeDotSegments(String p) throws InvalidPathException {
    // segments between slashes; p starts with '/', so the first split element is empty
    String[] parts = p.substring(1).split("/", -1);
    String[] out = new String[parts.length];
    int depth = 0;
    boolean trailingSlash = false;
    for (int i = 0; i < parts.length; i++) {
      String s = parts[i];
      boolean last = i == parts.length - 1;
      if (s.equals(".")) {
        trailingSlash = last;
      } else if (s.equals("..")) {
        if (depth == 0) throw new InvalidPathException("path climbs above the root");
        depth--;
        trailingSlash = last;
      } else if (s.isEmpty() && mergeSlashes && !last) {
        // "//": merged
      } else {
        out[depth++] = s;
        trailingSlash = false;
      }
    }
    StringBuilder b = new StringBuilder(p.length());
    for (int i = 0; i < depth; i++) b.append('/').append(out[i]);
    if (trailingSlash || depth == 0) b.append('/');
    String r = b.toString();
    if (mergeSlashes && r.endsWith("//")) r = r.substring(0, r.length() - 1);
    return r;
  }
}
