package io.higressj.plugins.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import io.higressj.api.Action;
import io.higressj.api.CalloutResponse;
import io.higressj.api.FilterContext;
import io.higressj.api.HttpFilter;
import io.higressj.api.RequestHeaders;
import io.higressj.api.ResponseHeaders;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/** One request through {@code oidc}; see {@link OidcFactory} for the flow. */
final class OidcFilter implements HttpFilter {
  /** request headers this plugin sets; a client's own values never reach the upstream */
  static final List<String> IDENTITY_HEADERS = List.of("x-forwarded-access-token", "x-auth-request-user",
      "x-auth-request-email", "x-auth-request-preferred-username", "x-auth-request-access-token");
  private static final java.util.regex.Pattern STATE = java.util.regex.Pattern.compile("[A-Za-z0-9_\\-]{16,128}");

  private final OidcConfig config;
  private final CookieSettings cookie;
  private final Clock clock;
  /** Set-Cookie lines for the upstream's response (a refreshed session), or null */
  private List<String> responseCookies;

  OidcFilter(OidcConfig config, Clock clock) {
    this.config = config;
    this.cookie = config.cookie();
    this.clock = clock;
  }

  @Override
  public Action onRequestHeaders(FilterContext ctx, RequestHeaders h, boolean endOfStream) {
    ctx.disableReroute();
    String full = h.path();
    int q = full.indexOf('?');
    String path = q < 0 ? full : full.substring(0, q);
    Map<String, String> query = query(q < 0 ? "" : full.substring(q + 1));
    String host = hostOnly(h.authority());
    Map<String, String> cookies = CookieSettings.parse(h);
    String prefix = config.proxyPrefix();
    if (path.equals(config.callbackPath())) {
      callback(ctx, h, query, cookies, host);
      return Action.PAUSE;
    }
    if (path.equals(prefix + "/sign_out")) {
      signOut(ctx, h, query, cookies, host);
      return Action.PAUSE;
    }
    if (path.equals(prefix + "/start")) {
      startLogin(ctx, h, safeRedirect(query.get("rd")), new ArrayList<>());
      return Action.PAUSE;
    }
    if (!path.startsWith(prefix + "/") && config.skipRules().skips(host, path)) return Action.CONTINUE;
    if (config.skipAuthPreflight() && "OPTIONS".equals(h.method())) return Action.CONTINUE;

    long now = clock.millis() / 1000;
    String sealed = cookie.load(cookies);
    SessionState s = sealed == null ? null : SessionState.decode(cookie.cipher().open(cookie.name(), sealed));
    if (s != null && !cookie.expire().isZero() && now >= s.createdAt() + cookie.expire().toSeconds()) s = null;
    if (s != null) {
      boolean expired = now >= s.expiresAt();
      boolean refreshDue = !cookie.refresh().isZero() && now - s.createdAt() >= cookie.refresh().toSeconds();
      if ((expired || refreshDue) && s.refreshToken() != null) {
        refresh(ctx, h, s, cookies, host);
        return Action.PAUSE;
      }
      if (!expired) {
        pass(h, s);
        return Action.CONTINUE;
      }
    }
    // no session, an expired one, or a cookie that is not ours: log in again (and drop the stale cookie)
    List<String> clear = sealed == null ? new ArrayList<>() : new ArrayList<>(cookie.clearSession(cookies, host));
    unauthenticated(ctx, h, clear);
    return Action.PAUSE;
  }

  @Override
  public Action onResponseHeaders(FilterContext ctx, ResponseHeaders headers, boolean endOfStream) {
    if (responseCookies != null) {
      for (String c : responseCookies) headers.add("set-cookie", c);
      responseCookies = null;
    }
    return Action.CONTINUE;
  }

  /** the session's identity on the upstream request */
  private void pass(RequestHeaders h, SessionState s) {
    for (String name : IDENTITY_HEADERS) h.remove(name);
    if (config.passAuthorizationHeader()) h.set("authorization", "Bearer " + s.idToken());
    if (config.passAccessToken() && s.accessToken() != null) h.set("x-forwarded-access-token", s.accessToken());
    if (config.setXAuthRequest()) {
      if (s.subject() != null) h.set("x-auth-request-user", s.subject());
      if (s.email() != null) h.set("x-auth-request-email", s.email());
      if (s.preferredUsername() != null) h.set("x-auth-request-preferred-username", s.preferredUsername());
      if (config.passAccessToken() && s.accessToken() != null) h.set("x-auth-request-access-token", s.accessToken());
    }
  }

