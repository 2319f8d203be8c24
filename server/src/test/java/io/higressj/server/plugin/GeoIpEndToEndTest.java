package io.higressj.server.plugin;

import static io.higressj.testing.geoip.Ip2RegionFiles.range;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.higressj.proxy.ProxyOptions;
import io.higressj.server.GatewayFixture;
import io.higressj.server.ServerOptions;
import io.higressj.testing.echo.EchoServer;
import io.higressj.testing.geoip.Ip2RegionFiles;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * geo-ip in a gateway: the location of the client (from X-Forwarded-For or from the connection, after
 * one trusted hop) reaches the upstream as X-Higress-Geo-* headers and a later plugin as the geo-*
 * properties; a database that cannot be read is reported and the last good configuration keeps serving.
 */
class GeoIpEndToEndTest {
  @TempDir Path dir;
  @TempDir Path data;
  GatewayFixture f;
  Path xdb;

  static final List<Ip2RegionFiles.Range> RANGES = List.of(
      range("2.2.0.0", "2.2.255.255", "法国|0|Var|0|橘子电信"),
      range("70.155.208.0", "70.155.208.255", "美国|0|密西西比|0|美国电话电报"));

  @BeforeEach
  void setUp() throws Exception {
    f = new GatewayFixture(dir);
    EchoServer echo = f.fooToEcho();
    xdb = data.resolve("ip2region.xdb");
    Files.write(xdb, Ip2RegionFiles.xdbV2(RANGES));
    f.write("wasmplugins/props.yaml", """
        apiVersion: extensions.higress.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: props, namespace: higress-system}
        spec:
          url: oci://example.com/plugins/property-headers:1.0.0
          defaultConfig:
            x-seen-country: geo-country
            x-seen-province: geo-province
            x-seen-city: geo-city
            x-seen-isp: geo-isp
        """);
    // one trusted proxy in front: the connection source is the last X-Forwarded-For address
    f.start(ServerOptions.forTest(dir).withProxy(ProxyOptions.defaults().toBuilder().xffNumTrustedHops(1).build()));
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  void geoIp(String config) throws Exception {
    f.write("wasmplugins/geo-ip.yaml", """
        apiVersion: extensions.higress.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: geo-ip, namespace: higress-system}
        spec:
          url: oci://higress-registry.cn-hangzhou.cr.aliyuncs.com/plugins/geo-ip:1.0.0
          defaultConfig:
        %s
        """.formatted(config.indent(4)));
  }

  HttpResponse<String> get(String... headers) throws Exception {
    HttpRequest.Builder b = GatewayFixture.withHost(HttpRequest.newBuilder(URI.create(f.base() + "/get")), "foo.com");
    if (headers.length > 0) b.headers(headers);
    return f.client().send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** the request header the upstream saw, whatever its case; null when absent */
  String upstream(HttpResponse<String> r, String name) throws Exception {
    JsonNode headers = f.json(r).path("headers");
    for (Iterator<Map.Entry<String, JsonNode>> it = headers.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equalsIgnoreCase(name)) return e.getValue().get(0).asText();
    }
    return null;
  }

  String decoded(HttpResponse<String> r, String name) throws Exception {
    String v = upstream(r, name);
    return v == null ? null : URLDecoder.decode(v, StandardCharsets.UTF_8);
  }

  HttpResponse<String> await(String... headers) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    HttpResponse<String> r = get(headers);
    while (System.nanoTime() < deadline && (r.statusCode() != 200 || upstream(r, "x-higress-geo-country") == null)) {
      Thread.sleep(20);
      r = get(headers);
    }
    assertThat(r.statusCode()).isEqualTo(200);
    return r;
  }

