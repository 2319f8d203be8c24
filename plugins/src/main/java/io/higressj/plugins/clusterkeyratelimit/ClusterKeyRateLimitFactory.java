package io.higressj.plugins.clusterkeyratelimit;

import io.higressj.api.Action;
import io.higressj.api.FilterContext;
import io.higressj.api.HttpFilter;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginFactory;
import io.higressj.api.PluginPhase;
import io.higressj.api.RedisReply;
import io.higressj.api.RequestHeaders;
import io.higressj.api.ResponseHeaders;
import io.higressj.plugins.ConfigFields;
import io.higressj.plugins.ratelimit.LimitRules;
import io.higressj.plugins.redis.RedisSettings;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Higress's {@code cluster-key-rate-limit}: fixed-window request counters kept in Redis, so every
 * gateway instance shares them. A Lua script increments {@code <rule_name>:<limit_by_*>:<name>:<value>}
 * (or {@code <rule_name>:global_threshold}) and sets its expiry to the window on first use; a request
 * over the threshold is answered {@code rejected_code}. When Redis fails the request passes (logged).
 */
public final class ClusterKeyRateLimitFactory implements PluginFactory<ClusterKeyRateLimitFactory.Config> {
  public static final String DEFAULT_REJECTED_MSG = "Too many requests";
  static final String SCRIPT = """
      local c = redis.call('INCR', KEYS[1])
      local ttl = redis.call('TTL', KEYS[1])
      if ttl < 0 then
        redis.call('EXPIRE', KEYS[1], ARGV[1])
        ttl = tonumber(ARGV[1])
      end
      return {c, ttl}
      """;

  public record Config(String ruleName, LimitRules.Threshold global, List<LimitRules.RuleItem> items, boolean showQuotaHeader,
      int rejectedCode, String rejectedMsg, RedisSettings redis) {}

  @Override
  public String name() {
    return "cluster-key-rate-limit";
  }

  @Override
  public PluginPhase defaultPhase() {
    return PluginPhase.UNSPECIFIED_PHASE;
  }

  @Override
  public int defaultPriority() {
    return 20;
  }

  @Override
  public Config parseConfig(Map<String, Object> config) throws PluginConfigException {
    ConfigFields f = ConfigFields.of(config);
    String rule = f.string("rule_name", "").trim();
    if (rule.isEmpty()) throw new PluginConfigException("rule_name", "missing (expected: a name for the rule's Redis keys)");
    LimitRules.Threshold global = null;
    if (f.has("global_threshold")) {
      global = LimitRules.threshold(ConfigFields.of(f.object("global_threshold")), "global_threshold.");
    }
    List<LimitRules.RuleItem> items = LimitRules.items(f, "rule_items", EnumSet.allOf(LimitRules.By.class));
    if (global != null && !items.isEmpty()) throw new PluginConfigException("rule_items", "set together with global_threshold (expected: one of them)");
    if (global == null && items.isEmpty()) throw new PluginConfigException("rule_items", "missing (expected: global_threshold or rule_items)");
    return new Config(rule, global, items, f.bool("show_limit_quota_header", false), f.status("rejected_code", 429),
        f.string("rejected_msg", DEFAULT_REJECTED_MSG), RedisSettings.parse(f, "redis", null));
  }

  @Override
  public HttpFilter create(Config config) {
    return new HttpFilter() {
      long limit = -1;
      long remaining;

      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
        String key;
        LimitRules.Threshold t;
        if (config.global() != null) {
          key = config.ruleName() + ":global_threshold";
          t = config.global();
        } else {
          LimitRules.Hit hit = LimitRules.match(config.items(), ctx, headers);
          if (hit == null) return Action.CONTINUE;
          key = config.ruleName() + ":" + hit.key();
          t = hit.threshold();
        }
        ctx.redis(config.redis().target()).command(List.of("EVAL", SCRIPT, "1", key, Long.toString(t.windowSeconds())), r -> {
          Long count = r instanceof RedisReply.Array a && !a.elements().isEmpty() ? a.elements().get(0).asLong() : null;
          if (count == null) {
            ctx.log().warn("cluster-key-rate-limit: redis " + config.redis().target().cluster() + " answered " + r.text()
                + "; the request passes");
            ctx.resume();
            return;
          }
          limit = t.count();
          remaining = Math.max(0, t.count() - count);
          if (count > t.count()) {
            Map<String, String> h = new HashMap<>();
            h.put("content-type", "text/plain");
            if (config.showQuotaHeader()) quota(h);
            ctx.sendLocalReply(config.rejectedCode(), h, config.rejectedMsg().getBytes(StandardCharsets.UTF_8));
          } else {
            ctx.resume();
          }
        });
        return Action.PAUSE;
      }

      private void quota(Map<String, String> h) {
        h.put("x-ratelimit-limit", Long.toString(limit));
        h.put("x-ratelimit-remaining", Long.toString(remaining));
      }

      @Override
      public Action onResponseHeaders(FilterContext ctx, ResponseHeaders headers, boolean endOfStream) {
        if (config.showQuotaHeader() && limit >= 0 && !headers.contains("x-ratelimit-limit")) {
          headers.set("x-ratelimit-limit", Long.toString(limit));
          headers.set("x-ratelimit-remaining", Long.toString(remaining));
        }
        return Action.CONTINUE;
      }
    };
  }
}
