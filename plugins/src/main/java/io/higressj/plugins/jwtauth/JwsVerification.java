package io.higressj.plugins.jwtauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.List;
import java.util.Set;

/**
 * Signature checks against a JWKS. The algorithm the token names must be one Higress accepts and one
 * the key's type is for (an RSA key never verifies an HMAC token: no key confusion); a key's own
 * {@code alg} and {@code use}, and the token's {@code kid}, narrow the candidates further.
 */
final class JwsVerification {
  static final Set<JWSAlgorithm> RSA = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
      JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);
  static final Set<JWSAlgorithm> HMAC = Set.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512);
  static final Set<JWSAlgorithm> EC = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);
  static final Set<JWSAlgorithm> EDDSA = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

  private JwsVerification() {}

  /** whether some key of {@code keys} verifies {@code jwt}'s signature */
  static boolean verify(SignedJWT jwt, List<JWK> keys) {
    JWSHeader header = jwt.getHeader();
    JWSAlgorithm alg = header.getAlgorithm();
    String kid = header.getKeyID();
    for (JWK key : keys) {
      if (kid != null && key.getKeyID() != null && !kid.equals(key.getKeyID())) continue;
      if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) continue;
      if (key.getAlgorithm() != null && !key.getAlgorithm().getName().equals(alg.getName())) continue;
      try {
        if (verifies(jwt, alg, key)) return true;
      } catch (JOSEException | RuntimeException e) {
        // a key that cannot check this token (too short a secret, wrong curve): try the next one
      }
    }
    return false;
  }

  private static boolean verifies(SignedJWT jwt, JWSAlgorithm alg, JWK key) throws JOSEException {
    JWSVerifier verifier;
    if (key instanceof RSAKey rsa && RSA.contains(alg)) {
      verifier = new RSASSAVerifier(rsa.toRSAPublicKey());
    } else if (key instanceof ECKey ec && EC.contains(alg) && curveOf(alg).equals(ec.getCurve())) {
      verifier = new ECDSAVerifier(ec.toECPublicKey());
    } else if (key instanceof OctetSequenceKey oct && HMAC.contains(alg)) {
      verifier = new MACVerifier(oct.toByteArray());
    } else if (key instanceof OctetKeyPair okp && EDDSA.contains(alg) && Curve.Ed25519.equals(okp.getCurve())) {
      return verifyEd25519(jwt, okp);
    } else {
      return false;
    }
    return jwt.verify(verifier);
  }

  private static Curve curveOf(JWSAlgorithm alg) {
    if (JWSAlgorithm.ES256.equals(alg)) return Curve.P_256;
    if (JWSAlgorithm.ES384.equals(alg)) return Curve.P_384;
    return Curve.P_521;
  }

  /** Ed25519 with the JDK's provider (nimbus's own verifier needs Tink) */
  private static boolean verifyEd25519(SignedJWT jwt, OctetKeyPair okp) {
    try {
      byte[] encoded = okp.getDecodedX();
      if (encoded.length != 32) return false;
      byte[] le = encoded.clone();
      boolean xOdd = (le[31] & 0x80) != 0;
      le[31] &= 0x7f;
      byte[] be = new byte[32];
      for (int i = 0; i < 32; i++) be[i] = le[31 - i];
      PublicKey pk = KeyFactory.getInstance("Ed25519")
          .generatePublic(new EdECPublicKeySpec(NamedParameterSpec.ED25519, new EdECPoint(xOdd, new BigInteger(1, be))));
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(pk);
      s.update(jwt.getSigningInput());
      return s.verify(jwt.getSignature().decode());
    } catch (Exception e) {
      return false;
    }
  }
}
