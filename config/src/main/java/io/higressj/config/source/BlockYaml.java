package io.higressj.config.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A fast reader for the plain block style that tools and people write Kubernetes objects in: block
 * mappings and sequences, single-line scalars, comments, {@code ---} between documents. It gives the
 * same trees as Jackson's YAML reader (which is several times slower, as it goes through SnakeYAML's
 * general machinery), and declines ({@code null}) whatever it is not sure to read the same way: flow
 * collections other than one-line ones of simple scalars ({@code [a, b]}, {@code {k: v}}, nested),
 * block scalars, anchors, tags, multi-line or typed-ambiguous plain scalars (yes, no, on, null, numbers
 * other than small decimal integers...), escapes, tabs, empty documents or values, duplicate keys. The caller then uses Jackson, so the result never depends on which reader ran.
 */
final class BlockYaml {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  /** plain words that YAML 1.1 reads as booleans or null (in any case); only "true" and "false" are kept */
  private static final Set<String> TYPED_WORDS = Set.of("y", "n", "yes", "no", "on", "off", "true", "false", "null", "~");

  private final String text;
  /** line starts and ends (exclusive, without the newline) */
  private final int[] starts;
  private final int[] ends;
  private final int lines;
  private int line;

  /** Thrown to decline; the caller falls back to the general reader. */
  private static final class Decline extends RuntimeException {
    static final Decline INSTANCE = new Decline();

    private Decline() {
      super(null, null, false, false);
    }
  }

  private BlockYaml(String text) {
    // String.indexOf is an intrinsic (vectorised): at start-up, when thousands of files are read before
    // the JIT has compiled this class, it keeps the line split out of the interpreter's per-char loop
    int n = 1;
    for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
    starts = new int[n];
    ends = new int[n];
    int s = 0;
    for (int k = 0; k < n; k++) {
      int nl = text.indexOf('\n', s);
      int e = nl < 0 ? text.length() : nl;
      starts[k] = s;
      ends[k] = e;
      s = e + 1;
    }
    this.text = text;
    this.lines = n;
  }

  /**
   * A tree as Jackson's YAML reader gives it, in this reader's form: objects on {@link FieldMap}s sized
   * to their fields, arrays sized to their items, names and short values shared through {@link TextPool}.
   * Equal to {@code node}. A file this reader declines (flow collections such as {@code [a, b]} are
   * common) would otherwise keep Jackson's hash maps and a copy of every string: about 4 KB more per
   * Ingress, 76 MB over 19,000 Ingresses whose TLS hosts were written as a flow list.
   */
  static JsonNode compact(JsonNode node) {
    if (node instanceof ObjectNode o) {
      ObjectNode out = new ObjectNode(NODES, new FieldMap(o.size()));
      for (java.util.Map.Entry<String, JsonNode> f : o.properties()) {
        String k = f.getKey();
        out.set(TextPool.name(k, 0, k.length()), compact(f.getValue()));
      }
      return out;
    }
    if (node instanceof ArrayNode a) {
      List<JsonNode> items = new ArrayList<>(a.size());
      for (JsonNode item : a) items.add(compact(item));
      return new ArrayNode(NODES, items);
    }
    if (node instanceof com.fasterxml.jackson.databind.node.TextNode t) {
      String v = t.textValue();
      return TextPool.value(v, 0, v.length());
    }
    return node; // numbers, booleans, null: small or shared already
  }

  /** The documents of {@code yaml} (each a mapping), or null when this reader declines the text. */
  static List<JsonNode> read(String yaml) {
    if (yaml.indexOf('\t') >= 0 || yaml.indexOf('\r') >= 0 || yaml.indexOf('\uFEFF') >= 0) return null;
    try {
      return new BlockYaml(yaml).documents();
    } catch (Decline e) {
      return null;
    }
  }

  private List<JsonNode> documents() {
    List<JsonNode> docs = new ArrayList<>();
    boolean opened = false; // a "---" was read and its document not yet
    line = 0;
    while (true) {
      int l = nextContent(line);
      if (l >= lines) {
        if (opened) throw Decline.INSTANCE; // an empty document at the end: left to the general reader
        return docs;
      }
      if (isSeparator(l)) {
        if (opened) throw Decline.INSTANCE; // an empty document
        opened = true;
        line = l + 1;
        continue;
      }
      if (indent(l) != 0) throw Decline.INSTANCE;
      line = l;
      docs.add(mapping(0));
      opened = false;
      int next = nextContent(line);
      if (next < lines && !isSeparator(next)) throw Decline.INSTANCE;
    }
  }

