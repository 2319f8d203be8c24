package io.higressj.server.plugin;

import static io.higressj.server.GatewayFixture.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import io.higressj.server.GatewayFixture;
import io.higressj.testing.echo.EchoServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * oidc against a real (small) OpenID provider: the browser flow driven redirect by redirect with a
 * cookie jar, the session, refresh, sign-out, and hostile callbacks and ID tokens.
 */
class OidcEndToEndTest {
  static final String SECRET = "nqavJrGvRmQxWwGNptLdyUVKcBNZ2b18Guc1n_8DCfY=";
  static final String CLIENT_SECRET = "client-s3cret-value";

  @TempDir Path dir;
  GatewayFixture f;
  TestOpenIdProvider idp;

  @BeforeEach
  void setUp() throws Exception {
    f = new GatewayFixture(dir);
    EchoServer echo = f.fooToEcho();
    f.start();
    idp = new TestOpenIdProvider("gateway", CLIENT_SECRET);
    f.write("services/idp.yaml", service("idp", "keycloak", idp.port()));
    f.write("wasmplugins/oidc.yaml", """
        apiVersion: extensions.higress.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: oidc, namespace: higress-system}
        spec:
          url: oci://higress-registry.cn-hangzhou.cr.aliyuncs.com/plugins/oidc:1.0.0
          defaultConfig:
            oidc_issuer_url: "%s"
            client_id: gateway
            client_secret: "%s"
            redirect_url: http://foo.com/oauth2/callback
            scope: openid email
            cookie_secret: "%s"
            cookie_secure: false
            cookie_samesite: lax
            service_name: keycloak.idp.svc.cluster.local
            service_port: 8080
            code_challenge_method: S256
            set_xauthrequest: true
            pass_access_token: true
            whitelist_domains: ["127.0.0.1:%d"]
            match_type: whitelist
            match_list:
            - match_rule_domain: "*.com"
              match_rule_path: /public
              match_rule_type: prefix
        """.formatted(idp.issuer, CLIENT_SECRET, SECRET, idp.port()));
    f.await("foo.com", "/app", r -> r.statusCode() == 302);
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
    idp.close();
  }

  /** A browser: a cookie jar for foo.com (served by the gateway), redirects followed by the test. */
  final class Browser {
    final Map<String, String> jar = new LinkedHashMap<>();
    final List<String> setCookies = new ArrayList<>();

    HttpResponse<String> get(String url, String... headers) throws Exception {
      URI u = URI.create(url);
      HttpRequest.Builder b;
      if ("foo.com".equals(u.getHost())) {
        b = GatewayFixture.withHost(HttpRequest.newBuilder(URI.create(f.base() + u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery()))), "foo.com");
        if (!jar.isEmpty()) {
          StringBuilder c = new StringBuilder();
          jar.forEach((k, v) -> c.append(c.isEmpty() ? "" : "; ").append(k).append('=').append(v));
          b.header("Cookie", c.toString());
        }
      } else {
        b = HttpRequest.newBuilder(u);
      }
      for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
      HttpResponse<String> r = f.client().send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      if ("foo.com".equals(u.getHost())) {
        setCookies.clear();
        for (String sc : r.headers().allValues("set-cookie")) {
          setCookies.add(sc);
          String pair = sc.split(";", 2)[0];
          String name = pair.substring(0, pair.indexOf('='));
          if (sc.contains("Max-Age=0")) jar.remove(name);
          else jar.put(name, pair.substring(pair.indexOf('=') + 1));
        }
      }
      return r;
    }

