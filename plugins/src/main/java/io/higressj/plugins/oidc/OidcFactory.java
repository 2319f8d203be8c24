package io.higressj.plugins.oidc;

import io.higressj.api.HttpFilter;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginFactory;
import io.higressj.api.PluginPhase;
import io.higressj.plugins.ConfigFields;
import io.higressj.plugins.ServiceTargets;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code oidc}: Higress's OpenID Connect plugin (oauth2-proxy's flow). A request without a valid
 * session cookie is sent to the provider's login (302; 401 for {@code Accept: application/json});
 * the provider sends the browser back to {@code redirect_url} with a code, which the gateway trades at
 * the token endpoint for an ID token that it verifies; the session cookie then carries the tokens,
 * sealed, and later requests go upstream with {@code Authorization: Bearer <ID token>}.
 * {@code <proxy_prefix>/sign_out} clears the session; {@code <proxy_prefix>/start} starts a login.
 */
public class OidcFactory implements PluginFactory<OidcConfig> {
  static final String WELL_KNOWN = "/.well-known/openid-configuration";
  private static final String COOKIE_NAME = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+";

  private final Clock clock;

  public OidcFactory() {
    this(Clock.systemUTC());
  }

  /** a factory whose filters read the time from {@code clock} (tests) */
  public OidcFactory(Clock clock) {
    this.clock = clock;
  }

  @Override
  public String name() {
    return "oidc";
  }

  @Override
  public PluginPhase defaultPhase() {
    return PluginPhase.AUTHN;
  }

  @Override
  public int defaultPriority() {
    return 350;
  }

