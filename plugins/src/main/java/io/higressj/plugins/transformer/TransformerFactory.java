package io.higressj.plugins.transformer;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.higressj.api.Action;
import io.higressj.api.FilterContext;
import io.higressj.api.HttpFilter;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginFactory;
import io.higressj.api.PluginPhase;
import io.higressj.api.RequestHeaders;
import io.higressj.api.ResponseHeaders;
import io.higressj.plugins.ConfigFields;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Higress's {@code transformer}, for headers and query parameters: {@code reqRules} and {@code
 * respRules} of operations (remove, rename, replace, add, append, map, dedupe) applied in the order
 * configured. JSON body operations are not built in yet and are rejected as such.
 */
public final class TransformerFactory implements PluginFactory<TransformerFactory.Config> {
  public enum Operate { REMOVE, RENAME, REPLACE, ADD, APPEND, MAP, DEDUPE }

  public enum Target { HEADERS, QUERYS }

  public enum Strategy { RETAIN_FIRST, RETAIN_LAST, RETAIN_UNIQUE, SPLIT_AND_RETAIN_FIRST, SPLIT_AND_RETAIN_LAST }

  /**
   * One key's operation. {@code key} is the key (or the old / from key), {@code other} the new / to key,
   * {@code value} the value, new value or appended value; the patterns (may be null) select the
   * requests it applies to and give the groups {@code $1 ...} of the value.
   */
  public record Param(String key, String other, String value, Strategy strategy, Pattern hostPattern, Pattern pathPattern) {}

  public record Rule(Operate operate, Target mapSource, Map<Target, List<Param>> params) {
    public Rule {
      params = Map.copyOf(params);
    }
  }

  public record Config(List<Rule> reqRules, List<Rule> respRules) {
    public Config {
      reqRules = List.copyOf(reqRules);
      respRules = List.copyOf(respRules);
    }
  }

  @Override
  public String name() {
    return "transformer";
  }

  @Override
  public PluginPhase defaultPhase() {
    return PluginPhase.AUTHN;
  }

  @Override
  public int defaultPriority() {
    return 410;
  }

  @Override
  public Config parseConfig(Map<String, Object> config) throws PluginConfigException {
    ConfigFields f = ConfigFields.of(config);
    if (f.has("type")) {
      throw new PluginConfigException("type", "the old single-rule form is not supported (expected: reqRules / respRules)");
    }
    return new Config(rules(f, "reqRules", false), rules(f, "respRules", true));
  }

