package io.higressj.plugins.geoip;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;

/**
 * Where an address is, as geo-ip passes it on: the four values Higress sets as properties, and the
 * same values query-escaped for the {@code X-Higress-Geo-*} headers (computed once, at load time).
 */
record GeoRegion(String country, String province, String city, String isp,
    String countryHeader, String provinceHeader, String cityHeader, String ispHeader) {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray(); // before INTERNAL, which needs it

  /** what Higress reports for private, loopback, link-local, documentation and multicast IPv4 ranges */
  static final GeoRegion INTERNAL = of("内网IP", "内网IP", "内网IP", "内网IP");

  GeoRegion {
    requireNonNull(country, "country");
    requireNonNull(province, "province");
    requireNonNull(city, "city");
    requireNonNull(isp, "isp");
  }

  static GeoRegion of(String country, String province, String city, String isp) {
    return new GeoRegion(country, province, city, isp,
        queryEscape(country), queryEscape(province), queryEscape(city), queryEscape(isp));
  }

  /**
   * Go's {@code url.QueryEscape}, which Higress applies to the header values: unreserved characters
   * stay, a space becomes {@code +}, every other UTF-8 byte becomes {@code %XX} (upper-case hex).
   */
  static String queryEscape(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length * 3);
    for (byte b : bytes) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '.' || c == '~') {
        out.append((char) c);
      } else if (c == ' ') {
        out.append('+');
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 15]);
      }
    }
    return out.toString();
  }
}