  private boolean isSeparator(int l) {
    int s = starts[l];
    int e = ends[l];
    if (e - s >= 3 && text.startsWith("---", s)) {
      if (e - s == 3) return true;
      throw Decline.INSTANCE; // "--- value" or "----"
    }
    if (e - s >= 3 && text.startsWith("...", s)) throw Decline.INSTANCE;
    if (e > s && text.charAt(s) == '%') throw Decline.INSTANCE; // a directive
    return false;
  }

  /** The first line at or after {@code l} with content (not blank, not only a comment). */
  private int nextContent(int l) {
    for (; l < lines; l++) {
      int s = starts[l];
      int e = ends[l];
      int i = s;
      while (i < e && text.charAt(i) == ' ') i++;
      if (i < e && text.charAt(i) != '#') return l;
    }
    return lines;
  }

  private int indent(int l) {
    int i = starts[l];
    int e = ends[l];
    while (i < e && text.charAt(i) == ' ') i++;
    return i - starts[l];
  }

  /** A block mapping whose keys are at column {@code col}, starting at {@link #line}. */
  private ObjectNode mapping(int col) {
    ObjectNode obj = objectNode();
    boolean first = true;
    while (true) {
      int l = nextContent(line);
      if (l >= lines) break;
      int ind = indent(l);
      if (ind < col) break;
      if (ind > col) throw Decline.INSTANCE;
      if (isSeparator(l)) break;
      if (text.charAt(starts[l] + col) == '-' && isSequenceMark(starts[l] + col, ends[l])) break; // the parent's indentless sequence
      line = l;
      entry(obj, starts[l] + col, ends[l], col);
      first = false;
    }
    if (first) throw Decline.INSTANCE;
    return obj;
  }

  /** One "key: value" starting at text position {@code p} of line {@link #line}; the mapping is at {@code col}. */
  private void entry(ObjectNode obj, int p, int e, int col) {
    int keyEnd = keyEnd(p, e);
    if (keyEnd >= e || text.charAt(keyEnd) != ':') throw Decline.INSTANCE;
    String key = key(p, keyEnd);
    int v = keyEnd + 1; // after ':'
    if (v < e && text.charAt(v) != ' ') throw Decline.INSTANCE;
    while (v < e && text.charAt(v) == ' ') v++;
    JsonNode value;
    if (v >= e || text.charAt(v) == '#') {
      line++;
      value = nested(col);
    } else {
      value = scalar(v, e);
      line++;
    }
    if (obj.has(key)) throw Decline.INSTANCE; // duplicate: Jackson's error message is the one to show
    obj.set(key, value);
  }

  /** The block value below a key at column {@code col} that has nothing after its colon. */
  private JsonNode nested(int col) {
    int l = nextContent(line);
    if (l >= lines || isSeparator(l)) throw Decline.INSTANCE; // an empty value: null
    int ind = indent(l);
    int p = starts[l] + ind;
    boolean seq = text.charAt(p) == '-' && isSequenceMark(p, ends[l]);
    if (seq && ind >= col) { // a sequence may sit at the key's own column
      line = l;
      return sequence(ind);
    }
    if (ind <= col) throw Decline.INSTANCE; // an empty value: null
    line = l;
    return mapping(ind);
  }

  private boolean isSequenceMark(int p, int e) {
    return p + 1 < e && text.charAt(p + 1) == ' ' || p + 1 == e;
  }

  /** A block sequence whose dashes are at column {@code col}. */
  private ArrayNode sequence(int col) {
    ArrayNode arr = new ArrayNode(NODES, new ArrayList<>(2)); // most lists hold one or two items
    while (true) {
      int l = nextContent(line);
      if (l >= lines) break;
      int ind = indent(l);
      if (ind < col) break;
      if (ind > col) throw Decline.INSTANCE;
      if (isSeparator(l)) break;
      int p = starts[l] + col;
      int e = ends[l];
      if (text.charAt(p) != '-' || !isSequenceMark(p, e)) break; // a key of the parent mapping
      int q = p + 1;
      while (q < e && text.charAt(q) == ' ') q++;
      if (q >= e || text.charAt(q) == '#') throw Decline.INSTANCE; // "-" alone: an item on the next lines
      char c = text.charAt(q);
      if (c == '-' && isSequenceMark(q, e)) throw Decline.INSTANCE; // "- - x"
      line = l;
      if (looksLikeEntry(q, e)) {
        // a mapping that starts on the dash's line; its keys are at the first key's column
        int keyCol = q - starts[l];
        ObjectNode obj = objectNode();
        entry(obj, q, e, keyCol);
        ObjectNode rest = mappingContinuation(keyCol, obj);
        arr.add(rest);
      } else {
        arr.add(scalar(q, e));
        line++;
      }
    }
    return arr;
  }

