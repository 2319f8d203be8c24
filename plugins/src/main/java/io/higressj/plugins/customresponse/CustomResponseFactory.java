package io.higressj.plugins.customresponse;

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
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Higress's {@code custom-response}: answers every request with a fixed response (a mock), or, with
 * {@code enable_on_status}, replaces responses of those statuses (the upstream's, the gateway's own
 * and other plugins' replies alike).
 */
public final class CustomResponseFactory implements PluginFactory<CustomResponseFactory.Config> {
  /** The largest response body replaced in place; a larger one is answered 500 by the gateway. */
  static final int MAX_REPLACED_BODY = 8 * 1024 * 1024;

  /**
   * @param headers in order, names in lower case; a {@code content-type} is added when the body is
   *     not empty and none is configured
   * @param enableOnStatus empty: every request gets the response
   */
  public record Config(int statusCode, Map<String, String> headers, byte[] body, Set<Integer> enableOnStatus) {
    public Config {
      headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
      body = body.clone();
      enableOnStatus = Set.copyOf(enableOnStatus);
    }

    @Override
    public byte[] body() {
      return body.clone();
    }
  }

  @Override
  public String name() {
    return "custom-response";
  }

  @Override
  public PluginPhase defaultPhase() {
    return PluginPhase.AUTHN;
  }

  @Override
  public int defaultPriority() {
    return 910;
  }

  @Override
  public Config parseConfig(Map<String, Object> config) throws PluginConfigException {
    ConfigFields f = ConfigFields.of(config);
    int status = f.status("status_code", 200);
    List<String> lines = f.strings("headers");
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int eq = line.indexOf('=');
      String name = eq < 0 ? "" : line.substring(0, eq).trim();
      if (name.isEmpty() || !validName(name)) {
        throw new PluginConfigException("headers[" + i + "]", ConfigFields.describe(line) + " (expected: name=value)");
      }
      String value = line.substring(eq + 1).trim();
      if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
        throw new PluginConfigException("headers[" + i + "]", "a line break in the value (expected: one line)");
      }
      headers.put(name.toLowerCase(Locale.ROOT), value);
    }
    String body = f.string("body", "");
    if (!body.isEmpty() && !headers.containsKey("content-type")) {
      String t = body.strip();
      boolean json = t.startsWith("{") && t.endsWith("}") || t.startsWith("[") && t.endsWith("]");
      headers.put("content-type", json ? "application/json; charset=utf-8" : "text/plain; charset=utf-8");
    }
    List<?> codes = f.list("enable_on_status");
    Set<Integer> enable = new TreeSet<>();
    for (int i = 0; i < codes.size(); i++) {
      Object c = codes.get(i);
      long code = c instanceof String s && s.matches("\\d{3}") ? Long.parseLong(s)
          : ConfigFields.integer("enable_on_status[" + i + "]", c, -1);
      if (code < 100 || code > 599) {
        throw new PluginConfigException("enable_on_status[" + i + "]", ConfigFields.describe(c) + " (expected: an HTTP status from 100 to 599)");
      }
      enable.add((int) code);
    }
    return new Config(status, headers, body.getBytes(StandardCharsets.UTF_8), enable);
  }

  private static boolean validName(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= ' ' || c >= 127 || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) return false;
    }
    return true;
  }

  @Override
  public HttpFilter create(Config config) {
    return new HttpFilter() {
      private boolean replacing;

      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
        if (!config.enableOnStatus().isEmpty()) return Action.CONTINUE;
        ctx.sendLocalReply(config.statusCode(), config.headers(), config.body());
        return Action.PAUSE;
      }

      @Override
      public Action onResponseHeaders(FilterContext ctx, ResponseHeaders headers, boolean endOfStream) {
        if (replacing || !config.enableOnStatus().contains(headers.status())) return Action.CONTINUE;
        replacing = true;
        if (endOfStream && config.body().length > 0) {
          // no body to replace: answer instead (an upstream response; a reply already made keeps its empty body)
          ctx.sendLocalReply(config.statusCode(), config.headers(), config.body());
        }
        // in place, so that replies made by the gateway or another plugin change too
        headers.status(config.statusCode());
        headers.remove("content-length");
        config.headers().forEach(headers::set);
        if (!endOfStream) ctx.bufferResponseBody(MAX_REPLACED_BODY);
        return Action.CONTINUE;
      }

      @Override
      public Action onResponseBody(FilterContext ctx, Body body, boolean endOfStream) {
        if (!replacing) return Action.CONTINUE;
        body.replace(endOfStream ? config.body() : new byte[0]);
        return Action.CONTINUE;
      }
    };
  }

}
