package io.higressj.proxy.http1;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * Checks one HTTP/1.x message head byte by byte (RFC 9112 sections 2 to 6) and learns its framing:
 * start line, field lines, the empty line. It keeps only what framing needs (the version, the
 * status code, Content-Length and Transfer-Encoding values), never a whole line. Everything it
 * accepts, Netty's decoder accepts with the same framing; what it refuses is never forwarded.
 *
 * <p>Refused: bare CR or LF, obs-fold, a field line without a colon or with whitespace before it,
 * a field name that is not a token, control characters in values, start lines with other than
 * single spaces, a version other than {@code HTTP/d.d} (for responses other than 1.0 and 1.1),
 * more than one Content-Length or Transfer-Encoding field, a Content-Length that is not 1 to 18
 * digits, a Transfer-Encoding other than exactly {@code chunked} (any case), both, and
 * Transfer-Encoding in an HTTP/1.0 message.
 */
final class HeadScanner {
  enum Result { MORE, DONE, BAD }

  private static final int START = 0;
  private static final int METHOD = 1;
  private static final int TARGET = 2;
  private static final int VERSION = 3;
  private static final int START_LINE_LF = 4;
  private static final int FIELD_BEGIN = 5;
  private static final int NAME = 6;
  private static final int VALUE = 7;
  private static final int FIELD_LF = 8;
  private static final int END_LF = 9;
  private static final int STATUS_VERSION = 10;
  private static final int STATUS_CODE = 11;
  private static final int REASON = 12;