  @Test
  void fromTheForwardedForHeaderAsInHigressConformance() throws Exception {
    geoIp("""
        ip_protocol: ipv4
        ip_source_type: header
        ip_header_name: X-Forwarded-For
        ip_database: %s
        """.formatted(xdb));
    HttpResponse<String> r = await("X-Forwarded-For", "70.155.208.224,10.1.1.1");
    assertThat(upstream(r, "X-Higress-Geo-Country")).isEqualTo("%E7%BE%8E%E5%9B%BD");
    assertThat(decoded(r, "X-Higress-Geo-Province")).isEqualTo("密西西比");
    assertThat(upstream(r, "X-Higress-Geo-City")).isEmpty();
    assertThat(decoded(r, "X-Higress-Geo-Isp")).isEqualTo("美国电话电报");
    // a later plugin reads the properties
    assertThat(decoded(r, "x-seen-country")).isEqualTo("美国");
    assertThat(decoded(r, "x-seen-province")).isEqualTo("密西西比");
    assertThat(decoded(r, "x-seen-city")).isEmpty();
    assertThat(decoded(r, "x-seen-isp")).isEqualTo("美国电话电报");

    HttpResponse<String> fr = get("X-Forwarded-For", "2.2.128.100,10.1.1.2");
    assertThat(decoded(fr, "X-Higress-Geo-Country")).isEqualTo("法国");
    assertThat(upstream(fr, "X-Higress-Geo-Province")).isEqualTo("Var");
    assertThat(decoded(fr, "x-seen-isp")).isEqualTo("橘子电信");

    HttpResponse<String> unknown = get("X-Forwarded-For", "9.9.9.9", "X-Higress-Geo-Country", "spoofed");
    assertThat(unknown.statusCode()).isEqualTo(200);
    assertThat(upstream(unknown, "x-seen-country")).as("not in the database: no properties").isEqualTo("-");
    assertThat(upstream(unknown, "X-Higress-Geo-City")).isNull();

    HttpResponse<String> malformed = get("X-Forwarded-For", "not-an-ip");
    assertThat(malformed.statusCode()).isEqualTo(200);
    assertThat(upstream(malformed, "x-seen-country")).isEqualTo("-");

    HttpResponse<String> spoofed = get("X-Forwarded-For", "2.2.0.1", "X-Higress-Geo-Country", "spoofed");
    assertThat(f.json(spoofed).path("headers").toString()).doesNotContain("spoofed");
  }

  @Test
  void fromTheConnectionSource() throws Exception {
    Files.write(xdb, Ip2RegionFiles.text(RANGES)); // the text format works the same
    geoIp("ip_database: %s".formatted(xdb));
    HttpResponse<String> r = await("X-Forwarded-For", "2.2.3.4");
    assertThat(decoded(r, "X-Higress-Geo-Country")).isEqualTo("法国");
    assertThat(decoded(r, "x-seen-country")).isEqualTo("法国");
    assertThat(decoded(r, "x-seen-province")).isEqualTo("Var");

    HttpResponse<String> local = get();
    assertThat(decoded(local, "x-seen-country")).as("127.0.0.1, as Higress answers for private ranges")
        .isEqualTo("内网IP");
    assertThat(decoded(local, "X-Higress-Geo-Isp")).isEqualTo("内网IP");
  }

  @Test
  void anUnreadableDatabaseIsReportedAndTheLastGoodConfigurationKeepsServing() throws Exception {
    geoIp("ip_database: %s".formatted(xdb));
    await("X-Forwarded-For", "2.2.3.4");
    Path broken = data.resolve("broken.xdb");
    byte[] good = Files.readAllBytes(xdb);
    Files.write(broken, Arrays.copyOf(good, good.length - 7));
    geoIp("ip_database: %s".formatted(broken));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!f.adminGet("/config_dump").contains("spec.defaultConfig.ip_database") && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(f.adminGet("/config_dump")).contains("spec.defaultConfig.ip_database")
        .contains("geo-ip").contains("broken.xdb").contains("truncated or corrupt xdb file")
        .contains("still serving its last good version");
    assertThat(decoded(get("X-Forwarded-For", "2.2.3.4"), "x-seen-country")).isEqualTo("法国");
  }
}
