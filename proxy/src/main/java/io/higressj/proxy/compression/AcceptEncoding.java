package io.higressj.proxy.compression;

import java.util.Locale;

/**
 * Reads a request's {@code Accept-Encoding} (RFC 9110 section 12.5.3) for the one coding the gateway
 * produces, gzip.
 */
final class AcceptEncoding {
  private AcceptEncoding() {}

  /**
   * Whether a gzip-encoded response is acceptable: {@code gzip} (or its alias {@code x-gzip}) with a
   * non-zero weight, or else {@code *} with a non-zero weight; and {@code identity} not explicitly
   * preferred. An entry with a malformed weight is ignored.
   *
   * @param header the field value, several lines joined with commas; null when absent (then: no)
   */
  static boolean allowsGzip(String header) {
    if (header == null) return false;
    double gzip = -1;
    double any = -1;
    double identity = -1;
    for (String part : header.split(",")) {
      String[] params = part.split(";");
      String coding = params[0].trim().toLowerCase(Locale.ROOT);
      if (coding.isEmpty()) continue;
      double q = 1;
      for (int i = 1; i < params.length; i++) {
        String p = params[i].trim();
        int eq = p.indexOf('=');
        if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("q")) q = qvalue(p.substring(eq + 1).trim());
      }
      if (q < 0) continue;
      switch (coding) {
        case "gzip", "x-gzip" -> gzip = Math.max(gzip, q);
        case "*" -> any = Math.max(any, q);
        case "identity" -> identity = Math.max(identity, q);
        default -> { }
      }
    }
    double weight = gzip >= 0 ? gzip : any; // a named coding overrides the wildcard, also with q=0
    return weight > 0 && identity <= weight;
  }

  /** {@code 0[.ddd]} or {@code 1[.000]}; -1 when malformed. */
  static double qvalue(String s) {
    if (!s.matches("0(\\.[0-9]{0,3})?|1(\\.0{0,3})?")) return -1;
    return Double.parseDouble(s.endsWith(".") ? s + "0" : s);
  }
}
