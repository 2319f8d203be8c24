package io.higressj.plugins.transformer;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.higressj.api.Action;
import io.higressj.api.Body;
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
 * Higress's {@code transformer}: {@code reqRules} and {@code respRules} of operations (remove,
 * rename, replace, add, append, map, dedupe) on headers, query parameters and bodies (JSON, and
 * form-urlencoded requests), applied in the order configured. When a rule touches the body and the
 * request/response carries one of those types, the body is buffered and every rule runs once the
 * body is complete (the head is held until then, so header changes still go out).
 */
public final class TransformerFactory implements PluginFactory<TransformerFactory.Config> {
  public enum Operate { REMOVE, RENAME, REPLACE, ADD, APPEND, MAP, DEDUPE }

  public enum Target { HEADERS, QUERYS, BODY }

  private static final Target[] TARGETS = Target.values(); // values() copies its array at every call

  public enum ValueType { STRING, NUMBER, BOOLEAN, OBJECT }

  /** the most body a rule buffers; larger bodies are answered 413 (request) or 500 (response) */
  static final int MAX_BODY_BYTES = 32 << 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  public enum Strategy { RETAIN_FIRST, RETAIN_LAST, RETAIN_UNIQUE, SPLIT_AND_RETAIN_FIRST, SPLIT_AND_RETAIN_LAST }

  /**
   * One key's operation. {@code key} is the key (or the old / from key), {@code other} the new / to key,
   * {@code value} the value, new value or appended value; the patterns (may be null) select the
   * requests it applies to and give the groups {@code $1 ...} of the value.
   */
  public record Param(String key, String other, String value, Strategy strategy, ValueType valueType, Pattern hostPattern, Pattern pathPattern) {}

  public record Rule(Operate operate, Target mapSource, Map<Target, List<Param>> params) {
    public Rule {
      params = Map.copyOf(params);
    }
  }

  /** {@code reroute}: whether header changes make the gateway select the route again (default true) */
  public record Config(boolean reroute, List<Rule> reqRules, List<Rule> respRules) {
    public Config {
      reqRules = List.copyOf(reqRules);
      respRules = List.copyOf(respRules);
    }

    boolean requestBody() {
      return touches(reqRules, Target.BODY);
    }

    boolean responseBody() {
      return touches(respRules, Target.BODY);
    }

    /** Whether a request rule reads or changes the query string (else it is not parsed). */
    boolean requestQuery() {
      return touches(reqRules, Target.QUERYS);
    }

