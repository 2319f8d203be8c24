package io.higressj.plugins.cachecontrol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginPhase;
import io.higressj.testing.plugin.PluginTestHost;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheControlTest {
  private final CacheControlFactory factory =
      new CacheControlFactory(Clock.fixed(Instant.parse("2026-12-06T09:00:00Z"), ZoneOffset.UTC));

  private PluginTestHost.Exchange run(Map<String, Object> cfg, String path) throws Exception {
    PluginTestHost.Exchange ex = PluginTestHost.of(factory, cfg).exchange("GET", path, "foo.com");
    ex.requestHeaders();
    ex.responseHeaders(200, Map.of("cache-control", "no-store"), true);
    return ex;
  }

  @Test
  void placement() {
    assertThat(factory.name()).isEqualTo("cache-control");
    assertThat(factory.defaultPhase()).isEqualTo(PluginPhase.AUTHN);
    assertThat(factory.defaultPriority()).isEqualTo(420);
  }

  @Test
  void secondsForEveryPathAsInTheCorpus() throws Exception {
    PluginTestHost.Exchange ex = run(Map.of("expires", 3600), "/foo");
    assertThat(ex.response().getAll("cache-control")).containsExactly("max-age=3600");
    assertThat(ex.response().get("expires")).isEqualTo("Sun, 06 Dec 2026 10:00:00 GMT");
    assertThat(run(Map.of("expires", "60"), "/").response().get("cache-control")).isEqualTo("max-age=60");
  }

  @Test
  void suffixesAreMatchedOnTheFileNameWithoutQuery() throws Exception {
    Map<String, Object> cfg = Map.of("suffix", "jpg|png| .jpeg", "expires", "3600");
    assertThat(run(cfg, "/a/test.png").response().get("cache-control")).isEqualTo("max-age=3600");
    assertThat(run(cfg, "/a/TEST.JPG?x=1").response().get("cache-control")).isEqualTo("max-age=3600");
    assertThat(run(cfg, "/a/b.jpeg").response().get("cache-control")).isEqualTo("max-age=3600");
    assertThat(run(cfg, "/a/test.html").response().get("cache-control")).isEqualTo("no-store");
    assertThat(run(cfg, "/a.png/index").response().get("cache-control")).isEqualTo("no-store");
    assertThat(run(cfg, "/a/b?f=x.png").response().get("cache-control")).isEqualTo("no-store");
    assertThat(run(cfg, "").response().get("cache-control")).isEqualTo("no-store");
  }

  @Test
  void maxEpochAndNegative() throws Exception {
    PluginTestHost.Exchange max = run(Map.of("expires", "max"), "/");
    assertThat(max.response().get("expires")).isEqualTo("Thu, 31 Dec 2037 23:55:55 GMT");
    assertThat(max.response().get("cache-control")).isEqualTo("max-age=315360000");
    PluginTestHost.Exchange epoch = run(Map.of("expires", "epoch"), "/");
    assertThat(epoch.response().get("expires")).isEqualTo("Thu, 01 Jan 1970 00:00:01 GMT");
    assertThat(epoch.response().get("cache-control")).isEqualTo("no-cache");
    PluginTestHost.Exchange negative = run(Map.of("expires", -10), "/");
    assertThat(negative.response().get("cache-control")).isEqualTo("no-cache");
    assertThat(negative.response().get("expires")).isEqualTo("Sun, 06 Dec 2026 08:59:50 GMT");
  }

  @Test
  void badConfigurationsNameTheField() {
    assertThatThrownBy(() -> factory.parseConfig(Map.of())).isInstanceOf(PluginConfigException.class)
        .hasMessageStartingWith("expires: missing");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("expires", "1h"))).isInstanceOf(PluginConfigException.class)
        .hasMessageStartingWith("expires: \"1h\"");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("expires", 1.5))).isInstanceOf(PluginConfigException.class)
        .hasMessageStartingWith("expires: 1.5");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("expires", "99999999999999999999")))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("expires: ");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("expires", 60, "suffix", List.of("png"))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("suffix: ");
  }
}
