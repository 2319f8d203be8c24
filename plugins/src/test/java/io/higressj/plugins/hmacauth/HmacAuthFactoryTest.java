package io.higressj.plugins.hmacauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.higressj.api.Action;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginPhase;
import io.higressj.testing.plugin.PluginTestHost;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class HmacAuthFactoryTest {
  static final Instant NOW = Instant.parse("2026-12-06T14:00:00Z");
  final HmacAuthFactory factory = new HmacAuthFactory(Clock.fixed(NOW, ZoneOffset.UTC));

  static Map<String, Object> global(Object dateOffset) {
    Map<String, Object> c = new HashMap<>();
    c.put("consumers", List.of(
        Map.of("key", "appKey-example-1", "secret", "appSecret-example-1", "name", "consumer-1"),
        Map.of("key", "appKey-example-2", "secret", "appSecret-example-2", "name", "consumer-2")));
    if (dateOffset != null) c.put("date_offset", dateOffset);
    return c;
  }

  /**
   * A client signing as Higress's hmac-auth documentation says, written independently of the plugin:
   * method, Accept, Content-MD5, Content-Type, Date (each followed by \n, empty when absent), the
   * headers listed in x-ca-signature-headers sorted ("key:value\n"), then the path and the sorted
   * query and form parameters.
   */
  static final class Client {
    final String method;
    final String path;
    final Map<String, String> headers = new LinkedHashMap<>();
    final Map<String, String> queryAndForm = new TreeMap<>();
    String body;
    String algorithm = "HmacSHA256";

    Client(String method, String path) {
      this.method = method;
      this.path = path;
    }

    Client header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    Client param(String name, String value) {
      queryAndForm.put(name, value);
      return this;
    }

    String stringToSign(List<String> signedHeaders) {
      StringBuilder s = new StringBuilder();
      s.append(method).append('\n');
      for (String h : List.of("accept", "content-md5", "content-type", "date")) {
        s.append(headers.getOrDefault(h, "")).append('\n');
      }
      List<String> sorted = new ArrayList<>(signedHeaders);
      sorted.sort(null);
      for (String h : sorted) s.append(h).append(':').append(headers.getOrDefault(h, "")).append('\n');
      s.append(path);
      if (!queryAndForm.isEmpty()) {
        s.append('?');
        List<String> parts = new ArrayList<>();
        queryAndForm.forEach((k, v) -> parts.add(v.isEmpty() ? k : k + "=" + v));
        s.append(String.join("&", parts));
      }
      return s.toString();
    }

    /** signs with {@code secret}, adding x-ca-key, -signature-method, -signature-headers and -signature */
    Client sign(String key, String secret, List<String> extraSigned) throws Exception {
      header("x-ca-key", key);
      header("x-ca-signature-method", algorithm);
      List<String> signed = new ArrayList<>(List.of("x-ca-key", "x-ca-signature-method"));
      signed.addAll(extraSigned);
      header("x-ca-signature-headers", String.join(",", signed));
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), algorithm));
      header("x-ca-signature", Base64.getEncoder().encodeToString(
          mac.doFinal(stringToSign(signed).getBytes(StandardCharsets.UTF_8))));
      return this;
    }

    PluginTestHost.Exchange on(PluginTestHost host, String requestPath) {
      var ex = host.exchange(method, requestPath, "foo.com");
      headers.forEach(ex::header);
      return ex;
    }
  }

  static String md5(String body) throws Exception {
    return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(body.getBytes(StandardCharsets.UTF_8)));
  }

  static String httpDate(Instant t) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(t.atZone(ZoneOffset.UTC));
  }

  @Test
  void nameAndPlace() {
    assertThat(factory.name()).isEqualTo("hmac-auth");
    assertThat(factory.defaultPhase()).isEqualTo(PluginPhase.AUTHN);
    assertThat(factory.defaultPriority()).isEqualTo(330);
  }

  @Test
  void signedGetWithQueryAndHeadersPasses() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, global(null));
    Client c = new Client("GET", "/http2test/test")
        .header("accept", "application/json; charset=utf-8")
        .header("x-ca-timestamp", String.valueOf(NOW.toEpochMilli()))
        .header("x-ca-nonce", "c9f15cbf-f4ac-4a6c-b54d-f51abf4b5b44")
        .param("param1", "test").param("flag", "").param("b", "x y")
        .sign("appKey-example-1", "appSecret-example-1", List.of("x-ca-timestamp", "x-ca-nonce"));
    // the query as sent: unsorted, escaped, repeated name (the first value counts), a value-less name
    var ex = c.on(host, "/http2test/test?param1=test&b=x%20y&flag&param1=other");
    assertThat(ex.requestHeaders()).isEqualTo(Action.CONTINUE);
    assertThat(ex.localReply()).isNull();
    assertThat(ex.headers().get("x-mse-consumer")).isEqualTo("consumer-1");
    ex.done();
  }

  @Test
  void hmacSha1IsAccepted() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, global(null));
    Client c = new Client("DELETE", "/items/7");
    c.algorithm = "HmacSHA1";
    c.sign("appKey-example-2", "appSecret-example-2", List.of());
    var ex = c.on(host, "/items/7");
    assertThat(ex.requestHeaders()).isEqualTo(Action.CONTINUE);
    assertThat(ex.headers().get("x-mse-consumer")).isEqualTo("consumer-2");

    var unknownMethod = c.on(host, "/items/7");
    unknownMethod.headers().set("x-ca-signature-method", "HmacMD5");
    unknownMethod.requestHeaders();
    assertThat(unknownMethod.localReply().status()).isEqualTo(400);
  }

  @Test
  void tamperedRequestsAre400WithTheServersStringToSign() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, global(null));
    Client c = new Client("GET", "/a").header("x-custom", "v1").param("q", "1")
        .sign("appKey-example-1", "appSecret-example-1", List.of("x-custom"));

    var otherQuery = c.on(host, "/a?q=2");
    otherQuery.requestHeaders();
    assertThat(otherQuery.localReply().status()).isEqualTo(400);
    assertThat(otherQuery.localReply().text()).isEqualTo("Invalid Signature");
    assertThat(otherQuery.localReply().headers().get("x-ca-error-message"))
        .isEqualTo("Server StringToSign:`GET#####x-ca-key:appKey-example-1#x-ca-signature-method:HmacSHA256#x-custom:v1#/a?q=2`");
    assertThat(otherQuery.headers().get("x-mse-consumer")).isNull();

    var otherPath = c.on(host, "/b?q=1");
    otherPath.requestHeaders();
    assertThat(otherPath.localReply().status()).isEqualTo(400);

    var otherHeader = c.on(host, "/a?q=1");
    otherHeader.headers().set("x-custom", "v2");
    otherHeader.requestHeaders();
    assertThat(otherHeader.localReply().status()).isEqualTo(400);

    var otherMethod = host.exchange("POST", "/a?q=1", "foo.com");
    c.headers.forEach(otherMethod::header);
    otherMethod.requestHeaders();
    assertThat(otherMethod.localReply().status()).isEqualTo(400);

    var otherSecret = new Client("GET", "/a").sign("appKey-example-1", "appSecret-example-2", List.of()).on(host, "/a");
    otherSecret.requestHeaders();
    assertThat(otherSecret.localReply().status()).isEqualTo(400);

    var untouched = c.on(host, "/a?q=1");
    assertThat(untouched.requestHeaders()).isEqualTo(Action.CONTINUE);
  }

  @Test
  void keyAndSignatureMissingOrUnknownAre401() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, global(null));
    var none = host.exchange("GET", "/", "foo.com");
    none.requestHeaders();
    assertThat(none.localReply().status()).isEqualTo(401);
    assertThat(none.localReply().text()).isEqualTo("Invalid Key");

    var unknown = new Client("GET", "/").sign("appKey-nobody", "appSecret-example-1", List.of()).on(host, "/");
    unknown.requestHeaders();
    assertThat(unknown.localReply().status()).isEqualTo(401);
    assertThat(unknown.localReply().text()).isEqualTo("Invalid Key");

    var unsigned = host.exchange("GET", "/", "foo.com").header("x-ca-key", "appKey-example-1");
    unsigned.requestHeaders();
    assertThat(unsigned.localReply().status()).isEqualTo(401);
    assertThat(unsigned.localReply().text()).isEqualTo("Empty Signature");
  }

  @Test
  void dateOffsetBoundsDateAndTimestamp() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, global(300));
    // Date is part of the string to sign and is checked against the window
    Client fresh = new Client("GET", "/").header("date", httpDate(NOW.minusSeconds(200)))
        .sign("appKey-example-1", "appSecret-example-1", List.of());
    assertThat(fresh.on(host, "/").requestHeaders()).isEqualTo(Action.CONTINUE);

    Client expired = new Client("GET", "/").header("date", httpDate(NOW.minusSeconds(301)))
        .sign("appKey-example-1", "appSecret-example-1", List.of());
    var ex = expired.on(host, "/");
    ex.requestHeaders();
    assertThat(ex.localReply().status()).isEqualTo(400);
    assertThat(ex.localReply().text()).isEqualTo("Invalid Date");

    Client future = new Client("GET", "/").header("date", httpDate(NOW.plusSeconds(400)))
        .sign("appKey-example-1", "appSecret-example-1", List.of());
    var fut = future.on(host, "/");
    fut.requestHeaders();
    assertThat(fut.localReply().status()).isEqualTo(400);

    // without Date: x-ca-timestamp, in milliseconds (13 digits) or seconds
    Client ms = new Client("GET", "/").header("x-ca-timestamp", String.valueOf(NOW.toEpochMilli() - 5000))
        .sign("appKey-example-1", "appSecret-example-1", List.of("x-ca-timestamp"));
    assertThat(ms.on(host, "/").requestHeaders()).isEqualTo(Action.CONTINUE);
    Client seconds = new Client("GET", "/").header("x-ca-timestamp", String.valueOf(NOW.getEpochSecond() - 10))
        .sign("appKey-example-1", "appSecret-example-1", List.of("x-ca-timestamp"));
    assertThat(seconds.on(host, "/").requestHeaders()).isEqualTo(Action.CONTINUE);

    // a validly signed request replayed an hour later (its timestamp signed in) is refused
    Client replayed = new Client("GET", "/").header("x-ca-timestamp", String.valueOf(NOW.minusSeconds(3600).toEpochMilli()))
        .sign("appKey-example-1", "appSecret-example-1", List.of("x-ca-timestamp"));
    var rep = replayed.on(host, "/");
    rep.requestHeaders();
    assertThat(rep.localReply().status()).isEqualTo(400);
    assertThat(rep.localReply().text()).isEqualTo("Invalid Date");
    // ... and moving its timestamp forward breaks the signature
    var moved = replayed.on(host, "/");
    moved.headers().set("x-ca-timestamp", String.valueOf(NOW.toEpochMilli()));
    moved.requestHeaders();
    assertThat(moved.localReply().status()).isEqualTo(400);
    assertThat(moved.localReply().text()).isEqualTo("Invalid Signature");

    for (String bad : List.of("yesterday", "Sun, 06 Dec 2026 14:00:00", "")) {
      var b = new Client("GET", "/").header("date", bad).sign("appKey-example-1", "appSecret-example-1", List.of()).on(host, "/");
      b.requestHeaders();
      assertThat(b.localReply().status()).as(bad).isEqualTo(400);
      assertThat(b.localReply().text()).as(bad).isEqualTo("Invalid Date");
    }
    for (String badTs : List.of("-1", "12x", "99999999999999999999999", "")) {
      var b = new Client("GET", "/").header("x-ca-timestamp", badTs).sign("appKey-example-1", "appSecret-example-1", List.of())
          .on(host, "/");
      b.requestHeaders();
      assertThat(b.localReply().status()).as(badTs).isEqualTo(400);
    }

    // without date_offset an old Date is not checked
    PluginTestHost lax = PluginTestHost.of(factory, global(null));
    assertThat(expired.on(lax, "/").requestHeaders()).isEqualTo(Action.CONTINUE);
  }

  @Test
  void bodyIsCheckedAgainstContentMd5() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, global(null));
    String body = "{\"a\":1}";
    Client c = new Client("POST", "/api").header("content-type", "application/json").header("content-md5", md5(body))
        .sign("appKey-example-1", "appSecret-example-1", List.of());

    var ok = c.on(host, "/api");
    assertThat(ok.requestHeaders(false)).isEqualTo(Action.CONTINUE);
    assertThat(ok.requestBufferLimit()).isEqualTo(32 * 1024 * 1024);
    assertThat(ok.requestBody(body, true)).isEqualTo(Action.CONTINUE);
    assertThat(ok.localReply()).isNull();
    assertThat(ok.headers().get("x-mse-consumer")).isEqualTo("consumer-1");

    var tampered = c.on(host, "/api");
    tampered.requestHeaders(false);
    assertThat(tampered.requestBody("{\"a\":2}", true)).isEqualTo(Action.PAUSE);
    assertThat(tampered.localReply().status()).isEqualTo(400);
    assertThat(tampered.localReply().text()).isEqualTo("Invalid Content-MD5");

    var noBody = c.on(host, "/api");
    noBody.requestHeaders(true);
    assertThat(noBody.localReply().status()).isEqualTo(400);

    // a body without content-md5 (and not a form) is not read
    Client plain = new Client("POST", "/api").header("content-type", "application/json")
        .sign("appKey-example-1", "appSecret-example-1", List.of());
    var p = plain.on(host, "/api");
    assertThat(p.requestHeaders(false)).isEqualTo(Action.CONTINUE);
    assertThat(p.requestBufferLimit()).isEqualTo(-1);
  }

  @Test
  void formParametersAreSigned() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, global(null));
    Client c = new Client("POST", "/http2test/test")
        .header("accept", "application/json; charset=utf-8")
        .header("content-type", "application/x-www-form-urlencoded; charset=utf-8")
        .param("param1", "test").param("username", "xiaoming").param("password", "123456789")
        .sign("appKey-example-1", "appSecret-example-1", List.of());
    var ok = c.on(host, "/http2test/test?param1=test");
    assertThat(ok.requestHeaders(false)).isEqualTo(Action.CONTINUE);
    assertThat(ok.requestBufferLimit()).isEqualTo(32 * 1024 * 1024);
    assertThat(ok.headers().get("x-mse-consumer")).isNull(); // not before the body is checked
    assertThat(ok.requestBody("username=xiaoming&password=123456789", true)).isEqualTo(Action.CONTINUE);
    assertThat(ok.headers().get("x-mse-consumer")).isEqualTo("consumer-1");

    var tampered = c.on(host, "/http2test/test?param1=test");
    tampered.requestHeaders(false);
    assertThat(tampered.requestBody("username=xiaoming&password=000", true)).isEqualTo(Action.PAUSE);
    assertThat(tampered.localReply().status()).isEqualTo(400);
    assertThat(tampered.localReply().headers().get("x-ca-error-message")).endsWith("password=000&username=xiaoming`");
  }

  @Test
  void ruleAllowsSomeConsumers() throws Exception {
    PluginTestHost host = PluginTestHost.ofRule(factory, global(null), Map.of("allow", List.of("consumer-1")));
    var ok = new Client("GET", "/").sign("appKey-example-1", "appSecret-example-1", List.of()).on(host, "/");
    assertThat(ok.requestHeaders()).isEqualTo(Action.CONTINUE);
    assertThat(ok.headers().get("x-mse-consumer")).isEqualTo("consumer-1");

    var notAllowed = new Client("GET", "/").sign("appKey-example-2", "appSecret-example-2", List.of()).on(host, "/");
    notAllowed.requestHeaders();
    assertThat(notAllowed.localReply().status()).isEqualTo(403);
    assertThat(notAllowed.localReply().text()).isEqualTo("Unauthorized Consumer");
    assertThat(notAllowed.headers().get("x-mse-consumer")).isNull();

    // without its secret nothing tells whether a key would be allowed
    var forged = new Client("GET", "/").sign("appKey-example-2", "guess", List.of()).on(host, "/");
    forged.requestHeaders();
    assertThat(forged.localReply().status()).isEqualTo(400);
  }

  @Test
  void globalAuthFalseLetsRequestsThrough() throws Exception {
    Map<String, Object> c = global(null);
    c.put("global_auth", false);
    var ex = PluginTestHost.of(factory, c).exchange("GET", "/", "a");
    assertThat(ex.requestHeaders()).isEqualTo(Action.CONTINUE);
    assertThat(ex.localReply()).isNull();
  }

  @Test
  void badConfigurationsNameTheField() {
    assertThatThrownBy(() -> factory.parseConfig(Map.of()))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("consumers:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("consumers", List.of())))
        .hasMessageStartingWith("consumers:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("consumers", List.of(Map.of("key", "k", "name", "n")))))
        .hasMessageStartingWith("consumers[0].secret:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("consumers", List.of(Map.of("secret", "s", "name", "n")))))
        .hasMessageStartingWith("consumers[0].key:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("consumers", List.of(Map.of("key", "k", "secret", "s")))))
        .hasMessageStartingWith("consumers[0].name:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("consumers", List.of(
        Map.of("key", "k", "secret", "s1", "name", "a"), Map.of("key", "k", "secret", "s2", "name", "b")))))
        .hasMessageStartingWith("consumers[1].key:").hasMessageNotContaining("s1").hasMessageNotContaining("s2");
    assertThatThrownBy(() -> factory.parseConfig(global("300"))).hasMessageStartingWith("date_offset:");
    assertThatThrownBy(() -> factory.parseConfig(global(-5))).hasMessageStartingWith("date_offset:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("allow", List.of("a")))).hasMessageStartingWith("allow:");
    assertThatThrownBy(() -> factory.parseRuleConfig(Map.of(), factory.parseConfig(global(null))))
        .hasMessageStartingWith("allow:");
    assertThatThrownBy(() -> factory.parseRuleConfig(Map.of("allow", List.of("consumer-1")), null))
        .hasMessageStartingWith("allow:");
  }

  @Test
  void secretsStayOutOfTheParsedConfiguration() throws Exception {
    assertThat(factory.parseConfig(global(null)).toString()).doesNotContain("appSecret").doesNotContain("appKey");
  }

  @Test
  void hostileInput() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, global(null));
    // escapes that decode to CR LF must not reach the X-Ca-Error-Message header as a line break
    var crlf = new Client("GET", "/").sign("appKey-example-1", "appSecret-example-1", List.of())
        .on(host, "/?a=%0d%0aSet-Cookie:%20x=1&%zz=%&b=%e4%b8%ad");
    crlf.requestHeaders();
    assertThat(crlf.localReply().status()).isEqualTo(400);
    String shown = crlf.localReply().headers().get("x-ca-error-message");
    assertThat(shown).doesNotContain("\r").doesNotContain("\n").matches("[\\x20-\\x7e]*");

    var many = new Client("GET", "/").sign("appKey-example-1", "appSecret-example-1", List.of()).on(host, "/");
    many.headers().set("x-ca-signature-headers", ",,, ,x-ca-signature,DATE," + "x-h,".repeat(5000));
    many.requestHeaders();
    assertThat(many.localReply().status()).isEqualTo(400);
    assertThat(many.localReply().headers().get("x-ca-error-message").length()).isLessThan(5000);

    var longSig = host.exchange("GET", "/", "a").header("x-ca-key", "appKey-example-1").header("x-ca-signature", "A".repeat(100_000));
    longSig.requestHeaders();
    assertThat(longSig.localReply().status()).isEqualTo(400);

    // a client-sent consumer name is not trusted
    var spoof = host.exchange("GET", "/", "a").header("x-mse-consumer", "consumer-1");
    spoof.requestHeaders();
    assertThat(spoof.localReply().status()).isEqualTo(401);
  }
}
