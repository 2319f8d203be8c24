package io.higressj.conformance.check;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Form bodies as maps of name to values, for {@code bodyMatch: form} and {@code multipart}. */
final class FormData {
  private FormData() {}

  /** {@code a=1&b=2&a=3} → {a: [1, 3], b: [2]}. */
  static Map<String, List<String>> parseUrlEncoded(String body) {
    Map<String, List<String>> out = new TreeMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) continue;
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return out;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  /**
   * A multipart body, its boundary taken from its first line ({@code --boundary}): each part's
   * {@code Content-Disposition} name to its content.
   */
  static Map<String, List<String>> parseMultipart(String body) {
    Map<String, List<String>> out = new TreeMap<>();
    String text = body.replace("\r\n", "\n");
    int firstNl = text.indexOf('\n');
    if (!text.startsWith("--") || firstNl < 0) return out;
    String delimiter = text.substring(0, firstNl).trim();
    for (String part : text.split(java.util.regex.Pattern.quote(delimiter))) {
      if (part.isBlank() || part.startsWith("--")) continue;
      String p = part.startsWith("\n") ? part.substring(1) : part;
      int blank = p.indexOf("\n\n");
      if (blank < 0) continue;
      String head = p.substring(0, blank);
      String content = p.substring(blank + 2);
      if (content.endsWith("\n")) content = content.substring(0, content.length() - 1);
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-disposition:.*?\\bname=\"([^\"]*)\"").matcher(head);
      if (m.find()) out.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(content);
    }
    return out;
  }
}
