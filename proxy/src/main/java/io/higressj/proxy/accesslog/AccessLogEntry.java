package io.higressj.proxy.accesslog;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;

/**
 * What one request did, for the access log.
 *
 * @param startMillis wall-clock start, epoch milliseconds
 * @param method request method
 * @param authority Host or :authority
 * @param path request target as received
 * @param protocol HTTP/1.1, HTTP/1.0 or HTTP/2
 * @param status response status sent downstream (0 when none was sent)
 * @param bytesIn request body bytes received
 * @param bytesOut response body bytes sent
 * @param durationMicros from request headers to the end of the response
 * @param upstream upstream address, or "-"
 * @param route route name, or "-"
 * @param flags response flags ({@code NR} no route, {@code UH} no healthy upstream, {@code UF} upstream
 *     connection failure, {@code UT} upstream timeout, {@code UPE} upstream protocol error,
 *     {@code UC} upstream connection termination, {@code DC} downstream connection termination), or "-"
 * @param clientAddress downstream peer IP
 * @param requestId X-Request-Id sent upstream
 */
public record AccessLogEntry(
    long startMillis,
    String method,
    String authority,
    String path,
    String protocol,
    int status,
    long bytesIn,
    long bytesOut,
    long durationMicros,
    String upstream,
    String route,
    String flags,
    String clientAddress,
    String requestId) {

  /** One JSON object, no line break. */
  public String toJson() {
    Line line = new Line(512);
    appendJson(line);
    return new String(line.bytes(), 0, line.size(), StandardCharsets.UTF_8);
  }

  private static final byte[] TIME = ascii("{\"time\":\"");
  private static final byte[] METHOD = ascii(",\"method\":\"");
  private static final byte[] AUTHORITY = ascii(",\"authority\":\"");
  private static final byte[] PATH = ascii(",\"path\":\"");
  private static final byte[] PROTOCOL = ascii(",\"protocol\":\"");
  private static final byte[] STATUS = ascii(",\"status\":");
  private static final byte[] BYTES_IN = ascii(",\"bytes_in\":");
  private static final byte[] BYTES_OUT = ascii(",\"bytes_out\":");
  private static final byte[] DURATION = ascii(",\"duration_us\":");
  private static final byte[] UPSTREAM = ascii(",\"upstream\":\"");
  private static final byte[] ROUTE = ascii(",\"route\":\"");
  private static final byte[] FLAGS = ascii(",\"flags\":\"");
  private static final byte[] CLIENT = ascii(",\"client\":\"");
  private static final byte[] REQUEST_ID = ascii(",\"request_id\":\"");

  /**
   * Appends {@link #toJson()}'s object, UTF-8 encoded, to {@code out}: written straight to bytes, as the
   * log's writer thread does for every request (no string per line, the time's text made once a second).
   */
  void appendJson(Line out) {
    out.put(TIME);
    out.time(startMillis);
    out.put((byte) '"');
    out.string(METHOD, method);
    out.string(AUTHORITY, authority);
    out.string(PATH, path);
    out.string(PROTOCOL, protocol);
    out.put(STATUS);
    out.number(status);
    out.put(BYTES_IN);
    out.number(bytesIn);
    out.put(BYTES_OUT);
    out.number(bytesOut);
    out.put(DURATION);
    out.number(durationMicros);
    out.string(UPSTREAM, upstream);
    out.string(ROUTE, route);
    out.string(FLAGS, flags);
    out.string(CLIENT, clientAddress);
    out.string(REQUEST_ID, requestId);
    out.put((byte) '}');
  }

  private static final byte[] ESCAPED_QUOTE = ascii("\\\"");
  private static final byte[] ESCAPED_BACKSLASH = ascii("\\\\");
  private static final byte[] ESCAPED_LF = ascii("\\n");
  private static final byte[] ESCAPED_CR = ascii("\\r");
  private static final byte[] ESCAPED_TAB = ascii("\\t");

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** A growing byte buffer that JSON lines are formatted into (one per writer thread: not thread-safe). */
  static final class Line {
    private byte[] a;
    private int n;
    /** the second whose text {@link #secondText} holds ("2026-12-07T17:40:07"), as ISO_INSTANT writes it */
    private long second = Long.MIN_VALUE;
    private byte[] secondText;

    Line(int capacity) {
      a = new byte[capacity];
    }

    byte[] bytes() {
      return a;
    }

    int size() {
      return n;
    }

    void clear() {
      n = 0;
    }

    void put(byte b) {
      if (n == a.length) a = Arrays.copyOf(a, a.length * 2);
      a[n++] = b;
    }

    void put(byte[] b) {
      if (n + b.length > a.length) a = Arrays.copyOf(a, Math.max(a.length * 2, n + b.length));
      System.arraycopy(b, 0, a, n, b.length);
      n += b.length;
    }

    /** {@code Instant.ofEpochMilli(millis).toString()}: the second's text once per second, then the milliseconds */
    void time(long millis) {
      long s = Math.floorDiv(millis, 1000);
      int ms = (int) Math.floorMod(millis, 1000);
      if (s != second) {
        String t = DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(s));
        secondText = ascii(t.substring(0, t.length() - 1)); // without its Z
        second = s;
      }
      put(secondText);
      if (ms != 0) { // ISO_INSTANT writes no fraction for a whole second
        put((byte) '.');
        put((byte) ('0' + ms / 100));
        put((byte) ('0' + ms / 10 % 10));
        put((byte) ('0' + ms % 10));
      }
      put((byte) 'Z');
    }

    void number(long v) {
      if (v < 0) {
        put(ascii(Long.toString(v)));
        return;
      }
      int digits = 1;
      for (long t = v; t >= 10; t /= 10) digits++;
      if (n + digits > a.length) a = Arrays.copyOf(a, Math.max(a.length * 2, n + digits));
      for (int i = n + digits - 1; i >= n; i--) {
        a[i] = (byte) ('0' + v % 10);
        v /= 10;
      }
      n += digits;
    }

    /** {@code name} (which opens the value's quotes), then {@code value} (null: "-") escaped, then the closing quote */
    void string(byte[] name, String value) {
      put(name);
      if (value == null) value = "-";
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
          put((byte) c);
          continue;
        }
        switch (c) {
          case '"' -> put(ESCAPED_QUOTE);
          case '\\' -> put(ESCAPED_BACKSLASH);
          case '\n' -> put(ESCAPED_LF);
          case '\r' -> put(ESCAPED_CR);
          case '\t' -> put(ESCAPED_TAB);
          default -> {
            if (c < 0x20) {
              put(ascii(String.format("\\u%04x", (int) c)));
            } else if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
              put(new String(new char[] {c, value.charAt(++i)}).getBytes(StandardCharsets.UTF_8));
            } else {
              put(String.valueOf(c).getBytes(StandardCharsets.UTF_8)); // a lone surrogate becomes '?', as before
            }
          }
        }
      }
      put((byte) '"');
    }
  }
}
