package io.higressj.plugins.simplejwtauth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.higressj.api.Action;
import io.higressj.api.FilterContext;
import io.higressj.api.HttpFilter;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginFactory;
import io.higressj.api.PluginPhase;
import io.higressj.api.RequestHeaders;
import io.higressj.plugins.auth.ConfigFields;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code simple-jwt-auth}: every request needs, in the header {@code token_headers}, a JWT signed
 * with HMAC (HS256, HS384 or HS512) under {@code token_secret_key} and not expired; otherwise 401
 * with a JSON body {@code {"code":401,"msg":...}}. The HMAC is checked with the JDK directly, so
 * secrets of any length work as with Higress's Go plugin (nimbus insists on 256 bits).
 */
public class SimpleJwtAuthFactory implements PluginFactory<SimpleJwtAuthConfig> {
  private final Clock clock;

  public SimpleJwtAuthFactory() {
    this(Clock.systemUTC());
  }

  public SimpleJwtAuthFactory(Clock clock) {
    this.clock = clock;
  }

  @Override
  public String name() {
    return "simple-jwt-auth";
  }

  @Override
  public PluginPhase defaultPhase() {
    return PluginPhase.AUTHN;
  }

  @Override
  public SimpleJwtAuthConfig parseConfig(Map<String, Object> config) throws PluginConfigException {
    Map<String, Object> c = ConfigFields.orEmpty(config);
    String secret = ConfigFields.string(c, "token_secret_key", "token_secret_key", null);
    String header = ConfigFields.string(c, "token_headers", "token_headers", null);
    return new SimpleJwtAuthConfig(secret.getBytes(StandardCharsets.UTF_8), header);
  }

  @Override
  public HttpFilter create(SimpleJwtAuthConfig config) {
    return new HttpFilter() {
      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
        String value = headers.get(config.header());
        String problem;
        if (value == null || value.isBlank()) {
          problem = "token is required";
        } else {
          String token = value.strip();
          if (token.regionMatches(true, 0, "Bearer ", 0, 7)) token = token.substring(7).strip();
          problem = check(config, token, clock.millis());
        }
        if (problem == null) return Action.CONTINUE;
        ctx.sendLocalReply(401, Map.of("content-type", "application/json"),
            ("{\"code\":401,\"msg\":\"" + problem + "\"}").getBytes(StandardCharsets.UTF_8));
        return Action.PAUSE;
      }
    };
  }

  /** null when {@code token} is valid, else why not (no token content in it) */
  static String check(SimpleJwtAuthConfig config, String token, long nowMillis) {
    if (token.length() > 64 * 1024) return "token is invalid";
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException | RuntimeException e) {
      return "token is invalid";
    }
    JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
    String macName = JWSAlgorithm.HS256.equals(alg) ? "HmacSHA256"
        : JWSAlgorithm.HS384.equals(alg) ? "HmacSHA384" : JWSAlgorithm.HS512.equals(alg) ? "HmacSHA512" : null;
    if (macName == null || jwt.getHeader().getCriticalParams() != null) return "token is invalid";
    try {
      Mac mac = Mac.getInstance(macName);
      mac.init(new SecretKeySpec(config.secret(), macName));
      byte[] expected = mac.doFinal(jwt.getSigningInput());
      if (!MessageDigest.isEqual(expected, jwt.getSignature().decode())) return "token is invalid";
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return "token is invalid";
    }
    try {
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      Date exp = claims.getExpirationTime();
      if (exp != null && nowMillis > exp.getTime()) return "token is expired";
      Date nbf = claims.getNotBeforeTime();
      if (nbf != null && nowMillis < nbf.getTime()) return "token is not valid yet";
    } catch (ParseException e) {
      return "token is invalid";
    }
    return null;
  }
}
