package io.higressj.plugins.hmacauth;

import io.higressj.api.RequestHeaders;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;

/**
 * The canonical string hmac-auth signs, as Higress documents it: seven parts separated by newlines,
 *
 * <pre>
 * HTTPMethod \n Accept \n Content-MD5 \n Content-Type \n Date \n Headers PathAndParameters
 * </pre>
 *
 * where an absent header is an empty line; Headers are the headers named in {@code
 * x-ca-signature-headers} (lower case, sorted, each {@code name:value\n}, those already above and the
 * signature's own headers left out); PathAndParameters is the path, then {@code ?} and the query and
 * form parameters sorted by name, {@code name=value} joined by {@code &} ({@code name} alone for an
 * empty value; the first value of a repeated name; query before form).
 */
final class StringToSign {
  static final Set<String> NOT_SIGNED_AS_HEADERS = Set.of("x-ca-signature", "x-ca-signature-headers", "accept",
      "content-md5", "content-type", "date", ":method");

  private static final Comparator<String> UTF8_ORDER = (a, b) ->
      Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

  private StringToSign() {}

  /** the string to sign; {@code formBody} is the urlencoded form body, or null */
  static String of(RequestHeaders h, String formBody) {
    StringBuilder sb = new StringBuilder(256);
    sb.append(h.method().toUpperCase(Locale.ROOT)).append('\n');
    for (String name : List.of("accept", "content-md5", "content-type", "date")) {
      sb.append(orEmpty(h.get(name))).append('\n');
    }
    List<String> signed = new ArrayList<>();
    String names = h.get("x-ca-signature-headers");
    if (names != null) {
      for (String n : names.split(",", -1)) {
        String name = n.strip().toLowerCase(Locale.ROOT);
        if (!name.isEmpty() && !NOT_SIGNED_AS_HEADERS.contains(name)) signed.add(name);
      }
    }
    signed.sort(UTF8_ORDER);
    for (String name : signed) sb.append(name).append(':').append(orEmpty(h.get(name))).append('\n');

    String pathAndQuery = h.path() == null || h.path().isEmpty() ? "/" : h.path();
    int hash = pathAndQuery.indexOf('#');
    if (hash >= 0) pathAndQuery = pathAndQuery.substring(0, hash);
    int q = pathAndQuery.indexOf('?');
    sb.append(q < 0 ? pathAndQuery : pathAndQuery.substring(0, q));
    TreeMap<String, String> params = new TreeMap<>(UTF8_ORDER);
    if (q >= 0) addParams(params, pathAndQuery.substring(q + 1));
    if (formBody != null) addParams(params, formBody);
    if (!params.isEmpty()) {
      sb.append('?');
      boolean first = true;
      for (var e : params.entrySet()) {
        if (!first) sb.append('&');
        first = false;
        sb.append(e.getKey());
        if (!e.getValue().isEmpty()) sb.append('=').append(e.getValue());
      }
    }
    return sb.toString();
  }

  /** {@code a=1&b=2} into {@code params}; names already there keep their first value */
  private static void addParams(TreeMap<String, String> params, String encoded) {
    for (String pair : encoded.split("&")) {
      if (pair.isEmpty()) continue;
      int eq = pair.indexOf('=');
      String name = percentDecode(eq < 0 ? pair : pair.substring(0, eq));
      if (name.isEmpty()) continue;
      params.putIfAbsent(name, eq < 0 ? "" : percentDecode(pair.substring(eq + 1)));
    }
  }

  /** %XX escapes decoded as UTF-8 ({@code +} stays {@code +}); a malformed escape is kept as it is */
  static String percentDecode(String s) {
    if (s.indexOf('%') < 0) return s;
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    byte[] raw = s.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < raw.length; i++) {
      int hi;
      int lo;
      if (raw[i] == '%' && i + 2 < raw.length
          && (hi = Character.digit(raw[i + 1], 16)) >= 0 && (lo = Character.digit(raw[i + 2], 16)) >= 0) {
        out.write(hi << 4 | lo);
        i += 2;
      } else {
        out.write(raw[i]);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  /** the string to sign as Higress shows it in {@code X-Ca-Error-Message}: one printable ASCII line */
  static String forHeader(String stringToSign) {
    StringBuilder sb = new StringBuilder(stringToSign.length());
    for (int i = 0; i < stringToSign.length() && sb.length() < 4096; i++) {
      char c = stringToSign.charAt(i);
      if (c == '\n') sb.append('#');
      else if (c < 0x20 || c >= 0x7f) sb.append('?');
      else sb.append(c);
    }
    return sb.toString();
  }
}