    /** the whole login from a request to {@code url}: returns the gateway's answer to the callback */
    HttpResponse<String> login(String url) throws Exception {
      HttpResponse<String> start = get(url);
      assertThat(start.statusCode()).isEqualTo(302);
      HttpResponse<String> approved = get(location(start));
      assertThat(approved.statusCode()).isEqualTo(302);
      return get(location(approved));
    }
  }

  static String location(HttpResponse<String> r) {
    return r.headers().firstValue("location").orElseThrow();
  }

  static Map<String, String> queryOf(String url) {
    return TestOpenIdProvider.form(URI.create(url).getRawQuery());
  }

  JsonNode echoed(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return f.json(r);
  }

  static String header(JsonNode echoed, String name) {
    return GatewayFixture.echoedHeader(echoed, name);
  }

  @Test
  void browserLogsInAndTheUpstreamSeesTheIdentity() throws Exception {
    Browser b = new Browser();
    HttpResponse<String> start = b.get("http://foo.com/app/page?x=1&y=two");
    assertThat(start.statusCode()).isEqualTo(302);
    String login = location(start);
    assertThat(login).startsWith(idp.issuer + "/auth?");
    Map<String, String> q = queryOf(login);
    assertThat(q).containsEntry("client_id", "gateway").containsEntry("response_type", "code")
        .containsEntry("redirect_uri", "http://foo.com/oauth2/callback").containsEntry("scope", "openid email")
        .containsEntry("code_challenge_method", "S256").containsEntry("approval_prompt", "force");
    assertThat(q.get("state")).hasSizeGreaterThanOrEqualTo(32);
    assertThat(q.get("nonce")).hasSizeGreaterThanOrEqualTo(32);
    assertThat(q.get("code_challenge")).isNotBlank();
    assertThat(b.setCookies).singleElement().asString().startsWith("_oauth2_proxy_csrf=").contains("HttpOnly", "Path=/", "SameSite=Lax")
        .doesNotContain("Secure");
    assertThat(start.headers().firstValue("cache-control").orElse("")).contains("no-store");

    HttpResponse<String> approved = b.get(login);
    HttpResponse<String> callback = b.get(location(approved));
    assertThat(callback.statusCode()).as(callback.body()).isEqualTo(302);
    assertThat(location(callback)).isEqualTo("/app/page?x=1&y=two");
    assertThat(b.jar).containsKey("_oauth2_proxy").doesNotContainKey("_oauth2_proxy_csrf");
    String sessionCookie = b.jar.get("_oauth2_proxy");
    // the code was redeemed with the PKCE verifier, at the token endpoint reached through the service
    assertThat(idp.tokenRequests).singleElement().satisfies(t -> {
      assertThat(t).containsEntry("grant_type", "authorization_code").containsEntry("redirect_uri", "http://foo.com/oauth2/callback");
      assertThat(t.get("code_verifier")).hasSizeGreaterThanOrEqualTo(43);
    });

    JsonNode up = echoed(b.get("http://foo.com/app/page?x=1&y=two", "X-Auth-Request-User", "mallory"));
    String authorization = header(up, "authorization");
    assertThat(authorization).startsWith("Bearer ");
    SignedJWT idToken = SignedJWT.parse(authorization.substring(7));
    assertThat(idToken.getJWTClaimsSet().getSubject()).isEqualTo("alice");
    assertThat(idToken.getJWTClaimsSet().getStringClaim("nonce")).isEqualTo(q.get("nonce"));
    assertThat(header(up, "x-auth-request-user")).isEqualTo("alice");
    assertThat(header(up, "x-auth-request-email")).isEqualTo("alice@example.com");
    assertThat(header(up, "x-auth-request-preferred-username")).isEqualTo("alice");
    String accessToken = header(up, "x-forwarded-access-token");
    assertThat(accessToken).startsWith("at-");
    // the session cookie is sealed: neither token, nor the user, shows in it or in its base64 decoding
    // (a check for fixed text like "eyJ" in the ciphertext would match by chance now and then)
    String sealed = sessionCookie.split("\\|")[0];
    String decoded = new String(java.util.Base64.getUrlDecoder().decode(sealed.replace("=", "")),
        java.nio.charset.StandardCharsets.ISO_8859_1);
    for (String secret : List.of(authorization.substring(7).split("\\.")[1], accessToken, "alice")) {
      assertThat(sessionCookie).doesNotContain(secret);
      assertThat(decoded).doesNotContain(secret);
    }

    // more requests: no further discovery or key fetches
    for (int i = 0; i < 3; i++) assertThat(b.get("http://foo.com/other").statusCode()).isEqualTo(200);
    assertThat(idp.discoveries.get()).isEqualTo(1);
    assertThat(idp.jwksFetches.get()).isEqualTo(1);

    // skipped paths and API clients
    Browser anonymous = new Browser();
    assertThat(anonymous.get("http://foo.com/public/x").statusCode()).isEqualTo(200);
    HttpResponse<String> api = anonymous.get("http://foo.com/api", "Accept", "application/json");
    assertThat(api.statusCode()).isEqualTo(401);

    // sign out: cookies cleared, off to the provider's logout page (whitelisted) with the id_token_hint
    HttpResponse<String> out = b.get("http://foo.com/oauth2/sign_out?rd=" + TestOpenIdProvider.enc(idp.issuer + "/logout"));
    assertThat(out.statusCode()).isEqualTo(302);
    assertThat(location(out)).startsWith(idp.issuer + "/logout?id_token_hint=");
    assertThat(b.jar).doesNotContainKey("_oauth2_proxy");
    assertThat(b.get("http://foo.com/app").statusCode()).isEqualTo(302);

    // an rd to a host that is not whitelisted goes home instead
    HttpResponse<String> evil = new Browser().get("http://foo.com/oauth2/sign_out?rd=https%3A%2F%2Fevil.example%2F");
    assertThat(location(evil)).isEqualTo("/");
  }

  @Test
  void expiredSessionsAreRefreshedOrLoggedInAgain() throws Exception {
    idp.idTokenSeconds = 2;
    Browser b = new Browser();
    assertThat(b.login("http://foo.com/app").statusCode()).isEqualTo(302);
    String first = header(echoed(b.get("http://foo.com/app")), "authorization");
    Thread.sleep(2300);
    // expired ID token, refresh token in the session: new tokens, a new cookie on the upstream's answer
    HttpResponse<String> refreshed = b.get("http://foo.com/app");
    String second = header(echoed(refreshed), "authorization");
    assertThat(second).isNotEqualTo(first);
    assertThat(refreshed.headers().allValues("set-cookie")).anySatisfy(c -> assertThat(c).startsWith("_oauth2_proxy="));
    assertThat(idp.tokenRequests).anySatisfy(t -> assertThat(t).containsEntry("grant_type", "refresh_token"));
    // the provider forgets the refresh token: once expired, the browser logs in again
    idp.refreshTokens.clear();
    Thread.sleep(2300);
    HttpResponse<String> again = b.get("http://foo.com/app");
    assertThat(again.statusCode()).isEqualTo(302);
    assertThat(location(again)).startsWith(idp.issuer + "/auth?");
  }

  @Test
  void forgedAndTamperedSessionCookiesLogInAgain() throws Exception {
    Browser b = new Browser();
    b.login("http://foo.com/app");
    String good = b.jar.get("_oauth2_proxy");
    assertThat(b.get("http://foo.com/app").statusCode()).isEqualTo(200);

    char[] chars = good.toCharArray();
    chars[chars.length / 2] = chars[chars.length / 2] == 'A' ? 'B' : 'A';
    b.jar.put("_oauth2_proxy", new String(chars));
    HttpResponse<String> tampered = b.get("http://foo.com/app");
    assertThat(tampered.statusCode()).isEqualTo(302);
    assertThat(tampered.headers().allValues("set-cookie")).anySatisfy(c -> assertThat(c).startsWith("_oauth2_proxy=;").contains("Max-Age=0"));

    Browser forger = new Browser();
    forger.jar.put("_oauth2_proxy", "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    assertThat(forger.get("http://foo.com/app").statusCode()).isEqualTo(302);
    // the CSRF cookie's sealed value is no session, even under the session's name
    Browser swapper = new Browser();
    swapper.get("http://foo.com/app");
    swapper.jar.put("_oauth2_proxy", swapper.jar.get("_oauth2_proxy_csrf"));
    assertThat(swapper.get("http://foo.com/app").statusCode()).isEqualTo(302);
  }

  @Test
  void hostileCallbacksAreRefused() throws Exception {
    // a state that is not the one of this browser's login
    Browser b = new Browser();
    HttpResponse<String> approved = b.get(location(b.get("http://foo.com/app")));
    String callback = location(approved);
    String state = queryOf(callback).get("state");
    String wrongState = callback.replace("state=" + state, "state=" + "A".repeat(43));
    HttpResponse<String> r = b.get(wrongState);
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(b.jar).doesNotContainKey("_oauth2_proxy");

    // the right callback in another browser (no CSRF cookie): refused
    Browser other = new Browser();
    assertThat(other.get(callback).statusCode()).isEqualTo(403);

    // replay: the callback once more after a successful login
    Browser c = new Browser();
    HttpResponse<String> approved2 = c.get(location(c.get("http://foo.com/app")));
    String cb = location(approved2);
    String csrf = c.jar.get("_oauth2_proxy_csrf");
    assertThat(c.get(cb).statusCode()).isEqualTo(302);
    assertThat(c.jar).containsKey("_oauth2_proxy");
    c.jar.put("_oauth2_proxy_csrf", csrf); // even with the old CSRF cookie kept, the code is spent
    HttpResponse<String> replay = c.get(cb);
    assertThat(replay.statusCode()).isEqualTo(502);

    // the provider reports an error
    Browser d = new Browser();
    String s = queryOf(location(d.get("http://foo.com/app"))).get("state");
    HttpResponse<String> denied = d.get("http://foo.com/oauth2/callback?error=access_denied&state=" + s);
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(denied.body()).contains("access_denied");

    // no code
    Browser e = new Browser();
    String s2 = queryOf(location(e.get("http://foo.com/app"))).get("state");
    assertThat(e.get("http://foo.com/oauth2/callback?state=" + s2).statusCode()).isEqualTo(400);
  }

  @Test
  void badIdTokensAreRefused() throws Exception {
    for (TestOpenIdProvider.Mode mode : List.of(TestOpenIdProvider.Mode.WRONG_NONCE, TestOpenIdProvider.Mode.WRONG_AUDIENCE,
        TestOpenIdProvider.Mode.EXPIRED, TestOpenIdProvider.Mode.ALG_NONE, TestOpenIdProvider.Mode.FOREIGN_KEY,
        TestOpenIdProvider.Mode.HS256_WITH_PUBLIC_KEY, TestOpenIdProvider.Mode.WRONG_ISSUER)) {
      idp.mode = mode;
      Browser b = new Browser();
      HttpResponse<String> r = b.login("http://foo.com/app");
      assertThat(r.statusCode()).as(mode + ": " + r.body()).isEqualTo(403);
      assertThat(r.body()).as(mode.toString()).doesNotContain("eyJ").doesNotContain(CLIENT_SECRET);
      assertThat(b.jar).as(mode.toString()).doesNotContainKey("_oauth2_proxy");
      assertThat(b.get("http://foo.com/app").statusCode()).as(mode.toString()).isEqualTo(302);
    }
    idp.mode = TestOpenIdProvider.Mode.GOOD;
    Browser b = new Browser();
    assertThat(b.login("http://foo.com/app").statusCode()).isEqualTo(302);
    assertThat(b.get("http://foo.com/app").statusCode()).isEqualTo(200);
  }

  @Test
  void aBadConfigurationIsReportedWithPluginObjectAndField() throws Exception {
    f.write("wasmplugins/oidc.yaml", """
        apiVersion: extensions.higress.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: oidc, namespace: higress-system}
        spec:
          url: oci://higress-registry.cn-hangzhou.cr.aliyuncs.com/plugins/oidc:1.0.0
          defaultConfig:
            oidc_issuer_url: "%s"
            client_id: gateway
            client_secret: x
            cookie_secret: too-short
        """.formatted(idp.issuer));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    String dump = "";
    while (System.nanoTime() < deadline) {
      dump = f.adminGet("/config_dump");
      if (dump.contains("cookie_secret")) break;
      Thread.sleep(20);
    }
    assertThat(dump).contains("oidc").contains("cookie_secret").contains("9 bytes");
  }
}