  @Override
  public OidcConfig parseConfig(Map<String, Object> config) throws PluginConfigException {
    ConfigFields c = ConfigFields.of(config);
    String provider = c.string("provider", "oidc").trim();
    if (!provider.isEmpty() && !provider.equals("oidc")) {
      throw new PluginConfigException("provider", "'" + provider + "' (expected: oidc; Higress's github and aliyun providers are not supported)");
    }
    boolean skipDiscovery = c.bool("skip_oidc_discovery", false);
    boolean skipIssuer = c.bool("insecure_oidc_skip_issuer_verification", false);
    String issuer = c.string("oidc_issuer_url", "").trim();
    if (issuer.isEmpty() && !(skipDiscovery && skipIssuer)) {
      throw new PluginConfigException("oidc_issuer_url", "missing (expected: the provider's issuer URL, e.g. https://accounts.example.com/realms/main)");
    }
    if (!issuer.isEmpty()) {
      URI u = httpUrl("oidc_issuer_url", issuer);
      if (u.getRawQuery() != null || u.getRawFragment() != null) {
        throw new PluginConfigException("oidc_issuer_url", "'" + issuer + "' (expected: a URL without query or fragment)");
      }
    }
    String clientId = c.string("client_id", "").trim();
    if (clientId.isEmpty()) throw new PluginConfigException("client_id", "missing (expected: the client id registered at the provider)");
    String codeChallenge = c.string("code_challenge_method", "").trim();
    if (!codeChallenge.isEmpty() && !codeChallenge.equals("S256") && !codeChallenge.equals("plain")) {
      throw new PluginConfigException("code_challenge_method", "'" + codeChallenge + "' (expected: S256, plain or empty)");
    }
    String clientSecret = c.string("client_secret", "");
    if (clientSecret.isEmpty() && codeChallenge.isEmpty()) {
      throw new PluginConfigException("client_secret", "missing (expected: the client secret; only a public client with code_challenge_method goes without)");
    }
    String scope = String.join(" ", c.string("scope", "").replace(';', ' ').trim().split("\\s+")).trim();
    if (scope.isEmpty()) scope = "openid email profile";
    if (!List.of(scope.split(" ")).contains("openid")) {
      throw new PluginConfigException("scope", "'" + scope + "' (expected: scopes including openid, e.g. 'openid email profile')");
    }

    String proxyPrefix = c.string("proxy_prefix", "/oauth2").trim();
    if (!proxyPrefix.startsWith("/") || proxyPrefix.endsWith("/") || proxyPrefix.contains("?")) {
      throw new PluginConfigException("proxy_prefix", "'" + proxyPrefix + "' (expected: a path such as /oauth2, without a trailing slash)");
    }
    String redirectUrl = c.string("redirect_url", "").trim();
    String callbackPath;
    if (redirectUrl.isEmpty()) {
      redirectUrl = proxyPrefix + "/callback";
      callbackPath = redirectUrl;
    } else if (redirectUrl.startsWith("/") && !redirectUrl.startsWith("//")) {
      if (redirectUrl.contains("?") || redirectUrl.contains("#")) {
        throw new PluginConfigException("redirect_url", "'" + redirectUrl + "' (expected: a URL without query or fragment)");
      }
      callbackPath = redirectUrl;
    } else {
      URI u = httpUrl("redirect_url", redirectUrl);
      if (u.getRawQuery() != null || u.getRawFragment() != null) {
        throw new PluginConfigException("redirect_url", "'" + redirectUrl + "' (expected: a URL without query or fragment)");
      }
      callbackPath = u.getRawPath() == null || u.getRawPath().isEmpty() ? proxyPrefix + "/callback" : u.getRawPath();
      if (u.getRawPath() == null || u.getRawPath().isEmpty()) redirectUrl = redirectUrl + callbackPath;
    }

    CookieSettings cookie = cookie(c);
    long verifierMs = c.integer("oidc_verifier_request_timeout", 2000);
    if (verifierMs < 1 || verifierMs > 600_000) throw new PluginConfigException("oidc_verifier_request_timeout", verifierMs + " (expected: 1 to 600000 ms)");
    long redeemMs = c.integer("redeem_timeout", 2000);
    if (redeemMs < 1 || redeemMs > 600_000) throw new PluginConfigException("redeem_timeout", redeemMs + " (expected: 1 to 600000 ms)");

    String loginUrl = optionalUrl(c, "login_url");
    String redeemUrl = optionalUrl(c, "redeem_url");
    String jwksUrl = optionalUrl(c, "oidc_jwks_url");
    if (skipDiscovery) {
      if (loginUrl == null) throw new PluginConfigException("login_url", "missing (required with skip_oidc_discovery)");
      if (redeemUrl == null) throw new PluginConfigException("redeem_url", "missing (required with skip_oidc_discovery)");
      if (jwksUrl == null) throw new PluginConfigException("oidc_jwks_url", "missing (required with skip_oidc_discovery)");
    }
    String cluster = null;
    String serviceHost = null;
    String serviceName = c.string("service_name", "").trim();
    if (!serviceName.isEmpty()) {
      if (!serviceName.matches("[A-Za-z0-9._\\-]+")) {
        throw new PluginConfigException("service_name", "'" + serviceName + "' (expected: a service name such as keycloak.static, auth.dns or idp.default.svc.cluster.local)");
      }
      long port = c.integer("service_port", 0);
      if (port < 0 || port > 65535) throw new PluginConfigException("service_port", port + " (expected: 1 to 65535)");
      if (port == 0) {
        URI u = URI.create(issuer.isEmpty() ? loginUrl : issuer);
        port = u.getPort() > 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
      }
      String source = c.string("service_source", "").trim();
      if (!source.isEmpty() && !List.of("k8s", "dns", "ip", "static", "nacos").contains(source)) {
        throw new PluginConfigException("service_source", "'" + source + "' (expected: dns, ip, static, k8s or nacos)");
      }
      cluster = source.isEmpty() ? "outbound|" + port + "||" + serviceName : ServiceTargets.clusterName(source, serviceName, null, (int) port);
      serviceHost = c.string("service_host", "").trim();
      if (serviceHost.isEmpty()) serviceHost = c.string("service_domain", "").trim();
      if (serviceHost.isEmpty()) serviceHost = null;
      else if (!serviceHost.matches("[A-Za-z0-9._\\-:\\[\\]]+")) throw new PluginConfigException("service_host", "'" + serviceHost + "' (expected: host[:port])");
    } else if (c.has("service_port")) {
      throw new PluginConfigException("service_name", "missing (service_port is set: name the service the provider is reached through)");
    }
    OidcConfig.Endpoints endpoints = new OidcConfig.Endpoints(issuer.isEmpty() ? null : issuer,
        issuer.isEmpty() ? null : OidcProvider.stripSlash(issuer) + WELL_KNOWN, skipDiscovery, loginUrl, redeemUrl, jwksUrl,
        skipIssuer, cluster, serviceHost, Duration.ofMillis(verifierMs));

    List<String> extraAudiences = nonEmpty(c, "oidc_extra_audiences");
    boolean skipNonce = c.bool("insecure_oidc_skip_nonce", false);

    List<Map.Entry<String, String>> loginParams = new ArrayList<>();
    String acr = c.string("acr_values", "").trim();
    if (!acr.isEmpty()) loginParams.add(Map.entry("acr_values", acr));
    String prompt = c.string("prompt", "").trim();
    String approval = c.string("approval_prompt", "force").trim();
    if (!prompt.isEmpty()) loginParams.add(Map.entry("prompt", prompt));
    else if (!approval.isEmpty()) loginParams.add(Map.entry("approval_prompt", approval));

    List<String> whitelist = new ArrayList<>();
    for (String d : nonEmpty(c, "whitelist_domains")) whitelist.add(d.trim().toLowerCase(Locale.ROOT));
    boolean preflight = c.bool("skip_auth_preflight", false);

    return new OidcConfig(clientId, clientSecret, scope, redirectUrl, callbackPath, proxyPrefix, cookie,
        c.bool("pass_authorization_header", true), c.bool("pass_access_token", false), c.bool("set_xauthrequest", false),
        Duration.ofMillis(redeemMs), extraAudiences, skipNonce, codeChallenge, loginParams, whitelist, preflight, skipRules(c),
        new OidcProvider(endpoints));
  }

