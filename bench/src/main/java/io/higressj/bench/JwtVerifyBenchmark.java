package io.higressj.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What jwt-auth spends on a token it has not verified before: parsing it and checking its signature
 * (ES256 with P-256, RS256 with a 2048-bit key), as the plugin does with verifiers built once per
 * configuration. A token seen again is answered from the plugin's cache of verified tokens instead
 * ({@code bench/plugin-chain.sh} measures that end to end).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JwtVerifyBenchmark {
  @Param({"ES256", "RS256"})
  public String alg;

  private String token;
  private JWSVerifier verifier;

  @Setup
  public void setUp() throws Exception {
    JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("bench").subject("bench-user")
        .expirationTime(new Date(System.currentTimeMillis() + 86_400_000L)).build();
    SignedJWT jwt;
    if (alg.equals("ES256")) {
      ECKey k = new ECKeyGenerator(Curve.P_256).keyID("es").generate();
      jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("es").build(), claims);
      jwt.sign(new ECDSASigner(k));
      verifier = new ECDSAVerifier(k.toECPublicKey());
    } else {
      RSAKey k = new RSAKeyGenerator(2048).keyID("rs").generate();
      jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rs").build(), claims);
      jwt.sign(new RSASSASigner(k));
      verifier = new RSASSAVerifier(k.toRSAPublicKey());
    }
    token = jwt.serialize();
  }

  @Benchmark
  public boolean parseAndVerify() throws Exception {
    SignedJWT jwt = SignedJWT.parse(token);
    return jwt.verify(verifier) && jwt.getJWTClaimsSet().getIssuer() != null;
  }
}
