package io.higressj.plugins.jwtauth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.higressj.api.Action;
import io.higressj.api.FilterContext;
import io.higressj.api.HttpFilter;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginFactory;
import io.higressj.api.PluginPhase;
import io.higressj.api.RequestHeaders;
import io.higressj.plugins.auth.AuthScope;
import io.higressj.plugins.auth.ConfigFields;
import io.higressj.plugins.auth.Replies;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code jwt-auth}: the global configuration lists the consumers, each with its JWKS, issuer and token
 * sources; a rule lists the consumers it lets through ({@code allow}).
 *
 * <p>Outcomes, as Higress's Go plugin answers them: under the global configuration a token no consumer
 * accepts is 401 ({@code Jwt missing}, {@code Jwt expired} or {@code Jwt verification fails}). Under a
 * rule allowing one consumer, that consumer's failure is 401, unless the token is one another consumer
 * accepts (403 {@code Access Denied}). Under a rule allowing several, any failure is 403.
 */
public class JwtAuthFactory implements PluginFactory<JwtAuthConfig> {
  static final String CHALLENGE = "Bearer realm=MSE Gateway";
  static final long MAX_TOKEN_LENGTH = 64 * 1024;

  /** Why a consumer did not accept the request; higher ranks are more telling. */
  enum Failure {
    MISSING("Jwt missing"),
    VERIFICATION("Jwt verification fails"),
    EXPIRED("Jwt expired");

    final String message;

    Failure(String message) {
      this.message = message;
    }
  }

  private final Clock clock;

  public JwtAuthFactory() {
    this(Clock.systemUTC());
  }

  /** a factory whose filters read the time from {@code clock} (tests) */
  public JwtAuthFactory(Clock clock) {
    this.clock = clock;
  }

  @Override
  public String name() {
    return "jwt-auth";
  }

  @Override
  public PluginPhase defaultPhase() {
    return PluginPhase.AUTHN;
  }

  @Override
  public int defaultPriority() {
    return 340;
  }

  @Override
  public JwtAuthConfig parseConfig(Map<String, Object> config) throws PluginConfigException {
    Map<String, Object> c = AuthScope.globalConfig(config);
    return new JwtAuthConfig(consumers(c), AuthScope.global(c));
  }

  @Override
  public JwtAuthConfig parseRuleConfig(Map<String, Object> rule, JwtAuthConfig global) throws PluginConfigException {
    Map<String, Object> r = ConfigFields.orEmpty(rule);
    List<JwtConsumer> consumers;
    if (r.containsKey("consumers")) {
      consumers = consumers(r);
      if (!r.containsKey("allow")) return new JwtAuthConfig(consumers, new AuthScope(true, null));
    } else {
      AuthScope.requireGlobal(global);
      consumers = global.consumers();
    }
    AuthScope scope = AuthScope.rule(r);
    Set<String> names = new HashSet<>();
    consumers.forEach(x -> names.add(x.name()));
    List<String> allow = ConfigFields.strings(r, "allow", "allow");
    for (int i = 0; i < allow.size(); i++) {
      if (!names.contains(allow.get(i))) {
        throw new PluginConfigException("allow[" + i + "]", allow.get(i) + ": no consumer of that name");
      }
    }
    return new JwtAuthConfig(consumers, scope);
  }