  /** The remaining keys, at column {@code col}, of a mapping whose first entry is in {@code obj}. */
  private ObjectNode mappingContinuation(int col, ObjectNode obj) {
    while (true) {
      int l = nextContent(line);
      if (l >= lines) break;
      int ind = indent(l);
      if (ind < col) break;
      if (ind > col) throw Decline.INSTANCE;
      if (isSeparator(l)) break;
      if (text.charAt(starts[l] + col) == '-' && isSequenceMark(starts[l] + col, ends[l])) throw Decline.INSTANCE;
      line = l;
      entry(obj, starts[l] + col, ends[l], col);
    }
    return obj;
  }

  /** Whether text at {@code p} is "key:" followed by a space or the end of the line. */
  private boolean looksLikeEntry(int p, int e) {
    char c = text.charAt(p);
    if (c == '"' || c == '\'') {
      int close = text.indexOf(c, p + 1);
      return close > 0 && close + 1 < e && text.charAt(close + 1) == ':'
          && (close + 2 == e || text.charAt(close + 2) == ' ');
    }
    int i = p;
    while (i < e && isKeyChar(text.charAt(i))) i++;
    if (i < e && text.charAt(i) == ':' && (i + 1 == e || text.charAt(i + 1) == ' ')) return i > p;
    // not a key: it must then read as a scalar, which scalar() checks (a ": " inside is declined there)
    return false;
  }

  private static boolean isKeyChar(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '/'
        || c == '-';
  }

  private static boolean isPlainChar(char c) {
    return isKeyChar(c) || c == ':';
  }

  /** A scalar on one line from {@code p}, followed by nothing or a comment. */
  private JsonNode scalar(int p, int e) {
    char c = text.charAt(p);
    if (c == '[' || c == '{') return flowValue(p, e);
    if (c == '"' || c == '\'') {
      int close = closingQuote(p, e);
      int after = close + 1;
      while (after < e && text.charAt(after) == ' ') after++;
      if (after < e && (text.charAt(after) != '#' || text.charAt(after - 1) != ' ')) throw Decline.INSTANCE;
      return TextPool.value(text, p + 1, close);
    }
    int end = p;
    while (end < e && isPlainChar(text.charAt(end))) end++;
    int after = end;
    while (after < e && text.charAt(after) == ' ') after++;
    if (after < e && (text.charAt(after) != '#' || after == end)) throw Decline.INSTANCE;
    if (end == p) throw Decline.INSTANCE;
    return plain(c, p, end);
  }

