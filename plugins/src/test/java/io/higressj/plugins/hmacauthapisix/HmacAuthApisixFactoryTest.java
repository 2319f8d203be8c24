package io.higressj.plugins.hmacauthapisix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.higressj.api.Action;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginPhase;
import io.higressj.testing.plugin.PluginTestHost;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class HmacAuthApisixFactoryTest {
  static final String SECRET1 = "2bda943c-ba2b-11ec-ba07-00163e1250b5";
  static final String SECRET2 = "c8c8e9ca-558e-4a2d-bb62-e700dcc40e35";

  static HmacAuthApisixFactory at(String gmt) {
    return new HmacAuthApisixFactory(Clock.fixed(Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME.parse(gmt)), ZoneOffset.UTC));
  }

  static Map<String, Object> global(Map<String, Object> extra) {
    Map<String, Object> c = new HashMap<>(extra);
    c.put("consumers", List.of(
        Map.of("name", "consumer1", "access_key", "consumer1-key", "secret_key", SECRET1),
        Map.of("name", "consumer2", "access_key", "consumer2-key", "secret_key", SECRET2)));
    return c;
  }

  static String authorization(String keyId, String algorithm, String headers, String signature) {
    return "Signature keyId=\"" + keyId + "\",algorithm=\"" + algorithm + "\",headers=\"" + headers + "\",signature=\""
        + signature + "\"";
  }

  /** APISIX's scheme written out for the test: keyId, then the signed lines, each ending in \n */
  static String sign(String secret, String algorithm, String keyId, List<String> lines) throws Exception {
    String javaName = Map.of("hmac-sha1", "HmacSHA1", "hmac-sha256", "HmacSHA256", "hmac-sha512", "HmacSHA512").get(algorithm);
    Mac mac = Mac.getInstance(javaName);
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), javaName));
    StringBuilder s = new StringBuilder(keyId).append('\n');
    for (String l : lines) s.append(l).append('\n');
    return Base64.getEncoder().encodeToString(mac.doFinal(s.toString().getBytes(StandardCharsets.UTF_8)));
  }

  static String gmt(Instant t) {
    return DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).format(t.atZone(ZoneOffset.UTC));
  }

  @Test
  void nameAndPlace() {
    HmacAuthApisixFactory f = new HmacAuthApisixFactory();
    assertThat(f.name()).isEqualTo("hmac-auth-apisix");
    assertThat(f.defaultPhase()).isEqualTo(PluginPhase.AUTHN);
    assertThat(f.defaultPriority()).isEqualTo(330);
  }

  /** The requests of Higress's documentation, with their published signatures. */
  @Test
  void documentedExamples() throws Exception {
    HmacAuthApisixFactory f = at("Fri, 12 Sep 2025 23:53:30 GMT");
    PluginTestHost host = PluginTestHost.ofRule(f, global(Map.of("global_auth", false)), Map.of("allow", List.of("consumer1")));
    var ok = host.exchange("POST", "/foo", "foo.com")
        .header("authorization", authorization("consumer1-key", "hmac-sha256", "@request-target date",
            "746z4VISwZehUwZdzTV486ZMMbBtakmMHKPfs/A4RdU="))
        .header("date", "Fri, 12 Sep 2025 23:53:18 GMT").header("content-type", "application/json");
    assertThat(ok.requestHeaders(false)).isEqualTo(Action.CONTINUE);
    assertThat(ok.localReply()).isNull();
    assertThat(ok.headers().get("x-mse-consumer")).isEqualTo("consumer1");
    assertThat(ok.headers().get("authorization")).isNotNull(); // hide_credentials is false by default

    var put = host.exchange("PUT", "/foo", "foo.com")
        .header("authorization", authorization("consumer1-key", "hmac-sha256", "@request-target date",
            "746z4VISwZehUwZdzTV486ZMMbBtakmMHKPfs/A4RdU="))
        .header("date", "Fri, 12 Sep 2025 23:53:18 GMT");
    put.requestHeaders(false);
    assertThat(put.localReply().status()).isEqualTo(401);
    assertThat(put.localReply().text()).isEqualTo("{\"message\":\"client request can't be validated: Invalid signature\"}");

    var notAllowed = at("Fri, 12 Sep 2025 23:59:05 GMT");
    PluginTestHost h2 = PluginTestHost.ofRule(notAllowed, global(Map.of("global_auth", false)), Map.of("allow", List.of("consumer1")));
    var c2 = h2.exchange("POST", "/foo", "foo.com")
        .header("authorization", authorization("consumer2-key", "hmac-sha256", "@request-target date",
            "dltotPwd4iWGGz//kuehPJlHXZemR5WKwCPAJD/KPhE="))
        .header("date", "Fri, 12 Sep 2025 23:59:01 GMT");
    c2.requestHeaders(false);
    assertThat(c2.localReply().status()).isEqualTo(401);
    assertThat(c2.localReply().text()).contains("consumer 'consumer2' is not allowed");
    assertThat(c2.headers().get("x-mse-consumer")).isNull();

    // the first request an hour later: its Date is out of the 300 s window
    PluginTestHost late = PluginTestHost.ofRule(at("Sat, 13 Sep 2025 00:53:18 GMT"), global(Map.of("global_auth", false)),
        Map.of("allow", List.of("consumer1")));
    var expired = late.exchange("POST", "/foo", "foo.com")
        .header("authorization", authorization("consumer1-key", "hmac-sha256", "@request-target date",
            "746z4VISwZehUwZdzTV486ZMMbBtakmMHKPfs/A4RdU="))
        .header("date", "Fri, 12 Sep 2025 23:53:18 GMT");
    expired.requestHeaders(false);
    assertThat(expired.localReply().text()).contains("Clock skew exceeded");
  }

  @Test
  void documentedSignedHeadersAndDigest() throws Exception {
    HmacAuthApisixFactory f = at("Sat, 13 Sep 2025 00:04:40 GMT");
    Map<String, Object> g = global(Map.of("global_auth", false, "signed_headers", List.of("X-Custom-Header-A", "X-Custom-Header-B"),
        "validate_request_body", true));
    PluginTestHost host = PluginTestHost.ofRule(f, g, Map.of("allow", List.of("consumer1", "consumer2")));
    String auth = authorization("consumer1-key", "hmac-sha256", "@request-target date x-custom-header-a x-custom-header-b",
        "KoOlbkDIR/JzlKK47eURewnIpmhpkQU+KIyBUhqVfmo=");
    var ok = host.exchange("POST", "/foo", "foo.com").header("authorization", auth)
        .header("date", "Sat, 13 Sep 2025 00:04:34 GMT")
        .header("digest", "SHA-256=RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=")
        .header("x-custom-header-a", "test1").header("x-custom-header-b", "test2").header("content-type", "application/json");
    assertThat(ok.requestHeaders(false)).isEqualTo(Action.CONTINUE);
    assertThat(ok.requestBufferLimit()).isEqualTo(32 * 1024 * 1024);
    assertThat(ok.requestBody("{}", true)).isEqualTo(Action.CONTINUE);
    assertThat(ok.localReply()).isNull();
    assertThat(ok.headers().get("x-mse-consumer")).isEqualTo("consumer1");

    var tampered = host.exchange("POST", "/foo", "foo.com").header("authorization", auth)
        .header("date", "Sat, 13 Sep 2025 00:04:34 GMT")
        .header("digest", "SHA-256=RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=")
        .header("x-custom-header-a", "test1").header("x-custom-header-b", "test2");
    tampered.requestHeaders(false);
    assertThat(tampered.requestBody("{\"key\":\"value\"}", true)).isEqualTo(Action.PAUSE);
    assertThat(tampered.localReply().status()).isEqualTo(401);
    assertThat(tampered.localReply().text()).contains("Invalid digest");

    var noDigest = host.exchange("POST", "/foo", "foo.com").header("authorization", auth)
        .header("date", "Sat, 13 Sep 2025 00:04:34 GMT")
        .header("x-custom-header-a", "test1").header("x-custom-header-b", "test2");
    noDigest.requestHeaders(false);
    noDigest.requestBody("{}", true);
    assertThat(noDigest.localReply().text()).contains("Invalid digest");

    var missingSigned = host.exchange("POST", "/foo", "foo.com")
        .header("authorization", authorization("consumer1-key", "hmac-sha256", "@request-target date x-custom-header-b",
            "KoOlbkDIR/JzlKK47eURewnIpmhpkQU+KIyBUhqVfmo="))
        .header("date", "Sat, 13 Sep 2025 00:04:34 GMT").header("x-custom-header-b", "test2");
    missingSigned.requestHeaders(false);
    assertThat(missingSigned.localReply().text()).contains("expected header \\\"x-custom-header-a\\\" missing in signing");
  }

  @Test
  void algorithmsAndTheirList() throws Exception {
    Instant now = Instant.parse("2026-12-06T14:00:00Z");
    HmacAuthApisixFactory f = new HmacAuthApisixFactory(Clock.fixed(now, ZoneOffset.UTC));
    PluginTestHost host = PluginTestHost.of(f, global(Map.of("allowed_algorithms", List.of("hmac-sha512", "hmac-sha1"))));
    String date = gmt(now);
    for (String alg : List.of("hmac-sha512", "hmac-sha1")) {
      var ex = host.exchange("GET", "/a?b=1", "foo.com").header("date", date)
          .header("authorization", authorization("consumer2-key", alg, "@request-target date",
              sign(SECRET2, alg, "consumer2-key", List.of("GET /a?b=1", "date: " + date))));
      assertThat(ex.requestHeaders()).as(alg).isEqualTo(Action.CONTINUE);
      assertThat(ex.headers().get("x-mse-consumer")).isEqualTo("consumer2");
    }
    var sha256 = host.exchange("GET", "/a?b=1", "foo.com").header("date", date)
        .header("authorization", authorization("consumer2-key", "hmac-sha256", "@request-target date",
            sign(SECRET2, "hmac-sha256", "consumer2-key", List.of("GET /a?b=1", "date: " + date))));
    sha256.requestHeaders();
    assertThat(sha256.localReply().text()).contains("Invalid algorithm");

    // the query is part of the request target
    var otherQuery = host.exchange("GET", "/a?b=2", "foo.com").header("date", date)
        .header("authorization", authorization("consumer2-key", "hmac-sha1", "@request-target date",
            sign(SECRET2, "hmac-sha1", "consumer2-key", List.of("GET /a?b=1", "date: " + date))));
    otherQuery.requestHeaders();
    assertThat(otherQuery.localReply().text()).contains("Invalid signature");
  }

  @Test
  void missingOrMalformedCredentials() throws Exception {
    Instant now = Instant.parse("2026-12-06T14:00:00Z");
    HmacAuthApisixFactory f = new HmacAuthApisixFactory(Clock.fixed(now, ZoneOffset.UTC));
    PluginTestHost host = PluginTestHost.of(f, global(Map.of()));
    Map<String, String> cases = new java.util.LinkedHashMap<>();
    cases.put("", "missing Authorization header");
    cases.put("Basic abc", "does not start with 'Signature '");
    cases.put("Signature algorithm=\"hmac-sha256\",signature=\"x\"", "keyId or signature missing");
    cases.put("Signature keyId=\"consumer1-key\",signature=\"x\"", "algorithm missing");
    cases.put("Signature keyId=\"nobody\",algorithm=\"hmac-sha256\",signature=\"x\"", "Invalid keyId");
    for (var c : cases.entrySet()) {
      var ex = host.exchange("GET", "/", "foo.com").header("date", gmt(now));
      if (!c.getKey().isEmpty()) ex.header("authorization", c.getKey());
      ex.requestHeaders();
      assertThat(ex.localReply().status()).as(c.getKey()).isEqualTo(401);
      assertThat(ex.localReply().text()).as(c.getKey()).contains(c.getValue());
      assertThat(ex.localReply().headers()).containsEntry("content-type", "application/json");
    }
    String sig = sign(SECRET1, "hmac-sha256", "consumer1-key", List.of("GET /"));
    var noDate = host.exchange("GET", "/", "foo.com")
        .header("authorization", authorization("consumer1-key", "hmac-sha256", "@request-target", sig));
    noDate.requestHeaders();
    assertThat(noDate.localReply().text()).contains("Date header missing");
    var badDate = host.exchange("GET", "/", "foo.com").header("date", "2026-12-06T14:00:00Z")
        .header("authorization", authorization("consumer1-key", "hmac-sha256", "@request-target", sig));
    badDate.requestHeaders();
    assertThat(badDate.localReply().text()).contains("Invalid GMT format time");

    // clock_skew 0: no Date needed
    PluginTestHost noSkew = PluginTestHost.of(f, global(Map.of("clock_skew", 0)));
    var ok = noSkew.exchange("GET", "/", "foo.com")
        .header("authorization", authorization("consumer1-key", "hmac-sha256", "@request-target", sig));
    assertThat(ok.requestHeaders()).isEqualTo(Action.CONTINUE);
  }

  @Test
  void anonymousConsumerAndHiddenCredentials() throws Exception {
    Instant now = Instant.parse("2026-12-06T14:00:00Z");
    HmacAuthApisixFactory f = new HmacAuthApisixFactory(Clock.fixed(now, ZoneOffset.UTC));
    PluginTestHost host = PluginTestHost.of(f, global(Map.of("anonymous_consumer", "guest", "hide_credentials", true,
        "validate_request_body", true)));
    var anon = host.exchange("POST", "/", "foo.com");
    assertThat(anon.requestHeaders(false)).isEqualTo(Action.CONTINUE);
    assertThat(anon.headers().get("x-mse-consumer")).isEqualTo("guest");
    assertThat(anon.requestBufferLimit()).isEqualTo(-1); // no digest is asked of an anonymous request

    String date = gmt(now);
    var signed = host.exchange("GET", "/", "foo.com").header("date", date)
        .header("authorization", authorization("consumer1-key", "hmac-sha256", "@request-target date",
            sign(SECRET1, "hmac-sha256", "consumer1-key", List.of("GET /", "date: " + date))));
    assertThat(signed.requestHeaders()).isEqualTo(Action.CONTINUE);
    assertThat(signed.headers().get("x-mse-consumer")).isEqualTo("consumer1");
    assertThat(signed.headers().get("authorization")).isNull();

    // a bad signature is not anonymous: it is refused
    var forged = host.exchange("GET", "/", "foo.com").header("date", date)
        .header("authorization", authorization("consumer1-key", "hmac-sha256", "@request-target date", "AAAA"));
    forged.requestHeaders();
    assertThat(forged.localReply().status()).isEqualTo(401);
  }

  @Test
  void ruleOverridesOptions() throws Exception {
    Instant now = Instant.parse("2026-12-06T14:00:00Z");
    HmacAuthApisixFactory f = new HmacAuthApisixFactory(Clock.fixed(now, ZoneOffset.UTC));
    Map<String, Object> g = global(Map.of("global_auth", false, "clock_skew", 10));
    PluginTestHost host = PluginTestHost.ofRule(f, g, Map.of("allow", List.of("consumer1"), "clock_skew", 1000));
    String date = gmt(now.minusSeconds(500));
    var ex = host.exchange("GET", "/", "foo.com").header("date", date)
        .header("authorization", authorization("consumer1-key", "hmac-sha256", "@request-target date",
            sign(SECRET1, "hmac-sha256", "consumer1-key", List.of("GET /", "date: " + date))));
    assertThat(ex.requestHeaders()).isEqualTo(Action.CONTINUE);

    var global = PluginTestHost.of(f, g).exchange("GET", "/", "foo.com");
    assertThat(global.requestHeaders()).isEqualTo(Action.CONTINUE); // global_auth false
  }

  @Test
  void badConfigurationsNameTheField() {
    HmacAuthApisixFactory f = new HmacAuthApisixFactory();
    assertThatThrownBy(() -> f.parseConfig(Map.of())).isInstanceOf(PluginConfigException.class).hasMessageStartingWith("consumers:");
    assertThatThrownBy(() -> f.parseConfig(Map.of("consumers", List.of(Map.of("secret_key", "s")))))
        .hasMessageStartingWith("consumers[0].access_key:");
    assertThatThrownBy(() -> f.parseConfig(Map.of("consumers", List.of(Map.of("access_key", "k")))))
        .hasMessageStartingWith("consumers[0].secret_key:");
    assertThatThrownBy(() -> f.parseConfig(Map.of("consumers", List.of(Map.of("access_key", "k", "secret_key", "s1"),
        Map.of("access_key", "k", "secret_key", "s2"))))).hasMessageStartingWith("consumers[1].access_key:");
    assertThatThrownBy(() -> f.parseConfig(global(Map.of("allowed_algorithms", List.of("hmac-md5")))))
        .hasMessageStartingWith("allowed_algorithms[0]:");
    assertThatThrownBy(() -> f.parseConfig(global(Map.of("clock_skew", -1)))).hasMessageStartingWith("clock_skew:");
    assertThatThrownBy(() -> f.parseConfig(global(Map.of("signed_headers", "x-a")))).hasMessageStartingWith("signed_headers:");
    assertThatThrownBy(() -> f.parseConfig(global(Map.of("validate_request_body", "yes"))))
        .hasMessageStartingWith("validate_request_body:");
    assertThatThrownBy(() -> f.parseConfig(global(Map.of("anonymous_consumer", 5)))).hasMessageStartingWith("anonymous_consumer:");
    assertThatThrownBy(() -> f.parseRuleConfig(Map.of(), null)).hasMessageStartingWith("allow:");
  }

  @Test
  void nameDefaultsToTheAccessKey() throws Exception {
    HmacAuthApisixFactory f = new HmacAuthApisixFactory(Clock.systemUTC());
    var cfg = f.parseConfig(Map.of("consumers", List.of(Map.of("access_key", "ak", "secret_key", "sk")), "clock_skew", 0));
    var ex = PluginTestHost.of(f, Map.of("consumers", List.of(Map.of("access_key", "ak", "secret_key", "sk")), "clock_skew", 0))
        .exchange("GET", "/", "a")
        .header("authorization", authorization("ak", "hmac-sha256", "@request-target", sign("sk", "hmac-sha256", "ak", List.of("GET /"))));
    assertThat(ex.requestHeaders()).isEqualTo(Action.CONTINUE);
    assertThat(ex.headers().get("x-mse-consumer")).isEqualTo("ak");
    assertThat(cfg.toString()).doesNotContain("sk]").doesNotContain("=sk");
  }

  @Test
  void hostileInput() throws Exception {
    HmacAuthApisixFactory f = new HmacAuthApisixFactory(Clock.systemUTC());
    PluginTestHost host = PluginTestHost.of(f, global(Map.of("clock_skew", 0)));
    for (String a : List.of("Signature " + "keyId=\"".repeat(20_000), "Signature " + "a=\"\",".repeat(3000),
        "Signature keyId=\"consumer1-key\",algorithm=\"hmac-sha256\",headers=\"" + "x ".repeat(4000) + "\",signature=\"x\"",
        "Signature keyId=\"consumer1-key\",algorithm=\"hmac-sha256\",signature=\"" + "A".repeat(100_000) + "\"")) {
      var ex = host.exchange("GET", "/", "a").header("authorization", a);
      ex.requestHeaders();
      assertThat(ex.localReply().status()).isEqualTo(401);
    }
    // a consumer name with quotes stays valid JSON in the reply
    PluginTestHost q = PluginTestHost.ofRule(f, Map.of("consumers", List.of(Map.of("access_key", "k", "secret_key", "s",
        "name", "a\"b\\c")), "clock_skew", 0), Map.of("allow", List.of("other")));
    var ex = q.exchange("GET", "/", "a")
        .header("authorization", authorization("k", "hmac-sha256", "@request-target", sign("s", "hmac-sha256", "k", List.of("GET /"))));
    ex.requestHeaders();
    assertThat(ex.localReply().text()).contains("consumer 'a\\\"b\\\\c' is not allowed");
  }
}
