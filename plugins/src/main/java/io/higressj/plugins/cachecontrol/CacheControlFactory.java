package io.higressj.plugins.cachecontrol;

import io.higressj.api.Action;
import io.higressj.api.FilterContext;
import io.higressj.api.HttpFilter;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginFactory;
import io.higressj.api.PluginPhase;
import io.higressj.api.RequestHeaders;
import io.higressj.api.ResponseHeaders;
import io.higressj.plugins.ConfigFields;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Higress's {@code cache-control}: adds {@code Expires} and {@code Cache-Control} to responses to
 * requests whose path ends in one of the configured file suffixes, with nginx's {@code expires}
 * semantics (seconds, {@code max}, {@code epoch}).
 */
public final class CacheControlFactory implements PluginFactory<CacheControlFactory.Config> {
  /** nginx's {@code expires max}. */
  static final String MAX_EXPIRES = "Thu, 31 Dec 2037 23:55:55 GMT";
  static final long MAX_AGE_MAX = 315_360_000L; // ten years, as nginx
  static final String EPOCH_EXPIRES = "Thu, 01 Jan 1970 00:00:01 GMT";
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** How long responses may be cached. */
  public sealed interface Expires {}

  /** {@code seconds} from now; zero or less means "do not cache". */
  public record After(long seconds) implements Expires {}

  public record Max() implements Expires {}

  public record Epoch() implements Expires {}

  /** @param suffixes in lower case, without the dot; empty: every path */
  public record Config(Set<String> suffixes, Expires expires) {
    public Config {
      suffixes = Set.copyOf(suffixes);
    }
  }

  private final Clock clock;

  public CacheControlFactory() {
    this(Clock.systemUTC());
  }

  CacheControlFactory(Clock clock) {
    this.clock = clock;
  }

  @Override
  public String name() {
    return "cache-control";
  }

  @Override
  public PluginPhase defaultPhase() {
    return PluginPhase.AUTHN;
  }

  @Override
  public int defaultPriority() {
    return 420;
  }

  @Override
  public Config parseConfig(Map<String, Object> config) throws PluginConfigException {
    ConfigFields f = ConfigFields.of(config);
    Set<String> suffixes = new TreeSet<>();
    for (String s : f.string("suffix", "").split("\\|")) {
      String t = s.trim().toLowerCase(Locale.ROOT);
      if (t.startsWith(".")) t = t.substring(1);
      if (!t.isEmpty()) suffixes.add(t);
    }
    Object e = f.raw("expires");
    if (e == null) throw new PluginConfigException("expires", "missing (expected: seconds, max or epoch)");
    Expires expires;
    if (e instanceof String s && s.trim().equals("max")) {
      expires = new Max();
    } else if (e instanceof String s && s.trim().equals("epoch")) {
      expires = new Epoch();
    } else if (e instanceof String s && s.trim().matches("-?\\d{1,12}")) {
      expires = new After(Long.parseLong(s.trim()));
    } else if (e instanceof Number) {
      long n = ConfigFields.integer("expires", e, 0);
      if (Math.abs(n) > 999_999_999_999L) throw new PluginConfigException("expires", n + " (expected: at most 12 digits)");
      expires = new After(n);
    } else {
      throw new PluginConfigException("expires", ConfigFields.describe(e) + " (expected: seconds, max or epoch)");
    }
    return new Config(suffixes, expires);
  }

  /** The file suffix of a request path (without query), lower case, or "" when there is none. */
  static String suffix(String pathAndQuery) {
    String p = pathAndQuery == null ? "" : pathAndQuery;
    int q = p.indexOf('?');
    if (q >= 0) p = p.substring(0, q);
    int hash = p.indexOf('#');
    if (hash >= 0) p = p.substring(0, hash);
    String last = p.substring(p.lastIndexOf('/') + 1);
    int dot = last.lastIndexOf('.');
    return dot < 0 ? "" : last.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  @Override
  public HttpFilter create(Config config) {
    return new HttpFilter() {
      private boolean matched;

      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
        matched = config.suffixes().isEmpty() || config.suffixes().contains(suffix(headers.path()));
        return Action.CONTINUE;
      }

      @Override
      public Action onResponseHeaders(FilterContext ctx, ResponseHeaders headers, boolean endOfStream) {
        if (!matched) return Action.CONTINUE;
        switch (config.expires()) {
          case Max m -> {
            headers.set("expires", MAX_EXPIRES);
            headers.set("cache-control", "max-age=" + MAX_AGE_MAX);
          }
          case Epoch ep -> {
            headers.set("expires", EPOCH_EXPIRES);
            headers.set("cache-control", "no-cache");
          }
          case After a -> {
            Instant now = clock.instant();
            headers.set("expires", HTTP_DATE.format(now.plusSeconds(a.seconds())));
            headers.set("cache-control", a.seconds() > 0 ? "max-age=" + a.seconds() : "no-cache");
          }
        }
        return Action.CONTINUE;
      }
    };
  }
}
