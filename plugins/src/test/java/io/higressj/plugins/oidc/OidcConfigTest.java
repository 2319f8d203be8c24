package io.higressj.plugins.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginPhase;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OidcConfigTest {
  static final String SECRET = "nqavJrGvRmQxWwGNptLdyUVKcBNZ2b18Guc1n_8DCfY=";
  final OidcFactory factory = new OidcFactory();

  static Map<String, Object> minimal() {
    Map<String, Object> m = new HashMap<>();
    m.put("oidc_issuer_url", "https://idp.example.com/realms/main");
    m.put("client_id", "gw");
    m.put("client_secret", "s3cret");
    m.put("cookie_secret", SECRET);
    return m;
  }

  static Map<String, Object> with(Object... kv) {
    Map<String, Object> m = minimal();
    for (int i = 0; i < kv.length; i += 2) {
      if (kv[i + 1] == null) m.remove((String) kv[i]);
      else m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  PluginConfigException error(Map<String, Object> config) {
    try {
      factory.parseConfig(config);
    } catch (PluginConfigException e) {
      return e;
    }
    throw new AssertionError("accepted: " + config);
  }

  @Test
  void nameAndDefaultsFollowHigress() throws Exception {
    assertThat(factory.name()).isEqualTo("oidc");
    assertThat(factory.defaultPhase()).isEqualTo(PluginPhase.AUTHN);
    assertThat(factory.defaultPriority()).isEqualTo(350);
    OidcConfig c = factory.parseConfig(minimal());
    assertThat(c.scope()).isEqualTo("openid email profile");
    assertThat(c.redirectUrl()).isEqualTo("/oauth2/callback");
    assertThat(c.callbackPath()).isEqualTo("/oauth2/callback");
    assertThat(c.proxyPrefix()).isEqualTo("/oauth2");
    assertThat(c.passAuthorizationHeader()).isTrue();
    assertThat(c.passAccessToken()).isFalse();
    assertThat(c.setXAuthRequest()).isFalse();
    assertThat(c.skipNonce()).isFalse();
    assertThat(c.redeemTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.loginParams()).containsExactly(Map.entry("approval_prompt", "force"));
    CookieSettings k = c.cookie();
    assertThat(k.name()).isEqualTo("_oauth2_proxy");
    assertThat(k.path()).isEqualTo("/");
    assertThat(k.expire()).isEqualTo(Duration.ofHours(168));
    assertThat(k.refresh()).isZero();
    assertThat(k.secure()).isTrue();
    assertThat(k.httpOnly()).isTrue();
    assertThat(k.sameSite()).isEmpty();
    assertThat(k.csrfPerRequest()).isFalse();
    assertThat(k.csrfExpire()).isEqualTo(Duration.ofMinutes(15));
    assertThat(c.toString()).doesNotContain("s3cret");
  }

  @Test
  void higressExamplesParse() throws Exception {
    OidcConfig c = factory.parseConfig(with("redirect_url", "http://foo.bar.com/oauth2/callback", "scope", "openid;email offline_access",
        "service_name", "keycloak.static", "service_port", 80, "service_host", "127.0.0.1:9090",
        "cookie_expire", "1h30m", "cookie_refresh", "10m", "cookie_domains", ".bar.com, foo.bar.com", "cookie_samesite", "Lax",
        "oidc_verifier_request_timeout", 2000, "prompt", "login", "acr_values", "gold",
        "match_type", "blacklist", "match_list", List.of(Map.of("match_rule_domain", "*.bar.com", "match_rule_path", "/headers",
            "match_rule_type", "prefix"))));
    assertThat(c.scope()).isEqualTo("openid email offline_access");
    assertThat(c.callbackPath()).isEqualTo("/oauth2/callback");
    assertThat(c.cookie().expire()).isEqualTo(Duration.ofMinutes(90));
    assertThat(c.cookie().domains()).containsExactly("foo.bar.com", ".bar.com");
    assertThat(c.cookie().sameSite()).isEqualTo("lax");
    assertThat(c.loginParams()).containsExactly(Map.entry("acr_values", "gold"), Map.entry("prompt", "login"));
    assertThat(c.skipRules().skips("foo.bar.com", "/headers/x")).isFalse();
    assertThat(c.skipRules().skips("foo.bar.com", "/other")).isTrue();
    assertThat(factory.parseConfig(with("service_name", "auth", "service_source", "dns", "service_port", 443,
        "service_domain", "dev.us.auth0.com"))).isNotNull();
  }

  @Test
  void badConfigurationsNameTheField() {
    assertThat(error(with("client_id", null)).field()).isEqualTo("client_id");
    assertThat(error(with("oidc_issuer_url", null)).field()).isEqualTo("oidc_issuer_url");
    assertThat(error(with("oidc_issuer_url", "ftp://x")).getMessage()).contains("http:// or https://");
    assertThat(error(with("client_secret", null)).field()).isEqualTo("client_secret");
    assertThat(error(with("cookie_secret", null)).field()).isEqualTo("cookie_secret");
    assertThat(error(with("cookie_secret", "short")).getMessage()).isEqualTo("cookie_secret: 5 bytes (expected: 16, 24 or 32 bytes, or their base64)");
    assertThat(error(with("redirect_url", "foo.bar.com/cb")).field()).isEqualTo("redirect_url");
    assertThat(error(with("redirect_url", "https://x/cb?a=1")).field()).isEqualTo("redirect_url");
    assertThat(error(with("scope", "email profile")).field()).isEqualTo("scope");
    assertThat(error(with("cookie_samesite", "sometimes")).field()).isEqualTo("cookie_samesite");
    assertThat(error(with("cookie_name", "bad name")).field()).isEqualTo("cookie_name");
    assertThat(error(with("cookie_expire", "1h", "cookie_refresh", "2h")).field()).isEqualTo("cookie_refresh");
    assertThat(error(with("cookie_expire", "a week")).field()).isEqualTo("cookie_expire");
    assertThat(error(with("cookie_expire", 3600)).field()).isEqualTo("cookie_expire");
    assertThat(error(with("provider", "github")).field()).isEqualTo("provider");
    assertThat(error(with("code_challenge_method", "S512")).field()).isEqualTo("code_challenge_method");
    assertThat(error(with("service_name", "bad name")).field()).isEqualTo("service_name");
    assertThat(error(with("service_port", 80)).field()).isEqualTo("service_name");
    assertThat(error(with("skip_oidc_discovery", true)).field()).isEqualTo("login_url");
    assertThat(error(with("oidc_verifier_request_timeout", 0)).field()).isEqualTo("oidc_verifier_request_timeout");
    assertThat(error(with("match_type", "greylist")).field()).isEqualTo("match_type");
    assertThat(error(with("match_list", List.of(Map.of("match_rule_path", "/x")))).field()).isEqualTo("match_list[0].match_rule_type");
    assertThat(error(with("match_list", List.of(Map.of("match_rule_path", "(", "match_rule_type", "regex")))).field())
        .isEqualTo("match_list[0].match_rule_path");
    assertThat(error(with("cookie_domains", List.of("bad domain!"))).field()).isEqualTo("cookie_domains[0]");
  }

  @Test
  void aPublicClientWithPkceNeedsNoSecret() throws Exception {
    OidcConfig c = factory.parseConfig(with("client_secret", null, "code_challenge_method", "S256"));
    assertThat(c.clientSecret()).isEmpty();
  }

  @Test
  void skipRulesFollowHigressModes() throws Exception {
    SkipRules white = factory.parseConfig(with("match_list", List.of(
        Map.of("match_rule_domain", "*.bar.com", "match_rule_path", "/foo", "match_rule_type", "prefix"),
        Map.of("match_rule_path", "/exact", "match_rule_type", "exact"),
        Map.of("match_rule_path", "^/re/[0-9]+$", "match_rule_type", "regex")))).skipRules();
    assertThat(white.skips("a.bar.com", "/foo/x")).isTrue();
    assertThat(white.skips("A.BAR.COM", "/foo")).isTrue();
    assertThat(white.skips("a.baz.com", "/foo")).isFalse();
    assertThat(white.skips("any", "/exact")).isTrue();
    assertThat(white.skips("any", "/exact/")).isFalse();
    assertThat(white.skips("any", "/re/12")).isTrue();
    assertThat(white.skips("any", "/re/x")).isFalse();
    assertThat(factory.parseConfig(minimal()).skipRules().skips("any", "/")).isFalse();
  }
}