  /** The plain scalar {@code text[p, end)} (starting with {@code c}) as Jackson types it, or a decline. */
  private JsonNode plain(char c, int p, int end) {
    String s = TextPool.name(text, p, end);
    if (s.indexOf(':') >= 0 && (s.endsWith(":") || s.indexOf(": ") >= 0)) throw Decline.INSTANCE;
    if (c >= '0' && c <= '9') {
      if (allDigits(s)) {
        if (s.length() == 1 || c != '0' && s.length() <= 9) return NODES.numberNode(Integer.parseInt(s));
        throw Decline.INSTANCE; // octal (0...), or beyond int
      }
      if (isIpv4(s)) return TextPool.value(text, p, end);
      throw Decline.INSTANCE; // floats, times, dates, sexagesimal...
    }
    if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '/' || c == '_')) throw Decline.INSTANCE;
    if (s.length() <= 5 && TYPED_WORDS.contains(s.toLowerCase(java.util.Locale.ROOT))) {
      if (s.equals("true")) return NODES.booleanNode(true);
      if (s.equals("false")) return NODES.booleanNode(false);
      throw Decline.INSTANCE;
    }
    return TextPool.value(text, p, end);
  }

  /**
   * A flow collection ({@code [a, b]}, {@code {k: v}}, nested) that starts at {@code p} and ends on the same
   * line, followed by nothing or a comment. Inside it: quoted scalars, plain scalars of key characters
   * only (no {@code :}, no spaces), keys followed by {@code ": "}; entries separated by commas, none empty
   * and no comma before the closing bracket. Anything else declines, as in block context.
   */
  private JsonNode flowValue(int p, int e) {
    int[] at = {p};
    JsonNode v = flow(at, e);
    int after = at[0];
    int i = after;
    while (i < e && text.charAt(i) == ' ') i++;
    if (i < e && (text.charAt(i) != '#' || i == after)) throw Decline.INSTANCE;
    return v;
  }

  private int spaces(int p, int e) {
    while (p < e && text.charAt(p) == ' ') p++;
    if (p >= e) throw Decline.INSTANCE; // a flow collection continued on the next line
    return p;
  }

  /** The collection whose bracket is at {@code at[0]}; leaves {@code at[0]} after its closing bracket. */
  private JsonNode flow(int[] at, int e) {
    boolean seq = text.charAt(at[0]) == '[';
    char close = seq ? ']' : '}';
    ArrayNode arr = seq ? new ArrayNode(NODES, new ArrayList<>(2)) : null;
    ObjectNode obj = seq ? null : objectNode();
    int p = spaces(at[0] + 1, e);
    if (text.charAt(p) == close) {
      at[0] = p + 1;
      return seq ? arr : obj;
    }
    while (true) {
      if (seq) {
        at[0] = p;
        arr.add(flowItem(at, e));
      } else {
        int keyEnd = keyEnd(p, e);
        String key = key(p, keyEnd);
        if (keyEnd + 1 >= e || text.charAt(keyEnd) != ':' || text.charAt(keyEnd + 1) != ' ') throw Decline.INSTANCE;
        at[0] = spaces(keyEnd + 1, e);
        JsonNode v = flowItem(at, e);
        if (obj.has(key)) throw Decline.INSTANCE; // duplicate
        obj.set(key, v);
      }
      p = spaces(at[0], e);
      char c = text.charAt(p);
      if (c == close) {
        at[0] = p + 1;
        return seq ? arr : obj;
      }
      if (c != ',') throw Decline.INSTANCE;
      p = spaces(p + 1, e);
      c = text.charAt(p);
      if (c == ',' || c == ']' || c == '}') throw Decline.INSTANCE; // an empty entry, or a comma before the end
    }
  }

  /** One value inside a flow collection, from {@code at[0]}; leaves {@code at[0]} after it. */
  private JsonNode flowItem(int[] at, int e) {
    int p = at[0];
    char c = text.charAt(p);
    if (c == '[' || c == '{') return flow(at, e);
    if (c == '"' || c == '\'') {
      int q = closingQuote(p, e);
      at[0] = q + 1;
      return TextPool.value(text, p + 1, q);
    }
    int end = p;
    while (end < e && isKeyChar(text.charAt(end))) end++;
    if (end == p) throw Decline.INSTANCE;
    at[0] = end;
    return plain(c, p, end);
  }

  /** The closing quote of the quoted text that opens at {@code p} on this line (its content checked), or a decline. */
  private int closingQuote(int p, int e) {
    char quote = text.charAt(p);
    int close = text.indexOf(quote, p + 1);
    if (close < 0 || close >= e) throw Decline.INSTANCE;
    checkQuoted(p + 1, close, quote);
    return close;
  }

  /** Where the mapping key at {@code p} (quoted, or of key characters) ends; the caller checks the colon. */
  private int keyEnd(int p, int e) {
    char c = text.charAt(p);
    if (c == '"' || c == '\'') return closingQuote(p, e) + 1;
    int i = p;
    while (i < e && isKeyChar(text.charAt(i))) i++;
    if (i == p) throw Decline.INSTANCE;
    return i;
  }

  /** The key {@link #keyEnd} found, without its quotes. */
  private String key(int p, int keyEnd) {
    char c = text.charAt(p);
    return c == '"' || c == '\'' ? TextPool.name(text, p + 1, keyEnd - 1) : TextPool.name(text, p, keyEnd);
  }

  /** Declines quoted text that is not read literally (escapes, control characters). */
  private void checkQuoted(int from, int to, char quote) {
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c == '\\' && quote == '"') throw Decline.INSTANCE; // escapes
      if (c < 0x20 || c >= 0x7f && c <= 0x9f || Character.isSurrogate(c) || c == '\uFFFE' || c == '\uFFFF') {
        throw Decline.INSTANCE;
      }
    }
    if (quote == '\'' && to + 1 < text.length() && text.charAt(to + 1) == '\'') throw Decline.INSTANCE; // '' escape
  }

  /** A mapping node holding its fields compactly (see {@link FieldMap}). */
  private static ObjectNode objectNode() {
    return new ObjectNode(NODES, new FieldMap());
  }

  private static boolean allDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') return false;
    }
    return true;
  }

  private static boolean isIpv4(String s) {
    int parts = 0;
    int digits = 0;
    for (int i = 0; i <= s.length(); i++) {
      char c = i == s.length() ? '.' : s.charAt(i);
      if (c == '.') {
        if (digits == 0 || digits > 3) return false;
        parts++;
        digits = 0;
      } else if (c >= '0' && c <= '9') {
        digits++;
      } else {
        return false;
      }
    }
    return parts == 4;
  }
}
