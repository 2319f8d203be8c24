package io.higressj.config.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import io.higressj.config.model.PathMatch;
import io.higressj.config.resource.Problem;
import io.higressj.config.resource.Resource;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks one {@code networking.k8s.io/v1} Ingress completely and turns it into plain records. Every
 * error is reported with its field path; an Ingress with any error is rejected as a whole, so that a
 * half-applied Ingress never sends traffic somewhere its author did not intend.
 */
final class IngressValidator {
  private static final Pattern DNS_NAME =
      Pattern.compile("(\\*\\.)?[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*");
  /** IANA service name, as Kubernetes checks backend port names: never all digits. */
  private static final Pattern PORT_NAME = Pattern.compile("(?=.*[a-z])[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?");
  private static final Pattern SERVICE_NAME = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");

  private IngressValidator() {}

  /**
   * A backend as the Ingress names it: exactly one of {@code portNumber} (> 0) and {@code portName}.
   *
   * @param field where it is written, e.g. {@code spec.rules[0].http.paths[1].backend}
   */
  record BackendRef(String service, int portNumber, String portName, String field) {}

  /** One {@code spec.rules[rule].http.paths[path]}; host is lower case, {@code *} when the rule has none. */
  record PathRule(String host, PathMatch match, BackendRef backend, int rule, int path, String rawPath) {
    String field() {
      return "spec.rules[" + rule + "].http.paths[" + path + "]";
    }
  }

  /** One {@code spec.tls[index]}; hosts lower case, empty for "the default certificate". */
  record TlsEntry(int index, List<String> hosts, String secretName) {}

  /**
   * @param created metadata.creationTimestamp, null when missing or unreadable (then ordered as newest)
   * @param hosts the distinct hosts the rules name, lower case, in rule order
   * @param defaultBackend null when there is none
   */
  record ValidIngress(Resource resource, Instant created, List<String> hosts, List<PathRule> paths,
      BackendRef defaultBackend, List<TlsEntry> tls) {}

  /** @return the Ingress, or null when it has errors (all of them added to {@code problems}) */
  static ValidIngress validate(Resource r, List<Problem> problems) {
    List<Problem> errors = new ArrayList<>();
    Checker c = new Checker(r, errors);

    Instant created = null;
    JsonNode ts = r.metadata().get("creationTimestamp");
    if (ts != null && !ts.isNull()) {
      try {
        created = creationTimestamp(ts.asText());
      } catch (DateTimeParseException e) {
        problems.add(Problem.warning(r, "metadata.creationTimestamp", show(ts)
            + " (expected: an RFC 3339 time such as 2024-01-31T12:00:00Z); ordered as the newest Ingress"));
      }
    }

    JsonNode spec = r.body().get("spec");
    List<PathRule> paths = new ArrayList<>();
    Set<String> hosts = new LinkedHashSet<>();
    BackendRef defaultBackend = null;
    List<TlsEntry> tls = new ArrayList<>();
    if (spec == null || !spec.isObject()) {
      c.error("spec", spec == null ? "missing (expected: rules or defaultBackend)" : show(spec) + " (expected: an object)");
    } else {
      JsonNode db = spec.get("defaultBackend");
      if (db != null && !db.isNull()) defaultBackend = c.backend(db, "spec.defaultBackend");
      JsonNode rules = spec.get("rules");
      if (c.list(rules, "spec.rules")) {
        for (int i = 0; i < rules.size(); i++) {
          rule(c, rules.get(i), i, paths, hosts);
        }
      }
      boolean noRules = rules == null || rules.isNull() || rules.isArray() && rules.isEmpty();
      if ((db == null || db.isNull()) && noRules) {
        c.error("spec", "no rules and no defaultBackend (expected: at least one of them)");
      }
      JsonNode tlsNode = spec.get("tls");
      if (c.list(tlsNode, "spec.tls")) {
        for (int i = 0; i < tlsNode.size(); i++) {
          TlsEntry t = tlsEntry(c, tlsNode.get(i), i);
          if (t != null) tls.add(t);
        }
      }
    }
    problems.addAll(errors);
    if (!errors.isEmpty()) return null;
    return new ValidIngress(r, created, List.copyOf(hosts), paths, defaultBackend, tls);
  }

  /**
   * Field names of the first rules and paths, made once: every path of every Ingress names them while it
   * is checked, and almost every Ingress has one or two of each.
   */
  private static final int NAMED = 8;

  private static final String[][] RULE_FIELDS = new String[NAMED][]; // [i]: rule, host, http, paths

  private static final String[][][] PATH_FIELDS = new String[NAMED][NAMED][]; // [i][j]: path, backend

  static {
    for (int i = 0; i < NAMED; i++) {
      RULE_FIELDS[i] = newRuleFields(i);
      for (int j = 0; j < NAMED; j++) PATH_FIELDS[i][j] = newPathFields(RULE_FIELDS[i], j);
    }
  }

  private static String[] newRuleFields(int i) {
    String rule = "spec.rules[" + i + "]";
    return new String[] {rule, rule + ".host", rule + ".http", rule + ".http.paths"};
  }