  private static CookieSettings cookie(ConfigFields c) throws PluginConfigException {
    String name = c.string("cookie_name", "_oauth2_proxy").trim();
    if (!name.matches(COOKIE_NAME) || name.length() > 256) {
      throw new PluginConfigException("cookie_name", "'" + name + "' (expected: a cookie name of letters, digits and !#$%&'*+-.^_`|~, at most 256)");
    }
    String secret = c.string("cookie_secret", "");
    if (secret.isEmpty()) {
      throw new PluginConfigException("cookie_secret", "missing (expected: 16, 24 or 32 bytes, or their base64; generate one with: "
          + "python -c 'import os,base64; print(base64.urlsafe_b64encode(os.urandom(32)).decode())')");
    }
    byte[] bytes = CookieCipher.secretBytes(secret);
    if (bytes.length != 16 && bytes.length != 24 && bytes.length != 32) {
      throw new PluginConfigException("cookie_secret", bytes.length + " bytes (expected: 16, 24 or 32 bytes, or their base64)");
    }
    CookieCipher cipher = CookieCipher.of(bytes);
    java.util.Arrays.fill(bytes, (byte) 0);
    List<String> domains = new ArrayList<>();
    Object d = c.raw("cookie_domains");
    if (d instanceof String s) {
      for (String part : s.split(",")) if (!part.isBlank()) domains.add(part.trim().toLowerCase(Locale.ROOT));
    } else {
      for (String part : nonEmpty(c, "cookie_domains")) domains.add(part.trim().toLowerCase(Locale.ROOT));
    }
    for (int i = 0; i < domains.size(); i++) {
      if (!domains.get(i).matches("\\.?[a-z0-9]([a-z0-9\\-.]*[a-z0-9])?")) {
        throw new PluginConfigException("cookie_domains[" + i + "]", "'" + domains.get(i) + "' (expected: a domain such as .example.com)");
      }
    }
    domains.sort(Comparator.comparingInt(String::length).reversed());
    String path = c.string("cookie_path", "/").trim();
    if (!path.startsWith("/") || path.chars().anyMatch(ch -> ch < 0x21 || ch == ';' || ch == 0x7f)) {
      throw new PluginConfigException("cookie_path", "'" + path + "' (expected: a path starting with /)");
    }
    Duration expire = duration(c, "cookie_expire", Duration.ofHours(168));
    Duration refresh = duration(c, "cookie_refresh", Duration.ZERO);
    if (!expire.isZero() && refresh.compareTo(expire) >= 0) {
      throw new PluginConfigException("cookie_refresh", refresh + " (expected: less than cookie_expire, " + expire + ")");
    }
    String sameSite = c.string("cookie_samesite", "").trim().toLowerCase(Locale.ROOT);
    if (!List.of("", "lax", "strict", "none").contains(sameSite)) {
      throw new PluginConfigException("cookie_samesite", "'" + sameSite + "' (expected: lax, strict, none or empty)");
    }
    Duration csrfExpire = duration(c, "cookie_csrf_expire", Duration.ofMinutes(15));
    if (csrfExpire.isZero()) throw new PluginConfigException("cookie_csrf_expire", "0 (expected: a duration such as 15m)");
    return new CookieSettings(name, cipher, domains, path, expire, refresh, c.bool("cookie_secure", true),
        c.bool("cookie_httponly", true), sameSite, c.bool("cookie_csrf_per_request", false), csrfExpire);
  }

