package io.higressj.plugins.keyratelimit;

import io.higressj.api.Action;
import io.higressj.api.FilterContext;
import io.higressj.api.HttpFilter;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginFactory;
import io.higressj.api.PluginPhase;
import io.higressj.api.RequestHeaders;
import io.higressj.plugins.ratelimit.LimitRules;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Higress's {@code key-rate-limit}: per-gateway (in-process) request limits for the values of one
 * header ({@code limit_by_header}) or query parameter ({@code limit_by_param}) listed in {@code
 * limit_keys}. Each key has a bucket of {@code query_per_*} requests, filled again at the start of each
 * window (a second, minute, hour or day after the window began); a request finding it empty is
 * answered 429 {@code Too many requests}. The buckets belong to the configuration, shared by all event
 * loops, and start again when the configuration changes.
 */
public final class KeyRateLimitFactory implements PluginFactory<KeyRateLimitFactory.Config> {
  private final LongSupplier nanoClock;

  public KeyRateLimitFactory() {
    this(System::nanoTime);
  }

  /** with a clock, for tests */
  public KeyRateLimitFactory(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /** {@code buckets}: the state of the configuration's keys (by limit key) */
  public record Config(LimitRules.RuleItem item, Map<String, Bucket> buckets) {}

  /** a fixed window's remaining requests */
  static final class Bucket {
    long windowStart = Long.MIN_VALUE;
    long used;

    synchronized boolean take(long now, LimitRules.Threshold t) {
      long window = t.windowSeconds() * 1_000_000_000L;
      if (windowStart == Long.MIN_VALUE || now - windowStart >= window) {
        windowStart = now;
        used = 0;
      }
      if (used >= t.count()) return false;
      used++;
      return true;
    }
  }

  @Override
  public String name() {
    return "key-rate-limit";
  }

  @Override
  public PluginPhase defaultPhase() {
    return PluginPhase.UNSPECIFIED_PHASE;
  }

  @Override
  public int defaultPriority() {
    return 10;
  }

  @Override
  public Config parseConfig(Map<String, Object> config) throws PluginConfigException {
    Map<String, Object> m = config == null ? Map.of() : config;
    return new Config(LimitRules.item(m, "", EnumSet.of(LimitRules.By.HEADER, LimitRules.By.PARAM)), new ConcurrentHashMap<>());
  }

  @Override
  public HttpFilter create(Config config) {
    return new HttpFilter() {
      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
        LimitRules.Hit hit = LimitRules.match(java.util.List.of(config.item()), ctx, headers);
        if (hit == null) return Action.CONTINUE;
        Bucket b = config.buckets().computeIfAbsent(hit.key(), k -> new Bucket());
        if (b.take(nanoClock.getAsLong(), hit.threshold())) return Action.CONTINUE;
        ctx.sendLocalReply(429, Map.of("content-type", "text/plain"), "Too many requests".getBytes(StandardCharsets.UTF_8));
        return Action.PAUSE;
      }
    };
  }
}
