package io.higressj.plugins.geoip;

import static java.util.Objects.requireNonNull;

import io.higressj.api.Action;
import io.higressj.api.FilterContext;
import io.higressj.api.HttpFilter;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginFactory;
import io.higressj.api.PluginPhase;
import io.higressj.api.RequestHeaders;
import io.higressj.plugins.ConfigFields;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Higress's {@code geo-ip}: finds where the client address is in an ip2region database and passes
 * country, province, city and ISP on as the request properties {@code geo-country}, {@code
 * geo-province}, {@code geo-city}, {@code geo-isp} (request attributes, which Wasm plugins read with
 * {@code get_property}) and as the request headers {@code X-Higress-Geo-*} (query-escaped).
 *
 * <p>Higress embeds its database; Higress-J reads one the configuration names ({@code ip_database}).
 */
public final class GeoIpFactory implements PluginFactory<GeoIpFactory.Config> {
  /** the request properties (attributes) this plugin sets, as Higress names them */
  public static final String COUNTRY = "geo-country";
  public static final String PROVINCE = "geo-province";
  public static final String CITY = "geo-city";
  public static final String ISP = "geo-isp";

  /** Which clients are looked up; the others pass untouched. */
  public enum Protocol { IPV4, IPV6 }

  /** Where the client address comes from. */
  public enum Source { ORIGIN_SOURCE, HEADER }

  /**
   * @param databasePath the file as configured
   * @param databaseFields the region layout as configured, null when detected from the data
   * @param database shared by every configuration naming the same unchanged file
   */
  public record Config(Protocol protocol, Source source, String headerName, String databasePath,
      List<String> databaseFields, GeoIpDatabase database) {
    public Config {
      requireNonNull(protocol, "protocol");
      requireNonNull(source, "source");
      requireNonNull(headerName, "headerName");
      requireNonNull(databasePath, "databasePath");
      requireNonNull(database, "database");
      databaseFields = databaseFields == null ? null : List.copyOf(databaseFields);
    }
  }

  @Override
  public String name() {
    return "geo-ip";
  }

  @Override
  public PluginPhase defaultPhase() {
    return PluginPhase.AUTHN;
  }

  @Override
  public int defaultPriority() {
    return 440;
  }

  @Override
  public Config parseConfig(Map<String, Object> config) throws PluginConfigException {
    return parse(ConfigFields.of(config));
  }

  /** A rule's fields override the global ones, so {@code ip_database} can be given once in defaultConfig. */
  @Override
  public Config parseRuleConfig(Map<String, Object> rule, Config global) throws PluginConfigException {
    if (global == null) return parseConfig(rule);
    Map<String, Object> merged = new HashMap<>();
    merged.put("ip_protocol", global.protocol() == Protocol.IPV6 ? "ipv6" : "ipv4");
    merged.put("ip_source_type", global.source() == Source.HEADER ? "header" : "origin-source");
    merged.put("ip_header_name", global.headerName());
    merged.put("ip_database", global.databasePath());
    if (global.databaseFields() != null) merged.put("ip_database_fields", global.databaseFields());
    if (rule != null) {
      rule.forEach((k, v) -> {
        if (v != null) merged.put(k, v);
      });
      if (rule.get("ip_database") != null && rule.get("ip_database_fields") == null) {
        merged.remove("ip_database_fields"); // another file: detect its layout
      }
    }
    return parseConfig(merged);
  }

  private static Config parse(ConfigFields f) throws PluginConfigException {
    Protocol protocol = switch (f.string("ip_protocol", "").trim().toLowerCase(Locale.ROOT)) {
      case "", "ipv4" -> Protocol.IPV4;
      case "ipv6" -> Protocol.IPV6;
      default -> throw new PluginConfigException("ip_protocol",
          ConfigFields.describe(f.raw("ip_protocol")) + " (expected: ipv4 or ipv6)");
    };
    Source source = switch (f.string("ip_source_type", "").trim()) {
      case "", "origin-source" -> Source.ORIGIN_SOURCE;
      case "header" -> Source.HEADER;
      default -> throw new PluginConfigException("ip_source_type",
          ConfigFields.describe(f.raw("ip_source_type")) + " (expected: origin-source or header)");
    };
    String header = f.string("ip_header_name", "").trim();
    if (header.isEmpty()) header = "x-forwarded-for";
    List<String> fields = fields(f);
    String path = f.string("ip_database", "").trim();
    if (path.isEmpty()) {
      throw new PluginConfigException("ip_database", "missing (expected: the path of an ip2region database, xdb or"
          + " text; geo-ip in Higress-J does not embed one)");
    }
    GeoIpDatabase db;
    String problem;
    try {
      db = GeoIpDatabase.load(Path.of(path), fields);
      problem = protocol == Protocol.IPV4 && db.v4Ranges() == 0
          ? "no IPv4 ranges (ip_protocol is ipv4; use ip_protocol: ipv6 for an IPv6 database)"
          : protocol == Protocol.IPV6 && db.v6Ranges() == 0 ? "no IPv6 ranges (ip_protocol is ipv6)" : null;
    } catch (InvalidPathException e) {
      db = null;
      problem = "not a path";
    } catch (NoSuchFileException e) {
      db = null;
      problem = "no such file";
    } catch (IOException e) {
      db = null;
      problem = "cannot be read (" + e.getMessage() + ")";
    } catch (GeoIpDatabase.FormatException e) {
      db = null;
      problem = e.getMessage();
    } catch (OutOfMemoryError e) {
      db = null;
      problem = "too large for the heap";
    }
    if (problem != null) {
      throw new PluginConfigException("ip_database", "\"" + path + "\": " + problem
          + " (expected: an ip2region database, xdb or text, for geo-ip)");
    }
    return new Config(protocol, source, header.toLowerCase(Locale.ROOT), path, fields, db);
  }

