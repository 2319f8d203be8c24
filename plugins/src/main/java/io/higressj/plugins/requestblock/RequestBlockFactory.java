package io.higressj.plugins.requestblock;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.higressj.api.Action;
import io.higressj.api.Body;
import io.higressj.api.FilterContext;
import io.higressj.api.HttpFilter;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginFactory;
import io.higressj.api.PluginPhase;
import io.higressj.api.RequestHeaders;
import io.higressj.plugins.ConfigFields;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Higress's {@code request-block}: refuses requests whose URL, headers or body contain configured
 * strings (or whose URL equals one, or matches an RE2 expression).
 */
public final class RequestBlockFactory implements PluginFactory<RequestBlockFactory.Config> {
  /** The largest request body inspected for {@code block_bodies}; a larger one is answered 413. */
  public static final int MAX_BODY_BYTES = 32 * 1024 * 1024;

  public record Config(List<String> urls, List<String> exactUrls, List<Pattern> regexpUrls, List<String> headers,
      List<String> bodies, int blockedCode, String blockedMessage, boolean caseSensitive) {
    public Config {
      urls = List.copyOf(urls);
      exactUrls = List.copyOf(exactUrls);
      regexpUrls = List.copyOf(regexpUrls);
      headers = List.copyOf(headers);
      bodies = List.copyOf(bodies);
    }
  }

  @Override
  public String name() {
    return "request-block";
  }

  @Override
  public PluginPhase defaultPhase() {
    return PluginPhase.AUTHZ;
  }

  @Override
  public int defaultPriority() {
    return 320;
  }

  @Override
  public Config parseConfig(Map<String, Object> config) throws PluginConfigException {
    ConfigFields f = ConfigFields.of(config);
    boolean caseSensitive = f.bool("case_sensitive", true);
    List<String> urls = fold(f.strings("block_urls"), caseSensitive);
    List<String> exact = fold(f.strings("block_exact_urls"), caseSensitive);
    List<String> regexpText = f.strings("block_regexp_urls");
    List<Pattern> regexps = new ArrayList<>(regexpText.size());
    for (int i = 0; i < regexpText.size(); i++) {
      try {
        regexps.add(Pattern.compile(regexpText.get(i), caseSensitive ? 0 : Pattern.CASE_INSENSITIVE));
      } catch (PatternSyntaxException e) {
        throw new PluginConfigException("block_regexp_urls[" + i + "]", "not a valid RE2 expression: " + e.getMessage());
      }
    }
    List<String> headers = fold(f.strings("block_headers"), caseSensitive);
    // block_bodys is the older spelling, still found in Higress's and its cloud's documentation
    String bodiesField = f.has("block_bodies") || !f.has("block_bodys") ? "block_bodies" : "block_bodys";
    List<String> bodies = fold(f.strings(bodiesField), caseSensitive);
    if (urls.isEmpty() && exact.isEmpty() && regexps.isEmpty() && headers.isEmpty() && bodies.isEmpty()) {
      throw new PluginConfigException("block_urls",
          "no rule (expected: at least one of block_urls, block_exact_urls, block_regexp_urls, block_headers, block_bodies)");
    }
    for (List<String> l : List.of(urls, headers, bodies)) {
      if (l.contains("")) {
        String field = l == urls ? "block_urls" : l == headers ? "block_headers" : bodiesField;
        throw new PluginConfigException(field + "[" + l.indexOf("") + "]", "empty (expected: a non-empty string; it would block everything)");
      }
    }
    return new Config(urls, exact, regexps, headers, bodies, f.status("blocked_code", 403), f.string("blocked_message", ""),
        caseSensitive);
  }

  private static List<String> fold(List<String> values, boolean caseSensitive) {
    return caseSensitive ? values : values.stream().map(v -> v.toLowerCase(Locale.ROOT)).toList();
  }

  @Override
  public HttpFilter create(Config config) {
    return new HttpFilter() {
      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
        if (urlBlocked(config, headers.path()) || headersBlocked(config, headers)) {
          return block(ctx, config);
        }
        if (!config.bodies().isEmpty() && !endOfStream) {
          ctx.bufferRequestBody(MAX_BODY_BYTES);
        }
        return Action.CONTINUE;
      }

      @Override
      public Action onRequestBody(FilterContext ctx, Body body, boolean endOfStream) {
        if (config.bodies().isEmpty()) return Action.CONTINUE;
        String text = fold(body.text(StandardCharsets.UTF_8), config.caseSensitive());
        for (String b : config.bodies()) {
          if (text.contains(b)) return block(ctx, config);
        }
        return Action.CONTINUE;
      }
    };
  }

  private static Action block(FilterContext ctx, Config config) {
    ctx.sendLocalReply(config.blockedCode(), Map.of("content-type", "text/plain; charset=utf-8"),
        config.blockedMessage().getBytes(StandardCharsets.UTF_8));
    return Action.PAUSE;
  }

  private static String fold(String s, boolean caseSensitive) {
    return caseSensitive ? s : s.toLowerCase(Locale.ROOT);
  }

  static boolean urlBlocked(Config config, String pathAndQuery) {
    String url = fold(pathAndQuery == null ? "" : pathAndQuery, config.caseSensitive());
    int q = url.indexOf('?');
    String path = q >= 0 ? url.substring(0, q) : url;
    for (String e : config.exactUrls()) {
      if (url.equals(e) || path.equals(e)) return true;
    }
    for (String u : config.urls()) {
      if (url.contains(u)) return true;
    }
    for (Pattern p : config.regexpUrls()) {
      if (p.matcher(url).find()) return true;
    }
    return false;
  }

  static boolean headersBlocked(Config config, RequestHeaders headers) {
    if (config.headers().isEmpty()) return false;
    for (Map.Entry<String, String> h : headers.entries()) {
      String name = fold(h.getKey(), config.caseSensitive());
      String value = fold(h.getValue(), config.caseSensitive());
      for (String b : config.headers()) {
        if (value.contains(b) || name.contains(b.toLowerCase(Locale.ROOT))) return true; // names are case-insensitive in HTTP
      }
    }
    return false;
  }
}
