package io.higressj.plugins.botdetect;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.higressj.api.Action;
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
import java.util.Map;

/**
 * Higress's {@code bot-detect}: refuses requests whose User-Agent looks like a crawler (a built-in set
 * of expressions, plus {@code deny}), unless it matches {@code allow}. Expressions are RE2 and match
 * anywhere in the User-Agent.
 */
public final class BotDetectFactory implements PluginFactory<BotDetectFactory.Config> {
  /**
   * The built-in crawler rules, after the groups Higress documents: generic bot names followed by a
   * version, known crawlers and archivers by name, and HTTP client libraries used by scripts.
   */
  public static final List<String> DEFAULT_RULES = List.of(
      // a word ending in bot, spider, crawler, scraper, archiver or indexer, then "/1.2" or " 1.2"
      "(?:^|[^A-Za-z0-9])[A-Za-z0-9 _!:\\[\\]\\-]{0,50}(?:[Aa]rchiver|[Ii]ndexer|[Ss]craper|[Bb]ot|[Ss]pider|[Cc]rawl[a-z]{0,50})[/ ]\\d+",
      // spider, scrape or crawl anywhere in a word, with or without a version
      "[A-Za-z0-9\\-]{0,50}(?:[Ss][Pp][Ii][Dd][Ee][Rr]|[Ss]crape|[Cc][Rr][Aa][Ww][Ll])",
      // "/name-1.2" forms
      "/(?:(?:Ant-)?Nutch|[A-Za-z]+[Bb]ot|[A-Za-z]+[Ss]pider|Axtaris|fetchurl|Isara|ShopSalad|Tailsweep)[ \\-]\\d+",
      // crawlers known by name, followed by a version
      "\\b(?:008|Altresium|Argus|BaiduMobaider|BoardReader|DNSGroup|DataparkSearch|EDI|Goodzer|Grub|INGRID|Infohelfer"
          + "|LinkedInBot|LOOQ|Nutch|OgScrper|PathDefender|Peew|PostPost|Steeler|Twitterbot|VSE|WebCrunch|WebZIP"
          + "|Y!J-BR[A-Z]|YahooSeeker|envolk|sproose|wminer)/\\d+",
      // search engines and feed fetchers that do not say "bot"
      "\\b(?:Baiduspider|Yahoo! Slurp|Slurp|Sogou|YisouSpider|360Spider|HaosouSpider|Bytespider|facebookexternalhit"
          + "|ia_archiver|Mediapartners-Google|AdsBot-Google|Feedfetcher-Google|Google-Read-Aloud|Applebot|PetalBot"
          + "|SemrushBot|AhrefsBot|MJ12bot|DotBot|BLEXBot|Yandex[A-Za-z]*|archive\\.org_bot|CCBot|GPTBot|ClaudeBot)",
      // HTTP libraries of scripts and headless browsers
      "(?:Go-http-client|python-requests|Python-urllib|aiohttp|Scrapy|libwww-perl|HeadlessChrome|PhantomJS)");

  private static final List<Pattern> DEFAULTS = DEFAULT_RULES.stream().map(Pattern::compile).toList();

  public record Config(List<Pattern> allow, List<Pattern> deny, int blockedCode, String blockedMessage) {
    public Config {
      allow = List.copyOf(allow);
      deny = List.copyOf(deny);
    }
  }

  @Override
  public String name() {
    return "bot-detect";
  }

  @Override
  public PluginPhase defaultPhase() {
    return PluginPhase.AUTHZ;
  }

  @Override
  public int defaultPriority() {
    return 310;
  }

  @Override
  public Config parseConfig(Map<String, Object> config) throws PluginConfigException {
    ConfigFields f = ConfigFields.of(config);
    return new Config(patterns(f, "allow"), patterns(f, "deny"), f.status("blocked_code", 403),
        f.string("blocked_message", ""));
  }

  private static List<Pattern> patterns(ConfigFields f, String field) throws PluginConfigException {
    List<String> texts = f.strings(field);
    List<Pattern> out = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      try {
        out.add(Pattern.compile(texts.get(i)));
      } catch (PatternSyntaxException e) {
        throw new PluginConfigException(field + "[" + i + "]", "not a valid RE2 expression: " + e.getMessage());
      }
    }
    return out;
  }

  /** True when a request with this User-Agent is refused. */
  static boolean blocked(Config config, String userAgent) {
    if (userAgent == null) return false;
    for (Pattern p : config.allow()) {
      if (p.matcher(userAgent).find()) return false;
    }
    for (Pattern p : config.deny()) {
      if (p.matcher(userAgent).find()) return true;
    }
    for (Pattern p : DEFAULTS) {
      if (p.matcher(userAgent).find()) return true;
    }
    return false;
  }

  @Override
  public HttpFilter create(Config config) {
    return new HttpFilter() {
      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
        if (!blocked(config, headers.get("user-agent"))) return Action.CONTINUE;
        ctx.sendLocalReply(config.blockedCode(), Map.of("content-type", "text/plain; charset=utf-8"),
            config.blockedMessage().getBytes(StandardCharsets.UTF_8));
        return Action.PAUSE;
      }
    };
  }
}
