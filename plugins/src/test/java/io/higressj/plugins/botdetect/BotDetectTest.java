package io.higressj.plugins.botdetect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.higressj.api.Action;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginPhase;
import io.higressj.testing.plugin.PluginTestHost;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BotDetectTest {
  private final BotDetectFactory factory = new BotDetectFactory();

  private static PluginTestHost.Exchange ua(PluginTestHost host, String userAgent) {
    PluginTestHost.Exchange ex = host.exchange("GET", "/", "foo.com");
    if (userAgent != null) ex.header("User-Agent", userAgent);
    return ex;
  }

  @Test
  void placement() {
    assertThat(factory.name()).isEqualTo("bot-detect");
    assertThat(factory.defaultPhase()).isEqualTo(PluginPhase.AUTHZ);
    assertThat(factory.defaultPriority()).isEqualTo(310);
  }

  @Test
  void corpusRule() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, Map.of("blocked_code", 401, "blocked_message", "deny by bot detect",
        "allow", List.of("Tailsweep"), "deny", List.of("Go-Client")));
    PluginTestHost.Exchange baidu = ua(host, "BaiduMobaider/1.1.0");
    assertThat(baidu.requestHeaders()).isEqualTo(Action.PAUSE);
    assertThat(baidu.localReply().status()).isEqualTo(401);
    assertThat(baidu.localReply().text()).isEqualTo("deny by bot detect");
    assertThat(ua(host, "Mozilla/5.0").requestHeaders()).isEqualTo(Action.CONTINUE);
    assertThat(ua(host, "Tailsweep").requestHeaders()).isEqualTo(Action.CONTINUE);
    assertThat(ua(host, "/Tailsweep-1.0").requestHeaders()).isEqualTo(Action.CONTINUE); // allow wins over the defaults
    assertThat(ua(host, "Go-Client").requestHeaders()).isEqualTo(Action.PAUSE);
  }

  @Test
  void defaultRules() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, Map.of());
    for (String bot : List.of("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
        "Sogou web spider/4.0", "Twitterbot/1.0", "Go-http-client/1.1", "python-requests/2.31.0",
        "Mozilla/5.0 (compatible; YandexBot/3.0)", "facebookexternalhit/1.1", "Scrapy/2.11 (+https://scrapy.org)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36",
        "my-crawler 1.0")) {
      PluginTestHost.Exchange ex = ua(host, bot);
      assertThat(ex.requestHeaders()).as(bot).isEqualTo(Action.PAUSE);
      assertThat(ex.localReply().status()).isEqualTo(403);
    }
    for (String human : List.of("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", "curl/8.4.0", "")) {
      assertThat(ua(host, human).requestHeaders()).as(human).isEqualTo(Action.CONTINUE);
    }
    assertThat(ua(host, null).requestHeaders()).isEqualTo(Action.CONTINUE);
  }

  @Test
  void hostileUserAgents() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, Map.of("deny", List.of("(a|aa)+$")));
    String evil = "a".repeat(100_000) + "!";
    long start = System.nanoTime();
    assertThat(ua(host, evil).requestHeaders()).isEqualTo(Action.CONTINUE);
    assertThat(ua(host, "x".repeat(50) + " bot" + "\u0000\uFFFD" + "spider/1").requestHeaders()).isEqualTo(Action.PAUSE);
    assertThat(System.nanoTime() - start).isLessThan(3_000_000_000L);
  }

  @Test
  void badConfigurationsNameTheField() {
    assertThatThrownBy(() -> factory.parseConfig(Map.of("allow", List.of("ok", "(?!x)"))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("allow[1]: not a valid RE2");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("deny", "Go-Client")))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("deny: ");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("blocked_code", 1000)))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("blocked_code: 1000");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("blocked_message", List.of())))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("blocked_message: ");
  }
}
