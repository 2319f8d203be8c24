package io.higressj.plugins.responsecache;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.higressj.api.Action;
import io.higressj.api.Body;
import io.higressj.api.FilterContext;
import io.higressj.api.HttpFilter;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginFactory;
import io.higressj.api.PluginPhase;
import io.higressj.api.RedisReply;
import io.higressj.api.RedisTarget;
import io.higressj.api.RequestHeaders;
import io.higressj.api.ResponseHeaders;
import io.higressj.plugins.ConfigFields;
import io.higressj.plugins.redis.RedisSettings;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Higress's {@code response-cache}: a response body (or a JSON value of it) cached in Redis under a key
 * taken from a request header or the request body (or a JSON value of it); a later request with the
 * same key is answered from the cache ({@code x-cache-status: hit}) without reaching the upstream.
 */
public final class ResponseCacheFactory implements PluginFactory<ResponseCacheFactory.Config> {
  public static final String DEFAULT_PREFIX = "higress-resp-cache:";
  public static final String SKIP_HEADER = "x-higress-skip-response-cache";
  /** the largest request body read for a key and response body cached */
  public static final int MAX_BODY = 10 << 20;

  public record Config(RedisTarget redis, long cacheTtl, String keyPrefix, String keyFromHeader, List<String> keyFromBody,
      String valueType, List<String> valueFromBody, Set<Integer> codes) {}

  @Override
  public String name() {
    return "response-cache";
  }

  @Override
  public PluginPhase defaultPhase() {
    return PluginPhase.AUTHN;
  }

  @Override
  public int defaultPriority() {
    return 10;
  }

  @Override
  public Config parseConfig(Map<String, Object> config) throws PluginConfigException {
    ConfigFields f = ConfigFields.of(config);
    if (!f.has("cache")) throw new PluginConfigException("cache", "missing (expected: an object with type redis and serviceName)");
    ConfigFields c = ConfigFields.of(f.object("cache"));
    String type = sub(() -> c.string("type", ""), "cache.type");
    if (!type.equals("redis")) throw new PluginConfigException("cache.type", ConfigFields.describe(type) + " (expected: redis)");
    String service = sub(() -> c.string("serviceName", ""), "cache.serviceName").trim();
    if (service.isEmpty()) throw new PluginConfigException("cache.serviceName", "missing (expected: a service name such as my-redis.dns)");
    long port = sub(() -> c.integer("servicePort", service.endsWith(".static") ? 80 : 6379), "cache.servicePort");
    if (port < 1 || port > 65535) throw new PluginConfigException("cache.servicePort", port + " (expected: 1 to 65535)");
    long timeout = sub(() -> c.integer("timeout", 10000), "cache.timeout");
    if (timeout < 1 || timeout > 4294967295L) throw new PluginConfigException("cache.timeout", timeout + " (expected: 1 to 4294967295 ms)");
    long ttl = sub(() -> c.integer("cacheTTL", 0), "cache.cacheTTL");
    if (ttl < 0) throw new PluginConfigException("cache.cacheTTL", ttl + " (expected: seconds >= 0, 0: never expires)");
    String prefix = sub(() -> c.string("cacheKeyPrefix", DEFAULT_PREFIX), "cache.cacheKeyPrefix");
    RedisTarget target = new RedisTarget(RedisSettings.clusterName(service, (int) port), sub(() -> c.string("username", null), "cache.username"),
        sub(() -> c.string("password", null), "cache.password"), 0, Duration.ofMillis(timeout));

    String fromHeader = f.string("cacheKeyFromHeader", "").trim();
    String fromBody = f.string("cacheKeyFromBody", "").trim();
    if (!fromHeader.isEmpty() && !fromBody.isEmpty()) {
      throw new PluginConfigException("cacheKeyFromBody", "set together with cacheKeyFromHeader (expected: only one of them)");
    }
    String valueType = f.string("cacheValueFromBodyType", "");
    if (valueType.isEmpty()) valueType = "application/json";
    if (valueType.chars().anyMatch(ch -> ch < 32 || ch == 127)) throw new PluginConfigException("cacheValueFromBodyType", "control characters");
    Set<Integer> codes = new TreeSet<>();
    List<?> raw = f.list("cacheResponseCode");
    for (int i = 0; i < raw.size(); i++) {
      long code = ConfigFields.integer("cacheResponseCode[" + i + "]", raw.get(i) instanceof String s && s.matches("\\d{1,3}") ? Long.parseLong(s) : raw.get(i), 0);
      if (code < 100 || code > 999) throw new PluginConfigException("cacheResponseCode[" + i + "]", code + " (expected: an HTTP status)");
      codes.add((int) code);
    }
    if (codes.isEmpty()) codes.add(200);
    return new Config(target, ttl, prefix, fromHeader.toLowerCase(Locale.ROOT), path(fromBody, "cacheKeyFromBody"), valueType,
        path(f.string("cacheValueFromBody", "").trim(), "cacheValueFromBody"), Set.copyOf(codes));
  }

  private interface Read<T> {
    T get() throws PluginConfigException;
  }

  private static <T> T sub(Read<T> r, String field) throws PluginConfigException {
    try {
      return r.get();
    } catch (PluginConfigException e) {
      throw new PluginConfigException(field, e.getMessage().substring(e.field().length() + 2));
    }
  }

