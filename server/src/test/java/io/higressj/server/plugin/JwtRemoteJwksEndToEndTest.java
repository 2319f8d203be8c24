package io.higressj.server.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.higressj.server.GatewayFixture;
import io.higressj.testing.echo.EchoServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jwt-auth's remote_jwks: a JWKS fetched from a real HTTP server, cached, refreshed, and failing closed. */
class JwtRemoteJwksEndToEndTest {
  @TempDir Path dir;
  GatewayFixture f;
  HttpServer jwks;
  final AtomicReference<String> served = new AtomicReference<>();
  final AtomicInteger fetches = new AtomicInteger();

  @BeforeEach
  void setUp() throws Exception {
    f = new GatewayFixture(dir);
    EchoServer echo = f.fooToEcho();
    f.start();
    jwks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    jwks.createContext("/keys", ex -> {
      try (ex) {
        fetches.incrementAndGet();
        byte[] b = served.get().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
      }
    });
    jwks.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
    jwks.stop(0);
  }

  static String token(ECKey key) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
        new JWTClaimsSet.Builder().issuer("remote-test").subject("u1").expirationTime(new Date(System.currentTimeMillis() + 600_000)).build());
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  int status(String token) throws Exception {
    HttpRequest.Builder b = GatewayFixture.withHost(HttpRequest.newBuilder(URI.create(f.base() + "/info")), "foo.com")
        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10));
    return f.client().send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  void plugin(String uri) throws Exception {
    f.write("wasmplugins/jwt.yaml", """
        apiVersion: extensions.higress.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: jwt-auth, namespace: higress-system}
        spec:
          url: oci://higress-registry.cn-hangzhou.cr.aliyuncs.com/plugins/jwt-auth:2.0.0
          defaultConfig:
            consumers:
            - name: remote
              issuer: remote-test
              remote_jwks: {uri: "%s", ttl: 60000, timeout: 2000}
        """.formatted(uri));
  }

  @Test
  void fetchesCachesRefreshesOnUnknownKidAndFailsClosed() throws Exception {
    ECKey k1 = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
    ECKey k2 = new ECKeyGenerator(Curve.P_256).keyID("k2").generate();
    ECKey rogue = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
    served.set(new JWKSet(List.of(k1.toPublicJWK())).toString());
    plugin("http://127.0.0.1:" + jwks.getAddress().getPort() + "/keys");
    String t1 = token(k1);
    // the plugin is live once a request without a token is refused (before, everything passes)
    f.await("foo.com", "/info", r -> {
      try {
        return r.statusCode() == 401 && status(t1) == 200;
      } catch (Exception e) {
        return false;
      }
    });
    int afterFirst = fetches.get();
    assertThat(afterFirst).isGreaterThanOrEqualTo(1);
    for (int i = 0; i < 5; i++) assertThat(status(t1)).isEqualTo(200);
    assertThat(fetches.get()).as("cached for ttl").isEqualTo(afterFirst);
    assertThat(status(token(rogue))).as("same kid, other key").isEqualTo(401);

    // rotation: k2 appears at the source; its first token makes the plugin fetch again
    served.set(new JWKSet(List.of(k1.toPublicJWK(), k2.toPublicJWK())).toString());
    Thread.sleep(1100); // the refresh on an unknown kid is rate-limited to once a second
    assertThat(status(token(k2))).isEqualTo(200);
    assertThat(fetches.get()).isEqualTo(afterFirst + 1);

    // an unknown kid the source does not have either: one refresh, then no more within a second
    ECKey k9 = new ECKeyGenerator(Curve.P_256).keyID("k9").generate();
    Thread.sleep(1100);
    assertThat(status(token(k9))).isEqualTo(401);
    int n = fetches.get();
    assertThat(status(token(k9))).isEqualTo(401);
    assertThat(status(token(k9))).isEqualTo(401);
    assertThat(fetches.get()).as("rate-limited").isEqualTo(n);

    // a JWKS source nobody answers: fail closed
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    plugin("http://127.0.0.1:" + closed + "/keys");
    f.await("foo.com", "/info", r -> {
      try {
        return status(t1) == 401;
      } catch (Exception e) {
        return false;
      }
    });
    assertThat(status(t1)).isEqualTo(401);
  }
}
