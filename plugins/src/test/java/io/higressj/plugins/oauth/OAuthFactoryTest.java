package io.higressj.plugins.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.higressj.api.Action;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginPhase;
import io.higressj.testing.plugin.PluginTestHost;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OAuthFactoryTest {
  static final String ID1 = "9515b564-0b1d-11ee-9c4c-00163e1250b5";
  static final String SECRET1 = "9e55de56-0b1d-11ee-b8ec-00163e1250b5";
  static final String ID2 = "8521b564-0b1d-11ee-9c4c-00163e1250b5";
  static final String SECRET2 = "8520b564-0b1d-11ee-9c4c-00163e1250b5";

  /** a clock the test moves */
  static final class MovableClock extends Clock {
    Instant now = Instant.parse("2026-12-06T14:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  final MovableClock clock = new MovableClock();
  final OAuthFactory factory = new OAuthFactory(clock);

  static Map<String, Object> global(Map<String, Object> extra) {
    Map<String, Object> c = new HashMap<>(extra);
    c.put("consumers", List.of(
        Map.of("name", "consumer1", "client_id", ID1, "client_secret", SECRET1),
        Map.of("name", "consumer2", "client_id", ID2, "client_secret", SECRET2)));
    return c;
  }

  String token(PluginTestHost host, String id, String secret) throws Exception {
    var ex = host.exchange("GET", "/api/oauth2/token?grant_type=client_credentials&client_id=" + id + "&client_secret=" + secret,
        "test.com");
    assertThat(ex.requestHeaders()).isEqualTo(Action.PAUSE);
    assertThat(ex.localReply().status()).as(ex.localReply().text()).isEqualTo(200);
    Map<String, Object> body = JSONObjectUtils.parse(ex.localReply().text());
    assertThat(body).containsEntry("token_type", "bearer");
    return (String) body.get("access_token");
  }

  @Test
  void nameAndPlace() {
    assertThat(factory.name()).isEqualTo("oauth");
    assertThat(factory.defaultPhase()).isEqualTo(PluginPhase.AUTHN);
    assertThat(factory.defaultPriority()).isEqualTo(320);
  }

  @Test
  void issuesRfc9068TokensAndAcceptsThem() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, global(Map.of()));
    var ex = host.exchange("GET", "/oauth2/token?grant_type=client_credentials&client_id=" + ID1 + "&client_secret=" + SECRET1,
        "test.com");
    ex.requestHeaders();
    Map<String, Object> body = JSONObjectUtils.parse(ex.localReply().text());
    assertThat(body.get("expires_in")).isEqualTo(7200L);
    assertThat(ex.localReply().headers()).containsEntry("content-type", "application/json");

    SignedJWT jwt = SignedJWT.parse((String) body.get("access_token"));
    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.HS256);
    assertThat(jwt.getHeader().getType().getType()).isEqualTo("application/at+jwt");
    assertThat(jwt.verify(new MACVerifier(SECRET1))).isTrue(); // under the client's secret
    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    assertThat(claims.getClaim("client_id")).isEqualTo(ID1);
    assertThat(claims.getSubject()).isEqualTo("consumer1");
    assertThat(claims.getIssuer()).isEqualTo("Higress-Gateway");
    assertThat(claims.getAudience()).containsExactly("default");
    assertThat(claims.getIssueTime().toInstant()).isEqualTo(clock.now);
    assertThat(claims.getExpirationTime().toInstant()).isEqualTo(clock.now.plusSeconds(7200));
    assertThat(claims.getJWTID()).isNotBlank();

    var use = host.exchange("GET", "/anything", "test.com").header("authorization", "Bearer " + jwt.serialize());
    assertThat(use.requestHeaders()).isEqualTo(Action.CONTINUE);
    assertThat(use.localReply()).isNull();
    assertThat(use.headers().get("x-mse-consumer")).isEqualTo("consumer1");
    assertThat(use.headers().get("authorization")).isNotNull(); // keep_token defaults to true
  }

  @Test
  void tokenRequestByPostForm() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, global(Map.of("auth_path", "/token", "token_ttl", 60)));
    var ex = host.exchange("POST", "/token", "test.com").header("content-type", "application/x-www-form-urlencoded");
    assertThat(ex.requestHeaders(false)).isEqualTo(Action.CONTINUE);
    assertThat(ex.requestBufferLimit()).isPositive();
    assertThat(ex.requestBody("grant_type=client_credentials&client_id=" + ID2 + "&client_secret=" + SECRET2, true))
        .isEqualTo(Action.PAUSE);
    assertThat(ex.localReply().status()).isEqualTo(200);
    assertThat(JSONObjectUtils.parse(ex.localReply().text()).get("expires_in")).isEqualTo(60L);

    var json = host.exchange("POST", "/token", "test.com").header("content-type", "application/json");
    json.requestHeaders(false);
    assertThat(json.localReply().status()).isEqualTo(400);
    assertThat(json.localReply().text()).isEqualTo("{\"code\":400,\"msg\":\"Invalid or unsupported content-type\"}");

    var empty = host.exchange("POST", "/token", "test.com").header("content-type", "application/x-www-form-urlencoded");
    empty.requestHeaders(true);
    assertThat(empty.localReply().status()).isEqualTo(400);
    assertThat(empty.localReply().text()).contains("Authorize parameters are missing");
  }

  @Test
  void badTokenRequestsAre400() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, global(Map.of()));
    Map<String, String> cases = Map.of(
        "", "grant_type is missing",
        "grant_type=password&client_id=" + ID1, "grant type password is not supported.",
        "grant_type=client_credentials", "client_id is missing",
        "grant_type=client_credentials&client_id=nobody&client_secret=" + SECRET1, "invalid client_id or client_secret",
        "grant_type=client_credentials&client_id=" + ID1 + "&client_secret=" + SECRET2, "invalid client_id or client_secret",
        "grant_type=client_credentials&client_id=" + ID1, "invalid client_id or client_secret");
    for (var c : cases.entrySet()) {
      var ex = host.exchange("GET", "/oauth2/token?" + c.getKey(), "test.com");
      ex.requestHeaders();
      assertThat(ex.localReply().status()).as(c.getKey()).isEqualTo(400);
      assertThat(ex.localReply().text()).as(c.getKey()).isEqualTo("{\"code\":400,\"msg\":\"" + c.getValue() + "\"}");
    }
  }

  @Test
  void forgedTamperedAndExpiredTokensAre401() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, global(Map.of("clock_skew_seconds", 30)));
    String good = token(host, ID1, SECRET1);
    String[] parts = good.split("\\.");

    // payload changed to consumer2's client_id, signature kept
    Map<String, Object> payload = JSONObjectUtils.parse(Base64URL.from(parts[1]).decodeToString());
    payload.put("client_id", ID2);
    String tampered = parts[0] + "." + Base64URL.encode(JSONObjectUtils.toJSONString(payload)) + "." + parts[2];
    // a token for consumer1's client_id signed with consumer2's secret
    SignedJWT wrongKey = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
        new JWTClaimsSet.Builder().claim("client_id", ID1).expirationTime(Date.from(clock.now.plusSeconds(60))).build());
    wrongKey.sign(new MACSigner(SECRET2));
    // alg none
    String none = Base64URL.encode("{\"alg\":\"none\"}") + "." + parts[1] + ".";
    for (String t : List.of(tampered, wrongKey.serialize(), none, "abc", parts[0] + "." + parts[1], "a.b.c", "")) {
      var ex = host.exchange("GET", "/", "test.com").header("authorization", "Bearer " + t);
      ex.requestHeaders();
      assertThat(ex.localReply().status()).as(t).isEqualTo(401);
      assertThat(ex.localReply().text()).isEqualTo("{\"code\":401,\"msg\":\"Invalid Jwt token: \"}");
      assertThat(ex.headers().get("x-mse-consumer")).isNull();
    }
    var noHeader = host.exchange("GET", "/", "test.com");
    noHeader.requestHeaders();
    assertThat(noHeader.localReply().status()).isEqualTo(401);
    var notBearer = host.exchange("GET", "/", "test.com").header("authorization", "Basic " + good);
    notBearer.requestHeaders();
    assertThat(notBearer.localReply().status()).isEqualTo(401);

    // still good within the leeway after exp, refused after it
    clock.now = clock.now.plus(Duration.ofSeconds(7200 + 29));
    assertThat(host.exchange("GET", "/", "test.com").header("authorization", "Bearer " + good).requestHeaders())
        .isEqualTo(Action.CONTINUE);
    clock.now = clock.now.plusSeconds(2);
    var expired = host.exchange("GET", "/", "test.com").header("authorization", "Bearer " + good);
    expired.requestHeaders();
    assertThat(expired.localReply().status()).isEqualTo(401);

    // issued in the future (beyond the leeway)
    SignedJWT future = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().claim("client_id", ID1)
        .issueTime(Date.from(clock.now.plusSeconds(120))).expirationTime(Date.from(clock.now.plusSeconds(600))).build());
    future.sign(new MACSigner(SECRET1));
    var fut = host.exchange("GET", "/", "test.com").header("authorization", "Bearer " + future.serialize());
    fut.requestHeaders();
    assertThat(fut.localReply().status()).isEqualTo(401);
  }

  @Test
  void routeBoundTokensAndAllowAre403() throws Exception {
    Map<String, Object> g = global(Map.of("global_credentials", false, "global_auth", false));
    PluginTestHost routeA = PluginTestHost.ofRule(factory, g, Map.of("allow", List.of("consumer1", "consumer2")))
        .route("route-a", "c");
    PluginTestHost routeB = PluginTestHost.ofRule(factory, g, Map.of("allow", List.of("consumer1", "consumer2")))
        .route("route-b", "c");
    String forA = token(routeA, ID1, SECRET1);
    assertThat(SignedJWT.parse(forA).getJWTClaimsSet().getAudience()).containsExactly("route-a");
    assertThat(routeA.exchange("GET", "/", "t").header("authorization", "Bearer " + forA).requestHeaders())
        .isEqualTo(Action.CONTINUE);
    var onB = routeB.exchange("GET", "/", "t").header("authorization", "Bearer " + forA);
    onB.requestHeaders();
    assertThat(onB.localReply().status()).isEqualTo(403);
    assertThat(onB.localReply().text()).isEqualTo("{\"code\":403,\"msg\":\"Access Denied: \"}");

    PluginTestHost only2 = PluginTestHost.ofRule(factory, global(Map.of("global_auth", false)),
        Map.of("allow", List.of("consumer2")));
    String t1 = token(only2, ID1, SECRET1);
    var denied = only2.exchange("GET", "/", "t").header("authorization", "Bearer " + t1);
    denied.requestHeaders();
    assertThat(denied.localReply().status()).isEqualTo(403);
    assertThat(denied.headers().get("x-mse-consumer")).isNull();
    String t2 = token(only2, ID2, SECRET2);
    var ok = only2.exchange("GET", "/", "t").header("authorization", "Bearer " + t2);
    assertThat(ok.requestHeaders()).isEqualTo(Action.CONTINUE);
    assertThat(ok.headers().get("x-mse-consumer")).isEqualTo("consumer2");

    // global_auth false: requests no rule covers pass untouched, and tokens can still be issued there
    PluginTestHost open = PluginTestHost.of(factory, global(Map.of("global_auth", false)));
    assertThat(open.exchange("GET", "/", "t").requestHeaders()).isEqualTo(Action.CONTINUE);
    token(open, ID2, SECRET2);
  }

  @Test
  void customHeaderAndKeepTokenFalse() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, global(Map.of("auth_header_name", "X-Token", "keep_token", false,
        "issuer", "me")));
    String t = token(host, ID1, SECRET1);
    assertThat(SignedJWT.parse(t).getJWTClaimsSet().getIssuer()).isEqualTo("me");
    var inAuthorization = host.exchange("GET", "/", "t").header("authorization", "Bearer " + t);
    inAuthorization.requestHeaders();
    assertThat(inAuthorization.localReply().status()).isEqualTo(401);
    var ok = host.exchange("GET", "/", "t").header("x-token", "Bearer " + t);
    assertThat(ok.requestHeaders()).isEqualTo(Action.CONTINUE);
    assertThat(ok.headers().get("x-token")).isNull();
    assertThat(ok.headers().get("x-mse-consumer")).isEqualTo("consumer1");
    // another method on the token path needs a token like any request
    var put = host.exchange("PUT", "/oauth2/token", "t");
    put.requestHeaders();
    assertThat(put.localReply().status()).isEqualTo(401);
  }

  @Test
  void badConfigurationsNameTheField() {
    assertThatThrownBy(() -> factory.parseConfig(Map.of())).isInstanceOf(PluginConfigException.class)
        .hasMessageStartingWith("consumers:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("consumers", List.of(Map.of("name", "a", "client_id", "i")))))
        .hasMessageStartingWith("consumers[0].client_secret:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("consumers", List.of(Map.of("name", "a", "client_secret", "s")))))
        .hasMessageStartingWith("consumers[0].client_id:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("consumers", List.of(Map.of("client_id", "i", "client_secret", "s")))))
        .hasMessageStartingWith("consumers[0].name:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("consumers", List.of(
        Map.of("name", "a", "client_id", "i", "client_secret", "s"), Map.of("name", "a", "client_id", "j", "client_secret", "t")))))
        .hasMessageStartingWith("consumers[1].name:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("consumers", List.of(
        Map.of("name", "a", "client_id", "i", "client_secret", "s"), Map.of("name", "b", "client_id", "i", "client_secret", "t")))))
        .hasMessageStartingWith("consumers[1].client_id:");
    assertThatThrownBy(() -> factory.parseConfig(global(Map.of("token_ttl", 0)))).hasMessageStartingWith("token_ttl:");
    assertThatThrownBy(() -> factory.parseConfig(global(Map.of("token_ttl", "7200")))).hasMessageStartingWith("token_ttl:");
    assertThatThrownBy(() -> factory.parseConfig(global(Map.of("clock_skew_seconds", -1)))).hasMessageStartingWith("clock_skew_seconds:");
    assertThatThrownBy(() -> factory.parseConfig(global(Map.of("auth_path", "token")))).hasMessageStartingWith("auth_path:");
    assertThatThrownBy(() -> factory.parseConfig(global(Map.of("keep_token", 1)))).hasMessageStartingWith("keep_token:");
    assertThatThrownBy(() -> factory.parseConfig(global(Map.of("global_credentials", "no")))).hasMessageStartingWith("global_credentials:");
    assertThatThrownBy(() -> factory.parseConfig(global(Map.of("issuer", 3)))).hasMessageStartingWith("issuer:");
    assertThatThrownBy(() -> factory.parseRuleConfig(Map.of(), factory.parseConfig(global(Map.of())))).hasMessageStartingWith("allow:");
  }

  @Test
  void hostileInput() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, global(Map.of()));
    for (String t : List.of("Bearer " + "a".repeat(100_000), "Bearer " + "e30.".repeat(3) + "x", "Bearer ....",
        "Bearer " + Base64URL.encode("{\"alg\":\"HS256\"}") + "." + Base64URL.encode("{\"client_id\":5}") + ".AAAA",
        "Bearer " + Base64URL.encode("{\"alg\":\"HS256\"}") + "." + Base64URL.encode("[1,2]") + ".AAAA")) {
      var ex = host.exchange("GET", "/", "t").header("authorization", t);
      ex.requestHeaders();
      assertThat(ex.localReply().status()).isEqualTo(401);
    }
    var weird = host.exchange("GET", "/oauth2/token?grant_type=%zz&client_id=%&&&=", "t");
    weird.requestHeaders();
    assertThat(weird.localReply().status()).isEqualTo(400);
    var quote = host.exchange("GET", "/oauth2/token?grant_type=%22%5C%0a", "t");
    quote.requestHeaders();
    assertThat(JSONObjectUtils.parse(quote.localReply().text()).get("msg")).isEqualTo("grant type \"\\\n is not supported.");
    assertThat(factory.parseConfig(global(Map.of())).toString()).doesNotContain(SECRET1).doesNotContain(ID1);
  }
}
