package io.higressj.plugins.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.text.ParseException;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Verifies an ID token as OpenID Connect Core 3.1.3.7 asks: an asymmetric signature (RSA, RSA-PSS or
 * ECDSA; never {@code none} and never HMAC, so a public key cannot be misused as an HMAC secret) by a
 * key of the provider's JWKS, {@code iss}, {@code aud} (the client, or an extra audience), {@code exp},
 * a future {@code iat}/{@code nbf}, and the {@code nonce} sent with the login.
 */
final class IdTokenVerifier {
  static final Set<JWSAlgorithm> ACCEPTED = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
      JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);
  /** leeway for {@code iat} and {@code nbf} a little in the future (clocks differ); {@code exp} has none */
  static final long FUTURE_LEEWAY_MILLIS = 5 * 60_000L;

  /** Why a token was refused; {@code keyProblem} says that fresher keys might accept it. */
  static final class Rejected extends Exception {
    final boolean keyProblem;

    Rejected(String why, boolean keyProblem) {
      super(why, null, false, false);
      this.keyProblem = keyProblem;
    }
  }

  private IdTokenVerifier() {}

  /**
   * The verified claims of {@code token}.
   *
   * @param algorithms the provider's {@code id_token_signing_alg_values_supported}, or null
   * @param issuer the expected {@code iss}, or null to skip that check
   * @param nonce the expected {@code nonce}, or null to skip that check
   */
  static JWTClaimsSet verify(String token, List<JWK> keys, List<String> algorithms, String issuer, String clientId,
      List<String> extraAudiences, String nonce, long nowMillis) throws Rejected {
    JWT jwt;
    try {
      jwt = JWTParser.parse(token);
    } catch (ParseException e) {
      throw new Rejected("the ID token is not a JWT", false);
    }
    if (!(jwt instanceof SignedJWT signed)) throw new Rejected("the ID token is not signed", false);
    JWSAlgorithm alg = signed.getHeader().getAlgorithm();
    if (!ACCEPTED.contains(alg)) throw new Rejected("the ID token's algorithm " + alg + " is not accepted", false);
    if (algorithms != null && !algorithms.isEmpty() && !algorithms.contains(alg.getName())) {
      throw new Rejected("the ID token's algorithm " + alg + " is not one the provider announces", false);
    }
    if (!signatureVerifies(signed, alg, keys)) throw new Rejected("no key of the provider verifies the ID token's signature", true);
    JWTClaimsSet claims;
    try {
      claims = signed.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new Rejected("the ID token's claims are not a JSON object", false);
    }
    if (issuer != null && !issuer.equals(claims.getIssuer())) throw new Rejected("the ID token's issuer is not the provider", false);
    List<String> aud = claims.getAudience();
    boolean audOk = aud != null && (aud.contains(clientId) || extraAudiences.stream().anyMatch(aud::contains));
    if (!audOk) throw new Rejected("the ID token is not for this client (aud)", false);
    Date exp = claims.getExpirationTime();
    if (exp == null) throw new Rejected("the ID token has no expiry", false);
    if (exp.getTime() <= nowMillis) throw new Rejected("the ID token expired", false);
    Date iat = claims.getIssueTime();
    if (iat != null && iat.getTime() > nowMillis + FUTURE_LEEWAY_MILLIS) throw new Rejected("the ID token is issued in the future", false);
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && nbf.getTime() > nowMillis + FUTURE_LEEWAY_MILLIS) throw new Rejected("the ID token is not valid yet", false);
    if (nonce != null) {
      Object got = claims.getClaim("nonce");
      if (!(got instanceof String s) || !constantTimeEquals(s, nonce)) throw new Rejected("the ID token's nonce does not match the login", false);
    }
    return claims;
  }

  private static boolean signatureVerifies(SignedJWT jwt, JWSAlgorithm alg, List<JWK> keys) {
    String kid = jwt.getHeader().getKeyID();
    for (JWK key : keys) {
      if (kid != null && key.getKeyID() != null && !kid.equals(key.getKeyID())) continue;
      if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) continue;
      if (key.getAlgorithm() != null && !key.getAlgorithm().getName().equals(alg.getName())) continue;
      try {
        JWSVerifier v = verifier(key, alg);
        if (v != null && jwt.verify(v)) return true;
      } catch (JOSEException | RuntimeException e) {
        // this key cannot check this token: try the next
      }
    }
    return false;
  }

  private static JWSVerifier verifier(JWK key, JWSAlgorithm alg) throws JOSEException {
    if (key instanceof RSAKey rsa && JWSAlgorithm.Family.RSA.contains(alg)) return new RSASSAVerifier(rsa.toRSAPublicKey());
    if (key instanceof ECKey ec && JWSAlgorithm.Family.EC.contains(alg) && curveOf(alg).equals(ec.getCurve())) {
      return new ECDSAVerifier(ec.toECPublicKey());
    }
    return null;
  }

  private static Curve curveOf(JWSAlgorithm alg) {
    if (JWSAlgorithm.ES256.equals(alg)) return Curve.P_256;
    if (JWSAlgorithm.ES384.equals(alg)) return Curve.P_384;
    return Curve.P_521;
  }

  static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