  private static List<JwtConsumer> consumers(Map<String, Object> c) throws PluginConfigException {
    List<Map<String, Object>> list = ConfigFields.objects(c, "consumers", "consumers");
    if (list == null) throw new PluginConfigException("consumers", "missing (expected: a list of consumers)");
    List<JwtConsumer> out = new ArrayList<>(list.size());
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      JwtConsumer consumer = consumer(list.get(i), "consumers[" + i + "].");
      if (!names.add(consumer.name())) {
        throw new PluginConfigException("consumers[" + i + "].name", consumer.name() + ": a second consumer of that name");
      }
      out.add(consumer);
    }
    return out;
  }

  private static JwtConsumer consumer(Map<String, Object> m, String at) throws PluginConfigException {
    String name = ConfigFields.string(m, "name", at + "name", null);
    RemoteJwks remote = remoteJwks(ConfigFields.object(m, "remote_jwks", at + "remote_jwks"), at + "remote_jwks.");
    String jwksText = ConfigFields.string(m, "jwks", at + "jwks", remote != null ? "{\"keys\": []}" : null);
    List<JWK> keys;
    try {
      keys = JWKSet.parse(jwksText).getKeys();
    } catch (ParseException | RuntimeException e) {
      throw new PluginConfigException(at + "jwks", "not a JSON Web Key Set (" + e.getMessage() + ")");
    }
    if (keys.isEmpty() && remote == null) throw new PluginConfigException(at + "jwks", "no keys (expected: at least one key)");
    List<JWK> verificationKeys = new ArrayList<>(keys.size());
    for (JWK k : keys) verificationKeys.add(k.isPrivate() && !(k instanceof com.nimbusds.jose.jwk.OctetSequenceKey) ? k.toPublicJWK() : k);
    List<JwsVerification.PreparedKey> prepared;
    try {
      prepared = JwsVerification.prepare(verificationKeys);
    } catch (com.nimbusds.jose.JOSEException | RuntimeException e) {
      throw new PluginConfigException(at + "jwks", "a key cannot verify signatures (" + e.getMessage() + ")");
    }
    if (prepared.isEmpty() && remote == null) throw new PluginConfigException(at + "jwks", "no key of a supported type (RSA, EC, oct, Ed25519)");
    String issuer = ConfigFields.string(m, "issuer", at + "issuer", null);

    List<JwtConsumer.ClaimToHeader> claims = new ArrayList<>();
    List<Map<String, Object>> cth = ConfigFields.objects(m, "claims_to_headers", at + "claims_to_headers");
    if (cth != null) {
      for (int j = 0; j < cth.size(); j++) {
        String p = at + "claims_to_headers[" + j + "].";
        claims.add(new JwtConsumer.ClaimToHeader(ConfigFields.string(cth.get(j), "claim", p + "claim", null),
            ConfigFields.string(cth.get(j), "header", p + "header", null),
            ConfigFields.bool(cth.get(j), "override", p + "override", true)));
      }
    }

    List<TokenSource> sources = new ArrayList<>();
    List<Map<String, Object>> headers = ConfigFields.objects(m, "from_headers", at + "from_headers");
    if (headers != null) {
      for (int j = 0; j < headers.size(); j++) {
        String p = at + "from_headers[" + j + "].";
        Object prefix = headers.get(j).get("value_prefix");
        if (prefix != null && !(prefix instanceof String)) throw new PluginConfigException(p + "value_prefix", "not a string");
        sources.add(new TokenSource.Header(ConfigFields.string(headers.get(j), "name", p + "name", null),
            prefix == null ? "" : (String) prefix));
      }
    }
    List<String> params = ConfigFields.strings(m, "from_params", at + "from_params");
    if (params != null) params.forEach(p -> sources.add(new TokenSource.Param(p)));
    List<String> cookies = ConfigFields.strings(m, "from_cookies", at + "from_cookies");
    if (cookies != null) cookies.forEach(p -> sources.add(new TokenSource.Cookie(p)));
    if (headers == null && params == null && cookies == null) {
      sources.add(new TokenSource.Header("Authorization", "Bearer "));
      sources.add(new TokenSource.Param("access_token"));
    }
    long skew = ConfigFields.integer(m, "clock_skew_seconds", at + "clock_skew_seconds", 60, 0, 86_400 * 365L);
    boolean keep = ConfigFields.bool(m, "keep_token", at + "keep_token", true);
    return new JwtConsumer(name, prepared, issuer, claims, sources, skew, keep, remote, new VerifiedTokens());
  }

  /** {@code remote_jwks}: {@code uri}, {@code service}, {@code port}, {@code ttl} and {@code timeout} (ms); null when absent */
  private static RemoteJwks remoteJwks(Map<String, Object> r, String at) throws PluginConfigException {
    if (r == null) return null;
    String uri = ConfigFields.string(r, "uri", at + "uri", null);
    java.net.URI parsed;
    try {
      parsed = new java.net.URI(uri);
    } catch (java.net.URISyntaxException e) {
      throw new PluginConfigException(at + "uri", "'" + uri + "' is not a URL (" + e.getReason() + ")");
    }
    if (!("http".equalsIgnoreCase(parsed.getScheme()) || "https".equalsIgnoreCase(parsed.getScheme())) || parsed.getHost() == null) {
      throw new PluginConfigException(at + "uri", "'" + uri + "' (expected: an http:// or https:// URL)");
    }
    String service = ConfigFields.string(r, "service", at + "service", "").trim();
    Object portValue = r.get("port");
    if (portValue instanceof String ps && ps.trim().matches("\\d{1,5}")) portValue = Long.parseLong(ps.trim());
    long port = ConfigFields.integer(portValue == null ? Map.of() : Map.of("port", portValue), "port", at + "port", 0, 0, 65535);
    long ttl = ConfigFields.integer(r, "ttl", at + "ttl", 300_000, 1, 86_400_000L * 365);
    long timeout = ConfigFields.integer(r, "timeout", at + "timeout", 3_000, 1, 600_000);
    String path = (parsed.getRawPath() == null || parsed.getRawPath().isEmpty() ? "/" : parsed.getRawPath())
        + (parsed.getRawQuery() == null ? "" : "?" + parsed.getRawQuery());
    if (service.isEmpty()) {
      return new RemoteJwks(uri, null, java.time.Duration.ofMillis(ttl), java.time.Duration.ofMillis(timeout));
    }
    if (!service.matches("[A-Za-z0-9._\\-]+")) throw new PluginConfigException(at + "service", "'" + service + "' (expected: a service name such as jwks.default.svc.cluster.local)");
    if (port == 0) port = parsed.getPort() > 0 ? parsed.getPort() : "https".equalsIgnoreCase(parsed.getScheme()) ? 443 : 80;
    return new RemoteJwks("outbound|" + port + "||" + service, path, java.time.Duration.ofMillis(ttl), java.time.Duration.ofMillis(timeout));
  }

  @Override
  public HttpFilter create(JwtAuthConfig config) {
    return new HttpFilter() {
      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
        Authentication auth = new Authentication(config, headers, clock.millis());
        if (!config.scope().enforce()) return Action.CONTINUE;
        List<RemoteJwks> fetch = auth.remotesToFetch(System.nanoTime());
        if (fetch.isEmpty()) return auth.run(ctx);
        int[] left = {fetch.size()};
        for (RemoteJwks r : fetch) {
          r.fetch(ctx, () -> {
            if (--left[0] > 0) return;
            if (new Authentication(config, headers, clock.millis()).run(ctx) == Action.CONTINUE) ctx.resume();
          });
        }
        return Action.PAUSE;
      }
    };
  }

  /** One request's authentication; tokens are parsed once however many consumers read them. */
  private static final class Authentication {
    private final JwtAuthConfig config;
    private final RequestHeaders headers;
    private final long nowMillis;
    private final Map<String, SignedJWT> parsed = new HashMap<>();
    private String lastToken;
    private TokenSource lastSource;
    private JWTClaimsSet lastClaims; // of the token verify() accepted last

    Authentication(JwtAuthConfig config, RequestHeaders headers, long nowMillis) {
      this.config = config;
      this.headers = headers;
      this.nowMillis = nowMillis;
    }

    /** the remote JWKS to fetch before deciding: expired ones, and those lacking a token's kid */
    List<RemoteJwks> remotesToFetch(long nowNanos) {
      List<RemoteJwks> out = new ArrayList<>();
      for (JwtConsumer c : config.consumers()) {
        RemoteJwks r = c.remote();
        if (r == null || out.contains(r)) continue;
        if (!r.fresh(nowNanos)) {
          out.add(r);
          continue;
        }
        search:
        for (TokenSource source : c.sources()) {
          for (String token : tokens(source)) {
            if (!token.isEmpty() && token.length() <= MAX_TOKEN_LENGTH && c.verified().get(token, r.keys(nowNanos)) != null) continue;
            SignedJWT jwt = token.isEmpty() ? null : parse(token);
            if (jwt != null && r.wantsRefreshFor(jwt.getHeader().getKeyID(), nowNanos)) {
              out.add(r);
              break search;
            }
          }
        }
      }
      return out;
    }

    Action run(FilterContext ctx) {
      AuthScope scope = config.scope();
      if (!scope.enforce()) return Action.CONTINUE;
      if (!scope.ruleLevel()) {
        Failure worst = Failure.MISSING;
        for (JwtConsumer c : config.consumers()) {
          Failure f = check(c);
          if (f == null) return accept(ctx, c);
          if (f.ordinal() > worst.ordinal()) worst = f;
        }
        return deny(ctx, 401, worst.message);
      }
      List<JwtConsumer> allowed = config.consumers().stream().filter(c -> scope.allows(c.name())).toList();
      if (allowed.size() == 1) {
        JwtConsumer only = allowed.get(0);
        Failure f = check(only);
        if (f == null) return accept(ctx, only);
        for (JwtConsumer other : config.consumers()) {
          if (other != only && check(other) == null) return deny(ctx, 403, "Access Denied");
        }
        return deny(ctx, 401, f.message);
      }
      for (JwtConsumer c : allowed) {
        if (check(c) == null) return accept(ctx, c);
      }
      return deny(ctx, 403, "Access Denied");
    }

    private Action deny(FilterContext ctx, int status, String message) {
      Replies.deny(ctx, status, CHALLENGE, message);
      return Action.PAUSE;
    }

    /** null when {@code consumer} accepts the request's token */
    private Failure check(JwtConsumer consumer) {
      Failure worst = Failure.MISSING;
      for (TokenSource source : consumer.sources()) {
        for (String token : tokens(source)) {
          Failure f = verify(consumer, token);
          if (f == null) {
            lastToken = token;
            lastSource = source;
            return null;
          }
          if (f.ordinal() > worst.ordinal()) worst = f;
        }
      }
      return worst;
    }

    private Failure verify(JwtConsumer consumer, String token) {
      if (token.isEmpty()) return Failure.MISSING;
      List<JwsVerification.PreparedKey> keys = consumer.remote() == null ? consumer.keys() : consumer.remote().keys(System.nanoTime());
      JWTClaimsSet claims = token.length() > MAX_TOKEN_LENGTH ? null : consumer.verified().get(token, keys);
      if (claims == null) {
        SignedJWT jwt = parse(token);
        if (jwt == null) return Failure.VERIFICATION;
        if (!JwsVerification.verify(jwt, keys)) return Failure.VERIFICATION;
        try {
          claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
          return Failure.VERIFICATION;
        }
        if (!consumer.issuer().equals(claims.getIssuer())) return Failure.VERIFICATION;
        consumer.verified().put(token, keys, claims);
      }
      long skew = consumer.clockSkewSeconds() * 1000;
      Date exp = claims.getExpirationTime();
      if (exp != null && nowMillis > exp.getTime() + skew) return Failure.EXPIRED;
      Date nbf = claims.getNotBeforeTime();
      if (nbf != null && nowMillis + skew < nbf.getTime()) return Failure.VERIFICATION;
      lastClaims = claims;
      return null;
    }

    private SignedJWT parse(String token) {
      if (token.length() > MAX_TOKEN_LENGTH) return null;
      if (parsed.containsKey(token)) return parsed.get(token);
      SignedJWT jwt;
      try {
        jwt = SignedJWT.parse(token); // alg "none" is not a JWS: refused here
      } catch (ParseException | RuntimeException e) {
        jwt = null;
      }
      parsed.put(token, jwt);
      return jwt;
    }

    private List<String> tokens(TokenSource source) {
      List<String> out = new ArrayList<>(1);
      switch (source) {
        case TokenSource.Header h -> {
          for (String v : headers.getAll(h.name())) {
            if (v.startsWith(h.valuePrefix())) out.add(v.substring(h.valuePrefix().length()).strip());
            else if (v.strip().equals(h.valuePrefix().strip())) out.add("");
          }
        }
        case TokenSource.Param p -> out.addAll(queryValues(headers.path(), p.name()));
        case TokenSource.Cookie k -> {
          for (String line : headers.getAll("cookie")) {
            for (String pair : line.split(";")) {
              int eq = pair.indexOf('=');
              if (eq > 0 && pair.substring(0, eq).strip().equals(k.name())) out.add(pair.substring(eq + 1).strip());
            }
          }
        }
      }
      return out;
    }

    private Action accept(FilterContext ctx, JwtConsumer consumer) {
      for (JwtConsumer.ClaimToHeader m : consumer.claimsToHeaders()) {
        Object v = lastClaims.getClaim(m.claim());
        if (v == null) continue;
        String text = v instanceof Date d ? Long.toString(d.getTime() / 1000) : v instanceof String s ? s : toJson(v);
        if (m.override()) headers.set(m.header(), text);
        else headers.add(m.header(), text);
      }
      if (!consumer.keepToken()) removeToken(lastSource, lastToken);
      ctx.consumer(consumer.name());
      return Action.CONTINUE;
    }

    private static String toJson(Object v) {
      return com.nimbusds.jose.util.JSONObjectUtils.toJSONString(Map.of("v", v)).replaceFirst("^\\{\"v\":", "")
          .replaceFirst("}$", "");
    }

    private void removeToken(TokenSource source, String token) {
      switch (source) {
        case TokenSource.Header h -> headers.remove(h.name());
        case TokenSource.Param p -> headers.path(withoutParam(headers.path(), p.name()));
        case TokenSource.Cookie k -> {
          List<String> kept = new ArrayList<>();
          for (String line : headers.getAll("cookie")) {
            for (String pair : line.split(";")) {
              int eq = pair.indexOf('=');
              if (!(eq > 0 && pair.substring(0, eq).strip().equals(k.name()))) {
                if (!pair.isBlank()) kept.add(pair.strip());
              }
            }
          }
          headers.remove("cookie");
          if (!kept.isEmpty()) headers.set("cookie", String.join("; ", kept));
        }
      }
    }
  }

  static List<String> queryValues(String pathAndQuery, String name) {
    int q = pathAndQuery.indexOf('?');
    if (q < 0) return List.of();
    List<String> out = new ArrayList<>(1);
    for (String pair : pathAndQuery.substring(q + 1).split("&")) {
      int eq = pair.indexOf('=');
      if (decode(eq < 0 ? pair : pair.substring(0, eq)).equals(name)) out.add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
    }
    return out;
  }

  static String withoutParam(String pathAndQuery, String name) {
    int q = pathAndQuery.indexOf('?');
    if (q < 0) return pathAndQuery;
    List<String> kept = new ArrayList<>();
    for (String pair : pathAndQuery.substring(q + 1).split("&")) {
      int eq = pair.indexOf('=');
      if (!pair.isEmpty() && !decode(eq < 0 ? pair : pair.substring(0, eq)).equals(name)) kept.add(pair);
    }
    return pathAndQuery.substring(0, q) + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
  }

  static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