  /** no usable session: 401 for an API client ({@code Accept: application/json}), else the login redirect */
  private void unauthenticated(FilterContext ctx, RequestHeaders h, List<String> setCookies) {
    if (acceptsJson(h)) {
      reply(ctx, 401, "oidc: no valid session; log in first", null, setCookies);
      return;
    }
    startLogin(ctx, h, h.path(), setCookies);
  }

  /** 302 to the provider's authorization endpoint, with a new CSRF cookie binding state, nonce and PKCE verifier */
  private void startLogin(FilterContext ctx, RequestHeaders h, String appRedirect, List<String> setCookies) {
    config.provider().metadata(ctx, m -> guard(ctx, () -> {
      if (m == null) {
        reply(ctx, 503, "oidc: the OpenID provider's configuration is not available", null, setCookies);
        return;
      }
      String state = CookieCipher.randomToken(32);
      String nonce = CookieCipher.randomToken(32);
      String verifier = config.codeChallengeMethod().isEmpty() ? null : CookieCipher.randomToken(48);
      long nowMillis = clock.millis();
      LoginState login = new LoginState(state, nonce, verifier, appRedirect, nowMillis / 1000);
      String csrfName = cookie.csrfName(state);
      setCookies.add(cookie.setCookie(csrfName, cookie.cipher().seal(csrfName, login.encode()), hostOnly(h.authority()),
          cookie.csrfExpire(), nowMillis));
      List<Map.Entry<String, String>> params = new ArrayList<>(config.loginParams());
      params.add(Map.entry("client_id", config.clientId()));
      params.add(Map.entry("redirect_uri", redirectUri(h)));
      params.add(Map.entry("response_type", "code"));
      params.add(Map.entry("scope", config.scope()));
      params.add(Map.entry("state", state));
      params.add(Map.entry("nonce", nonce));
      if (verifier != null) {
        params.add(Map.entry("code_challenge", config.codeChallengeMethod().equals("S256") ? s256(verifier) : verifier));
        params.add(Map.entry("code_challenge_method", config.codeChallengeMethod()));
      }
      String endpoint = m.authorizationEndpoint();
      String location = endpoint + (endpoint.contains("?") ? "&" : "?") + form(params);
      reply(ctx, 302, null, location, setCookies);
    }));
  }

  private void callback(FilterContext ctx, RequestHeaders h, Map<String, String> query, Map<String, String> cookies, String host) {
    String state = query.get("state");
    boolean stateOk = state != null && STATE.matcher(state).matches();
    String csrfName = cookie.csrfName(stateOk ? state : "");
    List<String> clearCsrf = new ArrayList<>();
    if (cookies.containsKey(csrfName)) clearCsrf.add(cookie.clearCookie(csrfName, host));
    String error = query.get("error");
    if (error != null) {
      String code = error.replaceAll("[^A-Za-z0-9_.\\-]", "");
      reply(ctx, 403, "oidc: the provider refused the login (error=" + code.substring(0, Math.min(64, code.length())) + ")", null, clearCsrf);
      return;
    }
    if (!stateOk) {
      reply(ctx, 403, "oidc: the callback has no valid state", null, clearCsrf);
      return;
    }
    String sealed = cookies.get(csrfName);
    LoginState login = sealed == null ? null : LoginState.decode(cookie.cipher().open(csrfName, sealed));
    long nowMillis = clock.millis();
    if (login == null || nowMillis / 1000 - login.createdAt() >= cookie.csrfExpire().toSeconds()) {
      reply(ctx, 403, "oidc: no login in progress in this browser (the CSRF cookie is missing, expired or not valid); start again", null, clearCsrf);
      return;
    }
    if (!IdTokenVerifier.constantTimeEquals(login.state(), state)) {
      reply(ctx, 403, "oidc: the state does not match the login in progress", null, clearCsrf);
      return;
    }
    String code = query.get("code");
    if (code == null || code.isEmpty()) {
      reply(ctx, 400, "oidc: the callback has no authorization code", null, clearCsrf);
      return;
    }
    config.provider().metadata(ctx, m -> guard(ctx, () -> {
      if (m == null) {
        reply(ctx, 503, "oidc: the OpenID provider's configuration is not available", null, clearCsrf);
        return;
      }
      List<Map.Entry<String, String>> form = new ArrayList<>();
      form.add(Map.entry("grant_type", "authorization_code"));
      form.add(Map.entry("code", code));
      form.add(Map.entry("redirect_uri", redirectUri(h)));
      if (login.codeVerifier() != null) form.add(Map.entry("code_verifier", login.codeVerifier()));
      tokenRequest(ctx, m, form, answer -> guard(ctx, () -> {
        Tokens t = tokens(ctx, answer, "redeeming the code");
        if (t == null) {
          reply(ctx, 502, "oidc: the provider did not redeem the authorization code", null, clearCsrf);
          return;
        }
        if (t.idToken == null) {
          ctx.log().warn("oidc: the token endpoint answered without an id_token (is 'openid' among the scopes?)");
          reply(ctx, 502, "oidc: the provider returned no ID token", null, clearCsrf);
          return;
        }
        verify(ctx, m, t.idToken, config.skipNonce() ? null : login.nonce(), claims -> {
          long now = clock.millis();
          SessionState s = session(t, null, claims, now / 1000);
          List<String> setCookies = new ArrayList<>(clearCsrf);
          setCookies.addAll(cookie.store(cookie.cipher().seal(cookie.name(), s.encode()), cookies, host, cookie.expire(), now));
          ctx.log().debug("oidc: logged in " + s.subject());
          reply(ctx, 302, null, safeRedirect(login.redirect()), setCookies);
        }, (status, why) -> reply(ctx, status, "oidc: " + why, null, clearCsrf));
      }));
    }));
  }

