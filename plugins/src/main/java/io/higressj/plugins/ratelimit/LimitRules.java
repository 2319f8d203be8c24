package io.higressj.plugins.ratelimit;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.higressj.api.FilterContext;
import io.higressj.api.PluginConfigException;
import io.higressj.api.RequestHeaders;
import io.higressj.plugins.ConfigFields;
import io.higressj.plugins.iprestriction.IpRange;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The rate limit rules of Higress's {@code key-rate-limit} and {@code cluster-key-rate-limit}: a
 * threshold ({@code query_per_second|minute|hour|day}, exactly one) and {@code rule_items}, each
 * taking a value from the request ({@code limit_by_header|param|consumer|cookie}: the value must equal
 * one of the {@code limit_keys}; {@code limit_by_per_header|param|consumer|cookie}: keys may also be
 * {@code *} or {@code regexp:<RE2>} and every value counts apart; {@code limit_by_per_ip}: keys are
 * addresses or CIDR blocks, the address from {@code from-remote-addr} or {@code
 * from-header-<name>}). The first item and key that match decide.
 */
public final class LimitRules {
  private LimitRules() {}

  public enum By {
    HEADER("limit_by_header"), PARAM("limit_by_param"), CONSUMER("limit_by_consumer"), COOKIE("limit_by_cookie"),
    PER_HEADER("limit_by_per_header"), PER_PARAM("limit_by_per_param"), PER_CONSUMER("limit_by_per_consumer"),
    PER_COOKIE("limit_by_per_cookie"), PER_IP("limit_by_per_ip");

    public final String field;

    By(String field) {
      this.field = field;
    }

    boolean per() {
      return ordinal() >= PER_HEADER.ordinal();
    }
  }

  /** {@code count} requests per {@code windowSeconds} */
  public record Threshold(long count, long windowSeconds) {}

  public record LimitKey(String key, boolean any, Pattern regex, IpRange ip, Threshold threshold) {
    boolean matches(String value, byte[] address) {
      if (ip != null) return address != null && ip.contains(address);
      if (any) return true;
      if (regex != null) return regex.matcher(value).find();
      return key.equals(value);
    }
  }

  public record RuleItem(By by, String name, List<LimitKey> keys) {
    public RuleItem {
      keys = List.copyOf(keys);
    }
  }

  /** what a request counts against: a counter key (without the rule name) and its threshold */
  public record Hit(String key, Threshold threshold) {}

  private static final String[][] WINDOWS = {
      {"query_per_second", "1"}, {"query_per_minute", "60"}, {"query_per_hour", "3600"}, {"query_per_day", "86400"}};

  /** exactly one of query_per_second|minute|hour|day in {@code f}; {@code where} prefixes field names */
  public static Threshold threshold(ConfigFields f, String where) throws PluginConfigException {
    Threshold t = null;
    for (String[] w : WINDOWS) {
      if (!f.has(w[0])) continue;
      long n;
      try {
        n = f.integer(w[0], 0);
      } catch (PluginConfigException e) {
        throw new PluginConfigException(where + w[0], ConfigFields.describe(f.raw(w[0])) + " (expected: an integer)");
      }
      if (n < 1) throw new PluginConfigException(where + w[0], n + " (expected: at least 1)");
      if (t != null) {
        throw new PluginConfigException(where + w[0], "more than one of query_per_second, query_per_minute, query_per_hour, query_per_day");
      }
      t = new Threshold(n, Long.parseLong(w[1]));
    }
    if (t == null) {
      throw new PluginConfigException(where + "query_per_second",
          "missing (expected: one of query_per_second, query_per_minute, query_per_hour, query_per_day)");
    }
    return t;
  }

