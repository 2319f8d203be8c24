package io.higressj.conformance.client;

/** Go's {@code net/textproto} header name rules, which the upstream client and backends apply. */
public final class GoHeaders {
  private GoHeaders() {}

  /**
   * {@code CanonicalMIMEHeaderKey}: the first letter and every letter after {@code -} upper case,
   * the others lower case ({@code x-user-id} → {@code X-User-Id}, {@code x_user} → {@code X_user});
   * a name with a character that is not valid in a token is returned unchanged.
   */
  public static String canonical(String name) {
    if (name.isEmpty()) return name;
    for (int i = 0; i < name.length(); i++) {
      if (!tokenChar(name.charAt(i))) return name;
    }
    StringBuilder out = new StringBuilder(name.length());
    boolean upper = true;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (upper && c >= 'a' && c <= 'z') c = (char) (c - 32);
      else if (!upper && c >= 'A' && c <= 'Z') c = (char) (c + 32);
      out.append(c);
      upper = c == '-';
    }
    return out.toString();
  }

  /** RFC 9110 {@code tchar}. */
  static boolean tokenChar(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}
