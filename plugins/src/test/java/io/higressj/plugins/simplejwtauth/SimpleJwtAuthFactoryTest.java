package io.higressj.plugins.simplejwtauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.Base64URL;
import io.higressj.api.Action;
import io.higressj.api.PluginConfigException;
import io.higressj.testing.plugin.PluginTestHost;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class SimpleJwtAuthFactoryTest {
  static final String SECRET = "Dav7kfq3iA8S!JUj8&CUkdnQe72E@Cw6";
  static final long NOW = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();
  final SimpleJwtAuthFactory factory = new SimpleJwtAuthFactory(Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));

  static String token(String alg, String mac, String secret, String payload) throws Exception {
    String signingInput = Base64URL.encode("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}") + "." + Base64URL.encode(payload);
    Mac m = Mac.getInstance(mac);
    m.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), mac));
    return signingInput + "." + Base64URL.encode(m.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
  }

  int status(PluginTestHost host, String token) {
    var ex = host.exchange("GET", "/info", "foo.com");
    if (token != null) ex.header("token", token);
    Action a = ex.requestHeaders();
    if (ex.localReply() == null) {
      assertThat(a).isEqualTo(Action.CONTINUE);
      return 200;
    }
    assertThat(ex.localReply().text()).startsWith("{\"code\":401,");
    return ex.localReply().status();
  }

  @Test
  void verifiesHmacTokensInTheHeader() throws Exception {
    assertThat(factory.name()).isEqualTo("simple-jwt-auth");
    PluginTestHost host = PluginTestHost.of(factory, Map.of("token_headers", "token", "token_secret_key", SECRET));
    String claims = "{\"sub\":\"u\",\"exp\":" + (NOW + 60) + "}";
    assertThat(status(host, token("HS256", "HmacSHA256", SECRET, claims))).isEqualTo(200);
    assertThat(status(host, "Bearer " + token("HS512", "HmacSHA512", SECRET, claims))).isEqualTo(200);
    assertThat(status(host, null)).isEqualTo(401);
    assertThat(status(host, token("HS256", "HmacSHA256", "other", claims))).isEqualTo(401);
    assertThat(status(host, token("HS256", "HmacSHA256", SECRET, "{\"exp\":" + (NOW - 1) + "}"))).isEqualTo(401);
    // short secrets work (Higress's Go plugin does not insist on 256 bits)
    PluginTestHost shortSecret = PluginTestHost.of(factory, Map.of("token_headers", "token", "token_secret_key", "abc"));
    assertThat(status(shortSecret, token("HS256", "HmacSHA256", "abc", claims))).isEqualTo(200);
  }

  @Test
  void hostileTokens() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, Map.of("token_headers", "token", "token_secret_key", SECRET));
    String payload = Base64URL.encode("{\"sub\":\"u\"}").toString();
    for (String t : List.of("", "x", "a.b.c", Base64URL.encode("{\"alg\":\"none\"}") + "." + payload + ".",
        Base64URL.encode("{\"alg\":\"RS256\"}") + "." + payload + ".AAAA", "x".repeat(100_000),
        token("HS256", "HmacSHA256", SECRET, "[1]"))) {
      assertThat(status(host, t)).isEqualTo(401);
    }
  }

  @Test
  void badConfigurationsNameTheField() {
    assertThatThrownBy(() -> factory.parseConfig(Map.of("token_headers", "token")))
        .isInstanceOfSatisfying(PluginConfigException.class, e -> assertThat(e.field()).isEqualTo("token_secret_key"));
    assertThatThrownBy(() -> factory.parseConfig(Map.of("token_secret_key", "s", "token_headers", List.of("a"))))
        .isInstanceOfSatisfying(PluginConfigException.class, e -> assertThat(e.field()).isEqualTo("token_headers"));
  }

  @Test
  void configNeverShowsTheSecret() throws Exception {
    assertThat(factory.parseConfig(Map.of("token_headers", "token", "token_secret_key", SECRET)).toString()).doesNotContain(SECRET);
  }
}
