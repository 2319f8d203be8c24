package io.higressj.config.gatewayapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.Pattern;
import io.higressj.config.model.CorsOrigins;
import io.higressj.config.model.PathMatch;
import io.higressj.config.model.RouteConditions;
import io.higressj.config.model.RouteConditions.NamedMatch;
import io.higressj.config.model.RoutePolicy;
import io.higressj.config.model.StringMatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * The parts of HTTPRoute and GRPCRoute rules that do not depend on the listener a route attaches to:
 * matches, filters, timeouts and retries, compiled into the model. Problems with a value throw {@link
 * Invalid}, which makes the route not Accepted (reason {@code UnsupportedValue}).
 */
final class RouteRules {
  private RouteRules() {}

  /** A value the gateway cannot apply. */
  static final class Invalid extends RuntimeException {
    Invalid(String message) {
      super(message);
    }
  }

  /** One match of a rule: the path match, the other conditions, and how precedence orders it. */
  record Match(PathMatch path, RouteConditions conditions) {
    /** Gateway API precedence: Exact, then longer paths (prefix or expression), method, more headers, more query parameters. */
    int pathRank() {
      return path.type() == PathMatch.Type.EXACT ? 0 : 1;
    }
  }

  static List<Match> httpMatches(JsonNode matches) {
    List<Match> out = new ArrayList<>();
    if (matches == null || matches.isNull() || matches.isEmpty()) {
      out.add(new Match(PathMatch.prefix("/"), RouteConditions.NONE));
      return out;
    }
    for (JsonNode m : matches) {
      JsonNode p = m.path("path");
      String type = p.path("type").asText("PathPrefix");
      String value = p.path("value").asText("/");
      PathMatch path;
      try {
        path = switch (type) {
          case "Exact" -> PathMatch.exact(value);
          case "PathPrefix" -> PathMatch.prefix(value);
          case "RegularExpression" -> PathMatch.regex(value);
          default -> throw new Invalid("path.type: " + type + " (expected: Exact, PathPrefix or RegularExpression)");
        };
      } catch (IllegalArgumentException e) {
        throw new Invalid("path: " + e.getMessage());
      }
      Set<String> methods = m.path("method").isTextual() ? Set.of(m.path("method").asText()) : Set.of();
      List<NamedMatch> headers = named(m.path("headers"), true);
      List<NamedMatch> query = named(m.path("queryParams"), false);
      out.add(new Match(path, new RouteConditions(methods, headers, query)));
    }
    return out;
  }

  static List<Match> grpcMatches(JsonNode matches) {
    List<Match> out = new ArrayList<>();
    if (matches == null || matches.isNull() || matches.isEmpty()) {
      out.add(new Match(PathMatch.prefix("/"), RouteConditions.NONE));
      return out;
    }
    for (JsonNode m : matches) {
      JsonNode method = m.path("method");
      String type = method.path("type").asText("Exact");
      String service = method.path("service").isTextual() ? method.path("service").asText() : null;
      String name = method.path("method").isTextual() ? method.path("method").asText() : null;
      PathMatch path;
      try {
        if (type.equals("Exact")) {
          if (service != null && name != null) path = PathMatch.exact("/" + service + "/" + name);
          else if (service != null) path = PathMatch.prefix("/" + service);
          else if (name != null) path = PathMatch.regex("/[^/]+/" + Pattern.quote(name));
          else path = PathMatch.prefix("/");
        } else if (type.equals("RegularExpression")) {
          path = PathMatch.regex("/" + (service != null ? service : "[^/]+") + "/" + (name != null ? name : "[^/]+"));
        } else {
          throw new Invalid("method.type: " + type + " (expected: Exact or RegularExpression)");
        }
      } catch (IllegalArgumentException e) {
        throw new Invalid("method: " + e.getMessage());
      }
      out.add(new Match(path, new RouteConditions(Set.of(), named(m.path("headers"), true), List.of())));
    }
    return out;
  }

  private static List<NamedMatch> named(JsonNode list, boolean header) {
    List<NamedMatch> out = new ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    for (JsonNode h : list) {
      String name = h.path("name").asText();
      String key = header ? name.toLowerCase(Locale.ROOT) : name;
      if (!seen.add(key)) continue; // the first of equal names counts (the specification)
      String type = h.path("type").asText("Exact");
      String value = h.path("value").asText();
      StringMatch m;
      try {
        m = switch (type) {
          case "Exact" -> StringMatch.exact(value);
          case "RegularExpression" -> StringMatch.regex(value);
          default -> throw new Invalid((header ? "headers" : "queryParams") + ".type: " + type + " (expected: Exact or RegularExpression)");
        };
      } catch (IllegalArgumentException e) {
        throw new Invalid(e.getMessage());
      }
      out.add(new NamedMatch(key, m));
    }
    return out;
  }

  static RoutePolicy.HeaderOps headerOps(JsonNode f) {
    List<RoutePolicy.Header> add = new ArrayList<>();
    List<RoutePolicy.Header> set = new ArrayList<>();
    List<String> remove = new ArrayList<>();
    for (JsonNode h : f.path("add")) add.add(new RoutePolicy.Header(h.path("name").asText().toLowerCase(Locale.ROOT), h.path("value").asText()));
    for (JsonNode h : f.path("set")) set.add(new RoutePolicy.Header(h.path("name").asText().toLowerCase(Locale.ROOT), h.path("value").asText()));
    for (JsonNode h : f.path("remove")) remove.add(h.asText().toLowerCase(Locale.ROOT));
    return new RoutePolicy.HeaderOps(add, set, remove);
  }