  private static final int OTHER = 0;
  private static final int CONTENT_LENGTH = 1;
  private static final int TRANSFER_ENCODING = 2;
  private static final byte[] CONTENT_LENGTH_NAME = "content-length".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] TRANSFER_ENCODING_NAME = "transfer-encoding".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  static final boolean[] TCHAR = new boolean[256];

  static {
    for (int c = '0'; c <= '9'; c++) TCHAR[c] = true;
    for (int c = 'a'; c <= 'z'; c++) TCHAR[c] = true;
    for (int c = 'A'; c <= 'Z'; c++) TCHAR[c] = true;
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) TCHAR[c] = true;
  }

  private final boolean request;
  private boolean fieldsOnly;
  private int state;
  private Result result = Result.MORE;
  private String violation;
  private int startIndex = -1;

  private final byte[] version = new byte[8];
  private int versionLength;
  private int targetLength;
  private int methodLength;
  private int statusDigits;
  private int status;

  private final byte[] name = new byte[20];
  private int nameLength;
  private int kind;
  private final byte[] value = new byte[64];
  private int valueLength;

  private boolean http10;
  private boolean contentLengthSeen;
  private long contentLength = -1;
  private boolean chunked;

  /** @param request a request head (request line) or a response head (status line) */
  HeadScanner(boolean request) {
    this.request = request;
    reset(false);
  }

  /** Starts a new head; {@code fieldsOnly} scans trailer fields (no start line, no framing rules). */
  void reset(boolean fieldsOnly) {
    this.fieldsOnly = fieldsOnly;
    state = fieldsOnly ? FIELD_BEGIN : START;
    result = Result.MORE;
    violation = null;
    startIndex = -1;
    versionLength = 0;
    targetLength = 0;
    methodLength = 0;
    statusDigits = 0;
    status = 0;
    nameLength = 0;
    kind = OTHER;
    valueLength = 0;
    http10 = false;
    contentLengthSeen = false;
    contentLength = -1;
    chunked = false;
  }

  /** True once the start line began (the bytes skipped before a request line do not count). */
  boolean started() {
    return state != START;
  }

  /** Index in the last fed buffer where the start line began, -1 when it did not begin there. */
  int startIndex() {
    return startIndex;
  }

  Result result() {
    return result;
  }

  String violation() {
    return violation;
  }

  long contentLength() {
    return contentLength;
  }

  boolean chunked() {
    return chunked;
  }

  int status() {
    return status;
  }

  /**
   * The bytes are copied from the buffer a window at a time and scanned in the array: reading a direct
   * buffer byte by byte (or run by run through its {@code forEachByte}) checks the index and the
   * reference count at every call, which cost more than the scan itself. Scanners run on event-loop
   * threads one at a time, so one window per thread serves them all.
   */
  private static final FastThreadLocal<byte[]> WINDOW = new FastThreadLocal<>() {
    @Override
    protected byte[] initialValue() {
      return new byte[512];
    }
  };

  /** Scans {@code buf[from, to)} and returns the index after the last byte it consumed. */
  int feed(ByteBuf buf, int from, int to) {
    startIndex = -1;
    byte[] w = WINDOW.get();
    int i = from;
    while (i < to && result == Result.MORE) {
      int n = Math.min(to - i, w.length);
      buf.getBytes(i, w, 0, n);
      int k = scan(w, n, i);
      i += k;
      if (k < n) break; // it stopped inside the window: the head is done or refused
    }
    return i;
  }

  /** Scans {@code w[0, n)}, the buffer's bytes from index {@code base}; returns how many it consumed. */
  private int scan(byte[] w, int n, int base) {
    int k = 0;
    while (k < n && result == Result.MORE) {
      // the long parts of a head (the target, field names, the reason phrase and the values of fields
      // framing does not read) are checked in tight loops; their ends and everything else go through step()
      int st = state;
      if (st == TARGET || st == VALUE && kind == OTHER || st == NAME || st == REASON) {
        int end = k;
        if (st == TARGET) {
          while (end < n && w[end] > 0x20 && w[end] < 0x7F) end++; // visible ASCII
          targetLength += end - k;
        } else if (st == NAME) { // a token, kept as far as framing names go (compared in fieldKind())
          while (end < n && TCHAR[w[end] & 0xFF]) end++;
          int keep = Math.min(end - k, name.length - nameLength);
          if (keep > 0) System.arraycopy(w, k, name, nameLength, keep);
          nameLength += end - k;
        } else { // a value or reason: visible, space, tab, obs-text
          while (end < n) {
            byte b = w[end];
            if (!(b >= 0x20 && b != 0x7F || b == '\t' || b < 0)) break;
            end++;
          }
        }
        k = end;
        if (k == n) break;
      }
      if (!step(w[k] & 0xFF, base + k)) return k;
      k++;
    }
    return k;
  }

  private boolean bad(String why) {
    violation = why;
    result = Result.BAD;
    return false;
  }

  private boolean step(int b, int index) {
    switch (state) {
      case START:
        if (b == '\r' || b == '\n') return true; // RFC 9112 2.2: empty lines before a request line are ignored
        startIndex = index;
        if (request) {
          state = METHOD;
          return method(b);
        }
        state = STATUS_VERSION;
        return statusVersion(b);
      case METHOD:
        return method(b);
      case TARGET:
        if (b == ' ') {
          if (targetLength == 0) return bad("more than one space in the request line");
          state = VERSION;
          return true;
        }
        if (b <= 0x20 || b >= 0x7F) return bad("invalid byte 0x" + Integer.toHexString(b) + " in the request target");
        targetLength++;
        return true;
      case VERSION:
        if (b == '\r') {
          if (!validVersion()) return bad("invalid HTTP version");
          http10 = version[7] == '0' && version[5] == '1';
          state = START_LINE_LF;
          return true;
        }
        if (b == '\n') return bad("bare LF in the request line");
        if (versionLength == version.length) return bad("invalid HTTP version");
        version[versionLength++] = (byte) b;
        return true;
      case STATUS_VERSION:
        return statusVersion(b);
      case STATUS_CODE:
        if (b >= '0' && b <= '9' && statusDigits < 3) {
          if (statusDigits == 0 && (b < '1' || b > '5')) return bad("invalid status code");
          status = status * 10 + (b - '0');
          statusDigits++;
          return true;
        }
        if (statusDigits != 3) return bad("invalid status code");
        if (b == ' ') {
          state = REASON;
          return true;
        }
        if (b == '\r') {
          state = START_LINE_LF;
          return true;
        }
        return bad("invalid status line");
      case REASON:
        if (b == '\r') {
          state = START_LINE_LF;
          return true;
        }
        if (b < 0x20 && b != '\t' || b == 0x7F) return bad("invalid byte 0x" + Integer.toHexString(b) + " in the reason phrase");
        return true;
      case START_LINE_LF:
        if (b != '\n') return bad("bare CR in the start line");
        state = FIELD_BEGIN;
        return true;
      case FIELD_BEGIN:
        if (b == '\r') {
          state = END_LF;
          return true;
        }
        if (b == '\n') return bad("bare LF ends a field line");
        if (b == ' ' || b == '\t') return bad("obs-fold (a field line starting with whitespace)");
        if (!TCHAR[b]) return bad("invalid byte 0x" + Integer.toHexString(b) + " in a field name");
        nameLength = 0;
        valueLength = 0;
        state = NAME;
        storeName(b);
        return true;
      case NAME:
        if (b == ':') {
          kind = fieldKind();
          state = VALUE;
          return true;
        }
        if (TCHAR[b]) {
          storeName(b);
          return true;
        }
        if (b == ' ' || b == '\t') return bad("whitespace between a field name and the colon");
        if (b == '\r' || b == '\n') return bad("a field line without a colon");
        return bad("invalid byte 0x" + Integer.toHexString(b) + " in a field name");
      case VALUE:
        if (b == '\r') {
          state = FIELD_LF;
          return true;
        }
        if (b == '\n') return bad("bare LF ends a field line");
        if (b < 0x20 && b != '\t' || b == 0x7F) return bad("invalid byte 0x" + Integer.toHexString(b) + " in a field value");
        if (kind != OTHER) {
          if (valueLength == 0 && (b == ' ' || b == '\t')) return true; // leading OWS
          if (valueLength == value.length) return bad("framing field value too long");
          value[valueLength++] = (byte) b;
        }
        return true;
      case FIELD_LF:
        if (b != '\n') return bad("bare CR in a field line");
        state = FIELD_BEGIN;
        return endField();
      case END_LF:
        if (b != '\n') return bad("bare CR ends the header section");
        return endHead();
      default:
        throw new IllegalStateException("state " + state);
    }
  }

  private boolean method(int b) {
    if (b == ' ') {
      if (methodLength == 0) return bad("empty method");
      state = TARGET;
      return true;
    }
    if (!TCHAR[b]) return bad("invalid byte 0x" + Integer.toHexString(b) + " in the method");
    methodLength++;
    return true;
  }

  private boolean statusVersion(int b) {
    if (b == ' ') {
      if (!validVersion() || version[5] != '1' || version[7] != '0' && version[7] != '1') {
        return bad("invalid HTTP version in the status line");
      }
      http10 = version[7] == '0';
      state = STATUS_CODE;
      return true;
    }
    if (versionLength == version.length) return bad("invalid HTTP version in the status line");
    version[versionLength++] = (byte) b;
    return true;
  }

  private boolean validVersion() {
    return versionLength == 8 && version[0] == 'H' && version[1] == 'T' && version[2] == 'T' && version[3] == 'P'
        && version[4] == '/' && isDigit(version[5]) && version[6] == '.' && isDigit(version[7]);
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  private void storeName(int b) {
    if (nameLength < name.length) name[nameLength] = (byte) b;
    nameLength++;
  }

  private int fieldKind() {
    if (fieldsOnly) return OTHER;
    if (equalsName(CONTENT_LENGTH_NAME)) return CONTENT_LENGTH;
    if (equalsName(TRANSFER_ENCODING_NAME)) return TRANSFER_ENCODING;
    return OTHER;
  }

  /** Whether the field name read equals {@code n} (lower case), ignoring case. */
  private boolean equalsName(byte[] n) {
    if (nameLength != n.length) return false;
    for (int i = 0; i < n.length; i++) {
      int c = name[i];
      if (c >= 'A' && c <= 'Z') c += 32;
      if (c != n[i]) return false;
    }
    return true;
  }

  private boolean endField() {
    int len = valueLength;
    while (len > 0 && (value[len - 1] == ' ' || value[len - 1] == '\t')) len--; // trailing OWS
    if (kind == CONTENT_LENGTH) {
      if (contentLengthSeen) return bad("more than one Content-Length");
      contentLengthSeen = true;
      if (len == 0 || len > 18) return bad("invalid Content-Length");
      long n = 0;
      for (int i = 0; i < len; i++) {
        if (!isDigit(value[i])) return bad("invalid Content-Length");
        n = n * 10 + (value[i] - '0');
      }
      contentLength = n;
    } else if (kind == TRANSFER_ENCODING) {
      if (chunked) return bad("more than one Transfer-Encoding");
      if (!equalsIgnoreCase(value, len, "chunked")) return bad("Transfer-Encoding other than chunked");
      chunked = true;
    }
    kind = OTHER;
    return true;
  }

  private static boolean equalsIgnoreCase(byte[] v, int len, String s) {
    if (len != s.length()) return false;
    for (int i = 0; i < len; i++) {
      int c = v[i];
      if (c >= 'A' && c <= 'Z') c += 32;
      if (c != s.charAt(i)) return false;
    }
    return true;
  }

  private boolean endHead() {
    if (!fieldsOnly) {
      if (chunked && contentLengthSeen) return bad("both Content-Length and Transfer-Encoding");
      if (chunked && http10) return bad("Transfer-Encoding in an HTTP/1.0 message");
    }
    result = Result.DONE;
    return true;
  }
}