  private static String[] newPathFields(String[] rule, int j) {
    String path = rule[3] + "[" + j + "]";
    return new String[] {path, path + ".backend"};
  }

  private static void rule(Checker c, JsonNode rule, int i, List<PathRule> out, Set<String> hosts) {
    String[] fields = i < NAMED ? RULE_FIELDS[i] : newRuleFields(i);
    String field = fields[0];
    if (!rule.isObject()) {
      c.error(field, show(rule) + " (expected: an object with host and http)");
      return;
    }
    String host = "*";
    JsonNode h = rule.get("host");
    if (h != null && !h.isNull() && !(h.isTextual() && h.asText().isEmpty())) {
      host = c.host(h, fields[1]);
      if (host == null) host = "*";
      else hosts.add(host);
    }
    JsonNode http = rule.get("http");
    if (http == null || http.isNull()) return; // a host without paths: it can still get the defaultBackend
    if (!http.isObject()) {
      c.error(fields[2], show(http) + " (expected: an object with paths)");
      return;
    }
    JsonNode paths = http.get("paths");
    if (paths == null || paths.isNull() || (paths.isArray() && paths.isEmpty())) {
      c.error(fields[3], "missing (expected: at least one path)");
      return;
    }
    if (!c.list(paths, fields[3])) return;
    for (int j = 0; j < paths.size(); j++) {
      String[] pathFields = i < NAMED && j < NAMED ? PATH_FIELDS[i][j] : newPathFields(fields, j);
      String pf = pathFields[0];
      JsonNode p = paths.get(j);
      if (!p.isObject()) {
        c.error(pf, show(p) + " (expected: an object with path, pathType and backend)");
        continue;
      }
      PathMatch match = c.pathMatch(p, pf);
      JsonNode b = p.get("backend");
      BackendRef backend = null;
      if (b == null || b.isNull()) c.error(pathFields[1], "missing (expected: a backend with a service)");
      else backend = c.backend(b, pathFields[1]);
      if (match != null && backend != null) {
        JsonNode raw = p.get("path");
        String rawPath = raw != null && raw.isTextual() && !raw.asText().isEmpty() ? raw.asText() : "/";
        out.add(new PathRule(host, match, backend, i, j, rawPath));
      }
    }
  }

  private static TlsEntry tlsEntry(Checker c, JsonNode t, int i) {
    String field = "spec.tls[" + i + "]";
    if (!t.isObject()) {
      c.error(field, show(t) + " (expected: an object with hosts and secretName)");
      return null;
    }
    List<String> hosts = new ArrayList<>();
    JsonNode hs = t.get("hosts");
    if (c.list(hs, field + ".hosts")) {
      for (int j = 0; j < hs.size(); j++) {
        String h = c.host(hs.get(j), field + ".hosts[" + j + "]");
        if (h != null && !hosts.contains(h)) hosts.add(h);
      }
    }
    String secret = null;
    JsonNode s = t.get("secretName");
    if (s != null && !s.isNull()) {
      if (s.isTextual() && !s.asText().isEmpty()) secret = s.asText();
      else c.error(field + ".secretName", show(s) + " (expected: the name of a Secret)");
    }
    return new TlsEntry(i, hosts, secret);
  }

  /** Collects errors against one object. */
  private record Checker(Resource r, List<Problem> errors) {
    void error(String field, String message) {
      errors.add(Problem.error(r, field, message));
    }

    /** True when {@code n} is a list (absent counts as an empty list). */
    boolean list(JsonNode n, String field) {
      if (n == null || n.isNull()) return false;
      if (n.isArray()) return true;
      error(field, show(n) + " (expected: a list)");
      return false;
    }

    /** The host in lower case, or null after an error. */
    String host(JsonNode n, String field) {
      String h = n.isTextual() ? n.asText().toLowerCase(Locale.ROOT) : null;
      if (h == null || h.length() > 253 || !DNS_NAME.matcher(h).matches()) {
        error(field, show(n) + " (expected: a DNS name, optionally with a leading \"*.\")");
        return null;
      }
      return h;
    }

    PathMatch pathMatch(JsonNode p, String field) {
      JsonNode typeNode = p.get("pathType");
      String type = typeNode == null || typeNode.isNull() ? "ImplementationSpecific" : typeNode.asText();
      boolean known = typeNode == null || typeNode.isNull() || typeNode.isTextual()
          && (type.equals("Exact") || type.equals("Prefix") || type.equals("ImplementationSpecific"));
      if (!known) {
        error(field + ".pathType", show(typeNode) + " (expected: Exact, Prefix or ImplementationSpecific)");
      }
      JsonNode pathNode = p.get("path");
      String path;
      if (pathNode == null || pathNode.isNull() || pathNode.isTextual() && pathNode.asText().isEmpty()) {
        if (type.equals("Exact") || type.equals("Prefix")) {
          error(field + ".path", "missing (expected: an absolute path, required for pathType " + type + ")");
          return null;
        }
        path = "/"; // ImplementationSpecific without a path: everything
      } else if (!pathNode.isTextual() || !pathNode.asText().startsWith("/")) {
        error(field + ".path", show(pathNode) + " (expected: an absolute path starting with /)");
        return null;
      } else {
        path = pathNode.asText();
        for (int k = 0; k < path.length(); k++) {
          char ch = path.charAt(k);
          if (ch <= ' ' || ch == 0x7f || ch == '?' || ch == '#') {
            error(field + ".path", show(pathNode) + " (expected: a path without spaces, control characters, '?' or '#')");
            return null;
          }
        }
      }
      if (!known) return null;
      // ImplementationSpecific is a prefix match, as in Higress without the use-regex annotation
      return type.equals("Exact") ? PathMatch.exact(path) : PathMatch.prefix(path);
    }

