package io.higressj.plugins.oauth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.higressj.api.Action;
import io.higressj.api.Body;
import io.higressj.api.FilterContext;
import io.higressj.api.HttpFilter;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginFactory;
import io.higressj.api.PluginPhase;
import io.higressj.api.RequestHeaders;
import io.higressj.plugins.auth.AuthScope;
import io.higressj.plugins.auth.ConfigFields;
import io.higressj.plugins.auth.SigningKeys;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code oauth}: a request whose path (without its query) ends with {@code auth_path} asks for a
 * token: {@code GET} with {@code grant_type=client_credentials&client_id=...&client_secret=...} in the
 * query, or {@code POST} with them as an {@code application/x-www-form-urlencoded} body; the answer is
 * {@code {"token_type":"bearer","access_token":"<JWT>","expires_in":<token_ttl>}}, a JWT with {@code
 * typ: application/at+jwt}, HS256 under the client's secret, claims {@code client_id}, {@code sub}
 * (the consumer's name), {@code iss}, {@code aud} ("default", or the route's name without {@code
 * global_credentials}), {@code iat}, {@code exp}, {@code jti}. Other requests must carry such a token
 * in {@code auth_header_name} as {@code Bearer <token>}: 401 {@code {"code":401,"msg":"Invalid Jwt
 * token: ..."}} when it is missing or does not verify, 403 {@code Access Denied} when it was issued
 * for another route or its consumer is not allowed.
 */
public class OAuthFactory implements PluginFactory<OAuthConfig> {
  static final String DEFAULT_AUDIENCE = "default";
  static final JOSEObjectType AT_JWT = new JOSEObjectType("application/at+jwt");
  static final int MAX_TOKEN_REQUEST_BODY = 64 * 1024;
  static final int MAX_TOKEN_LENGTH = 16 * 1024;

  private final Clock clock;

  public OAuthFactory() {
    this(Clock.systemUTC());
  }

  OAuthFactory(Clock clock) {
    this.clock = clock;
  }

  @Override
  public String name() {
    return "oauth";
  }

  @Override
  public PluginPhase defaultPhase() {
    return PluginPhase.AUTHN;
  }

  @Override
  public int defaultPriority() {
    return 320;
  }

  @Override
  public OAuthConfig parseConfig(Map<String, Object> config) throws PluginConfigException {
    Map<String, Object> c = AuthScope.globalConfig(config);
    return parse(c, AuthScope.global(c));
  }

  @Override
  public OAuthConfig parseRuleConfig(Map<String, Object> rule, OAuthConfig global) throws PluginConfigException {
    Map<String, Object> r = ConfigFields.orEmpty(rule);
    if (r.containsKey("consumers")) {
      return parse(r, AuthScope.ownConsumers(r));
    }
    AuthScope scope = AuthScope.rule(r);
    AuthScope.requireGlobal(global);
    return global.withScope(scope);
  }

  private static OAuthConfig parse(Map<String, Object> c, AuthScope scope) throws PluginConfigException {
    List<Map<String, Object>> consumers = ConfigFields.objects(c, "consumers", "consumers");
    if (consumers == null || consumers.isEmpty()) {
      throw new PluginConfigException("consumers", (consumers == null ? "missing" : "empty")
          + " (expected: a list of {name, client_id, client_secret})");
    }
    SigningKeys.Builder clients = SigningKeys.builder();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < consumers.size(); i++) {
      String at = "consumers[" + i + "]";
      Map<String, Object> consumer = consumers.get(i);
      String name = ConfigFields.string(consumer, "name", at + ".name", null);
      String id = ConfigFields.string(consumer, "client_id", at + ".client_id", null);
      String secret = ConfigFields.string(consumer, "client_secret", at + ".client_secret", null);
      if (!names.add(name)) throw new PluginConfigException(at + ".name", name + ": a second consumer of that name");
      if (!clients.add(id, name, secret)) throw new PluginConfigException(at + ".client_id", "the same as an earlier consumer's");
    }
    String issuer = ConfigFields.string(c, "issuer", "issuer", "Higress-Gateway");
    String authPath = ConfigFields.string(c, "auth_path", "auth_path", "/oauth2/token");
    if (!authPath.startsWith("/")) throw new PluginConfigException("auth_path", authPath + " (expected: a path starting with /)");
    boolean globalCredentials = ConfigFields.bool(c, "global_credentials", "global_credentials", true);
    String header = ConfigFields.string(c, "auth_header_name", "auth_header_name", "Authorization");
    long ttl = ConfigFields.integer(c, "token_ttl", "token_ttl", 7200, 1, 100L * 365 * 24 * 3600);
    long skew = ConfigFields.integer(c, "clock_skew_seconds", "clock_skew_seconds", 60, 0, 100L * 365 * 24 * 3600);
    boolean keep = ConfigFields.bool(c, "keep_token", "keep_token", true);
    return new OAuthConfig(clients.build(), issuer, authPath, globalCredentials, header.toLowerCase(Locale.ROOT),
        ttl, skew, keep, scope);
  }

  @Override
  public HttpFilter create(OAuthConfig config) {
    return new HttpFilter() {
      private boolean tokenRequestInBody;

      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders h, boolean endOfStream) {
        String path = h.path() == null ? "/" : h.path();
        int q = path.indexOf('?');
        String pathOnly = q < 0 ? path : path.substring(0, q);
        if (pathOnly.endsWith(config.authPath())) {
          if (h.method().equals("GET")) return issue(config, ctx, q < 0 ? "" : path.substring(q + 1));
          if (h.method().equals("POST")) {
            String contentType = h.get("content-type");
            if (contentType == null || !contentType.toLowerCase(Locale.ROOT).contains("application/x-www-form-urlencoded")) {
              return error(ctx, 400, "Invalid or unsupported content-type");
            }
            if (endOfStream) return error(ctx, 400, "Authorize parameters are missing");
            tokenRequestInBody = true;
            ctx.bufferRequestBody(MAX_TOKEN_REQUEST_BODY);
            return Action.CONTINUE;
          }
          // another method on the token path is an ordinary request: it must carry a token
        }
        return verify(config, ctx, h);
      }

      @Override
      public Action onRequestBody(FilterContext ctx, Body body, boolean endOfStream) {
        if (!tokenRequestInBody) return Action.CONTINUE;
        if (body.length() == 0) return error(ctx, 400, "Authorize parameters are missing");
        return issue(config, ctx, body.text(StandardCharsets.UTF_8));
      }
    };
  }

  /** answers a token request whose parameters are {@code form} */
  private Action issue(OAuthConfig config, FilterContext ctx, String form) {
    String grantType = param(form, "grant_type");
    String clientId = param(form, "client_id");
    String clientSecret = param(form, "client_secret");
    if (grantType == null || grantType.isEmpty()) return error(ctx, 400, "grant_type is missing");
    if (!grantType.equals("client_credentials")) return error(ctx, 400, "grant type " + grantType + " is not supported.");
    if (clientId == null || clientId.isEmpty()) return error(ctx, 400, "client_id is missing");
    SigningKeys.Entry client = config.clients().find(clientId);
    if (client == null || clientSecret == null
        || !MessageDigest.isEqual(client.secret(), clientSecret.getBytes(StandardCharsets.UTF_8))) {
      return error(ctx, 400, "invalid client_id or client_secret");
    }
    long now = clock.millis() / 1000 * 1000;
    String audience = config.globalCredentials() ? DEFAULT_AUDIENCE : String.valueOf(ctx.routeName());
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .claim("client_id", clientId)
        .subject(client.name())
        .issuer(config.issuer())
        .audience(audience)
        .issueTime(new Date(now))
        .expirationTime(new Date(now + config.tokenTtlSeconds() * 1000))
        .jwtID(UUID.randomUUID().toString())
        .build();
    JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS256).type(AT_JWT).build();
    String signingInput = header.toBase64URL() + "." + Base64URL.encode(claims.toString());
    String token = signingInput + "." + Base64URL.encode(hmac("HmacSHA256", client.secret(), signingInput));
    String json = "{\"token_type\":\"bearer\",\"access_token\":\"" + token + "\",\"expires_in\":" + config.tokenTtlSeconds() + "}";
    ctx.sendLocalReply(200, Map.of("content-type", "application/json"), json.getBytes(StandardCharsets.UTF_8));
    return Action.PAUSE;
  }

  private Action verify(OAuthConfig config, FilterContext ctx, RequestHeaders h) {
    if (!config.scope().enforce()) return Action.CONTINUE;
    String auth = h.get(config.authHeaderName());
    if (auth == null || auth.length() > MAX_TOKEN_LENGTH || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return error(ctx, 401, "Invalid Jwt token: ");
    }
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(auth.substring(7).strip());
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException | RuntimeException e) {
      return error(ctx, 401, "Invalid Jwt token: ");
    }
    Object idClaim = claims.getClaim("client_id");
    SigningKeys.Entry client = idClaim instanceof String id ? config.clients().find(id) : null;
    String macAlgorithm = switch (jwt.getHeader().getAlgorithm().getName()) {
      case "HS256" -> "HmacSHA256";
      case "HS384" -> "HmacSHA384";
      case "HS512" -> "HmacSHA512";
      default -> null;
    };
    if (client == null || macAlgorithm == null) return error(ctx, 401, "Invalid Jwt token: ");
    byte[] expected = hmac(macAlgorithm, client.secret(), new String(jwt.getSigningInput(), StandardCharsets.US_ASCII));
    if (!MessageDigest.isEqual(expected, jwt.getSignature().decode()) || !timely(config, claims)) {
      return error(ctx, 401, "Invalid Jwt token: ");
    }
    if (!config.globalCredentials()) {
      List<String> aud = claims.getAudience();
      String route = ctx.routeName();
      if (aud.size() != 1 || route == null || !aud.get(0).equals(route)) return error(ctx, 403, "Access Denied: ");
    }
    if (!config.scope().allows(client.name())) return error(ctx, 403, "Access Denied: ");
    if (!config.keepToken()) h.remove(config.authHeaderName());
    ctx.consumer(client.name());
    return Action.CONTINUE;
  }

  /** exp required and not past, nbf and iat not in the future, each with the configured leeway */
  private boolean timely(OAuthConfig config, JWTClaimsSet claims) {
    long now = clock.millis();
    long skew = config.clockSkewSeconds() * 1000;
    Date exp = claims.getExpirationTime();
    if (exp == null || now > exp.getTime() + skew) return false;
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && now + skew < nbf.getTime()) return false;
    Date iat = claims.getIssueTime();
    return iat == null || now + skew >= iat.getTime();
  }

  /** the first value of {@code name} in a query string or form body (+ and %XX decoded), or null */
  static String param(String form, String name) {
    for (String pair : form.split("&")) {
      int eq = pair.indexOf('=');
      String k = decode(eq < 0 ? pair : pair.substring(0, eq));
      if (k.equals(name)) return eq < 0 ? "" : decode(pair.substring(eq + 1));
    }
    return null;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  static Action error(FilterContext ctx, int status, String msg) {
    StringBuilder m = new StringBuilder();
    for (char c : msg.toCharArray()) {
      if (c == '"' || c == '\\') m.append('\\').append(c);
      else if (c < 0x20) m.append(String.format("\\u%04x", (int) c));
      else m.append(c);
    }
    String json = "{\"code\":" + status + ",\"msg\":\"" + m + "\"}";
    ctx.sendLocalReply(status, Map.of("content-type", "application/json"), json.getBytes(StandardCharsets.UTF_8));
    return Action.PAUSE;
  }

  static byte[] hmac(String algorithm, byte[] secret, String input) {
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(secret, algorithm));
      return mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " is required of every JDK", e);
    }
  }
}
