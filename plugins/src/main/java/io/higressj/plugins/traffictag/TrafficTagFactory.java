package io.higressj.plugins.traffictag;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.higressj.api.Action;
import io.higressj.api.FilterContext;
import io.higressj.api.HttpFilter;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginFactory;
import io.higressj.api.RequestHeaders;
import io.higressj.plugins.ConfigFields;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;

/**
 * {@code traffic-tag}: the first condition group whose conditions hold ({@code logic} {@code and}:
 * all, {@code or}: any) adds its header; else a weight group drawn at random (weights out of 100)
 * adds its header; else {@code defaultTagKey: defaultTagVal} is added when both are set. A header the
 * request already has is kept as it is (the client's value wins, as in Higress).
 */
public class TrafficTagFactory implements PluginFactory<TrafficTagFactory.Config> {
  static final Set<String> TYPES = Set.of("header", "parameter", "cookie");
  static final Set<String> OPERATORS = Set.of("equal", "not_equal", "prefix", "in", "not_in", "regex", "percentage",
      "exists", "not_exists");

  /** One condition: where the value comes from, how it is compared. */
  public record Condition(String type, String key, String operator, List<String> values, Pattern regex, int percent) {
    public Condition {
      values = List.copyOf(values);
    }
  }

  /** A condition group: the header it adds when its conditions hold. */
  public record ConditionGroup(String headerName, String headerValue, boolean and, List<Condition> conditions) {
    public ConditionGroup {
      conditions = List.copyOf(conditions);
    }
  }

  /** A weight group: the header it adds, and the cumulative weight up to and including it. */
  public record WeightGroup(String headerName, String headerValue, int weight, int accumulated) {}

  /** A parsed traffic-tag configuration. */
  public record Config(List<ConditionGroup> conditionGroups, List<WeightGroup> weightGroups, String defaultTagKey,
      String defaultTagVal) {
    public Config {
      conditionGroups = List.copyOf(conditionGroups);
      weightGroups = List.copyOf(weightGroups);
    }
  }

  private final IntSupplier random100;

  public TrafficTagFactory() {
    this(() -> ThreadLocalRandom.current().nextInt(100));
  }

  /** {@code random100}: draws 0 to 99 for the weight groups */
  TrafficTagFactory(IntSupplier random100) {
    this.random100 = random100;
  }

  @Override
  public String name() {
    return "traffic-tag";
  }

  @Override
  public int defaultPriority() {
    return 400;
  }

  @Override
  public Config parseConfig(Map<String, Object> config) throws PluginConfigException {
    ConfigFields f = ConfigFields.of(config);
    List<ConditionGroup> groups = new ArrayList<>();
    List<?> rawGroups = f.list("conditionGroups");
    for (int i = 0; i < rawGroups.size(); i++) groups.add(conditionGroup(rawGroups.get(i), "conditionGroups[" + i + "]"));
    List<WeightGroup> weights = new ArrayList<>();
    List<?> rawWeights = f.list("weightGroups");
    int total = 0;
    for (int i = 0; i < rawWeights.size(); i++) {
      String at = "weightGroups[" + i + "]";
      ConfigFields w = ConfigFields.of(object(rawWeights.get(i), at));
      String name = required(w, "headerName", at);
      String value = required(w, "headerValue", at);
      long weight = w.integer("weight", -1);
      if (!w.has("weight")) throw new PluginConfigException(at + ".weight", "missing (expected: 0 to 100)");
      if (weight < 0 || weight > 100) throw new PluginConfigException(at + ".weight", weight + " (expected: 0 to 100)");
      total += (int) weight;
      if (total > 100) throw new PluginConfigException(at + ".weight", "the weights add up to " + total + " (expected: at most 100)");
      weights.add(new WeightGroup(name, value, (int) weight, total));
    }
    String key = f.string("defaultTagKey", "");
    String val = f.string("defaultTagVal", "");
    return new Config(groups, weights, key, val);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object o, String at) throws PluginConfigException {
    if (o instanceof Map<?, ?> m) return (Map<String, Object>) m;
    throw new PluginConfigException(at, ConfigFields.describe(o) + " (expected: an object)");
  }

  private static String required(ConfigFields f, String field, String at) throws PluginConfigException {
    String v = f.string(field, "");
    if (v.isEmpty()) throw new PluginConfigException(at + "." + field, "missing (expected: a non-empty string)");
    return v;
  }

