package io.higressj.server.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.higressj.server.GatewayFixture;
import io.higressj.testing.echo.EchoServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** hmac-auth, hmac-auth-apisix and oauth behind WasmPlugin objects, through a real gateway and backend. */
class SigningAuthPluginsEndToEndTest {
  @TempDir Path dir;
  GatewayFixture f;
  EchoServer echo;

  @BeforeEach
  void setUp() throws Exception {
    f = new GatewayFixture(dir);
    echo = f.fooToEcho();
    f.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return f.client().send(GatewayFixture.withHost(b, "foo.com").timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpRequest.Builder at(String path) {
    return HttpRequest.newBuilder(URI.create(f.base() + path));
  }

  String upstreamHeader(HttpResponse<String> r, String name) throws Exception {
    JsonNode headers = f.json(r).path("headers");
    for (var it = headers.fieldNames(); it.hasNext(); ) {
      String n = it.next();
      if (n.equalsIgnoreCase(name)) return headers.path(n).get(0).asText();
    }
    return null;
  }

  static String hmac(String alg, String secret, String s) throws Exception {
    Mac mac = Mac.getInstance(alg);
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), alg));
    return Base64.getEncoder().encodeToString(mac.doFinal(s.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void hmacAuthChecksSignatureAndBufferedBody() throws Exception {
    f.write("wasmplugins/hmac.yaml", """
        apiVersion: extensions.higress.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: hmac-auth, namespace: higress-system}
        spec:
          url: file:///opt/plugins/wasm-cpp/extensions/hmac_auth/plugin.wasm
          defaultConfig:
            consumers: [{key: appKey-1, secret: appSecret-1, name: consumer-1}]
            date_offset: 300
        """);
    f.await("foo.com", "/info", r -> r.statusCode() == 401);
    String body = "{\"order\":42}";
    String md5 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(body.getBytes(StandardCharsets.UTF_8)));
    String ts = String.valueOf(System.currentTimeMillis());
    String sts = "POST\napplication/json\n" + md5 + "\napplication/json\n\n"
        + "x-ca-key:appKey-1\nx-ca-timestamp:" + ts + "\n/orders?b=2&a=1";
    // ... the query as sent is unsorted; the signature covers it sorted: /orders?a=1&b=2
    sts = sts.replace("/orders?b=2&a=1", "/orders?a=1&b=2");
    HttpRequest.Builder signed = at("/orders?b=2&a=1").header("accept", "application/json").header("content-type", "application/json")
        .header("content-md5", md5).header("x-ca-key", "appKey-1").header("x-ca-timestamp", ts)
        .header("x-ca-signature-headers", "x-ca-key,x-ca-timestamp").header("x-ca-signature", hmac("HmacSHA256", "appSecret-1", sts));

    HttpResponse<String> ok = send(signed.copy().POST(HttpRequest.BodyPublishers.ofString(body)));
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(upstreamHeader(ok, "x-mse-consumer")).isEqualTo("consumer-1");
    assertThat(f.json(ok).path("body").path("order").asInt()).isEqualTo(42); // the buffered body went on

    HttpResponse<String> tampered = send(signed.copy().POST(HttpRequest.BodyPublishers.ofString("{\"order\":43}")));
    assertThat(tampered.statusCode()).isEqualTo(400);
    assertThat(tampered.body()).isEqualTo("Invalid Content-MD5");

    HttpResponse<String> otherQuery = send(signed.copy().uri(URI.create(f.base() + "/orders?b=3&a=1"))
        .POST(HttpRequest.BodyPublishers.ofString(body)));
    assertThat(otherQuery.statusCode()).isEqualTo(400);
    assertThat(otherQuery.headers().firstValue("x-ca-error-message").orElseThrow()).endsWith("#/orders?a=1&b=3`");
  }

  @Test
  void hmacAuthApisixThroughTheGateway() throws Exception {
    f.write("wasmplugins/hmac.yaml", """
        apiVersion: extensions.higress.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: hmac-auth-apisix, namespace: higress-system}
        spec:
          url: oci://higress-registry.cn-hangzhou.cr.aliyuncs.com/plugins/hmac-auth-apisix:1.0.0
          defaultConfig:
            consumers: [{name: consumer1, access_key: consumer1-key, secret_key: 2bda943c-ba2b-11ec-ba07-00163e1250b5}]
            hide_credentials: true
        """);
    f.await("foo.com", "/info", r -> r.statusCode() == 401);
    String date = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).format(ZonedDateTime.now(ZoneOffset.UTC));
    String sig = hmac("HmacSHA256", "2bda943c-ba2b-11ec-ba07-00163e1250b5", "consumer1-key\nGET /info?x=1\ndate: " + date + "\n");
    HttpResponse<String> ok = send(at("/info?x=1").header("date", date).header("authorization",
        "Signature keyId=\"consumer1-key\",algorithm=\"hmac-sha256\",headers=\"@request-target date\",signature=\"" + sig + "\""));
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(upstreamHeader(ok, "x-mse-consumer")).isEqualTo("consumer1");
    assertThat(upstreamHeader(ok, "authorization")).isNull();
  }

  @Test
  void oauthIssuesTokensTheGatewayThenAccepts() throws Exception {
    f.write("wasmplugins/oauth.yaml", """
        apiVersion: extensions.higress.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: oauth, namespace: higress-system}
        spec:
          url: oci://higress-registry.cn-hangzhou.cr.aliyuncs.com/plugins/oauth:1.0.0
          defaultConfig:
            consumers:
            - {name: consumer1, client_id: id-1, client_secret: secret-1}
        """);
    f.await("foo.com", "/info", r -> r.statusCode() == 401);
    HttpResponse<String> byGet = send(at("/oauth2/token?grant_type=client_credentials&client_id=id-1&client_secret=secret-1"));
    assertThat(byGet.statusCode()).as(byGet.body()).isEqualTo(200);
    String token = f.json(byGet).path("access_token").asText();

    HttpResponse<String> byPost = send(at("/api/oauth2/token").header("content-type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=id-1&client_secret=secret-1")));
    assertThat(byPost.statusCode()).as(byPost.body()).isEqualTo(200);
    assertThat(f.json(byPost).path("expires_in").asLong()).isEqualTo(7200);

    HttpResponse<String> ok = send(at("/info").header("authorization", "Bearer " + token));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(upstreamHeader(ok, "x-mse-consumer")).isEqualTo("consumer1");

    HttpResponse<String> badSecret = send(at("/oauth2/token?grant_type=client_credentials&client_id=id-1&client_secret=nope"));
    assertThat(badSecret.statusCode()).isEqualTo(400);
    HttpResponse<String> spoofed = send(at("/info").header("x-mse-consumer", "consumer1"));
    assertThat(spoofed.statusCode()).isEqualTo(401);
  }
}
