package io.higressj.plugins.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.testing.plugin.TestHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CookieTest {
  final CookieCipher cipher = CookieCipher.of(CookieCipher.secretBytes(OidcConfigTest.SECRET));

  @Test
  void secretsAreReadAsOauth2ProxyReadsThem() {
    assertThat(CookieCipher.secretBytes(OidcConfigTest.SECRET)).hasSize(32);
    assertThat(CookieCipher.secretBytes("0123456789abcdef")).hasSize(16); // not 16-byte base64: the raw string
    String b64of24 = Base64.getEncoder().encodeToString(new byte[24]);
    assertThat(CookieCipher.secretBytes(b64of24)).hasSize(24);
    assertThat(CookieCipher.secretBytes(b64of24.replace("=", ""))).hasSize(24);
    assertThat(CookieCipher.secretBytes("short")).hasSize(5);
  }

  @Test
  void sealedValuesOpenOnlyWithTheKeyAndTheName() {
    byte[] secret = "{\"k\":\"session\"}".getBytes(StandardCharsets.UTF_8);
    String sealed = cipher.seal("_oauth2_proxy", secret);
    assertThat(sealed).doesNotContain("session").matches("[A-Za-z0-9_\\-]+");
    assertThat(cipher.seal("_oauth2_proxy", secret)).as("a fresh IV each time").isNotEqualTo(sealed);
    assertThat(cipher.open("_oauth2_proxy", sealed)).isEqualTo(secret);
    assertThat(cipher.open("_oauth2_proxy_csrf", sealed)).as("bound to its name").isNull();
    CookieCipher other = CookieCipher.of("another-secret-16".substring(0, 16).getBytes(StandardCharsets.UTF_8));
    assertThat(other.open("_oauth2_proxy", sealed)).isNull();
    for (int i = 0; i < sealed.length(); i += 7) {
      char[] c = sealed.toCharArray();
      c[i] = c[i] == 'A' ? 'B' : 'A';
      assertThat(cipher.open("_oauth2_proxy", new String(c))).as("tampered at " + i).isNull();
    }
    assertThat(cipher.open("_oauth2_proxy", "")).isNull();
    assertThat(cipher.open("_oauth2_proxy", "not base64 !")).isNull();
    assertThat(cipher.open("_oauth2_proxy", sealed.substring(0, 20))).isNull();
    // the thread's cipher is shared by keys and reused after failed opens
    assertThat(cipher.open("_oauth2_proxy", sealed)).isEqualTo(secret);
    assertThat(other.open("_oauth2_proxy", other.seal("_oauth2_proxy", secret))).isEqualTo(secret);
    assertThat(cipher.toString()).doesNotContain(OidcConfigTest.SECRET);
  }

  @Test
  void sessionsAndLoginStatesRoundTrip() {
    SessionState s = new SessionState("id.t.k", "at", "rt", "alice", "a@x", "al", 10, 20);
    assertThat(SessionState.decode(s.encode())).isEqualTo(s);
    assertThat(s.toString()).doesNotContain("id.t.k").doesNotContain("rt");
    LoginState l = new LoginState("state", "nonce", null, "/x?y=1", 5);
    assertThat(LoginState.decode(l.encode())).isEqualTo(l);
    assertThat(SessionState.decode(l.encode())).as("a login state is no session").isNull();
    assertThat(LoginState.decode(s.encode())).isNull();
    assertThat(SessionState.decode("garbage".getBytes(StandardCharsets.UTF_8))).isNull();
  }

  CookieSettings settings(List<String> domains, boolean secure, String sameSite) {
    return new CookieSettings("_oauth2_proxy", cipher, domains, "/", Duration.ofHours(168), Duration.ZERO, secure, true, sameSite, false,
        Duration.ofMinutes(15));
  }

  @Test
  void setCookieCarriesTheAttributes() {
    CookieSettings c = settings(List.of("foo.bar.com", ".bar.com"), true, "strict");
    String v = c.setCookie("_oauth2_proxy", "v", "x.bar.com", Duration.ofHours(1), 0);
    assertThat(v).isEqualTo("_oauth2_proxy=v; Path=/; Domain=.bar.com; HttpOnly; Secure; SameSite=Strict; "
        + "Expires=Thu, 01 Jan 1970 01:00:00 GMT; Max-Age=3600");
    assertThat(c.domainFor("foo.bar.com")).isEqualTo("foo.bar.com");
    assertThat(c.domainFor("elsewhere.org")).as("no match: the shortest").isEqualTo(".bar.com");
    assertThat(settings(List.of(), false, "").setCookie("n", "v", "h", Duration.ZERO, 0)).isEqualTo("n=v; Path=/; HttpOnly");
    assertThat(c.clearCookie("n", "a.bar.com")).contains("Max-Age=0", "Expires=Thu, 01 Jan 1970 00:00:00 GMT", "Domain=.bar.com");
  }

  @Test
  void longValuesAreSplitAndJoined() {
    CookieSettings c = settings(List.of(), false, "");
    String big = "x".repeat(9000);
    List<String> lines = c.store(big, Map.of(), "h", Duration.ofHours(1), 0);
    assertThat(lines).hasSize(3).allSatisfy(l -> assertThat(l.length()).isLessThan(4100));
    assertThat(lines.get(0)).startsWith("_oauth2_proxy_0=");
    Map<String, String> jar = new HashMap<>();
    for (String l : lines) {
      String pair = l.split(";", 2)[0];
      jar.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
    }
    assertThat(c.load(jar)).isEqualTo(big);
    // a short value after a long one: the old parts are cleared
    List<String> again = c.store("short", jar, "h", Duration.ofHours(1), 0);
    assertThat(again).hasSize(4);
    assertThat(again.get(0)).startsWith("_oauth2_proxy=short");
    assertThat(again.subList(1, 4)).allSatisfy(l -> assertThat(l).contains("Max-Age=0"));
    assertThat(c.clearSession(jar, "h")).hasSize(4);
  }

  @Test
  void requestCookiesAreParsed() {
    TestHeaders.Request h = new TestHeaders.Request("GET", "/", "h", "http");
    h.add("cookie", "a=1; _oauth2_proxy=\"quoted\"; a=2");
    h.add("cookie", "b=3;c");
    assertThat(CookieSettings.parse(h)).containsExactly(Map.entry("a", "1"), Map.entry("_oauth2_proxy", "quoted"), Map.entry("b", "3"));
  }
}
