package io.higressj.plugins.iprestriction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.higressj.api.Action;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginPhase;
import io.higressj.testing.plugin.PluginTestHost;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IpRestrictionTest {
  private final IpRestrictionFactory factory = new IpRestrictionFactory();

  private static PluginTestHost.Exchange fromHeader(PluginTestHost host, String header, String value) {
    PluginTestHost.Exchange ex = host.exchange("GET", "/info", "foo.com");
    if (value != null) ex.header(header, value);
    return ex;
  }

  @Test
  void nameAndPlacementAreHigressOwn() {
    assertThat(factory.name()).isEqualTo("ip-restriction");
    assertThat(factory.defaultPhase()).isEqualTo(PluginPhase.AUTHN);
    assertThat(factory.defaultPriority()).isEqualTo(210);
  }

  @Test
  void denyListFromHeaderAsInTheCorpus() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, Map.of("ip_source_type", "header", "ip_header_name", "x-real-ip",
        "deny", List.of("192.168.0.1/16", "10.0.0.1")));
    for (String blocked : List.of("10.0.0.1", "192.168.5.0", "192.168.255.255")) {
      PluginTestHost.Exchange ex = fromHeader(host, "X-Real-IP", blocked);
      assertThat(ex.requestHeaders()).as(blocked).isEqualTo(Action.PAUSE);
      assertThat(ex.localReply().status()).isEqualTo(403);
      assertThat(ex.localReply().text()).isEqualTo("Your IP address is blocked.");
    }
    for (String ok : List.of("10.0.0.2", "192.169.5.0")) {
      PluginTestHost.Exchange ex = fromHeader(host, "X-Real-IP", ok);
      assertThat(ex.requestHeaders()).as(ok).isEqualTo(Action.CONTINUE);
      assertThat(ex.localReply()).isNull();
    }
  }

  @Test
  void allowListFromThePeerWithCustomStatusAndMessage() throws Exception {
    Map<String, Object> cfg = Map.of("allow", List.of("10.0.0.0/8", "2001:db8::/32"), "status", 451, "message", "go away");
    PluginTestHost inside = PluginTestHost.of(factory, cfg).client("10.1.2.3", false);
    assertThat(inside.exchange("GET", "/", "a").requestHeaders()).isEqualTo(Action.CONTINUE);
    PluginTestHost v6 = PluginTestHost.of(factory, cfg).client("[2001:db8::1]:5555", false);
    assertThat(v6.exchange("GET", "/", "a").requestHeaders()).isEqualTo(Action.CONTINUE);
    PluginTestHost withPort = PluginTestHost.of(factory, cfg).client("10.9.9.9:1234", false);
    assertThat(withPort.exchange("GET", "/", "a").requestHeaders()).isEqualTo(Action.CONTINUE);
    PluginTestHost outside = PluginTestHost.of(factory, cfg).client("11.0.0.1", false);
    PluginTestHost.Exchange ex = outside.exchange("GET", "/", "a");
    assertThat(ex.requestHeaders()).isEqualTo(Action.PAUSE);
    assertThat(ex.localReply().status()).isEqualTo(451);
    assertThat(ex.localReply().text()).isEqualTo("go away");
  }

  @Test
  void forwardedForUsesTheFirstHopAndMappedAddressesCountAsV4() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, Map.of("ip_source_type", "header", "deny", List.of("1.2.3.4")));
    assertThat(fromHeader(host, "x-forwarded-for", " 1.2.3.4 , 10.0.0.1").requestHeaders()).isEqualTo(Action.PAUSE);
    assertThat(fromHeader(host, "x-forwarded-for", "10.0.0.1, 1.2.3.4").requestHeaders()).isEqualTo(Action.CONTINUE);
    assertThat(fromHeader(host, "x-forwarded-for", "::ffff:1.2.3.4").requestHeaders()).isEqualTo(Action.PAUSE);
  }

  @Test
  void anUnreadableClientAddressIsRefused() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, Map.of("ip_source_type", "header", "ip_header_name", "x-real-ip",
        "deny", List.of("10.0.0.1")));
    for (String hostile : new String[] {null, "", "localhost", "10.0.0.1.evil", "999.1.1.1", "1.2.3", "0x0a.0.0.1",
        "::1::1", "a".repeat(10_000), "10.0.0.1\u0000"}) {
      PluginTestHost.Exchange ex = fromHeader(host, "x-real-ip", hostile);
      assertThat(ex.requestHeaders()).as(String.valueOf(hostile)).isEqualTo(Action.PAUSE);
      assertThat(ex.localReply().status()).isEqualTo(403);
    }
  }

  @Test
  void badConfigurationsNameTheField() {
    assertThatThrownBy(() -> factory.parseConfig(Map.of("ip_source_type", "socket")))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("ip_source_type: \"socket\"");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("deny", List.of("10.0.0.1", "10.0.0.0/33"))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("deny[1]: ");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("allow", List.of("example.com"))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("allow[0]: ");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("allow", "10.0.0.1")))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("allow: ");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("status", 42)))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("status: 42");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("ip_header_name", " ")))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("ip_header_name: ");
  }
}