    BackendRef backend(JsonNode b, String field) {
      if (!b.isObject()) {
        error(field, show(b) + " (expected: an object with a service)");
        return null;
      }
      JsonNode svc = b.get("service");
      if (b.has("resource") && (svc == null || svc.isNull())) {
        error(field + ".resource", "resource backends are not supported (expected: backend.service)");
        return null;
      }
      if (svc == null || svc.isNull()) {
        error(field + ".service", "missing (expected: a service with name and port)");
        return null;
      }
      if (b.has("resource")) {
        error(field, "both service and resource (expected: one of them)");
        return null;
      }
      if (!svc.isObject()) {
        error(field + ".service", show(svc) + " (expected: an object with name and port)");
        return null;
      }
      boolean ok = true;
      JsonNode name = svc.get("name");
      if (name == null || name.isNull()) {
        error(field + ".service.name", "missing (expected: the name of a Service)");
        ok = false;
      } else if (!name.isTextual() || name.asText().length() > 63 || !SERVICE_NAME.matcher(name.asText()).matches()) {
        error(field + ".service.name", show(name) + " (expected: a Service name: lower-case letters, digits and '-')");
        ok = false;
      }
      JsonNode port = svc.get("port");
      int number = 0;
      String portName = null;
      if (port == null || port.isNull() || port.isObject() && !port.has("number") && !port.has("name")) {
        error(field + ".service.port", "missing (expected: number or name)");
        ok = false;
      } else if (!port.isObject()) {
        error(field + ".service.port", show(port) + " (expected: an object with number or name)");
        ok = false;
      } else if (port.has("number") && port.has("name")) {
        error(field + ".service.port", "both number and name (expected: one of them)");
        ok = false;
      } else if (port.has("number")) {
        JsonNode n = port.get("number");
        if (!n.isIntegralNumber()) {
          error(field + ".service.port.number", show(n) + " (expected: an integer 1..65535)");
          ok = false;
        } else if (!n.canConvertToInt() || n.asInt() < 1 || n.asInt() > 65535) {
          error(field + ".service.port.number", n + " (expected: 1..65535)");
          ok = false;
        } else {
          number = n.asInt();
        }
      } else {
        JsonNode n = port.get("name");
        if (!n.isTextual() || !PORT_NAME.matcher(n.asText()).matches()) {
          error(field + ".service.port.name", show(n)
              + " (expected: the name of a Service port: up to 15 lower-case letters, digits and '-', with a letter)");
          ok = false;
        } else {
          portName = n.asText();
        }
      }
      return ok ? new BackendRef(name.asText(), number, portName, field) : null;
    }
  }

  /** A value as it appears in messages: strings quoted, everything else as JSON. */
  static String show(JsonNode n) {
    if (n == null) return "missing";
    return n.isTextual() ? "\"" + n.asText() + "\"" : n.toString();
  }
  /**
   * An RFC 3339 time as {@code OffsetDateTime.parse} reads it. The form the API server writes
   * ({@code 2024-01-31T12:00:00Z}) is read directly: the formatter's machinery costs more than the rest
   * of checking an Ingress while a large configuration is read cold.
   */
  static Instant creationTimestamp(String s) {
    if (s.length() == 20 && s.charAt(4) == '-' && s.charAt(7) == '-' && s.charAt(10) == 'T' && s.charAt(13) == ':'
        && s.charAt(16) == ':' && s.charAt(19) == 'Z') {
      int year = digits(s, 0, 4);
      int month = digits(s, 5, 2);
      int day = digits(s, 8, 2);
      int hour = digits(s, 11, 2);
      int minute = digits(s, 14, 2);
      int second = digits(s, 17, 2);
      if (year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= java.time.YearMonth.of(year, month).lengthOfMonth()
          && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59) {
        long days = java.time.LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(days * 86_400 + hour * 3_600 + minute * 60 + second);
      }
    }
    return OffsetDateTime.parse(s).toInstant(); // other offsets, fractions, or not a time (throws)
  }

  /** The decimal number of {@code s[from, from + n)}, or -1 when it holds anything but ASCII digits. */
  private static int digits(String s, int from, int n) {
    int v = 0;
    for (int i = from; i < from + n; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') return -1;
      v = v * 10 + (c - '0');
    }
    return v;
  }
}