  private static SkipRules skipRules(ConfigFields c) throws PluginConfigException {
    String type = c.string("match_type", "whitelist").trim();
    if (type.isEmpty()) type = "whitelist";
    if (!type.equals("whitelist") && !type.equals("blacklist")) {
      throw new PluginConfigException("match_type", "'" + type + "' (expected: whitelist or blacklist)");
    }
    List<SkipRules.Rule> rules = new ArrayList<>();
    List<?> list = c.list("match_list");
    for (int i = 0; i < list.size(); i++) {
      String at = "match_list[" + i + "]";
      if (!(list.get(i) instanceof Map<?, ?> m)) throw new PluginConfigException(at, ConfigFields.describe(list.get(i)) + " (expected: an object)");
      @SuppressWarnings("unchecked")
      ConfigFields r = ConfigFields.of((Map<String, Object>) m);
      String domain = r.string("match_rule_domain", "").trim();
      String path = r.string("match_rule_path", "");
      String ruleType = r.string("match_rule_type", "").trim();
      SkipRules.Type t;
      com.google.re2j.Pattern regex = null;
      if (ruleType.isEmpty()) {
        if (!path.isEmpty()) throw new PluginConfigException(at + ".match_rule_type", "missing (expected: exact, prefix or regex)");
        t = SkipRules.Type.PREFIX; // a domain-only rule: every path
      } else {
        t = switch (ruleType) {
          case "exact" -> SkipRules.Type.EXACT;
          case "prefix" -> SkipRules.Type.PREFIX;
          case "regex" -> SkipRules.Type.REGEX;
          default -> throw new PluginConfigException(at + ".match_rule_type", "'" + ruleType + "' (expected: exact, prefix or regex)");
        };
        if (t == SkipRules.Type.REGEX) {
          try {
            regex = com.google.re2j.Pattern.compile(path);
          } catch (com.google.re2j.PatternSyntaxException e) {
            throw new PluginConfigException(at + ".match_rule_path", "'" + path + "' is not a regular expression (" + e.getDescription() + ")");
          }
        }
      }
      if (domain.isEmpty() && path.isEmpty()) throw new PluginConfigException(at, "empty (expected: match_rule_domain and/or match_rule_path)");
      rules.add(new SkipRules.Rule(domain.isEmpty() ? null : SkipRules.wildcard(domain), t, path, regex));
    }
    return new SkipRules(type.equals("blacklist"), rules);
  }

  /** a Go duration string ({@code 168h}, {@code 15m}, {@code 1h30m}); the number 0 is accepted too */
  static Duration duration(ConfigFields c, String field, Duration dflt) throws PluginConfigException {
    Object v = c.raw(field);
    if (v == null) return dflt;
    if (v instanceof Number n && n.doubleValue() == 0) return Duration.ZERO;
    if (!(v instanceof String s)) throw new PluginConfigException(field, ConfigFields.describe(v) + " (expected: a duration such as 168h, 15m or 0)");
    if (s.isBlank()) return dflt;
    Duration d = ServiceTargets.goDuration(field, s);
    if (d.isNegative()) throw new PluginConfigException(field, "'" + s + "' (expected: a duration of 0 or more)");
    return d;
  }

  private static List<String> nonEmpty(ConfigFields c, String field) throws PluginConfigException {
    List<String> out = new ArrayList<>();
    List<String> in = c.strings(field);
    for (int i = 0; i < in.size(); i++) {
      if (in.get(i).isBlank()) throw new PluginConfigException(field + "[" + i + "]", "empty (expected: a non-empty string)");
      out.add(in.get(i).trim());
    }
    return out;
  }

  private static String optionalUrl(ConfigFields c, String field) throws PluginConfigException {
    String s = c.string(field, "").trim();
    if (s.isEmpty()) return null;
    httpUrl(field, s);
    return s;
  }

  static URI httpUrl(String field, String s) throws PluginConfigException {
    URI u;
    try {
      u = new URI(s);
    } catch (URISyntaxException e) {
      throw new PluginConfigException(field, "'" + s + "' is not a URL (" + e.getReason() + ")");
    }
    if (!("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme())) || u.getHost() == null) {
      throw new PluginConfigException(field, "'" + s + "' (expected: an http:// or https:// URL)");
    }
    return u;
  }

  @Override
  public HttpFilter create(OidcConfig config) {
    return new OidcFilter(config, clock);
  }
}
