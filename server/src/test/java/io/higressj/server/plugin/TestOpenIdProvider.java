package io.higressj.server.plugin;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small OpenID provider for tests: discovery, an authorization endpoint that approves at once
 * (302 back to redirect_uri with a code), a token endpoint issuing RS256 ID tokens (authorization
 * code with PKCE, refresh token), and the JWKS. {@link #mode} makes it issue broken ID tokens.
 */
final class TestOpenIdProvider implements AutoCloseable {
  /** what kind of ID token the token endpoint issues */
  enum Mode { GOOD, WRONG_NONCE, WRONG_AUDIENCE, EXPIRED, ALG_NONE, FOREIGN_KEY, HS256_WITH_PUBLIC_KEY, WRONG_ISSUER }

  record Grant(String clientId, String redirectUri, String nonce, String challenge, String method) {}

  final HttpServer server;
  final String issuer;
  final String clientId;
  final String clientSecret;
  final RSAKey key;
  final RSAKey foreign;
  volatile Mode mode = Mode.GOOD;
  volatile long idTokenSeconds = 300;
  final Map<String, Grant> codes = new ConcurrentHashMap<>();
  final Map<String, String> refreshTokens = new ConcurrentHashMap<>(); // refresh token -> subject
  final List<Map<String, String>> authorizeRequests = new CopyOnWriteArrayList<>();
  final List<Map<String, String>> tokenRequests = new CopyOnWriteArrayList<>();
  final AtomicInteger discoveries = new AtomicInteger();
  final AtomicInteger jwksFetches = new AtomicInteger();

  TestOpenIdProvider(String clientId, String clientSecret) throws Exception {
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    key = new RSAKeyGenerator(2048).keyID("k1").generate();
    foreign = new RSAKeyGenerator(2048).keyID("k1").generate();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 32);
    issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/test";
    server.createContext("/realms/test/.well-known/openid-configuration", ex -> {
      discoveries.incrementAndGet();
      json(ex, 200, """
          {"issuer": "%1$s", "authorization_endpoint": "%1$s/auth", "token_endpoint": "%1$s/token", "jwks_uri": "%1$s/certs",
           "response_types_supported": ["code"], "id_token_signing_alg_values_supported": ["RS256"],
           "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"]}
          """.formatted(issuer));
    });
    server.createContext("/realms/test/certs", ex -> {
      jwksFetches.incrementAndGet();
      json(ex, 200, new JWKSet(key.toPublicJWK()).toString());
    });
    server.createContext("/realms/test/auth", ex -> {
      Map<String, String> q = form(ex.getRequestURI().getRawQuery());
      authorizeRequests.add(q);
      String code = UUID.randomUUID().toString();
      codes.put(code, new Grant(q.get("client_id"), q.get("redirect_uri"), q.get("nonce"), q.get("code_challenge"), q.get("code_challenge_method")));
      String location = q.get("redirect_uri") + "?state=" + enc(q.get("state")) + "&code=" + enc(code) + "&session_state=x";
      ex.getResponseHeaders().set("Location", location);
      ex.sendResponseHeaders(302, -1);
      ex.close();
    });
    server.createContext("/realms/test/token", this::token);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private void token(HttpExchange ex) throws IOException {
    Map<String, String> f = form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    tokenRequests.add(f);
    String id = f.get("client_id");
    String secret = f.get("client_secret");
    String basic = ex.getRequestHeaders().getFirst("Authorization");
    if (basic != null && basic.startsWith("Basic ")) {
      String[] p = new String(Base64.getDecoder().decode(basic.substring(6)), StandardCharsets.UTF_8).split(":", 2);
      id = URLDecoder.decode(p[0], StandardCharsets.UTF_8);
      secret = URLDecoder.decode(p[1], StandardCharsets.UTF_8);
    }
    if (!clientId.equals(id) || !clientSecret.equals(secret)) {
      json(ex, 401, "{\"error\": \"invalid_client\"}");
      return;
    }
    try {
      String subject;
      String nonce = null;
      if ("refresh_token".equals(f.get("grant_type"))) {
        subject = refreshTokens.remove(f.getOrDefault("refresh_token", ""));
        if (subject == null) {
          json(ex, 400, "{\"error\": \"invalid_grant\"}");
          return;
        }
      } else {
        Grant g = codes.remove(f.getOrDefault("code", ""));
        if (g == null || !g.redirectUri().equals(f.get("redirect_uri")) || !g.clientId().equals(id)) {
          json(ex, 400, "{\"error\": \"invalid_grant\"}");
          return;
        }
        if (g.challenge() != null) {
          String verifier = f.getOrDefault("code_verifier", "");
          String expected = "S256".equals(g.method())
              ? Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)))
              : verifier;
          if (!expected.equals(g.challenge())) {
            json(ex, 400, "{\"error\": \"invalid_grant\", \"error_description\": \"PKCE\"}");
            return;
          }
        }
        subject = "alice";
        nonce = g.nonce();
      }
      String refresh = UUID.randomUUID().toString();
      refreshTokens.put(refresh, subject);
      json(ex, 200, """
          {"access_token": "at-%s", "token_type": "Bearer", "expires_in": 300, "refresh_token": "%s", "id_token": "%s"}
          """.formatted(UUID.randomUUID(), refresh, idToken(subject, nonce)));
    } catch (Exception e) {
      json(ex, 500, "{\"error\": \"server_error\"}");
    }
  }

  String idToken(String subject, String nonce) throws Exception {
    long now = System.currentTimeMillis();
    JWTClaimsSet.Builder c = new JWTClaimsSet.Builder().issuer(issuer).subject(subject).audience(clientId)
        .issueTime(new Date(now)).expirationTime(new Date(now + idTokenSeconds * 1000))
        .claim("email", subject + "@example.com").claim("preferred_username", subject);
    if (nonce != null) c.claim("nonce", nonce);
    Mode m = mode;
    switch (m) {
      case WRONG_NONCE -> c.claim("nonce", "not-the-nonce");
      case WRONG_AUDIENCE -> c.audience("someone-else");
      case EXPIRED -> c.expirationTime(new Date(now - 1000)).issueTime(new Date(now - 600_000));
      case WRONG_ISSUER -> c.issuer("http://evil.example");
      default -> {}
    }
    JWTClaimsSet claims = c.build();
    if (m == Mode.ALG_NONE) return new PlainJWT(claims).serialize();
    if (m == Mode.HS256_WITH_PUBLIC_KEY) {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID()).build(), claims);
      jwt.sign(new MACSigner(key.toRSAPublicKey().getEncoded()));
      return jwt.serialize();
    }
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
    jwt.sign(new RSASSASigner(m == Mode.FOREIGN_KEY ? foreign : key));
    return jwt.serialize();
  }

  static void json(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  static Map<String, String> form(String s) {
    Map<String, String> out = new HashMap<>();
    if (s == null || s.isEmpty()) return out;
    for (String pair : s.split("&")) {
      int eq = pair.indexOf('=');
      out.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  static String enc(String s) {
    return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
