package io.higressj.plugins.oidc;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a session cookie holds, sealed: the tokens and a few claims of the ID token. Times are epoch
 * seconds; {@code expiresAt} is when the forwarded tokens stop being valid (the ID token's {@code exp}).
 */
record SessionState(String idToken, String accessToken, String refreshToken, String subject, String email,
    String preferredUsername, long createdAt, long expiresAt) {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  byte[] encode() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("k", "session");
    put(m, "id", idToken);
    put(m, "at", accessToken);
    put(m, "rt", refreshToken);
    put(m, "sub", subject);
    put(m, "email", email);
    put(m, "pu", preferredUsername);
    m.put("c", createdAt);
    m.put("e", expiresAt);
    try {
      return JSON.writeValueAsBytes(m);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** the session in {@code plaintext}, or null when it is not one */
  static SessionState decode(byte[] plaintext) {
    Map<String, Object> m = map(plaintext);
    if (m == null || !"session".equals(m.get("k")) || !(m.get("c") instanceof Number c) || !(m.get("e") instanceof Number e)) return null;
    String id = str(m, "id");
    if (id == null) return null;
    return new SessionState(id, str(m, "at"), str(m, "rt"), str(m, "sub"), str(m, "email"), str(m, "pu"), c.longValue(), e.longValue());
  }

  static Map<String, Object> map(byte[] plaintext) {
    if (plaintext == null) return null;
    try {
      return JSON.readValue(plaintext, MAP);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  static void put(Map<String, Object> m, String k, String v) {
    if (v != null && !v.isEmpty()) m.put(k, v);
  }

  static String str(Map<String, Object> m, String k) {
    return m.get(k) instanceof String s && !s.isEmpty() ? s : null;
  }

  @Override
  public String toString() {
    return "SessionState[sub=" + subject + ", expiresAt=" + expiresAt + "]"; // never the tokens
  }
}