  @SuppressWarnings("unchecked")
  private static List<Rule> rules(ConfigFields f, String field, boolean response) throws PluginConfigException {
    List<?> list = f.list(field);
    List<Rule> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      String at = field + "[" + i + "]";
      if (!(list.get(i) instanceof Map<?, ?> m)) {
        throw new PluginConfigException(at, ConfigFields.describe(list.get(i)) + " (expected: an object with operate)");
      }
      ConfigFields r = ConfigFields.of((Map<String, Object>) m);
      String op = r.string("operate", null);
      if (op == null) throw new PluginConfigException(at + ".operate", "missing (expected: remove, rename, replace, add, append, map or dedupe)");
      Operate operate;
      try {
        operate = Operate.valueOf(op.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new PluginConfigException(at + ".operate", "\"" + op + "\" (expected: remove, rename, replace, add, append, map or dedupe)");
      }
      if (r.has("body")) {
        throw new PluginConfigException(at + ".body", "JSON body operations are not built in yet (expected: headers or querys)");
      }
      Target source = null;
      if (r.has("mapSource")) {
        String s = r.string("mapSource", "");
        source = switch (s) {
          case "headers" -> Target.HEADERS;
          case "querys" -> Target.QUERYS;
          case "body" -> throw new PluginConfigException(at + ".mapSource", "body is not built in yet (expected: headers or querys)");
          default -> throw new PluginConfigException(at + ".mapSource", "\"" + s + "\" (expected: headers or querys)");
        };
        if (operate != Operate.MAP) throw new PluginConfigException(at + ".mapSource", "only for operate: map");
      }
      Map<Target, List<Param>> params = new LinkedHashMap<>();
      params.put(Target.HEADERS, params(r, at, "headers", operate));
      List<Param> querys = params(r, at, "querys", operate);
      if (response && !querys.isEmpty()) {
        throw new PluginConfigException(at + ".querys", "responses have no query (expected: headers)");
      }
      params.put(Target.QUERYS, querys);
      out.add(new Rule(operate, source, params));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static List<Param> params(ConfigFields r, String rule, String field, Operate op) throws PluginConfigException {
    List<?> list = r.list(field);
    List<Param> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      String at = rule + "." + field + "[" + i + "]";
      if (!(list.get(i) instanceof Map<?, ?> m)) throw new PluginConfigException(at, "not an object (expected: key and value fields)");
      ConfigFields p = ConfigFields.of((Map<String, Object>) m);
      String[] names = switch (op) {
        case REMOVE -> new String[] {"key", null, null};
        case RENAME -> new String[] {"oldKey", "newKey", null};
        case REPLACE -> new String[] {"key", null, "newValue"};
        case ADD -> new String[] {"key", null, "value"};
        case APPEND -> new String[] {"key", null, "appendValue"};
        case MAP -> new String[] {"fromKey", "toKey", null};
        case DEDUPE -> new String[] {"key", null, null};
      };
      String key = required(p, at, names[0]);
      String other = names[1] == null ? null : required(p, at, names[1]);
      String value = names[2] == null ? null : scalar(p, at, names[2]);
      Strategy strategy = null;
      if (op == Operate.DEDUPE) {
        String s = p.string("strategy", "RETAIN_FIRST");
        try {
          strategy = Strategy.valueOf(s);
        } catch (IllegalArgumentException e) {
          throw new PluginConfigException(at + ".strategy", "\"" + s + "\" (expected: RETAIN_FIRST, RETAIN_LAST, RETAIN_UNIQUE, "
              + "SPLIT_AND_RETAIN_FIRST or SPLIT_AND_RETAIN_LAST)");
        }
      }
      out.add(new Param(key, other, value, strategy, pattern(p, at, "host_pattern"), pattern(p, at, "path_pattern")));
    }
    return out;
  }

  private static String required(ConfigFields p, String at, String name) throws PluginConfigException {
    String v = p.string(name, null);
    if (v == null || v.isEmpty()) throw new PluginConfigException(at + "." + name, "missing (expected: a non-empty string)");
    if (v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0) throw new PluginConfigException(at + "." + name, "a line break (expected: one line)");
    return v;
  }

  /** Values may be written as YAML numbers or booleans ({@code newValue: true}): they are text here. */
  private static String scalar(ConfigFields p, String at, String name) throws PluginConfigException {
    Object v = p.raw(name);
    if (v == null) throw new PluginConfigException(at + "." + name, "missing (expected: a string)");
    if (v instanceof Map<?, ?> || v instanceof List<?>) throw new PluginConfigException(at + "." + name, ConfigFields.describe(v) + " (expected: a string)");
    String s = String.valueOf(v);
    if (s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0) throw new PluginConfigException(at + "." + name, "a line break (expected: one line)");
    return s;
  }

  private static Pattern pattern(ConfigFields p, String at, String name) throws PluginConfigException {
    String s = p.string(name, null);
    if (s == null) return null;
    try {
      return Pattern.compile(s);
    } catch (PatternSyntaxException e) {
      throw new PluginConfigException(at + "." + name, "not a valid RE2 expression: " + e.getMessage());
    }
  }

  @Override
  public HttpFilter create(Config config) {
    return new HttpFilter() {
      private String host = "";
      private String path = "";

      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
        host = headers.authority();
        int colon = host.lastIndexOf(':');
        if (colon > 0 && host.indexOf(']', colon) < 0) host = host.substring(0, colon);
        path = headers.path() == null ? "" : headers.path();
        if (config.reqRules().isEmpty()) return Action.CONTINUE;
        String target = path;
        int q = target.indexOf('?');
        String base = q < 0 ? target : target.substring(0, q);
        List<Map.Entry<String, String>> query = q < 0 ? new ArrayList<>() : parseQuery(target.substring(q + 1));
        List<Map.Entry<String, String>> before = List.copyOf(query);
        for (Rule r : config.reqRules()) {
          apply(r, headers, query);
        }
        if (!query.equals(before)) headers.path(query.isEmpty() ? base : base + "?" + encodeQuery(query));
        return Action.CONTINUE;
      }

      @Override
      public Action onResponseHeaders(FilterContext ctx, ResponseHeaders headers, boolean endOfStream) {
        for (Rule r : config.respRules()) {
          apply(r, headers, new ArrayList<>());
        }
        return Action.CONTINUE;
      }

      private void apply(Rule r, io.higressj.api.Headers headers, List<Map.Entry<String, String>> query) {
        for (Target t : Target.values()) {
          for (Param p : r.params().get(t)) {
            String value = p.value();
            if (p.hostPattern() != null || p.pathPattern() != null) {
              Matcher m = p.hostPattern() != null ? p.hostPattern().matcher(host) : p.pathPattern().matcher(path);
              if (!m.find()) continue;
              if (value != null) value = expand(value, m);
            }
            KeyValues target = t == Target.HEADERS ? new HeaderValues(headers) : new QueryValues(query);
            KeyValues source = r.operate() != Operate.MAP || r.mapSource() == null || r.mapSource() == t ? target
                : r.mapSource() == Target.HEADERS ? new HeaderValues(headers) : new QueryValues(query);
            operate(r.operate(), p, value, source, target);
          }
        }
      }
    };
  }

