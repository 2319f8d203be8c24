package io.higressj.plugins.keyauth;

import io.higressj.api.Action;
import io.higressj.api.FilterContext;
import io.higressj.api.HttpFilter;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginFactory;
import io.higressj.api.PluginPhase;
import io.higressj.api.RequestHeaders;
import io.higressj.plugins.auth.AuthScope;
import io.higressj.plugins.auth.ConfigFields;
import io.higressj.plugins.auth.Credentials;
import io.higressj.plugins.auth.Replies;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code key-auth}: the global configuration lists the consumers ({@code name}, {@code credential})
 * and where keys are read ({@code keys}, {@code in_header}, {@code in_query}); a rule lists the
 * consumers it lets through ({@code allow}). Exactly one key must be present: none or several is
 * 401; a key of no consumer is 401, or 403 under a rule (nobody it allows has that key); a consumer
 * the rule does not allow is 403.
 */
public class KeyAuthFactory implements PluginFactory<KeyAuthConfig> {
  static final String CHALLENGE = "Key realm=MSE Gateway";
  static final String NO_KEY = "Request denied by Key Auth check. No API key found in request";
  static final String MULTIPLE_KEYS = "Request denied by Key Auth check. Multiple API keys found in request";
  static final String INVALID_KEY = "Request denied by Key Auth check. Invalid API key";
  static final String NOT_ALLOWED = "Request denied by Key Auth check. Unauthorized consumer";

  @Override
  public String name() {
    return "key-auth";
  }

  @Override
  public PluginPhase defaultPhase() {
    return PluginPhase.AUTHN;
  }

  @Override
  public int defaultPriority() {
    return 310;
  }

  @Override
  public KeyAuthConfig parseConfig(Map<String, Object> config) throws PluginConfigException {
    Map<String, Object> c = AuthScope.globalConfig(config);
    return parse(c, AuthScope.global(c));
  }

  @Override
  public KeyAuthConfig parseRuleConfig(Map<String, Object> rule, KeyAuthConfig global) throws PluginConfigException {
    Map<String, Object> r = ConfigFields.orEmpty(rule);
    if (r.containsKey("consumers")) {
      // a rule with its own consumers stands alone (older configurations); allow is then optional
      AuthScope scope = AuthScope.ownConsumers(r);
      return parse(r, scope);
    }
    AuthScope scope = AuthScope.rule(r);
    AuthScope.requireGlobal(global);
    return new KeyAuthConfig(global.credentials(), global.keys(), global.inHeader(), global.inQuery(), scope);
  }

  private static KeyAuthConfig parse(Map<String, Object> c, AuthScope scope) throws PluginConfigException {
    List<Map<String, Object>> consumers = ConfigFields.objects(c, "consumers", "consumers");
    if (consumers == null) throw new PluginConfigException("consumers", "missing (expected: a list of {name, credential})");
    Map<String, String> byCredential = new LinkedHashMap<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < consumers.size(); i++) {
      Map<String, Object> consumer = consumers.get(i);
      String name = ConfigFields.string(consumer, "name", "consumers[" + i + "].name", null);
      String credential = ConfigFields.string(consumer, "credential", "consumers[" + i + "].credential", null);
      if (names.contains(name)) throw new PluginConfigException("consumers[" + i + "].name", name + ": a second consumer of that name");
      if (byCredential.putIfAbsent(credential, name) != null) {
        throw new PluginConfigException("consumers[" + i + "].credential", "the same as consumer " + byCredential.get(credential) + "'s");
      }
      names.add(name);
    }
    List<String> keys = ConfigFields.strings(c, "keys", "keys");
    if (keys == null || keys.isEmpty()) throw new PluginConfigException("keys", "missing (expected: header or query parameter names)");
    boolean inHeader = ConfigFields.bool(c, "in_header", "in_header", true);
    boolean inQuery = ConfigFields.bool(c, "in_query", "in_query", true);
    if (!inHeader && !inQuery) throw new PluginConfigException("in_query", "false as in_header (expected: at least one true)");
    return new KeyAuthConfig(new Credentials(byCredential), keys, inHeader, inQuery, scope);
  }

  @Override
  public HttpFilter create(KeyAuthConfig config) {
    return new HttpFilter() {
      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
        return authenticate(config, ctx, headers);
      }
    };
  }

  static Action authenticate(KeyAuthConfig config, FilterContext ctx, RequestHeaders headers) {
    if (!config.scope().enforce()) return Action.CONTINUE;
    List<String> found = new ArrayList<>(2);
    if (config.inHeader()) {
      for (String key : config.keys()) found.addAll(headers.getAll(key));
    }
    if (config.inQuery()) {
      for (String key : config.keys()) found.addAll(queryValues(headers.path(), key));
    }
    if (found.isEmpty()) {
      Replies.deny(ctx, 401, CHALLENGE, NO_KEY);
      return Action.PAUSE;
    }
    if (found.size() > 1) {
      Replies.deny(ctx, 401, CHALLENGE, MULTIPLE_KEYS);
      return Action.PAUSE;
    }
    String consumer = config.credentials().find(found.get(0));
    if (consumer == null) {
      Replies.deny(ctx, config.scope().ruleLevel() ? 403 : 401, CHALLENGE, INVALID_KEY);
      return Action.PAUSE;
    }
    if (!config.scope().allows(consumer)) {
      Replies.deny(ctx, 403, CHALLENGE, NOT_ALLOWED);
      return Action.PAUSE;
    }
    ctx.consumer(consumer);
    return Action.CONTINUE;
  }

  /** the decoded values of query parameter {@code name}; a malformed escape keeps the raw text */
  static List<String> queryValues(String pathAndQuery, String name) {
    int q = pathAndQuery.indexOf('?');
    if (q < 0) return List.of();
    int end = pathAndQuery.indexOf('#', q);
    String query = pathAndQuery.substring(q + 1, end < 0 ? pathAndQuery.length() : end);
    List<String> out = new ArrayList<>(1);
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) continue;
      int eq = pair.indexOf('=');
      String k = decode(eq < 0 ? pair : pair.substring(0, eq));
      if (k.equals(name)) out.add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
    }
    return out;
  }

  static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