  /** a GJSON path of plain keys and array indexes ({@code a.b.0.c}); empty: the whole body */
  static List<String> path(String p, String field) throws PluginConfigException {
    if (p.isEmpty()) return List.of();
    for (char ch : new char[] {'@', '#', '|', '*', '?', '\\', '(', ')', '!', '='}) {
      if (p.indexOf(ch) >= 0) {
        throw new PluginConfigException(field, ConfigFields.describe(p)
            + " (expected: a path of keys and indexes such as choices.0.message.content; GJSON modifiers, queries and wildcards are not supported)");
      }
    }
    List<String> out = new ArrayList<>();
    for (String s : p.split("\\.", -1)) {
      if (s.isEmpty()) throw new PluginConfigException(field, ConfigFields.describe(p) + " (expected: no empty path segment)");
      out.add(s);
    }
    return List.copyOf(out);
  }

  /** the value at {@code path} of a JSON body as text (strings as they are, other values as JSON); null when absent */
  static String extract(byte[] body, List<String> path) {
    if (path.isEmpty()) return new String(body, StandardCharsets.UTF_8);
    Object v;
    try {
      v = JSONObjectUtils.parse(new String(body, StandardCharsets.UTF_8));
    } catch (java.text.ParseException | RuntimeException e) {
      return null;
    }
    for (String seg : path) {
      if (v instanceof Map<?, ?> m) {
        v = m.get(seg);
      } else if (v instanceof List<?> l && seg.chars().allMatch(Character::isDigit) && seg.length() < 10) {
        int i = Integer.parseInt(seg);
        v = i < l.size() ? l.get(i) : null;
      } else {
        return null;
      }
      if (v == null) return null;
    }
    if (v instanceof String s) return s;
    if (v instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) return Long.toString(d.longValue());
    if (v instanceof Map<?, ?> || v instanceof List<?>) {
      @SuppressWarnings("unchecked")
      String wrapped = JSONObjectUtils.toJSONString(Map.of("v", v));
      return wrapped.substring(5, wrapped.length() - 1);
    }
    return String.valueOf(v);
  }

  @Override
  public HttpFilter create(Config config) {
    return new HttpFilter() {
      String status; // hit, miss, skip; null: the plugin stays out
      String key;
      ByteArrayOutputStream response;

      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
        if ("on".equalsIgnoreCase(headers.get(SKIP_HEADER))) {
          status = "skip";
          return Action.CONTINUE;
        }
        if (!config.keyFromHeader().isEmpty()) {
          String v = headers.get(config.keyFromHeader());
          if (v == null || v.isEmpty()) return Action.CONTINUE;
          return lookup(ctx, v);
        }
        if (endOfStream) return Action.CONTINUE; // no body, no key
        ctx.bufferRequestBody(MAX_BODY);
        return Action.CONTINUE;
      }

      @Override
      public Action onRequestBody(FilterContext ctx, Body body, boolean endOfStream) {
        if (status != null || !config.keyFromHeader().isEmpty() || !endOfStream) return Action.CONTINUE;
        String v = extract(body.bytes(), config.keyFromBody());
        if (v == null || v.isEmpty()) return Action.CONTINUE;
        return lookup(ctx, v);
      }

      private Action lookup(FilterContext ctx, String v) {
        key = config.keyPrefix() + v;
        ctx.redis(config.redis()).command(List.of("GET", key), r -> {
          if (r instanceof RedisReply.Bulk b) {
            status = "hit";
            ctx.sendLocalReply(200, Map.of("content-type", config.valueType(), "x-cache-status", "hit"), b.value());
            return;
          }
          if (r.isError()) ctx.log().warn("response-cache: redis " + config.redis().cluster() + " answered " + r.text());
          status = "miss";
          ctx.resume();
        });
        return Action.PAUSE;
      }

      @Override
      public Action onResponseHeaders(FilterContext ctx, ResponseHeaders headers, boolean endOfStream) {
        if (status == null || "hit".equals(status)) return Action.CONTINUE;
        headers.set("x-cache-status", status);
        if ("miss".equals(status) && config.codes().contains(headers.status())) {
          response = new ByteArrayOutputStream();
          if (endOfStream) store(ctx);
        }
        return Action.CONTINUE;
      }

      @Override
      public Action onResponseBody(FilterContext ctx, Body body, boolean endOfStream) {
        if (response == null) return Action.CONTINUE;
        if (response.size() + body.length() > MAX_BODY) {
          response = null; // too large to cache; it streams on
          return Action.CONTINUE;
        }
        response.writeBytes(body.bytes());
        if (endOfStream) store(ctx);
        return Action.CONTINUE;
      }

      private void store(FilterContext ctx) {
        byte[] all = response.toByteArray();
        response = null;
        String value = extract(all, config.valueFromBody());
        if (value == null) return;
        List<String> cmd = config.cacheTtl() > 0
            ? List.of("SET", key, value, "EX", Long.toString(config.cacheTtl())) : List.of("SET", key, value);
        ctx.redis(config.redis()).command(cmd, r -> {
          if (r.isError()) ctx.log().warn("response-cache: storing failed: " + r.text());
        });
      }
    };
  }
}