  /** {@code rule_items}; {@code allowed} are the kinds the plugin knows */
  @SuppressWarnings("unchecked")
  public static List<RuleItem> items(ConfigFields config, String field, java.util.Set<By> allowed) throws PluginConfigException {
    List<?> raw = config.list(field);
    List<RuleItem> out = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      String at = field + "[" + i + "]";
      if (!(raw.get(i) instanceof Map<?, ?> m)) throw new PluginConfigException(at, ConfigFields.describe(raw.get(i)) + " (expected: an object)");
      out.add(item((Map<String, Object>) m, at + ".", allowed));
    }
    return List.copyOf(out);
  }

  /** one rule item; {@code p} prefixes its field names ("" at the top level, "rule_items[0]." in a list) */
  public static RuleItem item(Map<String, Object> m, String p, java.util.Set<By> allowed) throws PluginConfigException {
    String at = p.endsWith(".") ? p.substring(0, p.length() - 1) : p;
    ConfigFields f = ConfigFields.of(m);
    By by = null;
    for (By b : By.values()) {
      if (m.containsKey(b.field)) {
        if (by != null) throw new PluginConfigException(p + b.field, "more than one limit_by_* field");
        if (!allowed.contains(b)) throw new PluginConfigException(p + b.field, "not supported by this plugin");
        by = b;
      }
    }
    if (by == null) throw new PluginConfigException(at.isEmpty() ? "limit_by_header" : at, "no limit_by_* field (expected: one of " + allowed.stream().map(b -> b.field).toList() + ")");
    Object nv = m.get(by.field);
    String name = nv == null ? "" : nv instanceof String s ? s.trim() : null;
    if (name == null) throw new PluginConfigException(p + by.field, ConfigFields.describe(nv) + " (expected: a string)");
    boolean needsName = by != By.CONSUMER && by != By.PER_CONSUMER;
    if (needsName && name.isEmpty()) throw new PluginConfigException(p + by.field, "empty (expected: a name)");
    if (by == By.HEADER || by == By.PER_HEADER) name = name.toLowerCase(Locale.ROOT);
    if (by == By.PER_IP && !name.equals("from-remote-addr") && !(name.startsWith("from-header-") && name.length() > 12)) {
      throw new PluginConfigException(p + by.field, ConfigFields.describe(name) + " (expected: from-remote-addr or from-header-<name>)");
    }
    List<?> keysRaw = f.list("limit_keys");
    if (keysRaw.isEmpty()) throw new PluginConfigException(p + "limit_keys", "missing or empty (expected: a list of keys)");
    List<LimitKey> keys = new ArrayList<>();
    for (int k = 0; k < keysRaw.size(); k++) {
      String kat = p + "limit_keys[" + k + "]";
      if (!(keysRaw.get(k) instanceof Map<?, ?> km)) throw new PluginConfigException(kat, "not an object");
      ConfigFields kf = ConfigFields.of((Map<String, Object>) km);
      Object kv = km.get("key");
      if (kv == null || kv instanceof Map || kv instanceof List) throw new PluginConfigException(kat + ".key", ConfigFields.describe(kv) + " (expected: a string)");
      String key = String.valueOf(kv);
      Threshold t = threshold(kf, kat + ".");
      if (by == By.PER_IP) {
        IpRange r = IpRange.parse(key);
        if (r == null) throw new PluginConfigException(kat + ".key", ConfigFields.describe(key) + " (expected: an IP address or CIDR block)");
        keys.add(new LimitKey(key, false, null, r, t));
      } else if (by.per() && key.equals("*")) {
        keys.add(new LimitKey(key, true, null, null, t));
      } else if (by.per() && key.startsWith("regexp:")) {
        try {
          keys.add(new LimitKey(key, false, Pattern.compile(key.substring(7)), null, t));
        } catch (PatternSyntaxException e) {
          throw new PluginConfigException(kat + ".key", ConfigFields.describe(key) + " (expected: a valid RE2 regular expression)");
        }
      } else {
        keys.add(new LimitKey(key, false, null, null, t));
      }
    }
  return new RuleItem(by, name, keys);
  }

  /** the first item and key the request matches, or null */
  public static Hit match(List<RuleItem> items, FilterContext ctx, RequestHeaders headers) {
    for (RuleItem item : items) {
      String value;
      byte[] address = null;
      switch (item.by()) {
        case HEADER, PER_HEADER -> value = headers.get(item.name());
        case PARAM, PER_PARAM -> value = param(headers.path(), item.name());
        case CONSUMER, PER_CONSUMER -> value = ctx.consumer();
        case COOKIE, PER_COOKIE -> value = cookie(headers.getAll("cookie"), item.name());
        case PER_IP -> {
          String ip = item.name().equals("from-remote-addr") ? ctx.remoteAddress() : firstHop(headers.get(item.name().substring(12)));
          value = ip == null ? null : stripPort(ip);
          address = value == null ? null : IpRange.parseAddress(value);
          if (address == null) value = null;
        }
        default -> value = null;
      }
      if (value == null || value.isEmpty()) continue;
      for (LimitKey k : item.keys()) {
        if (k.matches(value, address)) {
          String label = item.by().per() ? value : k.key();
          return new Hit(item.by().field + ":" + item.name() + ":" + label, k.threshold());
        }
      }
    }
    return null;
  }

  static String param(String path, String name) {
    if (path == null) return null;
    int q = path.indexOf('?');
    if (q < 0) return null;
    for (String pair : path.substring(q + 1).split("&")) {
      int eq = pair.indexOf('=');
      String k = decode(eq < 0 ? pair : pair.substring(0, eq));
      if (name.equals(k)) return eq < 0 ? "" : decode(pair.substring(eq + 1));
    }
    return null;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  static String cookie(List<String> headers, String name) {
    for (String h : headers) {
      for (String part : h.split(";")) {
        int eq = part.indexOf('=');
        if (eq > 0 && part.substring(0, eq).trim().equals(name)) return part.substring(eq + 1).trim();
      }
    }
    return null;
  }

  private static String firstHop(String v) {
    if (v == null) return null;
    int comma = v.indexOf(',');
    return (comma >= 0 ? v.substring(0, comma) : v).trim();
  }

  private static String stripPort(String s) {
    if (s.startsWith("[")) {
      int end = s.indexOf(']');
      return end > 0 ? s.substring(1, end) : s;
    }
    int colon = s.indexOf(':');
    if (colon > 0 && s.indexOf(':', colon + 1) < 0) return s.substring(0, colon);
    return s;
  }
}
