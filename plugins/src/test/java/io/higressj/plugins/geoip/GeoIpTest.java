package io.higressj.plugins.geoip;

import static io.higressj.testing.geoip.Ip2RegionFiles.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.higressj.api.Action;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginPhase;
import io.higressj.testing.geoip.Ip2RegionFiles;
import io.higressj.testing.plugin.PluginTestHost;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeoIpTest {
  @TempDir Path dir;
  private final GeoIpFactory factory = new GeoIpFactory();

  /** ip2region's older layout (country|region|province|city|isp), with a gap and both ends of the space */
  static final List<Ip2RegionFiles.Range> V4 = List.of(
      range("0.0.0.0", "0.255.255.255", "0|0|0|内网IP|内网IP"),
      range("1.0.0.0", "1.0.0.255", "澳大利亚|0|0|0|0"),
      range("1.0.1.0", "1.0.3.255", "中国|0|福建省|福州市|电信"),
      // gap: 1.0.4.0 - 1.255.255.255
      range("2.0.0.0", "2.3.255.255", "法国|0|Var|0|橘子电信"), // spans four /16 blocks: split in the xdb
      range("70.155.208.0", "70.155.208.255", "美国|0|密西西比|0|美国电话电报"),
      range("70.155.209.0", "70.155.209.255", "美国|0|密西西比|0|美国电话电报"), // joins the previous one
      range("198.51.100.0", "198.51.100.255", "Documentation|0|0|0|0"),
      range("255.255.0.0", "255.255.255.255", "Top|0|0|0|0"));

  static final List<Ip2RegionFiles.Range> V6 = List.of(
      range("::", "::ffff", "Zero|Nowhere|0|0|ZZ"),
      range("2001:db8::", "2001:db8::ffff", "Docland|Province|City|Isp v6|DL"),
      range("2400::", "2401:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "中国|广东省|深圳市|电信|CN"),
      range("ffff:ffff::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "Top|0|0|0|TP"));

  Path write(String name, byte[] content) throws Exception {
    Path p = dir.resolve(name);
    Files.write(p, content);
    return p;
  }

  Map<String, Object> config(Path db, Object... more) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("ip_database", db.toString());
    for (int i = 0; i < more.length; i += 2) c.put((String) more[i], more[i + 1]);
    return c;
  }

  static int v4(String ip) throws Exception {
    byte[] b = InetAddress.getByName(ip).getAddress();
    return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | b[3] & 0xff;
  }

  static GeoRegion v6(GeoIpDatabase db, String ip) throws Exception {
    byte[] b = InetAddress.getByName(ip).getAddress();
    long hi = 0;
    long lo = 0;
    for (int i = 0; i < 8; i++) hi = hi << 8 | (b[i] & 0xff);
    for (int i = 8; i < 16; i++) lo = lo << 8 | (b[i] & 0xff);
    return db.lookupV6(hi, lo);
  }

  static String country(GeoRegion r) {
    return r == null ? null : r.country();
  }

  @Test
  void nameAndPlacementAreHigressOwn() {
    assertThat(factory.name()).isEqualTo("geo-ip");
    assertThat(factory.defaultPhase()).isEqualTo(PluginPhase.AUTHN);
    assertThat(factory.defaultPriority()).isEqualTo(440);
  }

  @Test
  void ipv4RangeEdgesAndGapsAreTheSameInEveryFormat() throws Exception {
    Map<String, byte[]> formats = Map.of("xdb 2", Ip2RegionFiles.xdbV2(V4), "xdb 3", Ip2RegionFiles.xdbV3(V4, false),
        "text", Ip2RegionFiles.text(V4));
    for (Map.Entry<String, byte[]> f : formats.entrySet()) {
      GeoIpDatabase db = GeoIpDatabase.parse(f.getValue(), null);
      String as = f.getKey();
      assertThat(db.v4Ranges()).as(as + ": split blocks and equal neighbours joined").isEqualTo(7);
      assertThat(db.v6Ranges()).as(as).isZero();
      assertThat(db.fields()).as(as).isEqualTo(GeoIpDatabase.LAYOUT_LEGACY);
      Map<String, String> expected = new LinkedHashMap<>();
      expected.put("0.0.0.0", "");
      expected.put("0.255.255.255", "");
      expected.put("1.0.0.0", "澳大利亚");
      expected.put("1.0.0.255", "澳大利亚");
      expected.put("1.0.1.0", "中国");
      expected.put("1.0.3.255", "中国");
      expected.put("1.0.4.0", null);
      expected.put("1.255.255.255", null);
      expected.put("2.0.0.0", "法国");
      expected.put("2.0.255.255", "法国");
      expected.put("2.1.0.0", "法国");
      expected.put("2.3.255.255", "法国");
      expected.put("2.4.0.0", null);
      expected.put("70.155.208.224", "美国");
      expected.put("70.155.209.255", "美国");
      expected.put("70.155.210.0", null);
      expected.put("255.254.255.255", null);
      expected.put("255.255.0.0", "Top");
      expected.put("255.255.255.255", "Top");
      for (Map.Entry<String, String> e : expected.entrySet()) {
        assertThat(country(db.lookupV4(v4(e.getKey())))).as(as + " " + e.getKey()).isEqualTo(e.getValue());
      }
      GeoRegion cn = db.lookupV4(v4("1.0.2.3"));
      assertThat(List.of(cn.country(), cn.province(), cn.city(), cn.isp())).as(as)
          .containsExactly("中国", "福建省", "福州市", "电信");
      GeoRegion us = db.lookupV4(v4("70.155.208.224"));
      assertThat(List.of(us.country(), us.province(), us.city(), us.isp())).as(as + ": 0 is unknown, read as empty")
          .containsExactly("美国", "密西西比", "", "美国电话电报");
      assertThat(db.lookupV4(v4("70.155.209.1"))).as(as + ": one region object per distinct region").isSameAs(us);
    }
  }

  @Test
  void ipv6RangesFromXdb3AndText() throws Exception {
    for (byte[] file : List.of(Ip2RegionFiles.xdbV3(V6, true), Ip2RegionFiles.text(V6))) {
      GeoIpDatabase db = GeoIpDatabase.parse(file, null);
      assertThat(db.v6Ranges()).isEqualTo(4);
      assertThat(db.v4Ranges()).isZero();
      assertThat(db.fields()).as("two-letter codes at the end: ip2region 3.0's layout").isEqualTo(GeoIpDatabase.LAYOUT_V3);
      assertThat(country(v6(db, "::"))).isEqualTo("Zero");
      assertThat(country(v6(db, "::ffff"))).isEqualTo("Zero");
      assertThat(country(v6(db, "::1:0"))).isNull();
      assertThat(country(v6(db, "2001:db8::"))).isEqualTo("Docland");
      assertThat(country(v6(db, "2001:db8::ffff"))).isEqualTo("Docland");
      assertThat(country(v6(db, "2001:db8::1:0"))).isNull();
      assertThat(country(v6(db, "2400::1"))).isEqualTo("中国");
      assertThat(country(v6(db, "2401:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))).isEqualTo("中国");
      assertThat(country(v6(db, "2402::"))).isNull();
      assertThat(country(v6(db, "8000::"))).as("above 2^127: unsigned order").isNull();
      assertThat(country(v6(db, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))).isEqualTo("Top");
      GeoRegion sz = v6(db, "2400:1::");
      assertThat(List.of(sz.country(), sz.province(), sz.city(), sz.isp())).containsExactly("中国", "广东省", "深圳市", "电信");
    }
  }

  @Test
  void regionLayoutIsDetectedOrConfigured() throws Exception {
    assertThat(GeoIpDatabase.detectLayout(List.of("中国|广东省|深圳市|电信|CN", "United States|0|0|0|US", "0|0|0|内网IP|0")))
        .isEqualTo(GeoIpDatabase.LAYOUT_V3);
    assertThat(GeoIpDatabase.detectLayout(List.of("中国|0|广东省|深圳市|电信", "美国|0|0|0|0")))
        .isEqualTo(GeoIpDatabase.LAYOUT_LEGACY);
    assertThat(GeoIpDatabase.detectLayout(List.of("a|b|c|d"))).isEqualTo(GeoIpDatabase.LAYOUT_LEGACY);
    List<String> mostlyCodes = new java.util.ArrayList<>(java.util.Collections.nCopies(30, "中国|广东省|深圳市|电信|CN"));
    mostlyCodes.add("0|0|内网IP|内网IP|0");
    mostlyCodes.add("Reserved|0|0|0|Reserved");
    assertThat(GeoIpDatabase.detectLayout(mostlyCodes)).as("a few odd regions").isEqualTo(GeoIpDatabase.LAYOUT_V3);
    Path db = write("custom.txt", "1.2.3.0|1.2.3.255|Isp X|Cityville|Landia\n".getBytes());
    GeoIpFactory.Config c = factory.parseConfig(config(db, "ip_database_fields", List.of("isp", "city", "country")));
    GeoRegion r = c.database().lookupV4(v4("1.2.3.4"));
    assertThat(List.of(r.country(), r.province(), r.city(), r.isp())).containsExactly("Landia", "", "Cityville", "Isp X");
  }

  @Test
  void headerSourceSetsPropertiesAndEscapedHeaders() throws Exception {
    Path db = write("ip2region.xdb", Ip2RegionFiles.xdbV2(V4));
    PluginTestHost host = PluginTestHost.of(factory, config(db, "ip_source_type", "header"));
    PluginTestHost.Exchange ex = host.exchange("GET", "/get", "foo.com")
        .header("X-Forwarded-For", "70.155.208.224, 10.1.1.1")
        .header("X-Higress-Geo-Country", "spoofed");
    assertThat(ex.requestHeaders()).isEqualTo(Action.CONTINUE);
    assertThat(ex.attribute("geo-country", String.class)).isEqualTo("美国");
    assertThat(ex.attribute("geo-province", String.class)).isEqualTo("密西西比");
    assertThat(ex.attribute("geo-city", String.class)).isEmpty();
    assertThat(ex.attribute("geo-isp", String.class)).isEqualTo("美国电话电报");
    assertThat(ex.headers().getAll("x-higress-geo-country")).containsExactly("%E7%BE%8E%E5%9B%BD");
    assertThat(ex.headers().get("x-higress-geo-province")).isEqualTo("%E5%AF%86%E8%A5%BF%E8%A5%BF%E6%AF%94");
    assertThat(ex.headers().get("x-higress-geo-city")).isEmpty();
    assertThat(ex.headers().get("x-higress-geo-isp")).isEqualTo("%E7%BE%8E%E5%9B%BD%E7%94%B5%E8%AF%9D%E7%94%B5%E6%8A%A5");
    assertThat(ex.rerouteDisabled()).isTrue();
    assertThat(ex.localReply()).isNull();
  }

  @Test
  void customHeaderWithPortAndTheGoQueryEscaping() throws Exception {
    Path db = write("ip2region.txt", Ip2RegionFiles.text(V4));
    PluginTestHost host = PluginTestHost.of(factory, config(db, "ip_source_type", "header", "ip_header_name", "X-Real-IP"));
    PluginTestHost.Exchange ex = host.exchange("GET", "/", "foo.com").header("X-Real-IP", "2.2.128.100:8080");
    ex.requestHeaders();
    assertThat(ex.attribute("geo-country", String.class)).isEqualTo("法国");
    assertThat(ex.headers().get("x-higress-geo-province")).isEqualTo("Var");
    assertThat(GeoRegion.queryEscape("a b~*/é")).isEqualTo("a+b~%2A%2F%C3%A9");
  }

  @Test
  void originSourceUsesTheClientAddressAndPrivateRangesAreInternal() throws Exception {
    Path db = write("ip2region.xdb", Ip2RegionFiles.xdbV3(V4, false));
    Map<String, Object> cfg = config(db); // origin-source by default
    PluginTestHost.Exchange pub = PluginTestHost.of(factory, cfg).client("70.155.208.1:40000", false)
        .exchange("GET", "/", "foo.com").header("X-Forwarded-For", "1.0.1.1");
    pub.requestHeaders();
    assertThat(pub.attribute("geo-country", String.class)).as("the header is not read").isEqualTo("美国");
    for (String internal : List.of("127.0.0.1", "10.1.2.3", "192.168.1.1", "172.31.255.255", "100.64.0.1",
        "169.254.1.1", "198.51.100.7", "224.0.0.1", "255.255.255.255", "0.0.0.0")) {
      PluginTestHost.Exchange ex = PluginTestHost.of(factory, cfg).client(internal, false).exchange("GET", "/", "foo.com");
      ex.requestHeaders();
      assertThat(ex.attribute("geo-country", String.class)).as(internal).isEqualTo("内网IP");
      assertThat(ex.attribute("geo-isp", String.class)).as(internal).isEqualTo("内网IP");
      assertThat(ex.headers().get("x-higress-geo-city")).as(internal).isEqualTo("%E5%86%85%E7%BD%91IP");
    }
    assertThat(GeoIpFactory.internal(v4("100.128.0.0"))).isFalse();
    assertThat(GeoIpFactory.internal(v4("172.32.0.0"))).isFalse();
    assertThat(GeoIpFactory.internal(v4("223.255.255.255"))).isFalse();
  }

  @Test
  void unknownMalformedAndOtherProtocolAddressesPassUntouched() throws Exception {
    Path db = write("ip2region.xdb", Ip2RegionFiles.xdbV2(V4));
    PluginTestHost host = PluginTestHost.of(factory, config(db, "ip_source_type", "header"));
    for (String bad : Arrays.asList(null, "", " ", "1.0.5.5", "not-an-ip", "1.2.3", "1.2.3.4.5", "1.2.3.256", "01234.1.1.1",
        "1.2.3.4x", "-1.2.3.4", " , 1.0.1.1", "2001:db8::1", "[2001:db8::1]:443", "1.0.1.1:80:90", "example.com",
        "::1.0.1.1x")) {
      PluginTestHost.Exchange ex = host.exchange("GET", "/", "foo.com").header("X-Higress-Geo-Country", "client");
      if (bad != null) ex.header("x-forwarded-for", bad);
      assertThat(ex.requestHeaders()).as(bad).isEqualTo(Action.CONTINUE);
      assertThat(ex.attribute("geo-country", Object.class)).as(bad).isNull();
      assertThat(ex.headers().get("x-higress-geo-city")).as(bad).isNull();
      assertThat(ex.headers().get("x-higress-geo-country")).as(bad + ": Higress leaves it").isEqualTo("client");
      assertThat(ex.localReply()).as(bad).isNull();
    }
    PluginTestHost.Exchange mapped = host.exchange("GET", "/", "foo.com").header("x-forwarded-for", "::ffff:1.0.1.1");
    mapped.requestHeaders();
    assertThat(mapped.attribute("geo-country", String.class)).as("IPv4-mapped IPv6 is IPv4").isEqualTo("中国");
  }

  @Test
  void ipv6ClientsWithIpProtocolIpv6() throws Exception {
    Path db = write("ip2region_v6.xdb", Ip2RegionFiles.xdbV3(V6, true));
    PluginTestHost host = PluginTestHost.of(factory, config(db, "ip_protocol", "ipv6", "ip_source_type", "header"));
    PluginTestHost.Exchange ex = host.exchange("GET", "/", "foo.com").header("x-forwarded-for", "[2001:db8::7]:443, ::1");
    ex.requestHeaders();
    assertThat(ex.attribute("geo-country", String.class)).isEqualTo("Docland");
    assertThat(ex.attribute("geo-isp", String.class)).isEqualTo("Isp v6");
    assertThat(ex.headers().get("x-higress-geo-isp")).isEqualTo("Isp+v6");
    PluginTestHost.Exchange v4 = host.exchange("GET", "/", "foo.com").header("x-forwarded-for", "10.0.0.1");
    v4.requestHeaders();
    assertThat(v4.attribute("geo-country", Object.class)).as("IPv4 clients skip an ipv6 configuration").isNull();
    PluginTestHost.Exchange peer = PluginTestHost.of(factory, config(db, "ip_protocol", "ipv6"))
        .client("[2400::5]:1234", false).exchange("GET", "/", "foo.com");
    peer.requestHeaders();
    assertThat(peer.attribute("geo-city", String.class)).isEqualTo("深圳市");
  }

  @Test
  void ruleConfigsInheritTheDatabaseAndShareIt() throws Exception {
    Path db = write("ip2region.xdb", Ip2RegionFiles.xdbV2(V4));
    GeoIpFactory.Config global = factory.parseConfig(config(db));
    GeoIpFactory.Config rule = factory.parseRuleConfig(Map.of("ip_source_type", "header", "ip_header_name", "X-Real-IP"), global);
    assertThat(rule.database()).isSameAs(global.database());
    assertThat(rule.source()).isEqualTo(GeoIpFactory.Source.HEADER);
    assertThat(rule.headerName()).isEqualTo("x-real-ip");
    assertThat(factory.parseConfig(config(db)).database()).as("loaded once while the file is unchanged")
        .isSameAs(global.database());
    Files.write(db, Ip2RegionFiles.xdbV2(V4.subList(0, 3)));
    Files.setLastModifiedTime(db, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
    GeoIpFactory.Config changed = factory.parseConfig(config(db));
    assertThat(changed.database()).isNotSameAs(global.database());
    assertThat(changed.database().v4Ranges()).isEqualTo(3);
  }

  @Test
  void configErrorsNameTheField() throws Exception {
    Path good = write("good.xdb", Ip2RegionFiles.xdbV2(V4));
    assertThatThrownBy(() -> factory.parseConfig(Map.of())).isInstanceOf(PluginConfigException.class)
        .hasMessageStartingWith("ip_database: missing").hasMessageContaining("geo-ip in Higress-J does not embed one");
    assertThatThrownBy(() -> factory.parseConfig(config(dir.resolve("nope.xdb"))))
        .hasMessageStartingWith("ip_database: \"" + dir).hasMessageContaining("nope.xdb\": no such file (expected: an"
            + " ip2region database, xdb or text, for geo-ip)");
    assertThatThrownBy(() -> factory.parseConfig(config(dir))).hasMessageStartingWith("ip_database:")
        .hasMessageContaining("cannot be read");
    assertThatThrownBy(() -> factory.parseConfig(config(good, "ip_protocol", "ipv5")))
        .hasMessage("ip_protocol: \"ipv5\" (expected: ipv4 or ipv6)");
    assertThatThrownBy(() -> factory.parseConfig(config(good, "ip_source_type", "cookie")))
        .hasMessage("ip_source_type: \"cookie\" (expected: origin-source or header)");
    assertThatThrownBy(() -> factory.parseConfig(config(good, "ip_protocol", "ipv6")))
        .hasMessageContaining("no IPv6 ranges");
    Path v6 = write("v6.xdb", Ip2RegionFiles.xdbV3(V6, true));
    assertThatThrownBy(() -> factory.parseConfig(config(v6))).hasMessageContaining("no IPv4 ranges");
    assertThatThrownBy(() -> factory.parseConfig(config(good, "ip_database_fields", List.of("iso", "region"))))
        .hasMessageStartingWith("ip_database_fields: names none of");
    assertThatThrownBy(() -> factory.parseConfig(config(good, "ip_database_fields", List.of("city", "city"))))
        .hasMessageStartingWith("ip_database_fields[1]:");
    assertThatThrownBy(() -> factory.parseConfig(config(good, "ip_database", 7)))
        .hasMessage("ip_database: 7 (expected: a string)");
  }

  @Test
  void truncatedAndCorruptFilesAreRejected() throws Exception {
    byte[] xdb = Ip2RegionFiles.xdbV2(V4);
    Map<String, byte[]> bad = new LinkedHashMap<>();
    bad.put("empty", new byte[0]);
    bad.put("header only", Arrays.copyOf(xdb, 256));
    bad.put("half the vector index", Arrays.copyOf(xdb, 256 + 1000));
    bad.put("last entry cut", Arrays.copyOf(xdb, xdb.length - 5));
    bad.put("index cut", Arrays.copyOf(xdb, xdb.length - 14 * 3));
    byte[] pointer = xdb.clone();
    int first = (int) GeoIpDatabase.u32(xdb, 8);
    pointer[first + 13] = 0x7f; // the first entry's data pointer, far beyond the end
    bad.put("data pointer outside", pointer);
    byte[] order = xdb.clone();
    order[first] = (byte) 0xff; // the first entry starts after it ends
    order[first + 1] = (byte) 0xff;
    order[first + 2] = (byte) 0xff;
    bad.put("start after end", order);
    byte[] version = xdb.clone();
    version[0] = 3;
    version[16] = 5;
    bad.put("IP version 5", version);
    bad.put("binary garbage", new byte[] {(byte) 0xff, (byte) 0xfe, 0x01, 0x00});
    bad.put("text: two fields", "1.0.0.0|1.0.0.255\n".getBytes());
    bad.put("text: bad address", "1.0.0.0|1.0.0.256|a|b\n".getBytes());
    bad.put("text: mixed families", "1.0.0.0|::1|a\n".getBytes());
    bad.put("text: descending", "2.0.0.0|2.0.0.255|a\n1.0.0.0|1.0.0.255|b\n".getBytes());
    bad.put("text: overlapping", "1.0.0.0|1.0.0.255|a\n1.0.0.255|1.0.1.255|b\n".getBytes());
    bad.put("text: empty region", "1.0.0.0|1.0.0.255|\n".getBytes());
    bad.put("text: blank lines only", "\n\n".getBytes());
    for (Map.Entry<String, byte[]> e : bad.entrySet()) {
      Path p = write("bad-" + e.getKey().replaceAll("[^a-z0-9]", "_") + ".db", e.getValue());
      assertThatThrownBy(() -> factory.parseConfig(config(p))).as(e.getKey()).isInstanceOf(PluginConfigException.class)
          .hasMessageStartingWith("ip_database: \"" + p + "\": ");
    }
    Path desc = write("desc.txt", "2.0.0.0|2.0.0.255|a\n1.0.0.0|1.0.0.255|b\n".getBytes());
    assertThatThrownBy(() -> factory.parseConfig(config(desc))).hasMessageContaining("line 2: the range starts at or before");
  }

  @Test
  void parsesIpv4LiteralsStrictly() {
    assertThat(IpLiterals.parseV4("0.0.0.0", 0, 7)).isZero();
    assertThat(IpLiterals.parseV4("255.255.255.255", 0, 15)).isEqualTo(0xffffffffL);
    assertThat(IpLiterals.parseV4("x1.2.3.4y", 1, 8)).isEqualTo(0x01020304L);
    for (String bad : List.of("", "1", "1.2.3", "1.2.3.", ".1.2.3", "1..2.3", "1.2.3.4.", "256.1.1.1", "1.2.3.1000", "a.b.c.d")) {
      assertThat(IpLiterals.parseV4(bad, 0, bad.length())).as(bad).isEqualTo(-1);
    }
  }

  @Test
  void parsesIpv6LiteralsAsTheJdkDoes() throws Exception {
    long[] out = new long[2];
    for (String ok : List.of("::", "::1", "1::", "2001:db8::7", "2001:DB8:0:0:0:0:0:7", "1:2:3:4:5:6:7:8", "::ffff:1.2.3.4",
        "64:ff9b::192.0.2.33", "1:2:3:4:5:6:1.2.3.4", "fe80::1:2", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "1::8")) {
      assertThat(IpLiterals.parseV6(ok, 0, ok.length(), out)).as(ok).isTrue();
      byte[] b = InetAddress.getByName(ok).getAddress();
      if (b.length == 4) b = new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, b[0], b[1], b[2], b[3]};
      long hi = 0;
      long lo = 0;
      for (int i = 0; i < 8; i++) hi = hi << 8 | (b[i] & 0xff);
      for (int i = 8; i < 16; i++) lo = lo << 8 | (b[i] & 0xff);
      assertThat(out).as(ok).containsExactly(hi, lo);
    }
    for (String bad : List.of("", ":", ":::", "1:", ":1", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::",
        "g::", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3", "::1.2.3.4:5", "1::2:3:4:5:6:7:8", "1.2.3.4")) {
      assertThat(IpLiterals.parseV6(bad, 0, bad.length(), out)).as(bad).isFalse();
    }
  }

  @Test
  void lookupsAllocateNothingPerRequestBeyondTheSharedResult() throws Exception {
    GeoIpDatabase db = GeoIpDatabase.parse(Ip2RegionFiles.xdbV2(V4), null);
    Map<Integer, GeoRegion> seen = new HashMap<>();
    for (int i = 0; i < 1000; i++) {
      int ip = v4("1.0.1.0") + i % 768;
      GeoRegion r = db.lookupV4(ip);
      assertThat(seen.computeIfAbsent(0, k -> r)).isSameAs(r); // one shared instance, no copy per lookup
    }
  }
}
