package io.higressj.plugins.hmacauthapisix;

import io.higressj.api.Action;
import io.higressj.api.Body;
import io.higressj.api.FilterContext;
import io.higressj.api.HttpFilter;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginFactory;
import io.higressj.api.PluginPhase;
import io.higressj.api.RequestHeaders;
import io.higressj.plugins.auth.AuthScope;
import io.higressj.plugins.auth.ConfigFields;
import io.higressj.plugins.auth.SigningKeys;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code hmac-auth-apisix}: consumers ({@code access_key}, {@code secret_key}, {@code name}) sign
 * requests as Apache APISIX's hmac-auth does. The client sends {@code Authorization: Signature
 * keyId="...",algorithm="hmac-sha256",headers="@request-target date",signature="..."}; the signing
 * string is the keyId, then for each name of {@code headers} in order {@code METHOD path?query} for
 * {@code @request-target} or {@code name: value} for a present header, each line ending in {@code
 * \n}; the signature is its Base64 HMAC with the consumer's secret.
 *
 * <p>Every denial is 401 with {@code {"message":"client request can't be validated: <reason>"}},
 * as Higress answers (including a consumer the rule does not allow); the allow list is checked
 * after the signature here, so the consumer's name is only told to a client holding its secret.
 */
public class HmacAuthApisixFactory implements PluginFactory<HmacAuthApisixConfig> {
  static final int MAX_BODY_BYTES = 32 * 1024 * 1024;
  static final Map<String, String> ALGORITHMS = Map.of("hmac-sha1", "HmacSHA1", "hmac-sha256", "HmacSHA256",
      "hmac-sha512", "HmacSHA512");
  static final long DEFAULT_CLOCK_SKEW = 300;
  private static final Pattern FIELD = Pattern.compile("(\\w+)=\"([^\"]*)\"");
  private static final DateTimeFormatter GMT = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);
  private static final int MAX_AUTHORIZATION = 16 * 1024;

  private final Clock clock;

  public HmacAuthApisixFactory() {
    this(Clock.systemUTC());
  }

  HmacAuthApisixFactory(Clock clock) {
    this.clock = clock;
  }

  @Override
  public String name() {
    return "hmac-auth-apisix";
  }

  @Override
  public PluginPhase defaultPhase() {
    return PluginPhase.AUTHN;
  }

  @Override
  public int defaultPriority() {
    return 330;
  }

  @Override
  public HmacAuthApisixConfig parseConfig(Map<String, Object> config) throws PluginConfigException {
    Map<String, Object> c = AuthScope.globalConfig(config);
    return options(c, consumers(c), AuthScope.global(c), null);
  }

  @Override
  public HmacAuthApisixConfig parseRuleConfig(Map<String, Object> rule, HmacAuthApisixConfig global)
      throws PluginConfigException {
    Map<String, Object> r = ConfigFields.orEmpty(rule);
    if (r.containsKey("consumers")) {
      return options(r, consumers(r), AuthScope.ownConsumers(r), null);
    }
    AuthScope scope = AuthScope.rule(r);
    AuthScope.requireGlobal(global);
    return options(r, global.keys(), scope, global);
  }

  private static SigningKeys consumers(Map<String, Object> c) throws PluginConfigException {
    List<Map<String, Object>> consumers = ConfigFields.objects(c, "consumers", "consumers");
    if (consumers == null || consumers.isEmpty()) {
      throw new PluginConfigException("consumers", (consumers == null ? "missing" : "empty")
          + " (expected: a list of {access_key, secret_key, name})");
    }
    SigningKeys.Builder keys = SigningKeys.builder();
    for (int i = 0; i < consumers.size(); i++) {
      String at = "consumers[" + i + "]";
      Map<String, Object> consumer = consumers.get(i);
      String key = ConfigFields.string(consumer, "access_key", at + ".access_key", null);
      String secret = ConfigFields.string(consumer, "secret_key", at + ".secret_key", null);
      String name = consumer.get("name") == null || "".equals(consumer.get("name"))
          ? key : ConfigFields.string(consumer, "name", at + ".name", null);
      if (!keys.add(key, name, secret)) {
        throw new PluginConfigException(at + ".access_key", "the same as an earlier consumer's");
      }
    }
    return keys.build();
  }

  /** the options of {@code c}, each defaulting to {@code base}'s (a rule's global) or Higress's default */
  private static HmacAuthApisixConfig options(Map<String, Object> c, SigningKeys keys, AuthScope scope,
      HmacAuthApisixConfig base) throws PluginConfigException {
    Set<String> algorithms = base == null ? ALGORITHMS.keySet() : base.allowedAlgorithms();
    List<String> listed = ConfigFields.strings(c, "allowed_algorithms", "allowed_algorithms");
    if (listed != null && !listed.isEmpty()) {
      for (int i = 0; i < listed.size(); i++) {
        if (!ALGORITHMS.containsKey(listed.get(i))) {
          throw new PluginConfigException("allowed_algorithms[" + i + "]",
              listed.get(i) + " (expected: hmac-sha1, hmac-sha256 or hmac-sha512)");
        }
      }
      algorithms = new LinkedHashSet<>(listed);
    }
    long clockSkew = ConfigFields.integer(c, "clock_skew", "clock_skew",
        base == null ? DEFAULT_CLOCK_SKEW : base.clockSkewSeconds(), 0, 10L * 365 * 24 * 3600);
    List<String> signed = ConfigFields.strings(c, "signed_headers", "signed_headers");
    List<String> signedHeaders = base == null ? List.of() : base.signedHeaders();
    if (signed != null) signedHeaders = signed.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    boolean validateBody = ConfigFields.bool(c, "validate_request_body", "validate_request_body",
        base != null && base.validateRequestBody());
    boolean hide = ConfigFields.bool(c, "hide_credentials", "hide_credentials", base != null && base.hideCredentials());
    String anonymous = c.get("anonymous_consumer") == null
        ? (base == null ? null : base.anonymousConsumer())
        : ConfigFields.string(c, "anonymous_consumer", "anonymous_consumer", null);
    return new HmacAuthApisixConfig(keys, algorithms, clockSkew, signedHeaders, validateBody, hide, anonymous, scope);
  }

  @Override
  public HttpFilter create(HmacAuthApisixConfig config) {
    return new HttpFilter() {
      private boolean checkDigest;
      private String digest;

      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
        if (!config.scope().enforce()) return Action.CONTINUE;
        Outcome outcome = authenticate(config, clock, ctx, headers);
        if (outcome == Outcome.DENIED) return Action.PAUSE;
        if (outcome == Outcome.AUTHENTICATED && config.validateRequestBody() && !endOfStream) {
          checkDigest = true;
          digest = headers.get("digest");
          ctx.bufferRequestBody(MAX_BODY_BYTES);
        }
        return Action.CONTINUE;
      }

      @Override
      public Action onRequestBody(FilterContext ctx, Body body, boolean endOfStream) {
        if (!checkDigest) return Action.CONTINUE;
        if (digest == null || digest.isEmpty()) return deny(ctx, "Invalid digest");
        String expected = "SHA-256=" + Base64.getEncoder().encodeToString(sha256(body.bytes()));
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), digest.getBytes(StandardCharsets.UTF_8))) {
          return deny(ctx, "Invalid digest");
        }
        return Action.CONTINUE;
      }
    };
  }

  /** The fields of {@code Authorization: Signature ...}. */
  record SignatureFields(String keyId, String algorithm, String signature, List<String> headers) {}

  enum Outcome { AUTHENTICATED, ANONYMOUS, DENIED }

  static Outcome authenticate(HmacAuthApisixConfig config, Clock clock, FilterContext ctx, RequestHeaders h) {
    String authorization = h.get("authorization");
    String problem = null;
    SignatureFields fields = null;
    SigningKeys.Entry consumer = null;
    if (authorization == null) {
      problem = "missing Authorization header";
    } else if (!authorization.startsWith("Signature ") || authorization.length() > MAX_AUTHORIZATION) {
      problem = "Authorization header does not start with 'Signature '";
    } else {
      fields = parse(authorization.substring("Signature ".length()));
      if (fields.keyId().isEmpty() || fields.signature().isEmpty()) problem = "keyId or signature missing";
      else if (fields.algorithm().isEmpty()) problem = "algorithm missing";
      else if ((consumer = config.keys().find(fields.keyId())) == null) problem = "Invalid keyId";
    }
    if (problem != null) {
      if (config.anonymousConsumer() != null) {
        ctx.consumer(config.anonymousConsumer());
        return Outcome.ANONYMOUS;
      }
      return denied(ctx, problem);
    }
    if (config.clockSkewSeconds() > 0) {
      String date = h.get("date");
      if (date == null || date.isEmpty()) return denied(ctx, "Date header missing. failed to validate clock skew");
      long then;
      try {
        then = LocalDateTime.parse(date, GMT).toEpochSecond(ZoneOffset.UTC);
      } catch (DateTimeParseException e) {
        return denied(ctx, "Invalid GMT format time");
      }
      if (Math.abs(clock.millis() / 1000 - then) > config.clockSkewSeconds()) return denied(ctx, "Clock skew exceeded");
    }
    if (!config.allowedAlgorithms().contains(fields.algorithm())) return denied(ctx, "Invalid algorithm");
    if (!config.signedHeaders().isEmpty()) {
      if (fields.headers().isEmpty()) return denied(ctx, "headers missing");
      Set<String> covered = new java.util.HashSet<>();
      for (String name : fields.headers()) covered.add(name.toLowerCase(Locale.ROOT));
      for (String required : config.signedHeaders()) {
        if (!covered.contains(required)) return denied(ctx, "expected header \"" + required + "\" missing in signing");
      }
    }
    String expected = hmacBase64(ALGORITHMS.get(fields.algorithm()), consumer.secret(), signingString(fields, h));
    if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), fields.signature().getBytes(StandardCharsets.UTF_8))) {
      return denied(ctx, "Invalid signature");
    }
    if (!config.scope().allows(consumer.name())) return denied(ctx, "consumer '" + consumer.name() + "' is not allowed");
    ctx.consumer(consumer.name());
    if (config.hideCredentials()) h.remove("authorization");
    return Outcome.AUTHENTICATED;
  }

  private static Outcome denied(FilterContext ctx, String reason) {
    deny(ctx, reason);
    return Outcome.DENIED;
  }

  /** {@code keyId="a",algorithm="b",...}: every {@code word="value"} pair; later ones win */
  static SignatureFields parse(String s) {
    String keyId = "";
    String algorithm = "";
    String signature = "";
    List<String> headers = List.of();
    Matcher m = FIELD.matcher(s);
    while (m.find()) {
      String v = m.group(2);
      switch (m.group(1)) {
        case "keyId" -> keyId = v;
        case "algorithm" -> algorithm = v;
        case "signature" -> signature = v;
        case "headers" -> {
          List<String> names = new ArrayList<>();
          for (String n : v.split(" ")) if (!n.isEmpty()) names.add(n);
          headers = names;
        }
        default -> { }
      }
    }
    return new SignatureFields(keyId, algorithm, signature, headers);
  }

  /** keyId, then per signed name the request target or the header line; absent headers are skipped */
  static String signingString(SignatureFields f, RequestHeaders h) {
    StringBuilder sb = new StringBuilder(128).append(f.keyId()).append('\n');
    for (String name : f.headers()) {
      if (name.equals("@request-target")) {
        String path = h.path() == null || h.path().isEmpty() ? "/" : h.path();
        sb.append(h.method()).append(' ').append(path).append('\n');
      } else {
        String v = h.get(name);
        if (v != null) sb.append(name).append(": ").append(v).append('\n');
      }
    }
    return sb.toString();
  }

  static Action deny(FilterContext ctx, String reason) {
    String body = "{\"message\":\"client request can't be validated: " + jsonEscape(reason) + "\"}";
    ctx.sendLocalReply(401, Map.of("content-type", "application/json"), body.getBytes(StandardCharsets.UTF_8));
    return Action.PAUSE;
  }

  static String jsonEscape(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') sb.append('\\').append(c);
      else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
      else sb.append(c);
    }
    return sb.toString();
  }

  static String hmacBase64(String algorithm, byte[] secret, String message) {
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(secret, algorithm));
      return Base64.getEncoder().encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " is required of every JDK", e);
    }
  }

  static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
