package io.higressj.plugins.basicauth;

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
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code basic-auth}: the global configuration lists the consumers ({@code name}, {@code credential}
 * as {@code user:password}); a rule lists the consumers it lets through ({@code allow}). No or
 * malformed {@code Authorization: Basic} header, or credentials of no consumer: 401 with {@code
 * WWW-Authenticate: Basic realm=MSE Gateway}; a consumer the rule does not allow: 403.
 */
public class BasicAuthFactory implements PluginFactory<BasicAuthConfig> {
  static final String CHALLENGE = "Basic realm=MSE Gateway";
  static final String NO_CREDENTIALS = "Request denied by Basic Auth check. No Basic Authentication information found.";
  static final String INVALID = "Request denied by Basic Auth check. Invalid username and/or password.";
  static final String NOT_ALLOWED = "Request denied by Basic Auth check. Unauthorized consumer.";

  @Override
  public String name() {
    return "basic-auth";
  }

  @Override
  public PluginPhase defaultPhase() {
    return PluginPhase.AUTHN;
  }

  @Override
  public int defaultPriority() {
    return 320;
  }

  @Override
  public BasicAuthConfig parseConfig(Map<String, Object> config) throws PluginConfigException {
    Map<String, Object> c = AuthScope.globalConfig(config);
    return new BasicAuthConfig(consumers(c), AuthScope.global(c));
  }

  @Override
  public BasicAuthConfig parseRuleConfig(Map<String, Object> rule, BasicAuthConfig global) throws PluginConfigException {
    Map<String, Object> r = ConfigFields.orEmpty(rule);
    if (r.containsKey("consumers")) {
      return new BasicAuthConfig(consumers(r), AuthScope.ownConsumers(r));
    }
    AuthScope scope = AuthScope.rule(r);
    AuthScope.requireGlobal(global);
    return new BasicAuthConfig(global.credentials(), scope);
  }

  private static Credentials consumers(Map<String, Object> c) throws PluginConfigException {
    List<Map<String, Object>> consumers = ConfigFields.objects(c, "consumers", "consumers");
    if (consumers == null) throw new PluginConfigException("consumers", "missing (expected: a list of {name, credential})");
    Map<String, String> byCredential = new LinkedHashMap<>();
    for (int i = 0; i < consumers.size(); i++) {
      String at = "consumers[" + i + "]";
      String name = ConfigFields.string(consumers.get(i), "name", at + ".name", null);
      String credential = ConfigFields.string(consumers.get(i), "credential", at + ".credential", null);
      int colon = credential.indexOf(':');
      if (colon <= 0) throw new PluginConfigException(at + ".credential", "not <user>:<password>");
      if (byCredential.containsValue(name)) throw new PluginConfigException(at + ".name", name + ": a second consumer of that name");
      if (byCredential.putIfAbsent(credential, name) != null) {
        throw new PluginConfigException(at + ".credential", "the same as consumer " + byCredential.get(credential) + "'s");
      }
    }
    return new Credentials(byCredential);
  }

  @Override
  public HttpFilter create(BasicAuthConfig config) {
    return new HttpFilter() {
      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
        return authenticate(config, ctx, headers);
      }
    };
  }

  static Action authenticate(BasicAuthConfig config, FilterContext ctx, RequestHeaders headers) {
    if (!config.scope().enforce()) return Action.CONTINUE;
    List<String> values = headers.getAll("authorization");
    if (values.isEmpty()) {
      Replies.deny(ctx, 401, CHALLENGE, NO_CREDENTIALS);
      return Action.PAUSE;
    }
    String userPass = values.size() == 1 ? decode(values.get(0)) : null;
    if (userPass == null) {
      Replies.deny(ctx, 401, CHALLENGE, values.size() == 1 && !isBasic(values.get(0)) ? NO_CREDENTIALS : INVALID);
      return Action.PAUSE;
    }
    String consumer = config.credentials().find(userPass);
    if (consumer == null) {
      Replies.deny(ctx, 401, CHALLENGE, INVALID);
      return Action.PAUSE;
    }
    if (!config.scope().allows(consumer)) {
      Replies.deny(ctx, 403, CHALLENGE, NOT_ALLOWED);
      return Action.PAUSE;
    }
    ctx.consumer(consumer);
    return Action.CONTINUE;
  }

  static boolean isBasic(String value) {
    return value.regionMatches(true, 0, "Basic ", 0, 6);
  }

  /** {@code user:password} from {@code Basic <base64>}, or null when it is not that */
  static String decode(String value) {
    if (!isBasic(value)) return null;
    String b64 = value.substring(6).strip();
    if (b64.isEmpty() || b64.length() > 8192) return null;
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      return null;
    }
    String s = new String(raw, StandardCharsets.UTF_8);
    return s.indexOf(':') > 0 ? s : null;
  }
}