  static RoutePolicy.HeaderOps merge(RoutePolicy.HeaderOps a, RoutePolicy.HeaderOps b) {
    if (a.isEmpty()) return b;
    if (b.isEmpty()) return a;
    List<RoutePolicy.Header> add = new ArrayList<>(a.add());
    add.addAll(b.add());
    List<RoutePolicy.Header> set = new ArrayList<>(a.set());
    set.addAll(b.set());
    List<String> remove = new ArrayList<>(a.remove());
    remove.addAll(b.remove());
    return new RoutePolicy.HeaderOps(add, set, remove);
  }

  /** A URLRewrite filter's rewrite; {@code match} decides whether ReplacePrefixMatch applies. */
  static RoutePolicy.Rewrite rewrite(JsonNode f, PathMatch match) {
    String host = f.path("hostname").isTextual() ? f.path("hostname").asText() : null;
    JsonNode p = f.path("path");
    if (p.isMissingNode() || p.isNull()) return new RoutePolicy.Rewrite(null, null, null, host);
    String type = p.path("type").asText();
    if (type.equals("ReplaceFullPath")) {
      return new RoutePolicy.Rewrite(Pattern.compile("^.*$"), quoteReplacement(p.path("replaceFullPath").asText("/")), null, host);
    }
    if (type.equals("ReplacePrefixMatch")) {
      if (match.type() != PathMatch.Type.PREFIX) throw new Invalid("URLRewrite ReplacePrefixMatch needs a PathPrefix match");
      return new RoutePolicy.Rewrite(null, null, p.path("replacePrefixMatch").asText("/"), host);
    }
    throw new Invalid("urlRewrite.path.type: " + type + " (expected: ReplaceFullPath or ReplacePrefixMatch)");
  }

  private static String quoteReplacement(String s) {
    return s.replace("\\", "\\\\").replace("$", "\\$");
  }

  /**
   * A RequestRedirect filter for a listener: parts the filter leaves out come from the request, except the
   * port, which is the listener's (the port the client connected to, before any port mapping), left out
   * of the Location when it is the scheme's default.
   */
  static RoutePolicy.Redirect redirect(JsonNode f, PathMatch match, boolean listenerTls, int listenerPort) {
    String scheme = f.path("scheme").isTextual() ? f.path("scheme").asText().toLowerCase(Locale.ROOT) : null;
    String host = f.path("hostname").isTextual() ? f.path("hostname").asText() : null;
    String effectiveScheme = scheme != null ? scheme : listenerTls ? "https" : "http";
    int port;
    if (f.path("port").isInt()) port = f.path("port").asInt();
    else if (scheme != null) port = 0;
    else port = listenerPort;
    if (port == ("https".equals(effectiveScheme) ? 443 : 80)) port = 0;
    int code = f.path("statusCode").asInt(302);
    String path = null;
    boolean prefix = false;
    JsonNode p = f.path("path");
    if (!p.isMissingNode() && !p.isNull()) {
      String type = p.path("type").asText();
      if (type.equals("ReplaceFullPath")) {
        path = p.path("replaceFullPath").asText("/");
      } else if (type.equals("ReplacePrefixMatch")) {
        if (match.type() != PathMatch.Type.PREFIX) throw new Invalid("RequestRedirect ReplacePrefixMatch needs a PathPrefix match");
        path = p.path("replacePrefixMatch").asText("/");
        prefix = true;
      } else {
        throw new Invalid("requestRedirect.path.type: " + type + " (expected: ReplaceFullPath or ReplacePrefixMatch)");
      }
    }
    return new RoutePolicy.Redirect(code, scheme != null ? scheme : effectiveScheme, host, port, path, false, prefix);
  }

  static RoutePolicy.Cors cors(JsonNode f) {
    List<String> origins = new ArrayList<>();
    for (JsonNode o : f.path("allowOrigins")) origins.add(o.asText());
    CorsOrigins allow;
    try {
      allow = CorsOrigins.of(origins);
    } catch (IllegalArgumentException e) {
      throw new Invalid("cors.allowOrigins: " + e.getMessage());
    }
    return new RoutePolicy.Cors(allow, join(f.path("allowMethods")), join(f.path("allowHeaders")), join(f.path("exposeHeaders")),
        f.path("allowCredentials").asBoolean(false), String.valueOf(f.path("maxAge").asInt(5)), true);
  }

  private static String join(JsonNode list) {
    if (list.isEmpty()) return null;
    List<String> s = new ArrayList<>();
    for (JsonNode n : list) s.add(n.asText());
    return String.join(", ", s);
  }

  private static final java.util.regex.Pattern DURATION = java.util.regex.Pattern.compile("(\\d+)(h|ms|m|s)");

  /** A Gateway API duration ({@code 1h}, {@code 10s}, {@code 500ms}, {@code 1m30s}); "0s" means none (null). */
  static Duration duration(String s, String field) {
    Matcher m = DURATION.matcher(s);
    Duration d = Duration.ZERO;
    int at = 0;
    while (m.find() && m.start() == at) {
      long v = Long.parseLong(m.group(1));
      d = d.plus(switch (m.group(2)) {
        case "h" -> Duration.ofHours(v);
        case "m" -> Duration.ofMinutes(v);
        case "s" -> Duration.ofSeconds(v);
        default -> Duration.ofMillis(v);
      });
      at = m.end();
    }
    if (at != s.length() || s.isEmpty()) throw new Invalid(field + ": " + s + " (expected: a duration like 10s, 500ms, 1h)");
    return d;
  }
}
