package io.higressj.plugins.keyratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.higressj.api.Action;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginPhase;
import io.higressj.testing.plugin.PluginTestHost;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KeyRateLimitTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final KeyRateLimitFactory factory = new KeyRateLimitFactory(now::get);

  private static Action send(PluginTestHost host, String path, String header, String value) {
    PluginTestHost.Exchange ex = host.exchange("GET", path, "foo.com");
    if (header != null) ex.header(header, value);
    Action a = ex.requestHeaders();
    if (a == Action.PAUSE) {
      assertThat(ex.localReply().status()).isEqualTo(429);
      assertThat(ex.localReply().text()).isEqualTo("Too many requests");
    }
    return a;
  }

  @Test
  void nameAndPlacementAreHigressOwn() {
    assertThat(factory.name()).isEqualTo("key-rate-limit");
    assertThat(factory.defaultPhase()).isEqualTo(PluginPhase.UNSPECIFIED_PHASE);
    assertThat(factory.defaultPriority()).isEqualTo(10);
  }

  @Test
  void limitsEachListedHeaderValueAndRefillsPerWindow() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, Map.of("limit_by_header", "x-ca-key", "limit_keys", List.of(
        Map.of("key", 102234, "query_per_second", 2), Map.of("key", "308239", "query_per_hour", 1))));
    assertThat(send(host, "/", "X-Ca-Key", "102234")).isEqualTo(Action.CONTINUE);
    assertThat(send(host, "/", "X-Ca-Key", "102234")).isEqualTo(Action.CONTINUE);
    assertThat(send(host, "/", "X-Ca-Key", "102234")).isEqualTo(Action.PAUSE);
    assertThat(send(host, "/", "X-Ca-Key", "308239")).isEqualTo(Action.CONTINUE);
    assertThat(send(host, "/", "X-Ca-Key", "308239")).isEqualTo(Action.PAUSE);
    // not listed, or absent: not limited
    for (int i = 0; i < 5; i++) assertThat(send(host, "/", "X-Ca-Key", "other")).isEqualTo(Action.CONTINUE);
    assertThat(send(host, "/", null, null)).isEqualTo(Action.CONTINUE);
    now.addAndGet(1_000_000_000L);
    assertThat(send(host, "/", "X-Ca-Key", "102234")).isEqualTo(Action.CONTINUE);
    assertThat(send(host, "/", "X-Ca-Key", "308239")).isEqualTo(Action.PAUSE);
    now.addAndGet(3_600_000_000_000L);
    assertThat(send(host, "/", "X-Ca-Key", "308239")).isEqualTo(Action.CONTINUE);
  }

  @Test
  void limitsByQueryParameter() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, Map.of("limit_by_param", "apikey", "limit_keys", List.of(
        Map.of("key", "a b", "query_per_minute", 1))));
    assertThat(send(host, "/p?x=1&apikey=a%20b", null, null)).isEqualTo(Action.CONTINUE);
    assertThat(send(host, "/p?apikey=a+b", null, null)).isEqualTo(Action.PAUSE);
    assertThat(send(host, "/p?apikey=", null, null)).isEqualTo(Action.CONTINUE);
    assertThat(send(host, "/p?apikey=%zz", null, null)).isEqualTo(Action.CONTINUE);
  }

  @Test
  void badConfigurationsNameTheField() {
    assertThatThrownBy(() -> factory.parseConfig(Map.of("limit_keys", List.of(Map.of("key", "k", "query_per_second", 1)))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("limit_by_header:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("limit_by_header", "x"))).hasMessageStartingWith("limit_keys:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("limit_by_header", "x", "limit_by_param", "y",
        "limit_keys", List.of(Map.of("key", "k", "query_per_second", 1))))).hasMessageStartingWith("limit_by_param:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("limit_by_header", "x", "limit_keys", List.of(Map.of("key", "k")))))
        .hasMessageStartingWith("limit_keys[0].query_per_second:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("limit_by_header", "x", "limit_keys",
        List.of(Map.of("key", "k", "query_per_second", 1, "query_per_day", 1))))).hasMessageStartingWith("limit_keys[0].query_per_day:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("limit_by_per_ip", "from-remote-addr", "limit_keys",
        List.of(Map.of("key", "1.1.1.1", "query_per_second", 1))))).hasMessageStartingWith("limit_by_per_ip:");
  }
}
