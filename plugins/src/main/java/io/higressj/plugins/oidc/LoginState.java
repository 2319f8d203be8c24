package io.higressj.plugins.oidc;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the CSRF cookie holds, sealed, between the redirect to the provider and the callback: the
 * {@code state} and {@code nonce} sent, the PKCE verifier (or null), where to go after the login, and
 * when the login began (epoch seconds).
 */
record LoginState(String state, String nonce, String codeVerifier, String redirect, long createdAt) {
  byte[] encode() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("k", "csrf");
    m.put("s", state);
    m.put("n", nonce);
    SessionState.put(m, "v", codeVerifier);
    m.put("r", redirect);
    m.put("c", createdAt);
    try {
      return SessionState.JSON.writeValueAsBytes(m);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static LoginState decode(byte[] plaintext) {
    Map<String, Object> m = SessionState.map(plaintext);
    if (m == null || !"csrf".equals(m.get("k")) || !(m.get("c") instanceof Number c)) return null;
    String s = SessionState.str(m, "s");
    String n = SessionState.str(m, "n");
    String r = SessionState.str(m, "r");
    if (s == null || n == null || r == null) return null;
    return new LoginState(s, n, SessionState.str(m, "v"), r, c.longValue());
  }

  @Override
  public String toString() {
    return "LoginState[redirect=" + redirect + "]";
  }
}
