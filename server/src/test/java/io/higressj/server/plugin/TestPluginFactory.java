package io.higressj.server.plugin;

import io.higressj.api.Action;
import io.higressj.api.Body;
import io.higressj.api.CalloutRequest;
import io.higressj.api.FilterContext;
import io.higressj.api.HttpFilter;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginFactory;
import io.higressj.api.RequestHeaders;
import io.higressj.api.ResponseHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plugin for the end-to-end tests, registered with ServiceLoader in the test resources. What it does
 * is configured: {@code tag} (appended to {@code x-plugin-order} on the request and on the response),
 * {@code requestHeaders}/{@code responseHeaders} to set, {@code blockPrefix} (403 local reply),
 * {@code calloutCluster}+{@code calloutPath} (pause, callout, resume with {@code x-callout-status}; a path
 * containing {@code fail-async} makes the callback report a failure instead),
 * {@code rewrite} ({@code from}/{@code to} path prefixes: a reroute), {@code upperCaseRequestBody}
 * (buffers the body, sends it in upper case), {@code upperCaseResponseBody}, {@code throwOnPrefix},
 * {@code consumer}.
 */
public class TestPluginFactory implements PluginFactory<TestPluginFactory.Config> {
  /** onDone calls by tag */
  public static final Map<String, AtomicInteger> DONE = new ConcurrentHashMap<>();
  /** filters created by tag */
  public static final Map<String, AtomicInteger> CREATED = new ConcurrentHashMap<>();

  public record Config(String tag, Map<String, String> requestHeaders, Map<String, String> responseHeaders,
      String blockPrefix, String calloutCluster, String calloutPath, String rewriteFrom, String rewriteTo,
      boolean upperCaseRequestBody, boolean upperCaseResponseBody, String throwOnPrefix, String consumer,
      String responseCalloutUrl, boolean collectRequestBody, boolean throwOnResponseBody) {}

  @Override
  public String name() {
    return "test-plugin";
  }

  @Override
  public Config parseConfig(Map<String, Object> c) throws PluginConfigException {
    Object rewrite = c.get("rewrite");
    String from = null;
    String to = null;
    if (rewrite instanceof Map<?, ?> m) {
      from = (String) m.get("from");
      to = (String) m.get("to");
      if (from == null || to == null) throw new PluginConfigException("rewrite.from", "missing (expected: from and to)");
    }
    Object tag = c.getOrDefault("tag", name());
    if (!(tag instanceof String)) throw new PluginConfigException("tag", tag + " (expected: a string)");
    return new Config((String) tag, strings(c, "requestHeaders"), strings(c, "responseHeaders"),
        (String) c.get("blockPrefix"), (String) c.get("calloutCluster"), (String) c.get("calloutPath"), from, to,
        Boolean.TRUE.equals(c.get("upperCaseRequestBody")), Boolean.TRUE.equals(c.get("upperCaseResponseBody")),
        (String) c.get("throwOnPrefix"), (String) c.get("consumer"), (String) c.get("responseCalloutUrl"),
        Boolean.TRUE.equals(c.get("collectRequestBody")), Boolean.TRUE.equals(c.get("throwOnResponseBody")));
  }

  private static Map<String, String> strings(Map<String, Object> c, String field) throws PluginConfigException {
    Object v = c.get(field);
    if (v == null) return Map.of();
    if (!(v instanceof Map<?, ?> m)) throw new PluginConfigException(field, "not a map (expected: name: value)");
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (Map.Entry<?, ?> e : m.entrySet()) out.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
    return out;
  }

  @Override
  public HttpFilter create(Config config) {
    CREATED.computeIfAbsent(config.tag(), k -> new AtomicInteger()).incrementAndGet();
    return new Filter(config);
  }

  static final class Filter implements HttpFilter {
    private final Config config;

    Filter(Config config) {
      this.config = config;
    }

