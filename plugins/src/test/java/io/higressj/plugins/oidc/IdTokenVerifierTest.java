package io.higressj.plugins.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class IdTokenVerifierTest {
  static final String ISS = "https://idp.example.com";
  static final long NOW = 1_800_000_000_000L;
  static RSAKey rsa;
  static ECKey ec;

  @BeforeAll
  static void keys() throws Exception {
    rsa = new RSAKeyGenerator(2048).keyID("r1").generate();
    ec = new ECKeyGenerator(Curve.P_256).keyID("e1").generate();
  }

  static JWTClaimsSet.Builder claims() {
    return new JWTClaimsSet.Builder().issuer(ISS).subject("alice").audience("gw").claim("nonce", "n1")
        .issueTime(new Date(NOW - 1000)).expirationTime(new Date(NOW + 60_000));
  }

  static String sign(JWSAlgorithm alg, String kid, JWSSigner signer, UnaryOperator<JWTClaimsSet.Builder> edit) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), edit.apply(claims()).build());
    jwt.sign(signer);
    return jwt.serialize();
  }

  static JWTClaimsSet verify(String token) throws IdTokenVerifier.Rejected {
    return IdTokenVerifier.verify(token, List.<JWK>of(rsa.toPublicJWK(), ec.toPublicJWK()), null, ISS, "gw", List.of("api"), "n1", NOW);
  }

  static String rejection(String token) {
    try {
      verify(token);
    } catch (IdTokenVerifier.Rejected e) {
      return e.getMessage();
    }
    throw new AssertionError("accepted");
  }

  @Test
  void goodTokensPass() throws Exception {
    assertThat(verify(sign(JWSAlgorithm.RS256, "r1", new RSASSASigner(rsa), b -> b)).getSubject()).isEqualTo("alice");
    assertThat(verify(sign(JWSAlgorithm.PS256, null, new RSASSASigner(rsa), b -> b)).getSubject()).isEqualTo("alice");
    assertThat(verify(sign(JWSAlgorithm.ES256, "e1", new ECDSASigner(ec), b -> b)).getSubject()).isEqualTo("alice");
    assertThat(verify(sign(JWSAlgorithm.RS256, "r1", new RSASSASigner(rsa), b -> b.audience(List.of("other", "api"))))).isNotNull();
  }

  @Test
  void badTokensAreRefusedWithAReason() throws Exception {
    RSASSASigner s = new RSASSASigner(rsa);
    assertThat(rejection("not.a.jwt")).contains("not a JWT");
    assertThat(rejection(new PlainJWT(claims().build()).serialize())).contains("not signed");
    assertThat(rejection(sign(JWSAlgorithm.HS256, "r1", new MACSigner(rsa.toRSAPublicKey().getEncoded()), b -> b))).contains("HS256");
    assertThat(rejection(sign(JWSAlgorithm.RS256, "r1", new RSASSASigner(new RSAKeyGenerator(2048).generate()), b -> b))).contains("signature");
    assertThat(rejection(sign(JWSAlgorithm.RS256, "e1", s, b -> b))).as("kid of another key").contains("signature");
    assertThat(rejection(sign(JWSAlgorithm.RS256, "r1", s, b -> b.issuer("https://evil")))).contains("issuer");
    assertThat(rejection(sign(JWSAlgorithm.RS256, "r1", s, b -> b.audience("other")))).contains("aud");
    assertThat(rejection(sign(JWSAlgorithm.RS256, "r1", s, b -> b.expirationTime(new Date(NOW))))).contains("expired");
    assertThat(rejection(sign(JWSAlgorithm.RS256, "r1", s, b -> b.expirationTime(null)))).contains("no expiry");
    assertThat(rejection(sign(JWSAlgorithm.RS256, "r1", s, b -> b.issueTime(new Date(NOW + 3_600_000))))).contains("future");
    assertThat(rejection(sign(JWSAlgorithm.RS256, "r1", s, b -> b.claim("nonce", "n2")))).contains("nonce");
    assertThat(rejection(sign(JWSAlgorithm.RS256, "r1", s, b -> b.claim("nonce", null)))).contains("nonce");
    // algorithms the provider does not announce
    String es = sign(JWSAlgorithm.ES256, "e1", new ECDSASigner(ec), b -> b);
    assertThatThrownBy(() -> IdTokenVerifier.verify(es, List.of(ec.toPublicJWK()), List.of("RS256"), ISS, "gw", List.of(), "n1", NOW))
        .hasMessageContaining("announces");
    // the key rejection says fresher keys might help; the others do not
    try {
      verify(sign(JWSAlgorithm.RS256, "r9", new RSASSASigner(new RSAKeyGenerator(2048).generate()), b -> b));
    } catch (IdTokenVerifier.Rejected e) {
      assertThat(e.keyProblem).isTrue();
    }
  }
}