  private static final Set<String> KNOWN = Set.of("country", "province", "city", "isp");

  /** the region layout, or null to detect it */
  private static List<String> fields(ConfigFields f) throws PluginConfigException {
    if (!f.has("ip_database_fields")) return null;
    List<String> names = f.strings("ip_database_fields");
    List<String> out = new ArrayList<>(names.size());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < names.size(); i++) {
      String n = names.get(i).trim().toLowerCase(Locale.ROOT);
      if (KNOWN.contains(n) && !seen.add(n)) {
        throw new PluginConfigException("ip_database_fields[" + i + "]", ConfigFields.describe(names.get(i))
            + " (expected: each of country, province, city, isp at most once)");
      }
      out.add(n);
    }
    if (seen.isEmpty()) {
      throw new PluginConfigException("ip_database_fields", "names none of country, province, city, isp"
          + " (expected: the names of the |-separated region fields in order, e.g. [country, province, city, isp, iso])");
    }
    return List.copyOf(out);
  }

  @Override
  public HttpFilter create(Config config) {
    return new HttpFilter() {
      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
        ctx.disableReroute(); // as Higress: the headers added here do not select another route
        String address = config.source() == Source.HEADER ? headers.get(config.headerName()) : ctx.remoteAddress();
        GeoRegion r = address == null ? null : find(config, address);
        if (r != null) {
          ctx.attribute(CITY, r.city());
          ctx.attribute(PROVINCE, r.province());
          ctx.attribute(COUNTRY, r.country());
          ctx.attribute(ISP, r.isp());
          // set, not added: a client cannot send its own location along
          headers.set("X-Higress-Geo-Country", r.countryHeader());
          headers.set("X-Higress-Geo-Province", r.provinceHeader());
          headers.set("X-Higress-Geo-City", r.cityHeader());
          headers.set("X-Higress-Geo-Isp", r.ispHeader());
        }
        return Action.CONTINUE;
      }
    };
  }

  /**
   * The region of the first address of {@code value} (a header may list several: the first is the
   * client; a port is dropped), or null when it is not an IP literal, is of the other protocol, or no
   * range holds it.
   */
  static GeoRegion find(Config config, String value) {
    int from = 0;
    int to = value.indexOf(',');
    if (to < 0) to = value.length();
    while (from < to && value.charAt(from) <= ' ') from++;
    while (to > from && value.charAt(to - 1) <= ' ') to--;
    if (from == to) return null;
    int colon = indexOf(value, ':', from, to);
    if (colon < 0 || (indexOf(value, '.', from, colon) >= 0 && indexOf(value, ':', colon + 1, to) < 0)) {
      long v4 = IpLiterals.parseV4(value, from, colon < 0 ? to : colon); // a.b.c.d or a.b.c.d:port
      if (v4 < 0 || config.protocol() != Protocol.IPV4) return null;
      return lookupV4(config.database(), (int) v4);
    }
    if (value.charAt(from) == '[') { // [v6] or [v6]:port
      int close = indexOf(value, ']', from, to);
      if (close < 0) return null;
      from++;
      to = close;
    }
    int zone = indexOf(value, '%', from, to);
    if (zone >= 0) to = zone;
    long[] ip = new long[2];
    if (!IpLiterals.parseV6(value, from, to, ip)) return null;
    if (ip[0] == 0 && ip[1] >>> 32 == 0xffffL) { // IPv4-mapped: ::ffff:a.b.c.d
      return config.protocol() == Protocol.IPV4 ? lookupV4(config.database(), (int) ip[1]) : null;
    }
    return config.protocol() == Protocol.IPV6 ? config.database().lookupV6(ip[0], ip[1]) : null;
  }

  private static int indexOf(String s, char c, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) == c) return i;
    }
    return -1;
  }

  private static GeoRegion lookupV4(GeoIpDatabase db, int ip) {
    return internal(ip) ? GeoRegion.INTERNAL : db.lookupV4(ip);
  }

  // Higress answers "内网IP" for these without looking them up: the IPv4 special-purpose blocks
  private static final int[][] INTERNAL = {
      {0x00000000, 8}, {0x0A000000, 8}, {0x64400000, 10}, {0x7F000000, 8}, {0xA9FE0000, 16}, {0xAC100000, 12},
      {0xC0000000, 24}, {0xC0000200, 24}, {0xC0586300, 24}, {0xC0A80000, 16}, {0xC6120000, 15},
      {0xC6336400, 24}, {0xCB007100, 24}, {0xE0000000, 3}};

  static boolean internal(int ip) {
    for (int[] block : INTERNAL) {
      int mask = -1 << (32 - block[1]);
      if ((ip & mask) == block[0]) return true;
    }
    return false;
  }
}