  private static void operate(Operate op, Param p, String value, KeyValues source, KeyValues target) {
    switch (op) {
      case REMOVE -> target.set(p.key(), List.of());
      case RENAME -> {
        List<String> v = target.get(p.key());
        if (!v.isEmpty()) {
          target.set(p.key(), List.of());
          target.set(p.other(), v);
        }
      }
      case REPLACE -> target.set(p.key(), List.of(value)); // absent: added
      case ADD -> {
        if (target.get(p.key()).isEmpty()) target.set(p.key(), List.of(value));
      }
      case APPEND -> {
        List<String> v = new ArrayList<>(target.get(p.key()));
        v.add(value);
        target.set(p.key(), v);
      }
      case MAP -> {
        List<String> v = source.get(p.key());
        if (!v.isEmpty()) target.set(p.other(), v);
      }
      case DEDUPE -> {
        List<String> v = target.get(p.key());
        if (v.isEmpty()) return;
        List<String> parts = v;
        if (p.strategy() == Strategy.SPLIT_AND_RETAIN_FIRST || p.strategy() == Strategy.SPLIT_AND_RETAIN_LAST) {
          parts = new ArrayList<>();
          for (String s : v) {
            for (String part : s.split(",")) parts.add(part.trim());
          }
        }
        target.set(p.key(), switch (p.strategy()) {
          case RETAIN_FIRST, SPLIT_AND_RETAIN_FIRST -> List.of(parts.get(0));
          case RETAIN_LAST, SPLIT_AND_RETAIN_LAST -> List.of(parts.get(parts.size() - 1));
          case RETAIN_UNIQUE -> List.copyOf(new LinkedHashSet<>(parts));
        });
      }
    }
  }

  /** {@code $1} ... {@code $9} and {@code ${n}} of a value replaced by the pattern's groups. */
  static String expand(String value, Matcher m) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '$' && i + 1 < value.length()) {
        int end = -1;
        int group = -1;
        if (Character.isDigit(value.charAt(i + 1))) {
          group = value.charAt(i + 1) - '0';
          end = i + 2;
        } else if (value.charAt(i + 1) == '{') {
          int close = value.indexOf('}', i + 2);
          String n = close < 0 ? "" : value.substring(i + 2, close);
          if (!n.isEmpty() && n.length() <= 2 && n.chars().allMatch(Character::isDigit)) {
            group = Integer.parseInt(n);
            end = close + 1;
          }
        }
        if (group >= 0) {
          if (group <= m.groupCount() && m.group(group) != null) out.append(m.group(group));
          i = end - 1;
          continue;
        }
      }
      out.append(c);
    }
    return out.toString();
  }

  static List<Map.Entry<String, String>> parseQuery(String q) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    for (String pair : q.split("&")) {
      if (pair.isEmpty()) continue;
      int eq = pair.indexOf('=');
      out.add(Map.entry(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1))));
    }
    return out;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s; // a broken escape is kept as sent
    }
  }

  /** Keys in sorted order, values of a key in order, as Go's url.Values.Encode writes them. */
  static String encodeQuery(List<Map.Entry<String, String>> query) {
    List<Map.Entry<String, String>> sorted = new ArrayList<>(query);
    sorted.sort(Map.Entry.comparingByKey());
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, String> e : sorted) {
      if (b.length() > 0) b.append('&');
      b.append(encode(e.getKey())).append('=').append(encode(e.getValue()));
    }
    return b.toString();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Values by key of headers or query parameters. */
  private interface KeyValues {
    List<String> get(String key);

    /** replaces every value of key; empty removes it */
    void set(String key, List<String> values);
  }

  private record HeaderValues(io.higressj.api.Headers headers) implements KeyValues {
    @Override
    public List<String> get(String key) {
      return headers.getAll(key);
    }

    @Override
    public void set(String key, List<String> values) {
      headers.remove(key);
      for (String v : values) headers.add(key.toLowerCase(Locale.ROOT), v);
    }
  }

  private record QueryValues(List<Map.Entry<String, String>> query) implements KeyValues {
    @Override
    public List<String> get(String key) {
      List<String> out = new ArrayList<>();
      for (Map.Entry<String, String> e : query) {
        if (e.getKey().equals(key)) out.add(e.getValue());
      }
      return out;
    }

    @Override
    public void set(String key, List<String> values) {
      int at = -1;
      for (int i = 0; i < query.size(); i++) {
        if (query.get(i).getKey().equals(key)) {
          if (at < 0) at = i;
          query.remove(i--);
        }
      }
      if (at < 0) at = query.size();
      for (String v : values) query.add(at++, Map.entry(key, v));
    }
  }
}
