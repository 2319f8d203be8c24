package io.higressj.plugins.jwtauth;

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
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.higressj.api.Action;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginPhase;
import io.higressj.testing.plugin.PluginTestHost;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JwtAuthFactoryTest {
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  static RSAKey rsa;
  static ECKey ec256;
  static ECKey ec384;
  static ECKey ec521;
  static OctetSequenceKey hmac;
  static KeyPair ed;
  static OctetKeyPair edJwk;

  final JwtAuthFactory factory = new JwtAuthFactory(Clock.fixed(NOW, ZoneOffset.UTC));

  @BeforeAll
  static void keys() throws Exception {
    rsa = new RSAKeyGenerator(2048).keyID("rsa").generate();
    ec256 = new ECKeyGenerator(Curve.P_256).keyID("p256").generate();
    ec384 = new ECKeyGenerator(Curve.P_384).keyID("p384").generate();
    ec521 = new ECKeyGenerator(Curve.P_521).keyID("p521").generate();
    hmac = new OctetSequenceKeyGenerator(512).keyID("hs").generate();
    ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] spki = ed.getPublic().getEncoded();
    byte[] x = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
    edJwk = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).keyID("ed").build();
  }

  static String jwks(JWK... keys) {
    return new JWKSet(List.of(keys)).toString(false); // callers pass public keys (and HMAC secrets)
  }

  static Map<String, Object> consumer(String name, String jwks, Map<String, Object> extra) {
    Map<String, Object> c = new HashMap<>(extra);
    c.put("name", name);
    c.put("issuer", "higress-test");
    c.put("jwks", jwks);
    return c;
  }

  static JWTClaimsSet.Builder claims(long expSeconds) {
    return new JWTClaimsSet.Builder().issuer("higress-test").subject("user-1").claim("role", "admin")
        .claim("groups", List.of("a", "b")).notBeforeTime(Date.from(NOW.minusSeconds(600)))
        .expirationTime(Date.from(NOW.plusSeconds(expSeconds)));
  }

  static String sign(JWSAlgorithm alg, String kid, JWSSigner signer, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  static String edToken(JWTClaimsSet claims) throws Exception {
    String head = Base64URL.encode("{\"alg\":\"EdDSA\",\"kid\":\"ed\"}").toString();
    String body = Base64URL.encode(claims.toString()).toString();
    Signature s = Signature.getInstance("Ed25519");
    s.initSign(ed.getPrivate());
    s.update((head + "." + body).getBytes(StandardCharsets.US_ASCII));
    return head + "." + body + "." + Base64URL.encode(s.sign());
  }

  PluginTestHost globalHost(Map<String, Object> consumer) throws PluginConfigException {
    return PluginTestHost.of(factory, Map.of("consumers", List.of(consumer), "global_auth", true));
  }

  int status(PluginTestHost host, String path, String... headers) {
    var ex = host.exchange("GET", path, "foo.com");
    for (int i = 0; i < headers.length; i += 2) ex.header(headers[i], headers[i + 1]);
    Action a = ex.requestHeaders();
    if (ex.localReply() == null) {
      assertThat(a).isEqualTo(Action.CONTINUE);
      return 200;
    }
    return ex.localReply().status();
  }

  @Test
  void nameAndPlace() {
    assertThat(factory.name()).isEqualTo("jwt-auth");
    assertThat(factory.defaultPhase()).isEqualTo(PluginPhase.AUTHN);
    assertThat(factory.defaultPriority()).isEqualTo(340);
  }

  @Test
  void everyAlgorithmHigressAccepts() throws Exception {
    PluginTestHost host = globalHost(consumer("c", jwks(rsa.toPublicJWK(), ec256.toPublicJWK(), ec384.toPublicJWK(),
        ec521.toPublicJWK(), hmac, edJwk), Map.of()));
    JWTClaimsSet cl = claims(3600).build();
    for (JWSAlgorithm alg : List.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512, JWSAlgorithm.PS256,
        JWSAlgorithm.PS384, JWSAlgorithm.PS512)) {
      assertThat(status(host, "/", "authorization", "Bearer " + sign(alg, "rsa", new RSASSASigner(rsa), cl))).as(alg.getName()).isEqualTo(200);
    }
    assertThat(status(host, "/", "authorization", "Bearer " + sign(JWSAlgorithm.ES256, "p256", new ECDSASigner(ec256), cl))).isEqualTo(200);
    assertThat(status(host, "/", "authorization", "Bearer " + sign(JWSAlgorithm.ES384, "p384", new ECDSASigner(ec384), cl))).isEqualTo(200);
    assertThat(status(host, "/", "authorization", "Bearer " + sign(JWSAlgorithm.ES512, "p521", new ECDSASigner(ec521), cl))).isEqualTo(200);
    for (JWSAlgorithm alg : List.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512)) {
      assertThat(status(host, "/", "authorization", "Bearer " + sign(alg, "hs", new MACSigner(hmac), cl))).as(alg.getName()).isEqualTo(200);
    }
    assertThat(status(host, "/", "authorization", "Bearer " + edToken(cl))).isEqualTo(200);
    // without kid, every key is tried
    assertThat(status(host, "/", "authorization", "Bearer " + sign(JWSAlgorithm.ES256, null, new ECDSASigner(ec256), cl))).isEqualTo(200);
  }

  @Test
  void algNoneKeyConfusionAndTamperingAreRejected() throws Exception {
    PluginTestHost host = globalHost(consumer("c", jwks(rsa.toPublicJWK()), Map.of()));
    JWTClaimsSet cl = claims(3600).build();
    String b64 = Base64URL.encode(cl.toString()).toString();
    // alg none
    assertThat(status(host, "/", "authorization", "Bearer " + Base64URL.encode("{\"alg\":\"none\"}") + "." + b64 + ".")).isEqualTo(401);
    // key confusion: HS256 signed with the RSA public key's encoding as the secret
    byte[] pub = rsa.toRSAPublicKey().getEncoded();
    assertThat(status(host, "/", "authorization", "Bearer " + sign(JWSAlgorithm.HS256, "rsa", new MACSigner(pub), cl))).isEqualTo(401);
    String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(pub) + "\n-----END PUBLIC KEY-----\n";
    assertThat(status(host, "/", "authorization", "Bearer " + sign(JWSAlgorithm.HS256, "rsa", new MACSigner(pem.getBytes()), cl))).isEqualTo(401);
    // a token of another key, and a tampered payload
    RSAKey other = new RSAKeyGenerator(2048).keyID("rsa").generate();
    assertThat(status(host, "/", "authorization", "Bearer " + sign(JWSAlgorithm.RS256, "rsa", new RSASSASigner(other), cl))).isEqualTo(401);
    String good = sign(JWSAlgorithm.RS256, "rsa", new RSASSASigner(rsa), cl);
    String[] parts = good.split("\\.");
    String tampered = parts[0] + "." + Base64URL.encode(claims(3600).subject("root").build().toString()) + "." + parts[2];
    assertThat(status(host, "/", "authorization", "Bearer " + tampered)).isEqualTo(401);
    assertThat(status(host, "/", "authorization", "Bearer " + good)).isEqualTo(200);
  }

  @Test
  void expiryIssuerAndSkew() throws Exception {
    PluginTestHost host = globalHost(consumer("c", jwks(ec256.toPublicJWK()), Map.of("clock_skew_seconds", 30)));
    ECDSASigner s = new ECDSASigner(ec256);
    var expired = host.exchange("GET", "/", "a").header("authorization", "Bearer " + sign(JWSAlgorithm.ES256, "p256", s, claims(-31).build()));
    expired.requestHeaders();
    assertThat(expired.localReply().status()).isEqualTo(401);
    assertThat(expired.localReply().text()).isEqualTo("Jwt expired");
    assertThat(status(host, "/", "authorization", "Bearer " + sign(JWSAlgorithm.ES256, "p256", s, claims(-29).build()))).isEqualTo(200);
    assertThat(status(host, "/", "authorization", "Bearer " + sign(JWSAlgorithm.ES256, "p256", s,
        claims(3600).issuer("someone-else").build()))).isEqualTo(401);
    assertThat(status(host, "/", "authorization", "Bearer " + sign(JWSAlgorithm.ES256, "p256", s,
        claims(3600).notBeforeTime(Date.from(NOW.plusSeconds(60))).build()))).isEqualTo(401);
    var missing = host.exchange("GET", "/", "a");
    missing.requestHeaders();
    assertThat(missing.localReply().text()).isEqualTo("Jwt missing");
  }

  @Test
  void aVerifiedTokenIsCachedButItsExpiryIsCheckedOnEveryRequest() throws Exception {
    java.util.concurrent.atomic.AtomicReference<Instant> now = new java.util.concurrent.atomic.AtomicReference<>(NOW);
    Clock clock = new Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now.get();
      }
    };
    PluginTestHost host = PluginTestHost.of(new JwtAuthFactory(clock), Map.of("global_auth", true, "consumers",
        List.of(consumer("c", jwks(ec256.toPublicJWK()), Map.of("clock_skew_seconds", 0,
            "claims_to_headers", List.of(Map.of("claim", "sub", "header", "x-sub")))))));
    String t = sign(JWSAlgorithm.ES256, "p256", new ECDSASigner(ec256), claims(10).build());
    for (int i = 0; i < 3; i++) {
      var ok = host.exchange("GET", "/", "a").header("authorization", "Bearer " + t);
      assertThat(ok.requestHeaders()).isEqualTo(Action.CONTINUE);
      assertThat(ok.headers().get("x-sub")).as("claims from the cache").isEqualTo("user-1");
    }
    // the same token with one signature character changed is not the cached one
    char last = t.charAt(t.length() - 2);
    String tampered = t.substring(0, t.length() - 2) + (last == 'A' ? 'B' : 'A') + t.charAt(t.length() - 1);
    assertThat(status(host, "/", "authorization", "Bearer " + tampered)).isEqualTo(401);
    now.set(NOW.plusSeconds(11));
    var expired = host.exchange("GET", "/", "a").header("authorization", "Bearer " + t);
    expired.requestHeaders();
    assertThat(expired.localReply().text()).isEqualTo("Jwt expired");
  }

  @Test
  void sourcesClaimsToHeadersAndKeepToken() throws Exception {
    PluginTestHost host = globalHost(consumer("c", jwks(ec256.toPublicJWK()), Map.of(
        "from_headers", List.of(Map.of("name", "jwt", "value_prefix", "Bearer ")),
        "from_params", List.of("jwt_token"), "from_cookies", List.of("jwt_token"), "keep_token", false,
        "claims_to_headers", List.of(Map.of("claim", "sub", "header", "x-sub"),
            Map.of("claim", "groups", "header", "x-groups"), Map.of("claim", "role", "header", "x-role", "override", false)))));
    String t = sign(JWSAlgorithm.ES256, "p256", new ECDSASigner(ec256), claims(3600).build());

    var h = host.exchange("GET", "/", "a").header("jwt", "Bearer " + t).header("x-role", "guest").header("x-sub", "spoofed");
    assertThat(h.requestHeaders()).isEqualTo(Action.CONTINUE);
    assertThat(h.headers().get("jwt")).isNull();
    assertThat(h.headers().get("x-sub")).isEqualTo("user-1");
    assertThat(h.headers().get("x-groups")).isEqualTo("[\"a\",\"b\"]");
    assertThat(h.headers().getAll("x-role")).containsExactly("guest", "admin");
    assertThat(h.headers().get("x-mse-consumer")).isEqualTo("c");

    var p = host.exchange("GET", "/x?a=1&jwt_token=" + t + "&b=2", "a");
    assertThat(p.requestHeaders()).isEqualTo(Action.CONTINUE);
    assertThat(p.headers().path()).isEqualTo("/x?a=1&b=2");

    var c = host.exchange("GET", "/", "a").header("cookie", "a=1; jwt_token=" + t + "; b=2");
    assertThat(c.requestHeaders()).isEqualTo(Action.CONTINUE);
    assertThat(c.headers().get("cookie")).isEqualTo("a=1; b=2");

    // the default sources are not read when any from_* is set
    assertThat(status(host, "/", "authorization", "Bearer " + t)).isEqualTo(401);
    assertThat(status(host, "/?access_token=" + t)).isEqualTo(401);
  }

  /** The corpus's configuration: one allowed consumer answers 401 for its own failures, 403 for other consumers' tokens. */
  @Test
  void ruleSemantics() throws Exception {
    Map<String, Object> global = Map.of("global_auth", false, "consumers", List.of(
        consumer("consumerEC", jwks(ec256.toPublicJWK()), Map.of()),
        consumer("consumerRSA", jwks(rsa.toPublicJWK()), Map.of()),
        consumer("consumerEC_cookies", jwks(ec256.toPublicJWK()), Map.of("from_cookies", List.of("jwt_token")))));
    String ecToken = sign(JWSAlgorithm.ES256, "p256", new ECDSASigner(ec256), claims(3600).build());
    String ecExpired = sign(JWSAlgorithm.ES256, "p256", new ECDSASigner(ec256), claims(-3600).build());
    String rsaToken = sign(JWSAlgorithm.RS256, "rsa", new RSASSASigner(rsa), claims(3600).build());

    PluginTestHost single = PluginTestHost.ofRule(factory, global, Map.of("allow", List.of("consumerEC")));
    assertThat(status(single, "/", "authorization", "Bearer " + ecToken)).isEqualTo(200);
    assertThat(status(single, "/", "authorization", "Bearer " + ecExpired)).isEqualTo(401);
    assertThat(status(single, "/", "authorization", "Bearer faketoken")).isEqualTo(401);
    assertThat(status(single, "/")).isEqualTo(401);
    assertThat(status(single, "/", "authorization", "Bearer " + rsaToken)).isEqualTo(403);

    PluginTestHost several = PluginTestHost.ofRule(factory, global, Map.of("allow", List.of("consumerEC", "consumerEC_cookies")));
    assertThat(status(several, "/", "cookie", "jwt_token=" + ecToken)).isEqualTo(200);
    assertThat(status(several, "/", "authorization", "Bearer " + rsaToken)).isEqualTo(403);
    assertThat(status(several, "/")).isEqualTo(403);
    assertThat(status(several, "/", "authorization", "Bearer")).isEqualTo(403);
    assertThat(status(several, "/", "authorization", "Bearer " + ecExpired)).isEqualTo(403);

    // global_auth false: requests no rule matches pass untouched
    assertThat(status(PluginTestHost.of(factory, global), "/")).isEqualTo(200);
  }

  @Test
  void corpusTokenVerifies() throws Exception {
    String jwks = "{\"keys\":[{\"kty\":\"EC\",\"kid\":\"p256\",\"crv\":\"P-256\",\"x\":\"GWym652nfByDbs4EzNpGXCkdjG03qFZHulNDHTo3YJU\","
        + "\"y\":\"5uVg_n-flqRJ5Zhf_aEKS0ow9SddTDgxGduSCgpoAZQ\"}]}";
    String token = "eyJhbGciOiJFUzI1NiIsImtpZCI6InAyNTYiLCJ0eXAiOiJKV1QifQ.eyJhdWQiOlsiZm9vIiwiYmFyIl0sImV4cCI6MjAxOTY4NjQwMCwiaXNzIjoiaGlncmVzcy10ZXN0IiwibmJmIjoxNzA0MDY3MjAwLCJzdWIiOiJoaWdyZXNzLXRlc3QifQ.hm71YWfjALshUAgyOu-r9W2WBG_zfqIZZacAbc7oIH1r7dbB0sGQn3wKMWMmOzmxX0UyaVZ0KMk-HFTA1hDnBQ";
    assertThat(status(globalHost(consumer("c", jwks, Map.of())), "/", "authorization", "Bearer " + token)).isEqualTo(200);
  }

  @Test
  void hostileTokens() throws Exception {
    PluginTestHost host = globalHost(consumer("c", jwks(ec256.toPublicJWK(), hmac), Map.of()));
    for (String t : List.of("", ".", "..", "a.b.c", "e30.e30.", "e30.e30.e30", "eyJhbGciOiJIUzI1NiJ9.!!!.x",
        "x".repeat(200_000), Base64URL.encode("{\"alg\":\"HS256\",\"crit\":[\"zzz\"],\"zzz\":1}") + ".e30.AAAA",
        Base64URL.encode("{\"alg\":\"HS256\"}") + "." + Base64URL.encode("[1,2]") + ".AAAA")) {
      assertThat(status(host, "/", "authorization", "Bearer " + t)).as(t.length() > 40 ? t.substring(0, 40) : t).isEqualTo(401);
    }
    assertThat(status(host, "/?access_token=%ZZ&access_token=")).isEqualTo(401);
    assertThat(status(host, "/", "cookie", ";;=;")).isEqualTo(401);
  }

  @Test
  void badConfigurationsNameTheField() throws Exception {
    String keys = jwks(ec256.toPublicJWK());
    assertField(Map.of(), "consumers");
    assertField(Map.of("consumers", List.of(Map.of("name", "a", "issuer", "i"))), "consumers[0].jwks");
    assertField(Map.of("consumers", List.of(Map.of("name", "a", "issuer", "i", "jwks", "{not json"))), "consumers[0].jwks");
    assertField(Map.of("consumers", List.of(Map.of("name", "a", "issuer", "i", "jwks", "{\"keys\":[]}"))), "consumers[0].jwks");
    assertField(Map.of("consumers", List.of(Map.of("name", "a", "jwks", keys))), "consumers[0].issuer");
    assertField(Map.of("consumers", List.of(consumer("a", keys, Map.of("clock_skew_seconds", -1)))), "consumers[0].clock_skew_seconds");
    assertField(Map.of("consumers", List.of(consumer("a", keys, Map.of("from_headers", List.of(Map.of("value_prefix", "x")))))),
        "consumers[0].from_headers[0].name");
    assertField(Map.of("consumers", List.of(consumer("a", keys, Map.of("claims_to_headers", List.of(Map.of("claim", "sub")))))),
        "consumers[0].claims_to_headers[0].header");
    assertField(Map.of("consumers", List.of(consumer("a", keys, Map.of()), consumer("a", keys, Map.of()))), "consumers[1].name");
    assertField(Map.of("consumers", List.of(Map.of("name", "a", "issuer", "i", "remote_jwks", Map.of()))), "consumers[0].remote_jwks.uri");
    assertField(Map.of("consumers", List.of(Map.of("name", "a", "issuer", "i", "remote_jwks", "http://x/keys"))), "consumers[0].remote_jwks");
    assertField(Map.of("consumers", List.of(Map.of("name", "a", "issuer", "i", "remote_jwks", Map.of("uri", "file:///etc/keys")))),
        "consumers[0].remote_jwks.uri");
    assertField(Map.of("consumers", List.of(Map.of("name", "a", "issuer", "i", "remote_jwks", Map.of("uri", "http://x/k", "ttl", 0)))),
        "consumers[0].remote_jwks.ttl");
    assertField(Map.of("consumers", List.of(Map.of("name", "a", "issuer", "i", "remote_jwks", Map.of("uri", "http://x/k", "timeout", "soon")))),
        "consumers[0].remote_jwks.timeout");
    assertField(Map.of("consumers", List.of(Map.of("name", "a", "issuer", "i", "remote_jwks", Map.of("uri", "http://x/k", "service", "a/b")))),
        "consumers[0].remote_jwks.service");
    JwtAuthConfig g = factory.parseConfig(Map.of("consumers", List.of(consumer("a", keys, Map.of()))));
    assertThatThrownBy(() -> factory.parseRuleConfig(Map.of("allow", List.of("a", "b")), g))
        .isInstanceOfSatisfying(PluginConfigException.class, e -> assertThat(e.field()).isEqualTo("allow[1]"));
    assertThat(g.toString()).doesNotContain(hmac.getKeyValue().toString());
  }

  @Test
  void remoteJwksThroughAServiceFailsClosedAndCaches() throws Exception {
    Map<String, Object> c = Map.of("consumers", List.of(Map.of("name", "r", "issuer", "higress-test",
        "remote_jwks", Map.of("uri", "http://127.0.0.1/keys?v=1", "service", "jwks.static", "port", "8080", "ttl", 30000, "timeout", 3000))));
    PluginTestHost host = PluginTestHost.of(factory, c);
    String token = sign(JWSAlgorithm.ES256, "p256", new ECDSASigner(ec256), claims(3600).build());
    var first = host.exchange("GET", "/", "foo.com").header("authorization", "Bearer " + token);
    assertThat(first.requestHeaders()).isEqualTo(Action.PAUSE);
    var fetch = first.callouts().get(0);
    assertThat(fetch.request().target()).isEqualTo("outbound|8080||jwks.static");
    assertThat(fetch.request().path()).isEqualTo("/keys?v=1");
    assertThat(fetch.timeout()).isEqualTo(java.time.Duration.ofSeconds(3));
    fetch.fail("connection refused");
    assertThat(first.localReply().status()).as("unreachable: fail closed").isEqualTo(401);

    var second = host.exchange("GET", "/", "foo.com").header("authorization", "Bearer " + token);
    second.requestHeaders();
    second.callouts().get(0).answer(200, jwks(ec256.toPublicJWK()));
    assertThat(second.resumes()).isEqualTo(1);
    assertThat(second.headers().get("x-mse-consumer")).isEqualTo("r");

    var third = host.exchange("GET", "/", "foo.com").header("authorization", "Bearer " + token);
    assertThat(third.requestHeaders()).as("cached").isEqualTo(Action.CONTINUE);
    assertThat(third.callouts()).isEmpty();
  }

  private void assertField(Map<String, Object> config, String field) {
    assertThatThrownBy(() -> factory.parseConfig(config))
        .isInstanceOfSatisfying(PluginConfigException.class, e -> assertThat(e.field()).isEqualTo(field));
  }
}
