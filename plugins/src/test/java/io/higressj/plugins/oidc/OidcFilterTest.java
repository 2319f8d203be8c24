package io.higressj.plugins.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import io.higressj.api.Action;
import io.higressj.testing.plugin.PluginTestHost;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The flow through the plugin test host: callouts straight to the provider's URLs, answered by the test. */
class OidcFilterTest {
  static final String ISS = IdTokenVerifierTest.ISS;
  static final String DISCOVERY = """
      {"issuer": "https://idp.example.com", "authorization_endpoint": "https://idp.example.com/auth?realm=x",
       "token_endpoint": "https://idp.example.com/token", "jwks_uri": "https://idp.example.com/jwks",
       "token_endpoint_auth_methods_supported": ["client_secret_basic"]}
      """;

  @BeforeAll
  static void keys() throws Exception {
    IdTokenVerifierTest.keys();
  }

  static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        if (condition.getAsBoolean()) return;
      } catch (RuntimeException e) {
        // racing the plugin's loop: look again
      }
      Thread.sleep(2);
    }
    throw new AssertionError("condition not met");
  }

  static PluginTestHost.Callout callout(PluginTestHost.Exchange ex, int index) throws InterruptedException {
    await(() -> ex.callouts().size() > index);
    return ex.callouts().get(index);
  }

  final OidcFactory factory = new OidcFactory(Clock.fixed(Instant.ofEpochMilli(IdTokenVerifierTest.NOW), ZoneOffset.UTC));

  PluginTestHost host(Object... extra) throws Exception {
    return PluginTestHost.of(factory, OidcConfigTest.with(extra)).client("10.0.0.1", true);
  }

  @Test
  void logsInWithClientSecretBasicAndPassesTheSession() throws Exception {
    PluginTestHost host = host("oidc_issuer_url", ISS + "/", "redirect_url", "/cb", "cookie_csrf_per_request", true);
    PluginTestHost.Exchange first = host.exchange("GET", "/app?q=1", "app.example.com");
    assertThat(first.requestHeaders()).isEqualTo(Action.PAUSE);
    assertThat(first.rerouteDisabled()).isTrue();
    PluginTestHost.Callout discovery = callout(first, 0);
    assertThat(discovery.request().target()).isEqualTo(ISS + "/.well-known/openid-configuration");
    discovery.answer(200, DISCOVERY);
    await(() -> first.localReply() != null);
    PluginTestHost.LocalReply redirect = first.localReply();
    assertThat(redirect.status()).isEqualTo(302);
    String location = redirect.headers().get("location");
    assertThat(location).startsWith("https://idp.example.com/auth?realm=x&approval_prompt=force&client_id=gw&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb&");
    Map<String, String> q = OidcFilter.query(location.substring(location.indexOf('?') + 1));
    String state = q.get("state");
    String csrf = redirect.all("set-cookie").get(0);
    assertThat(csrf).startsWith("_oauth2_proxy_csrf_" + state.substring(0, 16) + "=").contains("Secure", "HttpOnly", "Max-Age=900");

    PluginTestHost.Exchange cb = host.exchange("GET", "/cb?state=" + state + "&code=c0de", "app.example.com");
    cb.header("cookie", csrf.split(";", 2)[0]);
    assertThat(cb.requestHeaders()).isEqualTo(Action.PAUSE);
    PluginTestHost.Callout token = callout(cb, 0);
    assertThat(token.request().target()).isEqualTo("https://idp.example.com/token");
    assertThat(token.request().method()).isEqualTo("POST");
    String form = new String(token.request().body(), StandardCharsets.UTF_8);
    assertThat(form).contains("grant_type=authorization_code", "code=c0de", "redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb", "client_id=gw")
        .doesNotContain("s3cret");
    assertThat(token.request().headers()).contains(Map.entry("authorization",
        "Basic " + Base64.getEncoder().encodeToString("gw:s3cret".getBytes(StandardCharsets.UTF_8))));
    String idToken = IdTokenVerifierTest.sign(JWSAlgorithm.RS256, "r1", new RSASSASigner(IdTokenVerifierTest.rsa),
        b -> b.claim("nonce", q.get("nonce")).claim("email", "alice@example.com"));
    token.answer(200, "{\"access_token\": \"AT\", \"id_token\": \"" + idToken + "\", \"expires_in\": 60}");
    PluginTestHost.Callout jwks = callout(cb, 1);
    assertThat(jwks.request().target()).isEqualTo("https://idp.example.com/jwks");
    jwks.answer(200, new JWKSet(IdTokenVerifierTest.rsa.toPublicJWK()).toString());
    await(() -> cb.localReply() != null);
    assertThat(cb.localReply().status()).as(cb.localReply().text()).isEqualTo(302);
    assertThat(cb.localReply().headers().get("location")).isEqualTo("/app?q=1");
    List<String> cookies = cb.localReply().all("set-cookie");
    assertThat(cookies).anySatisfy(c -> assertThat(c).startsWith("_oauth2_proxy_csrf_").contains("Max-Age=0"));
    String session = cookies.stream().filter(c -> c.startsWith("_oauth2_proxy=")).findFirst().orElseThrow();
    assertThat(session).doesNotContain(idToken.substring(0, 20)).contains("Max-Age=604800");

    PluginTestHost.Exchange app = host.exchange("GET", "/app", "app.example.com");
    app.header("cookie", session.split(";", 2)[0]).header("x-forwarded-access-token", "forged");
    assertThat(app.requestHeaders()).isEqualTo(Action.CONTINUE);
    assertThat(app.headers().get("authorization")).isEqualTo("Bearer " + idToken);
    assertThat(app.headers().get("x-forwarded-access-token")).isNull();

    // the discovery document and the keys are cached: a new login needs no callout before its redirect
    PluginTestHost.Exchange again = host.exchange("GET", "/x", "app.example.com");
    assertThat(again.requestHeaders()).isEqualTo(Action.PAUSE);
    await(() -> again.localReply() != null);
    assertThat(again.callouts()).isEmpty();
  }

  @Test
  void anUnreachableProviderFailsClosed() throws Exception {
    PluginTestHost.Exchange ex = host().exchange("GET", "/", "h");
    assertThat(ex.requestHeaders()).isEqualTo(Action.PAUSE);
    callout(ex, 0).fail("connect failed");
    await(() -> ex.localReply() != null);
    assertThat(ex.localReply().status()).isEqualTo(503);
  }

  @Test
  void skippedDiscoveryUsesTheConfiguredEndpoints() throws Exception {
    PluginTestHost.Exchange ex = host("skip_oidc_discovery", true, "login_url", "https://login.example/authorize",
        "redeem_url", "https://login.example/token", "oidc_jwks_url", "https://login.example/keys").exchange("GET", "/", "h");
    assertThat(ex.requestHeaders()).isEqualTo(Action.PAUSE);
    await(() -> ex.localReply() != null);
    assertThat(ex.callouts()).isEmpty();
    assertThat(ex.localReply().headers().get("location")).startsWith("https://login.example/authorize?");
  }

  @Test
  void startSignOutAndRedirectValidation() throws Exception {
    PluginTestHost host = host("whitelist_domains", List.of(".example.org", "logout.example:8443"));
    OidcFilter f = (OidcFilter) factory.create(factory.parseConfig(OidcConfigTest.with("whitelist_domains", List.of(".example.org", "logout.example:8443"))));
    assertThat(f.safeRedirect("/a?b")).isEqualTo("/a?b");
    assertThat(f.safeRedirect("//evil.com/")).isEqualTo("/");
    assertThat(f.safeRedirect("/\\evil.com")).isEqualTo("/");
    assertThat(f.safeRedirect("https://evil.com/")).isEqualTo("/");
    assertThat(f.safeRedirect("https://a.example.org/x")).isEqualTo("https://a.example.org/x");
    assertThat(f.safeRedirect("https://example.org/x")).isEqualTo("https://example.org/x");
    assertThat(f.safeRedirect("https://logout.example:8443/x")).isEqualTo("https://logout.example:8443/x");
    assertThat(f.safeRedirect("https://logout.example/x")).isEqualTo("/");
    assertThat(f.safeRedirect("https://user@a.example.org/")).isEqualTo("/");
    assertThat(f.safeRedirect("javascript:alert(1)")).isEqualTo("/");
    assertThat(f.safeRedirect("/a\r\nx")).isEqualTo("/");

    PluginTestHost.Exchange out = host.exchange("GET", "/oauth2/sign_out", "h");
    out.header("x-auth-request-redirect", "https://a.example.org/bye").header("cookie", "_oauth2_proxy_0=a; _oauth2_proxy_1=b");
    assertThat(out.requestHeaders()).isEqualTo(Action.PAUSE);
    assertThat(out.localReply().status()).isEqualTo(302);
    assertThat(out.localReply().headers().get("location")).isEqualTo("https://a.example.org/bye");
    assertThat(out.localReply().all("set-cookie")).hasSize(3).allSatisfy(c -> assertThat(c).contains("Max-Age=0"));

    PluginTestHost.Exchange start = host.exchange("GET", "/oauth2/start?rd=%2Fwelcome", "h");
    assertThat(start.requestHeaders()).isEqualTo(Action.PAUSE);
    callout(start, 0).answer(200, DISCOVERY.replace("https://idp.example.com\",", ISS + "/realms/main\","));
    await(() -> start.localReply() != null);
    assertThat(start.localReply().status()).as(start.localReply().text()).isEqualTo(302);

    PluginTestHost.Exchange api = host.exchange("GET", "/api", "h");
    api.header("accept", "text/html, application/json;q=0.9");
    assertThat(api.requestHeaders()).isEqualTo(Action.PAUSE);
    assertThat(api.localReply().status()).isEqualTo(401);
    assertThat(api.callouts()).isEmpty();
  }

  @Test
  void aDiscoveryDocumentOfAnotherIssuerIsRefused() throws Exception {
    PluginTestHost.Exchange ex = host().exchange("GET", "/", "h");
    ex.requestHeaders();
    callout(ex, 0).answer(200, DISCOVERY); // names https://idp.example.com, configured .../realms/main
    await(() -> ex.localReply() != null);
    assertThat(ex.localReply().status()).isEqualTo(503);
    assertThat(ex.logs()).anySatisfy(l -> assertThat(l).contains("names issuer"));
  }
}