  /** trades the refresh token for new tokens; on failure the old session serves while it is valid, else a new login */
  private void refresh(FilterContext ctx, RequestHeaders h, SessionState old, Map<String, String> cookies, String host) {
    long oldNow = clock.millis() / 1000;
    Runnable fallback = () -> {
      if (oldNow < old.expiresAt()) {
        pass(h, old);
        ctx.resume();
      } else {
        unauthenticated(ctx, h, new ArrayList<>(cookie.clearSession(cookies, host)));
      }
    };
    config.provider().metadata(ctx, m -> guard(ctx, () -> {
      if (m == null) {
        fallback.run();
        return;
      }
      List<Map.Entry<String, String>> form = new ArrayList<>();
      form.add(Map.entry("grant_type", "refresh_token"));
      form.add(Map.entry("refresh_token", old.refreshToken()));
      tokenRequest(ctx, m, form, answer -> guard(ctx, () -> {
        Tokens t = tokens(ctx, answer, "refreshing the session");
        if (t == null) {
          fallback.run();
          return;
        }
        Consumer<JWTClaimsSet> done = claims -> {
          long now = clock.millis();
          SessionState s = session(t, old, claims, now / 1000);
          if (s.expiresAt() <= now / 1000) {
            fallback.run();
            return;
          }
          responseCookies = cookie.store(cookie.cipher().seal(cookie.name(), s.encode()), cookies, host, cookie.expire(), now);
          pass(h, s);
          ctx.resume();
        };
        if (t.idToken == null) done.accept(null);
        else verify(ctx, m, t.idToken, null, done, (status, why) -> {
          ctx.log().warn("oidc: the refreshed ID token was refused: " + why);
          fallback.run();
        });
      }));
    }));
  }

  private void signOut(FilterContext ctx, RequestHeaders h, Map<String, String> query, Map<String, String> cookies, String host) {
    String rd = query.get("rd");
    if (rd == null || rd.isEmpty()) rd = h.get("x-auth-request-redirect");
    String target = safeRedirect(rd);
    String sealed = cookie.load(cookies);
    SessionState s = sealed == null ? null : SessionState.decode(cookie.cipher().open(cookie.name(), sealed));
    // the provider's logout page learns who leaves; a path of this site never gets the ID token in its URL
    if (s != null && !target.startsWith("/")) {
      target = target + (target.contains("?") ? "&" : "?") + form(List.of(Map.entry("id_token_hint", s.idToken())));
    }
    reply(ctx, 302, null, target, new ArrayList<>(cookie.clearSession(cookies, host)));
  }

  private record Tokens(String idToken, String accessToken, String refreshToken, long expiresIn) {}

