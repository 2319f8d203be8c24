package io.higressj.plugins.replayprotection;

import io.higressj.api.Action;
import io.higressj.api.FilterContext;
import io.higressj.api.HttpFilter;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginFactory;
import io.higressj.api.PluginPhase;
import io.higressj.api.RedisReply;
import io.higressj.api.RequestHeaders;
import io.higressj.plugins.ConfigFields;
import io.higressj.plugins.redis.RedisSettings;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Higress's {@code replay-protection}: each request carries a one-time nonce in a header; the first
 * use is recorded in Redis ({@code SET <key_prefix>:<nonce> 1 NX EX <nonce_ttl>}), a second use within
 * the TTL is refused with {@code reject_code}. A missing nonce (when {@code force_nonce}) or one of the
 * wrong length or, with {@code validate_base64}, not standard Base64 is refused with 400.
 */
public final class ReplayProtectionFactory implements PluginFactory<ReplayProtectionFactory.Config> {
  public static final String DEFAULT_HEADER = "X-Higress-Nonce";
  public static final String DEFAULT_REJECT_MSG = "Replay Attack Detected";
  public static final String DEFAULT_KEY_PREFIX = "replay-protection";

  public record Config(boolean forceNonce, String nonceHeader, long nonceTtl, int minLength, int maxLength,
      boolean validateBase64, int rejectCode, String rejectMsg, RedisSettings redis) {}

  @Override
  public String name() {
    return "replay-protection";
  }

  @Override
  public PluginPhase defaultPhase() {
    return PluginPhase.AUTHN;
  }

  @Override
  public int defaultPriority() {
    return 800;
  }

  @Override
  public Config parseConfig(Map<String, Object> config) throws PluginConfigException {
    ConfigFields f = ConfigFields.of(config);
    String header = f.string("nonce_header", DEFAULT_HEADER).trim();
    if (header.isEmpty() || !header.chars().allMatch(ReplayProtectionFactory::tokenChar)) {
      throw new PluginConfigException("nonce_header", ConfigFields.describe(header) + " (expected: a header name)");
    }
    long ttl = f.integer("nonce_ttl", 900);
    if (ttl < 1 || ttl > Integer.MAX_VALUE) throw new PluginConfigException("nonce_ttl", ttl + " (expected: seconds >= 1)");
    long min = f.integer("nonce_min_length", 8);
    if (min < 0 || min > 65536) throw new PluginConfigException("nonce_min_length", min + " (expected: 0 to 65536)");
    long max = f.integer("nonce_max_length", 128);
    if (max < min || max > 65536) {
      throw new PluginConfigException("nonce_max_length", max + " (expected: at least nonce_min_length " + min + ", at most 65536)");
    }
    return new Config(f.bool("force_nonce", true), header, ttl, (int) min, (int) max, f.bool("validate_base64", false),
        f.status("reject_code", 429), f.string("reject_msg", DEFAULT_REJECT_MSG),
        RedisSettings.parse(f, "redis", DEFAULT_KEY_PREFIX));
  }

  private static boolean tokenChar(int c) {
    return c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
  }

  @Override
  public HttpFilter create(Config config) {
    return new HttpFilter() {
      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
        String nonce = headers.get(config.nonceHeader());
        if (nonce == null || nonce.isEmpty()) {
          if (!config.forceNonce()) return Action.CONTINUE;
          reply(ctx, 400, "Missing Required Header");
          return Action.PAUSE;
        }
        if (nonce.length() < config.minLength() || nonce.length() > config.maxLength()
            || config.validateBase64() && !isBase64(nonce)) {
          reply(ctx, 400, "Invalid Nonce");
          return Action.PAUSE;
        }
        String prefix = config.redis().keyPrefix();
        String key = prefix == null || prefix.isEmpty() ? nonce : prefix + ":" + nonce;
        ctx.redis(config.redis().target()).command(
            List.of("SET", key, "1", "NX", "EX", Long.toString(config.nonceTtl())), r -> {
              switch (r) {
                case RedisReply.SimpleString ok -> ctx.resume(); // first use
                case RedisReply.Null seen -> reply(ctx, config.rejectCode(), config.rejectMsg());
                default -> {
                  ctx.log().warn("replay-protection: redis " + config.redis().target().cluster() + " answered " + r.text());
                  reply(ctx, 500, "Internal Server Error");
                }
              }
            });
        return Action.PAUSE;
      }
    };
  }

  private static void reply(FilterContext ctx, int status, String msg) {
    ctx.sendLocalReply(status, Map.of("content-type", "text/plain"), msg.getBytes(StandardCharsets.UTF_8));
  }

  /** standard Base64 with its padding, as Go's base64.StdEncoding accepts it */
  static boolean isBase64(String s) {
    if (s.length() % 4 != 0) return false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/';
      if (!ok && !(c == '=' && i >= s.length() - 2 && (i == s.length() - 1 || s.charAt(s.length() - 1) == '='))) return false;
    }
    try {
      java.util.Base64.getDecoder().decode(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
