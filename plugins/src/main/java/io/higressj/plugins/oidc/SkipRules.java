package io.higressj.plugins.oidc;

import com.google.re2j.Pattern;
import java.util.List;

/**
 * {@code match_type} and {@code match_list}, as Higress's oidc reads them: in {@code whitelist} mode
 * (the default; an empty list authenticates everything) a request matching a rule passes without
 * login; in {@code blacklist} mode only the requests matching a rule are authenticated. A rule matches
 * the host ({@code match_rule_domain}, {@code *} any run of characters, compared without the port; no
 * domain: any host) and the path without the query ({@code match_rule_type} {@code exact}, {@code
 * prefix} or {@code regex}, RE2 syntax, unanchored).
 */
record SkipRules(boolean blacklist, List<Rule> rules) {
  enum Type { EXACT, PREFIX, REGEX }

  record Rule(Pattern domain, Type type, String path, Pattern regex) {
    boolean matches(String host, String p) {
      if (domain != null && !domain.matches(host)) return false;
      return switch (type) {
        case EXACT -> p.equals(path);
        case PREFIX -> p.startsWith(path);
        case REGEX -> regex.matcher(p).find();
      };
    }
  }

  SkipRules {
    rules = List.copyOf(rules);
  }

  /** true when the request needs no login */
  boolean skips(String host, String path) {
    boolean matched = false;
    for (Rule r : rules) {
      if (r.matches(host, path)) {
        matched = true;
        break;
      }
    }
    return blacklist != matched;
  }

  static Pattern wildcard(String domain) {
    StringBuilder re = new StringBuilder("(?i)");
    String[] parts = domain.split("\\*", -1);
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) re.append(".*");
      if (!parts[i].isEmpty()) re.append(Pattern.quote(parts[i]));
    }
    return Pattern.compile(re.toString());
  }
}
