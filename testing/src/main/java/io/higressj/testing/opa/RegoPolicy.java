package io.higressj.testing.opa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Rego module of the subset {@link OpaServer} evaluates. Anything outside the subset is refused by
 * {@link #parse} with a {@link RegoException} saying what, never evaluated some other way:
 *
 * <ul>
 *   <li>{@code package a.b}, then {@code import input} / {@code import input.x.y} / {@code import
 *       input.x as y};
 *   <li>{@code default name = <literal>} (or {@code :=});
 *   <li>rules {@code name { ... }}, {@code name = <literal> { ... }}, optionally with {@code if};
 *       several rules of one name are alternatives (OR);
 *   <li>rule bodies: expressions separated by newlines or {@code ;}, all of which must hold (AND);
 *       an expression is {@code term == term}, {@code term != term} or a lone reference (true when it
 *       is defined and not {@code false}); a term is a literal (string, number, {@code true}, {@code
 *       false}, {@code null}) or a dotted reference into {@code input} (directly or via an import);
 *   <li>{@code #} comments.
 * </ul>
 *
 * A comparison with an undefined side is undefined, so its body does not hold (as in OPA, for {@code !=}
 * too). Literal values: a rule's value defaults to {@code true}.
 */
public final class RegoPolicy {
  /** an input path, or a literal */
  record Term(List<String> inputPath, JsonNode literal) {
    JsonNode value(JsonNode input) {
      if (literal != null) return literal;
      JsonNode v = input;
      for (String p : inputPath) {
        if (v == null || !v.isObject()) return null;
        v = v.get(p);
      }
      return v;
    }
  }

  /** {@code left op right}, or a lone reference when op is null */
  record Expr(Term left, String op, Term right) {
    boolean holds(JsonNode input) {
      JsonNode l = left.value(input);
      if (l == null) return false;
      if (op == null) return !(l.isBoolean() && !l.booleanValue());
      JsonNode r = right.value(input);
      if (r == null) return false;
      boolean eq = same(l, r);
      return op.equals("==") == eq;
    }
  }

  record Rule(JsonNode value, List<Expr> body) {}

  private final List<String> packagePath;
  private final Map<String, JsonNode> defaults;
  private final Map<String, List<Rule>> rules;

  private RegoPolicy(List<String> packagePath, Map<String, JsonNode> defaults, Map<String, List<Rule>> rules) {
    this.packagePath = List.copyOf(packagePath);
    this.defaults = defaults;
    this.rules = rules;
  }

  public List<String> packagePath() {
    return packagePath;
  }

  /** the names of the rules (and defaults) this module defines */
  public List<String> ruleNames() {
    List<String> out = new ArrayList<>(defaults.keySet());
    for (String n : rules.keySet()) if (!out.contains(n)) out.add(n);
    return out;
  }

  /**
   * The value of rule {@code name} for {@code input}, or null when undefined.
   *
   * @throws RegoException when rules of different values hold at once (OPA's conflict error)
   */
  public JsonNode evaluate(String name, JsonNode input) {
    JsonNode result = null;
    for (Rule r : rules.getOrDefault(name, List.of())) {
      boolean all = true;
      for (Expr e : r.body) {
        if (!e.holds(input)) {
          all = false;
          break;
        }
      }
      if (!all) continue;
      if (result != null && !same(result, r.value)) throw new RegoException("complete rule " + name + " has conflicting values");
      result = r.value;
    }
    return result != null ? result : defaults.get(name);
  }

  static boolean same(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) return a.decimalValue().compareTo(b.decimalValue()) == 0;
    return a.equals(b);
  }

  /** Parses a module. @throws RegoException naming the line of what is outside the subset */
  public static RegoPolicy parse(String text) {
    return new Parser(text).module();
  }

  private static final class Parser {
    private final List<String[]> tokens = new ArrayList<>(); // {kind, text, line}
    private int at;
    private final Map<String, List<String>> imports = new LinkedHashMap<>();

    Parser(String text) {
      int line = 1;
      int i = 0;
      while (i < text.length()) {
        char c = text.charAt(i);
        if (c == '\n') {
          tokens.add(new String[] {"nl", "\n", Integer.toString(line)});
          line++;
          i++;
        } else if (c == ' ' || c == '\t' || c == '\r') {
          i++;
        } else if (c == '#') {
          while (i < text.length() && text.charAt(i) != '\n') i++;
        } else if (c == ';') {
          tokens.add(new String[] {"nl", ";", Integer.toString(line)});
          i++;
        } else if (c == '"') {
          StringBuilder sb = new StringBuilder();
          i++;
          while (true) {
            if (i >= text.length() || text.charAt(i) == '\n') throw new RegoException("line " + line + ": unterminated string");
            char d = text.charAt(i);
            if (d == '"') break;
            if (d == '\\') {
              if (i + 1 >= text.length()) throw new RegoException("line " + line + ": unterminated string");
              char e = text.charAt(++i);
              switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'u' -> {
                  if (i + 4 >= text.length()) throw new RegoException("line " + line + ": bad \\u escape");
                  try {
                    sb.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
                  } catch (NumberFormatException x) {
                    throw new RegoException("line " + line + ": bad \\u escape");
                  }
                  i += 4;
                }
                default -> throw new RegoException("line " + line + ": bad escape \\" + e);
              }
            } else {
              sb.append(d);
            }
            i++;
          }
          i++;
          tokens.add(new String[] {"str", sb.toString(), Integer.toString(line)});
        } else if (Character.isLetter(c) || c == '_') {
          int s = i;
          while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_' || text.charAt(i) == '.')) i++;
          tokens.add(new String[] {"id", text.substring(s, i), Integer.toString(line)});
        } else if (Character.isDigit(c) || (c == '-' && i + 1 < text.length() && Character.isDigit(text.charAt(i + 1)))) {
          int s = i++;
          while (i < text.length() && (Character.isDigit(text.charAt(i)) || text.charAt(i) == '.' || text.charAt(i) == 'e'
              || text.charAt(i) == 'E')) i++;
          tokens.add(new String[] {"num", text.substring(s, i), Integer.toString(line)});
        } else if (text.startsWith("==", i) || text.startsWith("!=", i) || text.startsWith(":=", i)) {
          tokens.add(new String[] {"op", text.substring(i, i + 2), Integer.toString(line)});
          i += 2;
        } else if (c == '=' || c == '{' || c == '}') {
          tokens.add(new String[] {"op", String.valueOf(c), Integer.toString(line)});
          i++;
        } else {
          throw new RegoException("line " + line + ": '" + c + "' is outside the supported Rego subset"
              + " (package, import input..., default, rules of ==/!= comparisons)");
        }
      }
    }

    private String[] peek() {
      return at < tokens.size() ? tokens.get(at) : null;
    }

    private void skipNewlines() {
      while (peek() != null && peek()[0].equals("nl")) at++;
    }

    private String[] next(String what) {
      String[] t = peek();
      if (t == null) throw new RegoException("unexpected end of the policy (expected: " + what + ")");
      at++;
      return t;
    }

    private static RegoException outside(String[] t, String what) {
      return new RegoException("line " + t[2] + ": '" + t[1].replace("\n", "\\n") + "' " + what
          + " (outside the supported Rego subset: package, import input..., default, rules of ==/!= comparisons)");
    }

    private void endOfStatement() {
      String[] t = peek();
      if (t != null && !t[0].equals("nl")) throw outside(t, "unexpected");
    }

    RegoPolicy module() {
      skipNewlines();
      String[] p = next("package");
      if (!p[1].equals("package")) throw outside(p, "where package was expected");
      String[] name = next("a package name");
      if (!name[0].equals("id")) throw outside(name, "is not a package name");
      List<String> packagePath = path(name);
      endOfStatement();
      Map<String, JsonNode> defaults = new LinkedHashMap<>();
      Map<String, List<Rule>> rules = new LinkedHashMap<>();
      while (true) {
        skipNewlines();
        String[] t = peek();
        if (t == null) break;
        at++;
        if (!t[0].equals("id")) throw outside(t, "cannot start a statement");
        if (t[1].equals("import")) {
          importStatement();
        } else if (t[1].equals("default")) {
          String[] n = ruleName(next("a rule name"));
          String[] eq = next("=");
          if (!eq[1].equals("=") && !eq[1].equals(":=")) throw outside(eq, "where = was expected");
          JsonNode v = literal(next("a literal"));
          if (defaults.put(n[1], v) != null) throw new RegoException("line " + n[2] + ": a second default for " + n[1]);
          endOfStatement();
        } else {
          String[] n = ruleName(t);
          JsonNode value = BooleanNode.TRUE;
          String[] o = next("{");
          if (o[1].equals("=") || o[1].equals(":=")) {
            value = literal(next("a literal"));
            o = next("{");
          }
          if (o[1].equals("if")) o = next("{");
          if (!o[1].equals("{")) throw outside(o, "where { was expected (only rules with a body are supported)");
          rules.computeIfAbsent(n[1], k -> new ArrayList<>()).add(new Rule(value, body()));
        }
      }
      for (Map.Entry<String, List<Rule>> e : rules.entrySet()) {
        for (Rule r : e.getValue()) {
          for (Expr x : r.body) {
            if (x.left.inputPath == null && x.right == null) throw new RegoException("rule " + e.getKey() + ": a lone literal is not an expression of the subset");
          }
        }
      }
      return new RegoPolicy(packagePath, defaults, rules);
    }

    private void importStatement() {
      String[] what = next("an import path");
      List<String> target = what[0].equals("id") ? path(what) : null;
      if (target == null || !target.get(0).equals("input")) throw outside(what, "is not an import of input (data imports are not supported)");
      String alias = target.get(target.size() - 1);
      String[] t = peek();
      if (t != null && t[0].equals("id") && t[1].equals("as")) {
        at++;
        String[] a = next("an alias");
        if (!a[0].equals("id") || a[1].contains(".")) throw outside(a, "is not an alias");
        alias = a[1];
      }
      endOfStatement();
      imports.put(alias, target.subList(1, target.size()));
    }

    private String[] ruleName(String[] t) {
      if (!t[0].equals("id") || t[1].contains(".") || List.of("package", "import", "default", "not", "some", "every", "with", "else", "if", "contains", "true", "false", "null").contains(t[1])) {
        throw outside(t, "is not a rule name");
      }
      return t;
    }

    private List<Expr> body() {
      List<Expr> out = new ArrayList<>();
      while (true) {
        skipNewlines();
        String[] t = next("}");
        if (t[1].equals("}") && t[0].equals("op")) break;
        Term left = term(t);
        String[] op = peek();
        if (op != null && op[0].equals("op") && (op[1].equals("==") || op[1].equals("!="))) {
          at++;
          out.add(new Expr(left, op[1], term(next("a term"))));
        } else if (op != null && op[0].equals("op") && !op[1].equals("}")) {
          throw outside(op, "is not a supported operator (only == and !=)");
        } else {
          if (left.literal != null) throw outside(t, "alone is not a supported expression");
          out.add(new Expr(left, null, null));
        }
        String[] end = peek();
        if (end != null && !end[0].equals("nl") && !(end[0].equals("op") && end[1].equals("}"))) throw outside(end, "unexpected after an expression");
      }
      if (out.isEmpty()) throw new RegoException("an empty rule body is outside the supported Rego subset");
      return out;
    }

    private Term term(String[] t) {
      if (!t[0].equals("id") || List.of("true", "false", "null").contains(t[1])) return new Term(null, literal(t));
      List<String> p = path(t);
      if (p.get(0).equals("input")) return new Term(p.subList(1, p.size()), null);
      List<String> imported = imports.get(p.get(0));
      if (imported == null) throw outside(t, "is not a reference into input (rules, data and functions are not supported)");
      List<String> full = new ArrayList<>(imported);
      full.addAll(p.subList(1, p.size()));
      return new Term(full, null);
    }

    private static List<String> path(String[] t) {
      String[] parts = t[1].split("\\.", -1);
      for (String s : parts) if (s.isEmpty()) throw outside(t, "is not a dotted name");
      return List.of(parts);
    }

    private static JsonNode literal(String[] t) {
      switch (t[0]) {
        case "str":
          return TextNode.valueOf(t[1]);
        case "num":
          try {
            return DecimalNode.valueOf(new BigDecimal(t[1]));
          } catch (NumberFormatException e) {
            throw outside(t, "is not a number");
          }
        case "id":
          switch (t[1]) {
            case "true":
              return BooleanNode.TRUE;
            case "false":
              return BooleanNode.FALSE;
            case "null":
              return NullNode.instance;
            default:
              throw outside(t, "is not a literal (string, number, true, false or null)");
          }
        default:
          throw outside(t, "is not a literal (string, number, true, false or null)");
      }
    }
  }

  static JsonNodeFactory nodes() {
    return JsonNodeFactory.instance;
  }
}
