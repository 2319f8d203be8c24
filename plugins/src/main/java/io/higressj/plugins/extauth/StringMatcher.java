package io.higressj.plugins.extauth;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.higressj.api.PluginConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Envoy's StringMatcher as Higress's ext-auth reads it: one of {@code exact}, {@code prefix}, {@code
 * suffix}, {@code contains}, {@code regex} (RE2, found anywhere in the value, as Go's {@code
 * MatchString}), optionally {@code ignore_case}. A list matches when any item does.
 */
record StringMatcher(String kind, String target, boolean ignoreCase, Pattern regex) {
  static final List<String> KINDS = List.of("exact", "prefix", "suffix", "contains", "regex");

  boolean matches(String value) {
    String v = ignoreCase && regex == null ? value.toLowerCase(Locale.ROOT) : value;
    return switch (kind) {
      case "exact" -> v.equals(target);
      case "prefix" -> v.startsWith(target);
      case "suffix" -> v.endsWith(target);
      case "contains" -> v.contains(target);
      default -> regex.matcher(value).find();
    };
  }

  static boolean any(List<StringMatcher> matchers, String value) {
    for (StringMatcher m : matchers) if (m.matches(value)) return true;
    return false;
  }

  /** one matcher of kind {@code kind} for {@code target}; {@code field} names it in errors */
  static StringMatcher of(String kind, String target, boolean ignoreCase, String field) throws PluginConfigException {
    if (!KINDS.contains(kind)) throw new PluginConfigException(field, "'" + kind + "' (expected: one of " + String.join(", ", KINDS) + ")");
    if (kind.equals("regex")) {
      try {
        return new StringMatcher(kind, target, ignoreCase, Pattern.compile(ignoreCase && !target.startsWith("(?i)") ? "(?i)" + target : target));
      } catch (PatternSyntaxException e) {
        throw new PluginConfigException(field, "'" + target + "' is not a regular expression (" + e.getDescription() + ")");
      }
    }
    return new StringMatcher(kind, ignoreCase ? target.toLowerCase(Locale.ROOT) : target, ignoreCase, null);
  }

  /** a list of {@code {exact|prefix|suffix|contains|regex: ..., ignore_case: bool}}; case-insensitive (header names) */
  static List<StringMatcher> listIgnoringCase(Object v, String field) throws PluginConfigException {
    if (v == null) return null;
    if (!(v instanceof List<?> items)) throw new PluginConfigException(field, "not a list (expected: a list of string matchers such as {exact: x-user})");
    List<StringMatcher> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String at = field + "[" + i + "]";
      if (!(items.get(i) instanceof Map<?, ?> item)) throw new PluginConfigException(at, "not an object (expected: {exact|prefix|suffix|contains|regex: <string>})");
      StringMatcher found = null;
      for (String kind : KINDS) { // the last kind given wins, as in Higress
        if (item.get(kind) instanceof String s && !s.isEmpty()) found = of(kind, s, true, at + "." + kind);
        else if (item.get(kind) != null && !(item.get(kind) instanceof String)) throw new PluginConfigException(at + "." + kind, "not a string");
      }
      if (found == null) throw new PluginConfigException(at, "no matcher (expected: one of " + String.join(", ", KINDS) + " with a non-empty string)");
      out.add(found);
    }
    return List.copyOf(out);
  }
}
