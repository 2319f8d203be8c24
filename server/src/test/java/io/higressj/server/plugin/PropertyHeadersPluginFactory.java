package io.higressj.server.plugin;

import io.higressj.api.Action;
import io.higressj.api.FilterContext;
import io.higressj.api.HttpFilter;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginFactory;
import io.higressj.api.RequestHeaders;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A later plugin for the end-to-end tests ({@code property-headers}): copies request properties that
 * earlier plugins set (request attributes: a String from a Java plugin, bytes from a Wasm plugin's
 * set_property) into request headers, URL-encoded. Its configuration maps header names to property
 * names; a property that is not set yields {@code -}.
 */
public class PropertyHeadersPluginFactory implements PluginFactory<Map<String, String>> {
  @Override
  public String name() {
    return "property-headers";
  }

  @Override
  public Map<String, String> parseConfig(Map<String, Object> config) throws PluginConfigException {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : config.entrySet()) {
      if (!(e.getValue() instanceof String s)) throw new PluginConfigException(e.getKey(), "not a string");
      out.put(e.getKey(), s);
    }
    return Map.copyOf(out);
  }

  @Override
  public HttpFilter create(Map<String, String> config) {
    return new HttpFilter() {
      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
        config.forEach((header, property) -> {
          Object v = ctx.attribute(property, Object.class);
          String text = v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : v == null ? null : v.toString();
          headers.set(header, text == null ? "-" : URLEncoder.encode(text, StandardCharsets.UTF_8));
        });
        return Action.CONTINUE;
      }
    };
  }
}