  private static ConditionGroup conditionGroup(Object raw, String at) throws PluginConfigException {
    ConfigFields g = ConfigFields.of(object(raw, at));
    String name = required(g, "headerName", at);
    String value = required(g, "headerValue", at);
    String logic = required(g, "logic", at).toLowerCase(Locale.ROOT);
    if (!logic.equals("and") && !logic.equals("or")) throw new PluginConfigException(at + ".logic", logic + " (expected: and, or)");
    List<Condition> conditions = new ArrayList<>();
    List<?> raws = g.list("conditions");
    for (int i = 0; i < raws.size(); i++) {
      String cat = at + ".conditions[" + i + "]";
      ConfigFields c = ConfigFields.of(object(raws.get(i), cat));
      String type = required(c, "conditionType", cat).toLowerCase(Locale.ROOT);
      if (!TYPES.contains(type)) throw new PluginConfigException(cat + ".conditionType", type + " (expected: header, parameter, cookie)");
      String key = required(c, "key", cat);
      String op = required(c, "operator", cat).toLowerCase(Locale.ROOT);
      if (!OPERATORS.contains(op)) {
        throw new PluginConfigException(cat + ".operator",
            op + " (expected: equal, not_equal, prefix, in, not_in, regex, percentage, exists, not_exists)");
      }
      List<String> values = c.strings("value");
      Pattern regex = null;
      int percent = 0;
      switch (op) {
        case "in", "not_in" -> {
          if (values.isEmpty()) throw new PluginConfigException(cat + ".value", "empty (expected: at least one value for " + op + ")");
        }
        case "exists", "not_exists" -> { }
        default -> {
          if (values.size() != 1) throw new PluginConfigException(cat + ".value", values.size() + " values (expected: exactly one for " + op + ")");
          if (op.equals("regex")) {
            try {
              regex = Pattern.compile(values.get(0));
            } catch (PatternSyntaxException e) {
              throw new PluginConfigException(cat + ".value", "not an RE2 regular expression: " + e.getMessage());
            }
          } else if (op.equals("percentage")) {
            try {
              percent = Integer.parseInt(values.get(0).strip());
            } catch (NumberFormatException e) {
              percent = -1;
            }
            if (percent < 0 || percent > 100) throw new PluginConfigException(cat + ".value", values.get(0) + " (expected: an integer from 0 to 100)");
          }
        }
      }
      conditions.add(new Condition(type, key, op, values, regex, percent));
    }
    return new ConditionGroup(name, value, logic.equals("and"), conditions);
  }

  @Override
  public HttpFilter create(Config config) {
    return new HttpFilter() {
      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders h, boolean endOfStream) {
        tag(config, h, random100);
        return Action.CONTINUE;
      }
    };
  }

  static void tag(Config config, RequestHeaders h, IntSupplier random100) {
    for (ConditionGroup g : config.conditionGroups()) {
      if (matches(g, h)) {
        add(h, g.headerName(), g.headerValue());
        return;
      }
    }
    if (!config.weightGroups().isEmpty()) {
      int draw = random100.getAsInt();
      for (WeightGroup w : config.weightGroups()) {
        if (draw < w.accumulated()) {
          add(h, w.headerName(), w.headerValue());
          return;
        }
      }
    }
    if (!config.defaultTagKey().isEmpty() && !config.defaultTagVal().isEmpty()) {
      add(h, config.defaultTagKey(), config.defaultTagVal());
    }
  }

  private static void add(RequestHeaders h, String name, String value) {
    String existing = h.get(name);
    if (existing == null || existing.isEmpty()) h.set(name, value);
  }

  static boolean matches(ConditionGroup g, RequestHeaders h) {
    for (Condition c : g.conditions()) {
      String v = value(c, h);
      boolean holds = holds(c, v);
      if (holds && !g.and()) return true;
      if (!holds && g.and()) return false;
    }
    return g.and() && !g.conditions().isEmpty();
  }

  static boolean holds(Condition c, String v) {
    if (c.operator().equals("exists")) return v != null;
    if (c.operator().equals("not_exists")) return v == null;
    if (v == null) return false;
    return switch (c.operator()) {
      case "equal" -> v.equals(c.values().get(0));
      case "not_equal" -> !v.equals(c.values().get(0));
      case "prefix" -> v.startsWith(c.values().get(0));
      case "in" -> c.values().contains(v);
      case "not_in" -> !c.values().contains(v);
      case "regex" -> c.regex().matcher(v).find();
      case "percentage" -> bucket(v) < c.percent();
      default -> false;
    };
  }

  /** the first 8 bytes of the value's SHA-256, unsigned, modulo 100 */
  static int bucket(String v) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(v.getBytes(StandardCharsets.UTF_8));
      return (int) Long.remainderUnsigned(ByteBuffer.wrap(d, 0, 8).getLong(), 100);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  /** the condition's value in the request, or null when it has none */
  static String value(Condition c, RequestHeaders h) {
    return switch (c.type()) {
      case "header" -> h.get(c.key());
      case "cookie" -> cookie(h.get("cookie"), c.key());
      default -> query(h.path(), c.key());
    };
  }

  static String cookie(String header, String name) {
    if (header == null) return null;
    for (String part : header.split(";")) {
      String p = part.strip();
      if (p.startsWith(name + "=")) return p.substring(name.length() + 1);
    }
    return null;
  }

  static String query(String pathAndQuery, String name) {
    if (pathAndQuery == null) return null;
    int q = pathAndQuery.indexOf('?');
    if (q < 0) return null;
    for (String pair : pathAndQuery.substring(q + 1).split("&")) {
      int eq = pair.indexOf('=');
      if (decode(eq < 0 ? pair : pair.substring(0, eq)).equals(name)) return eq < 0 ? "" : decode(pair.substring(eq + 1));
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
}
