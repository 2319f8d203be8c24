package io.higressj.plugins.gwerrorformat;

import io.higressj.api.Action;
import io.higressj.api.Body;
import io.higressj.api.FilterContext;
import io.higressj.api.HttpFilter;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginFactory;
import io.higressj.api.PluginPhase;
import io.higressj.api.ResponseHeaders;
import io.higressj.plugins.ConfigFields;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Higress's {@code gw-error-format}: rewrites the gateway's own error replies (never upstream
 * responses). A reply whose status is a rule's {@code match.statuscode} gets that rule's {@code
 * replace.statuscode} and the {@code set_header} headers; its body, when it equals a rule's {@code
 * match.responsebody}, becomes that rule's {@code replace.responsebody}.
 */
public final class GwErrorFormatFactory implements PluginFactory<GwErrorFormatFactory.Config> {
  public record Rule(int matchStatus, String matchBody, int replaceStatus, String replaceBody) {}

  public record Config(List<Rule> rules, Map<String, String> setHeaders) {
    public Config {
      rules = List.copyOf(rules);
      setHeaders = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(setHeaders));
    }
  }

  @Override
  public String name() {
    return "gw-error-format";
  }

  @Override
  public PluginPhase defaultPhase() {
    return PluginPhase.UNSPECIFIED_PHASE;
  }

  @Override
  public int defaultPriority() {
    return 0;
  }

  @Override
  @SuppressWarnings("unchecked")
  public Config parseConfig(Map<String, Object> config) throws PluginConfigException {
    ConfigFields f = ConfigFields.of(config);
    List<?> list = f.list("rules");
    List<Rule> rules = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String at = "rules[" + i + "]";
      if (!(list.get(i) instanceof Map<?, ?> m)) throw new PluginConfigException(at, ConfigFields.describe(list.get(i)) + " (expected: match and replace)");
      ConfigFields r = ConfigFields.of((Map<String, Object>) m);
      ConfigFields match = ConfigFields.of(r.has("match") ? r.object("match") : Map.of());
      ConfigFields replace = ConfigFields.of(r.has("replace") ? r.object("replace") : Map.of());
      int ms = status(match, at + ".match.statuscode");
      int rs = status(replace, at + ".replace.statuscode");
      rules.add(new Rule(ms, text(match, "responsebody"), rs, text(replace, "responsebody")));
    }
    Map<String, String> headers = new LinkedHashMap<>();
    List<?> set = f.has("set_header") ? f.list("set_header") : List.of();
    for (int i = 0; i < set.size(); i++) {
      String at = "set_header[" + i + "]";
      if (!(set.get(i) instanceof Map<?, ?> m)) throw new PluginConfigException(at, ConfigFields.describe(set.get(i)) + " (expected: name: value)");
      for (Map.Entry<?, ?> e : m.entrySet()) {
        String name = String.valueOf(e.getKey()).trim();
        String value = String.valueOf(e.getValue());
        if (name.isEmpty() || !name.chars().allMatch(c -> c > 32 && c < 127 && c != ':')) {
          throw new PluginConfigException(at, "\"" + name + "\" is not a header name");
        }
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) throw new PluginConfigException(at + "." + name, "a line break (expected: one line)");
        headers.put(name, value);
      }
    }
    return new Config(rules, headers);
  }

  private static int status(ConfigFields f, String field) throws PluginConfigException {
    String key = field.substring(field.lastIndexOf('.') + 1);
    Object v = f.raw(key);
    if (v == null || String.valueOf(v).isBlank()) throw new PluginConfigException(field, "missing (expected: a status code such as \"403\")");
    try {
      int s = Integer.parseInt(String.valueOf(v).trim());
      if (s < 100 || s > 599) throw new NumberFormatException();
      return s;
    } catch (NumberFormatException e) {
      throw new PluginConfigException(field, "\"" + v + "\" (expected: a status code 100-599)");
    }
  }

  private static String text(ConfigFields f, String key) {
    Object v = f.raw(key);
    return v == null ? "" : String.valueOf(v);
  }

  @Override
  public HttpFilter create(Config config) {
    return new HttpFilter() {
      private boolean matched;

      @Override
      public Action onResponseHeaders(FilterContext ctx, ResponseHeaders headers, boolean endOfStream) {
        if (ctx.responseFromUpstream()) return Action.CONTINUE;
        for (Rule r : config.rules()) {
          if (r.matchStatus() == headers.status()) {
            headers.status(r.replaceStatus());
            config.setHeaders().forEach(headers::set);
            matched = true;
            break;
          }
        }
        return Action.CONTINUE;
      }

      @Override
      public Action onResponseBody(FilterContext ctx, Body body, boolean endOfStream) {
        if (!matched || !endOfStream) return Action.CONTINUE;
        String text = body.text(StandardCharsets.UTF_8);
        // the gateway's own bodies end with a line break, Envoy's do not: either matches
        String trimmed = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        for (Rule r : config.rules()) {
          if (r.matchBody().equals(text) || r.matchBody().equals(trimmed)) {
            body.replace(r.replaceBody());
            break;
          }
        }
        return Action.CONTINUE;
      }
    };
  }
}