    @Override
    public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
      String path = headers.path();
      if (config.throwOnPrefix() != null && path.startsWith(config.throwOnPrefix())) {
        throw new IllegalStateException("boom from " + config.tag());
      }
      append(headers, "x-plugin-order", config.tag());
      config.requestHeaders().forEach(headers::set);
      if (config.consumer() != null) ctx.consumer(config.consumer());
      if (config.blockPrefix() != null && path.startsWith(config.blockPrefix())) {
        ctx.sendLocalReply(403, Map.of("x-blocked-by", config.tag()), ("blocked by " + config.tag()).getBytes(StandardCharsets.UTF_8));
        return Action.PAUSE;
      }
      if (config.rewriteFrom() != null && path.startsWith(config.rewriteFrom())) {
        headers.path(config.rewriteTo() + path.substring(config.rewriteFrom().length()));
      }
      if (config.upperCaseRequestBody() && !endOfStream) ctx.bufferRequestBody(1024);
      if (config.collectRequestBody()) headers.remove("content-length"); // the length changes: chunked upstream
      if (config.upperCaseResponseBody()) ctx.bufferResponseBody(1 << 20);
      if (config.calloutCluster() != null) {
        ctx.callout(new CalloutRequest(config.calloutCluster(), "GET", config.calloutPath(), List.of(), null),
            Duration.ofSeconds(5), res -> {
              if (config.calloutPath() != null && config.calloutPath().contains("fail-async")) {
                ctx.fail(new IllegalStateException("the callout's answer is not acceptable"));
                return;
              }
              headers.set("x-callout-status", Integer.toString(res.status()));
              ctx.attribute("callout", res.status());
              ctx.resume();
            });
        return Action.PAUSE;
      }
      return Action.CONTINUE;
    }

    @Override
    public Action onRequestBody(FilterContext ctx, Body body, boolean endOfStream) {
      if (config.upperCaseRequestBody()) body.replace(body.text().toUpperCase(Locale.ROOT) + "!");
      if (config.collectRequestBody()) {
        if (!endOfStream) return Action.PAUSE; // proxy-wasm style: the next callback sees all data so far
        body.replace("[" + body.text() + "]");
      }
      return Action.CONTINUE;
    }

    @Override
    public Action onResponseHeaders(FilterContext ctx, ResponseHeaders headers, boolean endOfStream) {
      append(headers, "x-plugin-order", config.tag());
      config.responseHeaders().forEach(headers::set);
      Integer callout = ctx.attribute("callout", Integer.class);
      if (callout != null) headers.set("x-callout-seen", callout.toString());
      if (ctx.consumer() != null) headers.set("x-consumer-seen", ctx.consumer());
      if (config.responseCalloutUrl() != null) {
        ctx.callout(new CalloutRequest(config.responseCalloutUrl(), "GET", null, List.of(), null), Duration.ofSeconds(5),
            res -> {
              headers.set("x-response-callout", Integer.toString(res.status()));
              ctx.resume();
            });
        return Action.PAUSE;
      }
      return Action.CONTINUE;
    }

    @Override
    public Action onResponseBody(FilterContext ctx, Body body, boolean endOfStream) {
      if (config.throwOnResponseBody()) throw new IllegalStateException("response body boom");
      if (config.upperCaseResponseBody()) body.replace(body.text().toUpperCase(Locale.ROOT));
      return Action.CONTINUE;
    }

    @Override
    public void onDone(FilterContext ctx) {
      DONE.computeIfAbsent(config.tag(), k -> new AtomicInteger()).incrementAndGet();
    }

    private static void append(io.higressj.api.Headers h, String name, String value) {
      String old = h.get(name);
      h.set(name, old == null ? value : old + "," + value);
    }
  }

  /** The same plugin under another name, registered separately (chain order tests). */
  public static final class Second extends TestPluginFactory {
    @Override
    public String name() {
      return "test-plugin-second";
    }
  }
}
