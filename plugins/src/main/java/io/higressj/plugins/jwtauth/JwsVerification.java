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

  /** A key with its verifier built once, when the configuration is parsed (building one costs more than a check). */
  record PreparedKey(JWK key, JWSVerifier verifier, PublicKey ed25519) {
    @Override
    public String toString() {
      return "PreparedKey[" + key.getKeyType() + " " + key.getKeyID() + "]"; // never an HMAC secret
    }
  }

  /** the keys of {@code keys} that can verify something, prepared; a key of an unknown type is skipped */
  static List<PreparedKey> prepare(List<JWK> keys) throws JOSEException {
    List<PreparedKey> out = new java.util.ArrayList<>(keys.size());
    for (JWK key : keys) {
      if (key instanceof RSAKey rsa) {
        out.add(new PreparedKey(key, new RSASSAVerifier(rsa.toRSAPublicKey()), null));
      } else if (key instanceof ECKey ec) {
        out.add(new PreparedKey(key, new ECDSAVerifier(ec.toECPublicKey()), null));
      } else if (key instanceof OctetSequenceKey oct) {
        out.add(new PreparedKey(key, new MACVerifier(oct.toByteArray()), null));
      } else if (key instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
        out.add(new PreparedKey(key, null, ed25519(okp)));
      }
    }
    return List.copyOf(out);
  }

  /** whether some key of {@code keys} verifies {@code jwt}'s signature */
  static boolean verify(SignedJWT jwt, List<PreparedKey> keys) {
    JWSHeader header = jwt.getHeader();
    JWSAlgorithm alg = header.getAlgorithm();
    String kid = header.getKeyID();
    for (PreparedKey p : keys) {
      JWK key = p.key();
      if (kid != null && key.getKeyID() != null && !kid.equals(key.getKeyID())) continue;
      if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) continue;
      if (key.getAlgorithm() != null && !key.getAlgorithm().getName().equals(alg.getName())) continue;
      try {
        if (verifies(jwt, alg, p)) return true;
      } catch (JOSEException | RuntimeException e) {
        // a key that cannot check this token (wrong curve, say): try the next one
      }
    }
    return false;
  }

  private static boolean verifies(SignedJWT jwt, JWSAlgorithm alg, PreparedKey p) throws JOSEException {
    JWK key = p.key();
    boolean fits = key instanceof RSAKey ? RSA.contains(alg)
        : key instanceof ECKey ec ? EC.contains(alg) && curveOf(alg).equals(ec.getCurve())
        : key instanceof OctetSequenceKey ? HMAC.contains(alg)
        : key instanceof OctetKeyPair && EDDSA.contains(alg);
    if (!fits) return false;
    if (p.ed25519() != null) return verifyEd25519(jwt, p.ed25519());
    return jwt.verify(p.verifier());
  }

  private static Curve curveOf(JWSAlgorithm alg) {
    if (JWSAlgorithm.ES256.equals(alg)) return Curve.P_256;
    if (JWSAlgorithm.ES384.equals(alg)) return Curve.P_384;
    return Curve.P_521;
  }

  /** the JDK's Ed25519 public key of {@code okp} (nimbus's own Ed25519 verifier needs Tink) */
  private static PublicKey ed25519(OctetKeyPair okp) throws JOSEException {
    try {
      byte[] encoded = okp.getDecodedX();
      if (encoded.length != 32) throw new JOSEException("an Ed25519 key has 32 bytes");
      byte[] le = encoded.clone();
      boolean xOdd = (le[31] & 0x80) != 0;
      le[31] &= 0x7f;
      byte[] be = new byte[32];
      for (int i = 0; i < 32; i++) be[i] = le[31 - i];
      return KeyFactory.getInstance("Ed25519")
          .generatePublic(new EdECPublicKeySpec(NamedParameterSpec.ED25519, new EdECPoint(xOdd, new BigInteger(1, be))));
    } catch (java.security.GeneralSecurityException e) {
      throw new JOSEException("not an Ed25519 key: " + e.getMessage(), e);
    }
  }

  private static boolean verifyEd25519(SignedJWT jwt, PublicKey pk) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(pk);
      s.update(jwt.getSigningInput());
      return s.verify(jwt.getSignature().decode());
    } catch (Exception e) {
      return false;
    }
  }
}
