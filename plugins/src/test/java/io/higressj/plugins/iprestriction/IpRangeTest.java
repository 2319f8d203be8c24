package io.higressj.plugins.iprestriction;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** Addresses and ranges as ip-restriction reads them for every request. */
class IpRangeTest {
  @Test
  void dottedQuadsAsTheJdkReadsThem() throws Exception {
    for (String s : new String[] {"0.0.0.0", "127.0.0.1", "255.255.255.255", "10.1.2.3", "192.168.0.1"}) {
      assertThat(IpRange.parseAddress(s)).as(s).isEqualTo(InetAddress.getByName(s).getAddress());
    }
    assertThat(IpRange.parseAddress("010.001.000.009")).as("leading zeros: decimal").containsExactly(10, 1, 0, 9);
  }

  @Test
  void anythingElseIsNotAnAddress() {
    for (String s : new String[] {"", "1.2.3", "1.2.3.4.", ".1.2.3", "1..2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.999",
        "1.2.3.0001", "1.2.3.a", "1.2.3.-4", "1.2.3.4 ", "example.com", "+1.2.3.4"}) {
      assertThat(IpRange.parseAddress(s)).as("\"%s\"", s).isNull();
    }
  }

  @Test
  void rangesContainTheAddressesUnderTheirPrefix() {
    IpRange net = IpRange.parse("10.0.0.0/8");
    IpRange odd = IpRange.parse("192.168.5.130/25"); // 192.168.5.128 - .255
    IpRange one = IpRange.parse("127.0.0.1");
    assertThat(net.contains(IpRange.parseAddress("10.255.1.2"))).isTrue();
    assertThat(net.contains(IpRange.parseAddress("11.0.0.0"))).isFalse();
    assertThat(odd.contains(IpRange.parseAddress("192.168.5.128"))).isTrue();
    assertThat(odd.contains(IpRange.parseAddress("192.168.5.255"))).isTrue();
    assertThat(odd.contains(IpRange.parseAddress("192.168.5.127"))).isFalse();
    assertThat(one.contains(IpRange.parseAddress("127.0.0.1"))).isTrue();
    assertThat(one.contains(IpRange.parseAddress("127.0.0.2"))).isFalse();
    assertThat(net.contains(IpRange.parseAddress("::1"))).as("another family").isFalse();
    assertThat(IpRange.parse("0.0.0.0/0").contains(IpRange.parseAddress("203.0.113.9"))).isTrue();
  }
}