    private static boolean touches(List<Rule> rules, Target target) {
      for (Rule r : rules) {
        if (!r.params().get(target).isEmpty() || r.mapSource() == target) return true;
      }
      return false;
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
    return new Config(f.bool("reroute", true), rules(f, "reqRules", false), rules(f, "respRules", true));
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
      Target source = null;
      if (r.has("mapSource")) {
        String s = r.string("mapSource", "");
        source = switch (s) {
          case "headers" -> Target.HEADERS;
          case "querys" -> Target.QUERYS;
          case "body" -> Target.BODY;
          default -> throw new PluginConfigException(at + ".mapSource", "\"" + s + "\" (expected: headers, querys or body)");
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
      params.put(Target.BODY, params(r, at, "body", operate));
      if (response && source == Target.QUERYS) {
        throw new PluginConfigException(at + ".mapSource", "responses have no query (expected: headers or body)");
      }
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
      String value = names[2] == null ? null : scalar(p, at, names[2], field.equals("body"));
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
      ValueType valueType = ValueType.STRING;
      if (p.has("value_type")) {
        String s = p.string("value_type", "");
        try {
          valueType = ValueType.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw new PluginConfigException(at + ".value_type", "\"" + s + "\" (expected: object, boolean, number or string)");
        }
      }
      if (value != null && field.equals("body")) bodyValue(value, valueType, at + "." + names[2]); // checks it once
      out.add(new Param(key, other, value, strategy, valueType, pattern(p, at, "host_pattern"), pattern(p, at, "path_pattern")));
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
  private static String scalar(ConfigFields p, String at, String name, boolean body) throws PluginConfigException {
    Object v = p.raw(name);
    if (v == null) throw new PluginConfigException(at + "." + name, "missing (expected: a string)");
    if (v instanceof Map<?, ?> || v instanceof List<?>) throw new PluginConfigException(at + "." + name, ConfigFields.describe(v) + " (expected: a string)");
    String s = String.valueOf(v);
    if (body) return s; // body values never become header lines
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
      private RequestHeaders requestHeaders;
      private ResponseHeaders responseHeaders;

      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
        host = headers.authority();
        int colon = host.lastIndexOf(':');
        if (colon > 0 && host.indexOf(']', colon) < 0) host = host.substring(0, colon);
        path = headers.path() == null ? "" : headers.path();
        if (config.reqRules().isEmpty()) return Action.CONTINUE;
        if (!config.reroute()) ctx.disableReroute();
        if (!endOfStream && config.requestBody() && BodyKind.of(headers.get("content-type"), false) != null) {
          requestHeaders = headers; // every rule runs on the whole body; the head waits for it
          ctx.bufferRequestBody(MAX_BODY_BYTES);
          return Action.CONTINUE;
        }
        transformRequest(headers, null);
        return Action.CONTINUE;
      }

      @Override
      public Action onRequestBody(FilterContext ctx, Body body, boolean endOfStream) {
        if (requestHeaders == null || !endOfStream) return Action.CONTINUE;
        RequestHeaders headers = requestHeaders;
        requestHeaders = null;
        BodyDoc doc = BodyDoc.parse(BodyKind.of(headers.get("content-type"), false), body.bytes());
        transformRequest(headers, doc);
        if (doc != null && doc.changed) body.replace(doc.bytes());
        return Action.CONTINUE;
      }

      private void transformRequest(RequestHeaders headers, BodyDoc body) {
        if (!config.requestQuery()) { // headers (and body) only: the query string is left as it is, unread
          for (Rule r : config.reqRules()) apply(r, headers, List.of(), body);
          return;
        }
        String target = headers.path() == null ? "" : headers.path();
        int q = target.indexOf('?');
        String base = q < 0 ? target : target.substring(0, q);
        List<Map.Entry<String, String>> query = q < 0 ? new ArrayList<>() : parseQuery(target.substring(q + 1));
        List<Map.Entry<String, String>> before = List.copyOf(query);
        for (Rule r : config.reqRules()) {
          apply(r, headers, query, body);
        }
        if (!query.equals(before)) headers.path(query.isEmpty() ? base : base + "?" + encodeQuery(query));
      }

      @Override
      public Action onResponseHeaders(FilterContext ctx, ResponseHeaders headers, boolean endOfStream) {
        if (config.respRules().isEmpty()) return Action.CONTINUE;
        if (!endOfStream && config.responseBody() && BodyKind.of(headers.get("content-type"), true) != null) {
          responseHeaders = headers;
          ctx.bufferResponseBody(MAX_BODY_BYTES);
          return Action.CONTINUE;
        }
        for (Rule r : config.respRules()) {
          apply(r, headers, new ArrayList<>(), null);
        }
        return Action.CONTINUE;
      }

      @Override
      public Action onResponseBody(FilterContext ctx, Body body, boolean endOfStream) {
        if (responseHeaders == null || !endOfStream) return Action.CONTINUE;
        ResponseHeaders headers = responseHeaders;
        responseHeaders = null;
        BodyDoc doc = BodyDoc.parse(BodyKind.JSON, body.bytes());
        for (Rule r : config.respRules()) {
          apply(r, headers, new ArrayList<>(), doc);
        }
        if (doc != null && doc.changed) body.replace(doc.bytes());
        return Action.CONTINUE;
      }

      private void apply(Rule r, io.higressj.api.Headers headers, List<Map.Entry<String, String>> query, BodyDoc body) {
        for (Target t : TARGETS) {
          List<Param> params = r.params().get(t);
          if (params.isEmpty()) continue;
          KeyValues target = values(t, headers, query, body);
          if (target == null) continue; // no body (or not one of the types) for body params
          KeyValues source = r.operate() != Operate.MAP || r.mapSource() == null || r.mapSource() == t ? target
              : values(r.mapSource(), headers, query, body);
          if (source == null) continue;
          for (Param p : params) {
            String value = p.value();
            if (p.hostPattern() != null || p.pathPattern() != null) {
              Matcher m = p.hostPattern() != null ? p.hostPattern().matcher(host) : p.pathPattern().matcher(path);
              if (!m.find()) continue;
              if (value != null) value = expand(value, m);
            }
            if (target instanceof JsonValues jt) {
              jsonOperate(r.operate(), p, value, source, jt);
            } else {
              operate(r.operate(), p, value, source, target);
            }
          }
        }
      }
    };
  }

  private static KeyValues values(Target t, io.higressj.api.Headers headers, List<Map.Entry<String, String>> query, BodyDoc body) {
    return switch (t) {
      case HEADERS -> new HeaderValues(headers);
      case QUERYS -> new QueryValues(query);
      case BODY -> body == null ? null : body.values();
    };
  }

  /** An operation whose target is a JSON body: values keep their JSON types. */
  private static void jsonOperate(Operate op, Param p, String value, KeyValues source, JsonValues target) {
    BodyDoc doc = target.doc();
    switch (op) {
      case REMOVE -> doc.remove(p.key());
      case RENAME -> {
        JsonNode v = doc.get(p.key());
        if (v != null) {
          doc.remove(p.key());
          doc.set(p.other(), v);
        }
      }
      case REPLACE -> doc.set(p.key(), bodyValueOrText(value, p.valueType()));
      case ADD -> {
        if (doc.get(p.key()) == null) doc.set(p.key(), bodyValueOrText(value, p.valueType()));
      }
      case APPEND -> {
        JsonNode v = doc.get(p.key());
        JsonNode add = bodyValueOrText(value, p.valueType());
        if (v == null) {
          doc.set(p.key(), add);
        } else if (v instanceof ArrayNode a) {
          a.add(add);
          doc.changed = true;
        } else {
          ArrayNode a = JSON.createArrayNode();
          a.add(v).add(add);
          doc.set(p.key(), a);
        }
      }
      case MAP -> {
        if (source == target) {
          JsonNode v = doc.get(p.key());
          if (v != null) doc.set(p.other(), v.deepCopy());
        } else {
          List<String> v = source.get(p.key());
          if (v.isEmpty()) return;
          ArrayNode a = JSON.createArrayNode();
          for (String s : v) a.add(s);
          doc.set(p.other(), a);
        }
      }
      case DEDUPE -> {
        JsonNode v = doc.get(p.key());
        if (v == null) return;
        List<JsonNode> parts = new ArrayList<>();
        if (p.strategy() == Strategy.SPLIT_AND_RETAIN_FIRST || p.strategy() == Strategy.SPLIT_AND_RETAIN_LAST) {
          for (JsonNode n : v.isArray() ? v : List.of(v)) {
            if (n.isTextual()) {
              for (String part : n.asText().split(",")) parts.add(TextNode.valueOf(part.trim()));
            } else {
              parts.add(n);
            }
          }
        } else if (v.isArray()) {
          v.forEach(parts::add);
        } else {
          return; // one value: nothing to dedupe
        }
        if (parts.isEmpty()) return;
        JsonNode out = switch (p.strategy()) {
          case RETAIN_FIRST, SPLIT_AND_RETAIN_FIRST -> parts.get(0);
          case RETAIN_LAST, SPLIT_AND_RETAIN_LAST -> parts.get(parts.size() - 1);
          case RETAIN_UNIQUE -> {
            List<JsonNode> unique = List.copyOf(new LinkedHashSet<>(parts));
            if (unique.size() == 1) yield unique.get(0);
            ArrayNode a = JSON.createArrayNode();
            unique.forEach(a::add);
            yield a;
          }
        };
        doc.set(p.key(), out);
      }
    }
  }

  /** A configured body value as its {@code value_type}: number, boolean or object parsed, else text. */
  static JsonNode bodyValue(String value, ValueType type, String field) throws PluginConfigException {
    try {
      return switch (type) {
        case STRING -> TextNode.valueOf(value);
        case NUMBER -> JSON.getNodeFactory().numberNode(new java.math.BigDecimal(value.trim()));
        case BOOLEAN -> switch (value.trim()) {
          case "true" -> BooleanNode.TRUE;
          case "false" -> BooleanNode.FALSE;
          default -> throw new IllegalArgumentException("not true or false");
        };
        case OBJECT -> JSON.readTree(value);
      };
    } catch (Exception e) {
      throw new PluginConfigException(field, "\"" + value + "\" is not a " + type.name().toLowerCase(Locale.ROOT) + " (see value_type)");
    }
  }

  /** At request time the value may carry pattern groups: a value that no longer parses stays text. */
  private static JsonNode bodyValueOrText(String value, ValueType type) {
    try {
      return bodyValue(value, type, "value");
    } catch (PluginConfigException e) {
      return TextNode.valueOf(value);
    }
  }

  /** The body types rules apply to. */
  enum BodyKind {
    JSON, FORM;

    static BodyKind of(String contentType, boolean response) {
      if (contentType == null) return null;
      String ct = contentType.toLowerCase(Locale.ROOT);
      int semi = ct.indexOf(';');
      if (semi >= 0) ct = ct.substring(0, semi);
      ct = ct.trim();
      if (ct.equals("application/json") || ct.endsWith("+json")) return JSON;
      if (!response && ct.equals("application/x-www-form-urlencoded")) return FORM;
      return null;
    }
  }

  /** A parsed body: a JSON tree, or form fields (kept as query parameters are). */
  static final class BodyDoc {
    final BodyKind kind;
    JsonNode root; // JSON
    List<Map.Entry<String, String>> form; // FORM
    boolean changed;

    private BodyDoc(BodyKind kind) {
      this.kind = kind;
    }

    /** null when the body is not of the kind (bad JSON is left alone, as Higress does) */
    static BodyDoc parse(BodyKind kind, byte[] bytes) {
      if (kind == null) return null;
      BodyDoc d = new BodyDoc(kind);
      if (kind == BodyKind.FORM) {
        List<Map.Entry<String, String>> before = parseQuery(new String(bytes, StandardCharsets.UTF_8));
        d.form = new ArrayList<>(before) {
          @Override
          public boolean add(Map.Entry<String, String> e) {
            d.changed = true;
            return super.add(e);
          }

          @Override
          public void add(int i, Map.Entry<String, String> e) {
            d.changed = true;
            super.add(i, e);
          }

          @Override
          public Map.Entry<String, String> remove(int i) {
            d.changed = true;
            return super.remove(i);
          }
        };
        return d;
      }
      try {
        d.root = bytes.length == 0 || new String(bytes, StandardCharsets.UTF_8).isBlank() ? JSON.createObjectNode() : JSON.readTree(bytes);
      } catch (java.io.IOException e) {
        return null;
      }
      if (d.root == null || !d.root.isContainerNode()) return null;
      return d;
    }

    KeyValues values() {
      return kind == BodyKind.FORM ? new QueryValues(form) : new JsonValues(this);
    }

    byte[] bytes() {
      if (kind == BodyKind.FORM) return encodeQuery(form).getBytes(StandardCharsets.UTF_8);
      try {
        return JSON.writeValueAsBytes(root);
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }

    JsonNode get(String path) {
      JsonNode n = root;
      for (String seg : JsonPath.split(path)) {
        if (n == null) return null;
        n = n.isArray() ? JsonPath.index(seg) < 0 ? null : n.get(JsonPath.index(seg)) : n.get(seg);
      }
      return n == null || n.isMissingNode() ? null : n;
    }

    void remove(String path) {
      List<String> segs = JsonPath.split(path);
      JsonNode parent = parentOf(segs, false);
      String last = segs.get(segs.size() - 1);
      if (parent instanceof ObjectNode o) {
        if (o.remove(last) != null) changed = true;
      } else if (parent instanceof ArrayNode a) {
        int i = JsonPath.index(last);
        if (i >= 0 && i < a.size()) {
          a.remove(i);
          changed = true;
        }
      }
    }

    /** sets the value, creating objects on the way; a path through a scalar or a bad index is skipped */
    void set(String path, JsonNode value) {
      List<String> segs = JsonPath.split(path);
      JsonNode parent = parentOf(segs, true);
      String last = segs.get(segs.size() - 1);
      if (parent instanceof ObjectNode o) {
        o.set(last, value);
        changed = true;
      } else if (parent instanceof ArrayNode a) {
        int i = JsonPath.index(last);
        if (i >= 0 && i < a.size()) {
          a.set(i, value);
          changed = true;
        } else if (i == a.size() || "-1".equals(last)) {
          a.add(value);
          changed = true;
        }
      }
    }

    private JsonNode parentOf(List<String> segs, boolean create) {
      JsonNode n = root;
      for (int i = 0; i < segs.size() - 1 && n != null; i++) {
        String seg = segs.get(i);
        JsonNode next;
        if (n instanceof ArrayNode a) {
          int at = JsonPath.index(seg);
          next = at >= 0 && at < a.size() ? a.get(at) : null;
        } else {
          next = n.get(seg);
          if ((next == null || next.isNull()) && create && n instanceof ObjectNode o) next = o.putObject(seg);
        }
        n = next;
      }
      return n;
    }
  }

  /** GJSON-style paths as the Higress transformer uses them: keys split at dots, {@code \.} a literal dot. */
  static final class JsonPath {
    static List<String> split(String path) {
      List<String> out = new ArrayList<>();
      StringBuilder cur = new StringBuilder();
      for (int i = 0; i < path.length(); i++) {
        char c = path.charAt(i);
        if (c == '\\' && i + 1 < path.length()) {
          cur.append(path.charAt(++i));
        } else if (c == '.') {
          out.add(cur.toString());
          cur.setLength(0);
        } else {
          cur.append(c);
        }
      }
      out.add(cur.toString());
      return out;
    }

    static int index(String seg) {
      if (seg.isEmpty() || seg.length() > 9) return -1;
      for (int i = 0; i < seg.length(); i++) {
        if (!Character.isDigit(seg.charAt(i))) return -1;
      }
      return Integer.parseInt(seg);
    }
  }

  /** A JSON body seen as key/values (for maps from the body to headers or query): arrays give each element. */
  private record JsonValues(BodyDoc doc) implements KeyValues {
    @Override
    public List<String> get(String key) {
      JsonNode v = doc.get(key);
      if (v == null || v.isNull()) return List.of();
      List<String> out = new ArrayList<>();
      for (JsonNode n : v.isArray() ? v : List.of(v)) out.add(n.isValueNode() ? n.asText() : n.toString());
      return out;
    }

    @Override
    public void set(String key, List<String> values) {
      if (values.isEmpty()) {
        doc.remove(key);
      } else if (values.size() == 1) {
        doc.set(key, TextNode.valueOf(values.get(0)));
      } else {
        ArrayNode a = JSON.createArrayNode();
        values.forEach(a::add);
        doc.set(key, a);
      }
    }
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