  private void tokenRequest(FilterContext ctx, OidcProvider.Metadata m, List<Map.Entry<String, String>> form,
      Consumer<CalloutResponse> then) {
    List<Map.Entry<String, String>> body = new ArrayList<>(form);
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    headers.add(Map.entry("content-type", "application/x-www-form-urlencoded"));
    headers.add(Map.entry("accept", "application/json"));
    if (m.clientSecretBasic() && !config.clientSecret().isEmpty()) {
      String basic = URLEncoder.encode(config.clientId(), StandardCharsets.UTF_8) + ":" + URLEncoder.encode(config.clientSecret(), StandardCharsets.UTF_8);
      headers.add(Map.entry("authorization", "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8))));
      body.add(Map.entry("client_id", config.clientId()));
    } else {
      body.add(Map.entry("client_id", config.clientId()));
      if (!config.clientSecret().isEmpty()) body.add(Map.entry("client_secret", config.clientSecret()));
    }
    config.provider().send(ctx, "POST", m.tokenEndpoint(), headers, form(body).getBytes(StandardCharsets.UTF_8), config.redeemTimeout(), then);
  }

  /** the tokens of a token endpoint answer, or null (logged, without the answer's body: it may hold secrets) */
  private static Tokens tokens(FilterContext ctx, CalloutResponse answer, String what) {
    if (answer.status() != 200) {
      ctx.log().warn("oidc: " + what + " failed: " + (answer.status() == 0 ? answer.failure() : "the token endpoint answered " + answer.status()));
      return null;
    }
    try {
      JsonNode doc = SessionState.JSON.readTree(answer.body());
      if (doc == null || !doc.isObject()) throw new IllegalArgumentException("not a JSON object");
      JsonNode exp = doc.get("expires_in");
      long expiresIn = exp != null && exp.canConvertToLong() ? exp.asLong() : exp != null && exp.isTextual() && exp.asText().matches("\\d{1,9}") ? Long.parseLong(exp.asText()) : 0;
      String access = OidcProvider.text(doc, "access_token");
      if (access == null) throw new IllegalArgumentException("no access_token");
      return new Tokens(OidcProvider.text(doc, "id_token"), access, OidcProvider.text(doc, "refresh_token"), expiresIn);
    } catch (java.io.IOException | RuntimeException e) {
      ctx.log().warn("oidc: " + what + " failed: the token endpoint's answer is not usable (" + e.getMessage() + ")");
      return null;
    }
  }

  private interface Failure {
    void reject(int status, String why);
  }

  /** verifies an ID token with the provider's keys, fetching them again once when no key fits */
  private void verify(FilterContext ctx, OidcProvider.Metadata m, String idToken, String nonce, Consumer<JWTClaimsSet> ok, Failure no) {
    OidcProvider provider = config.provider();
    provider.keys(ctx, m, false, keys -> guard(ctx, () -> {
      try {
        ok.accept(check(idToken, keys, m, nonce));
      } catch (IdTokenVerifier.Rejected first) {
        if (!first.keyProblem) {
          ctx.log().warn("oidc: ID token refused: " + first.getMessage());
          no.reject(403, "the ID token is not valid");
          return;
        }
        provider.keys(ctx, m, true, fresh -> guard(ctx, () -> {
          if (fresh.isEmpty()) {
            no.reject(503, "the OpenID provider's keys are not available");
            return;
          }
          try {
            ok.accept(check(idToken, fresh, m, nonce));
          } catch (IdTokenVerifier.Rejected again) {
            ctx.log().warn("oidc: ID token refused: " + again.getMessage());
            no.reject(403, "the ID token is not valid");
          }
        }));
      }
    }));
  }

  private JWTClaimsSet check(String idToken, List<JWK> keys, OidcProvider.Metadata m, String nonce) throws IdTokenVerifier.Rejected {
    return IdTokenVerifier.verify(idToken, keys, m.signingAlgorithms(), m.issuer(), config.clientId(), config.extraAudiences(), nonce,
        clock.millis());
  }

  /** the session after a login ({@code old} null) or a refresh ({@code claims} null when no new ID token came) */
  private static SessionState session(Tokens t, SessionState old, JWTClaimsSet claims, long now) {
    if (claims == null) {
      return new SessionState(old.idToken(), t.accessToken, t.refreshToken != null ? t.refreshToken : old.refreshToken(),
          old.subject(), old.email(), old.preferredUsername(), now, old.expiresAt());
    }
    String email = claim(claims, "email");
    String preferred = claim(claims, "preferred_username");
    return new SessionState(t.idToken, t.accessToken, t.refreshToken != null ? t.refreshToken : old == null ? null : old.refreshToken(),
        claims.getSubject(), email, preferred, now, claims.getExpirationTime().getTime() / 1000);
  }

  private static String claim(JWTClaimsSet claims, String name) {
    return claims.getClaim(name) instanceof String s && !s.isEmpty() ? s : null;
  }

  private String redirectUri(RequestHeaders h) {
    String r = config.redirectUrl();
    if (!r.startsWith("/")) return r;
    String scheme = cookie.secure() ? "https" : h.scheme() == null ? "http" : h.scheme();
    return scheme + "://" + (h.authority() == null ? "" : h.authority()) + r;
  }

  /**
   * {@code rd} when it is safe to send a browser to: a path of this site, or an http(s) URL whose host
   * is in {@code whitelist_domains} ({@code example.com}, {@code .example.com} for it and its
   * subdomains, {@code host:port}, {@code host:*}); else {@code /}.
   */
  String safeRedirect(String rd) {
    if (rd == null || rd.isEmpty() || rd.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '\\')) return "/";
    if (rd.startsWith("/")) return rd.startsWith("//") ? "/" : rd;
    URI u;
    try {
      u = new URI(rd);
    } catch (java.net.URISyntaxException e) {
      return "/";
    }
    if (!("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme())) || u.getHost() == null || u.getRawUserInfo() != null) return "/";
    String host = u.getHost().toLowerCase(Locale.ROOT);
    int port = u.getPort();
    for (String w : config.whitelistDomains()) {
      String domain = w;
      String wport = null;
      int colon = w.lastIndexOf(':');
      if (colon > 0 && !w.endsWith("]")) {
        domain = w.substring(0, colon);
        wport = w.substring(colon + 1);
      }
      boolean hostOk = domain.startsWith(".") ? host.equals(domain.substring(1)) || host.endsWith(domain) : host.equals(domain);
      boolean portOk = wport == null ? port == -1 : wport.equals("*") || wport.equals(String.valueOf(port));
      if (hostOk && portOk) return rd;
    }
    return "/";
  }

  private void reply(FilterContext ctx, int status, String message, String location, List<String> setCookies) {
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    if (location != null) headers.add(Map.entry("location", location));
    headers.add(Map.entry("cache-control", "no-cache, no-store, must-revalidate, max-age=0"));
    headers.add(Map.entry("expires", "Thu, 01 Jan 1970 00:00:00 GMT"));
    if (message != null) headers.add(Map.entry("content-type", "text/plain; charset=utf-8"));
    if (setCookies != null) for (String c : setCookies) headers.add(Map.entry("set-cookie", c));
    ctx.sendLocalReply(status, headers, message == null ? new byte[0] : message.getBytes(StandardCharsets.UTF_8));
  }

  private static void guard(FilterContext ctx, Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      ctx.fail(e);
    }
  }

  static boolean acceptsJson(RequestHeaders h) {
    for (String v : h.getAll("accept")) {
      for (String part : v.split(",")) {
        String t = part.trim();
        int semi = t.indexOf(';');
        if (semi >= 0) t = t.substring(0, semi).trim();
        if (t.equalsIgnoreCase("application/json")) return true;
      }
    }
    return false;
  }

  static String hostOnly(String authority) {
    if (authority == null) return "";
    String a = authority.toLowerCase(Locale.ROOT);
    if (a.startsWith("[")) {
      int end = a.indexOf(']');
      return end > 0 ? a.substring(0, end + 1) : a;
    }
    int colon = a.lastIndexOf(':');
    return colon >= 0 ? a.substring(0, colon) : a;
  }

  static Map<String, String> query(String q) {
    Map<String, String> out = new HashMap<>();
    if (q.isEmpty()) return out;
    for (String pair : q.split("&")) {
      if (pair.isEmpty()) continue;
      int eq = pair.indexOf('=');
      String k = decode(eq < 0 ? pair : pair.substring(0, eq));
      String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
      out.putIfAbsent(k, v);
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

  static String form(List<Map.Entry<String, String>> params) {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, String> e : params) {
      if (!b.isEmpty()) b.append('&');
      b.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
    }
    return b.toString();
  }

  static String s256(String verifier) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
