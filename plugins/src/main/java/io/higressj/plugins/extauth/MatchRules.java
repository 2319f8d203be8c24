package io.higressj.plugins.extauth;

import com.google.re2j.Pattern;
import java.util.List;

/**
 * {@code match_type} and {@code match_list}: in {@code whitelist} mode (the default, with an empty
 * list) a request matching a rule skips authentication; in {@code blacklist} mode only requests
 * matching a rule are authenticated. A rule matches when each condition it has holds: the host
 * ({@code *} is any run of characters; compared with the request's {@code :authority} as it is), the
 * method (one of the list, exactly), the path without the query.
 */
record MatchRules(boolean blacklist, List<Rule> rules) {
  record Rule(Pattern domain, List<String> methods, StringMatcher path) {
    boolean matches(String host, String method, String path) {
      if (domain == null && methods.isEmpty() && this.path == null) return false;
      return (domain == null || domain.matches(host))
          && (methods.isEmpty() || methods.contains(method))
          && (this.path == null || this.path.matches(path));
    }
  }

  static MatchRules none() {
    return new MatchRules(false, List.of());
  }

  /** true when the request needs no authorization */
  boolean skips(String host, String method, String path) {
    boolean matched = false;
    for (Rule r : rules) {
      if (r.matches(host, method, path)) {
        matched = true;
        break;
      }
    }
    return blacklist ? !matched : matched;
  }

  static Pattern wildcard(String domain) {
    StringBuilder re = new StringBuilder();
    String[] parts = domain.split("\\*", -1);
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) re.append(".*");
      if (!parts[i].isEmpty()) re.append(Pattern.quote(parts[i]));
    }
    return Pattern.compile(re.toString());
  }
}
