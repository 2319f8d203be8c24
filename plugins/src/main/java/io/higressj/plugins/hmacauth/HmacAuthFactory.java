package io.higressj.plugins.hmacauth;

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
import io.higressj.plugins.auth.Replies;
import io.higressj.plugins.auth.SigningKeys;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code hmac-auth}: the global configuration lists the consumers ({@code key}, {@code secret},
 * {@code name}) and optionally {@code date_offset}; a rule lists the consumers it lets through
 * ({@code allow}). A request names its consumer with {@code x-ca-key} and carries {@code
 * x-ca-signature}, the Base64 HMAC ({@code x-ca-signature-method}: HmacSHA256, the default, or
 * HmacSHA1) of {@link StringToSign} with the consumer's secret.
 *
 * <p>Answers as Higress's: no or unknown key 401 {@code Invalid Key}; no signature 401 {@code Empty
 * Signature}; Date/x-ca-timestamp out of the window 400 {@code Invalid Date}; a wrong signature 400
 * {@code Invalid Signature} with the server's string to sign in {@code X-Ca-Error-Message}; a body that
 * does not match {@code content-md5} 400 {@code Invalid Content-MD5}; a valid request of a consumer
 * the rule does not allow 403 {@code Unauthorized Consumer} (checked after the signature, so nothing
 * about a key's permissions shows without its secret).
 */
public class HmacAuthFactory implements PluginFactory<HmacAuthConfig> {
  static final int MAX_BODY_BYTES = 32 * 1024 * 1024;
  static final String INVALID_KEY = "Invalid Key";
  static final String EMPTY_SIGNATURE = "Empty Signature";
  static final String INVALID_SIGNATURE = "Invalid Signature";
  static final String INVALID_MD5 = "Invalid Content-MD5";
  static final String INVALID_DATE = "Invalid Date";
  static final String NOT_ALLOWED = "Unauthorized Consumer";
  static final String ERROR_HEADER = "x-ca-error-message";

  private final Clock clock;

  public HmacAuthFactory() {
    this(Clock.systemUTC());
  }

  HmacAuthFactory(Clock clock) {
    this.clock = clock;
  }

  @Override
  public String name() {
    return "hmac-auth";
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
  public HmacAuthConfig parseConfig(Map<String, Object> config) throws PluginConfigException {
    Map<String, Object> c = AuthScope.globalConfig(config);
    return parse(c, AuthScope.global(c));
  }

  @Override
  public HmacAuthConfig parseRuleConfig(Map<String, Object> rule, HmacAuthConfig global) throws PluginConfigException {
    Map<String, Object> r = ConfigFields.orEmpty(rule);
    if (r.containsKey("consumers")) {
      return parse(r, AuthScope.ownConsumers(r));
    }
    AuthScope scope = AuthScope.rule(r);
    AuthScope.requireGlobal(global);
    long offset = r.containsKey("date_offset") ? dateOffset(r) : global.dateOffsetSeconds();
    return new HmacAuthConfig(global.keys(), offset, scope);
  }

  private static HmacAuthConfig parse(Map<String, Object> c, AuthScope scope) throws PluginConfigException {
    List<Map<String, Object>> consumers = ConfigFields.objects(c, "consumers", "consumers");
    if (consumers == null || consumers.isEmpty()) {
      throw new PluginConfigException("consumers", (consumers == null ? "missing" : "empty")
          + " (expected: a list of {key, secret, name})");
    }
    SigningKeys.Builder keys = SigningKeys.builder();
    for (int i = 0; i < consumers.size(); i++) {
      String at = "consumers[" + i + "]";
      String key = ConfigFields.string(consumers.get(i), "key", at + ".key", null);
      String secret = ConfigFields.string(consumers.get(i), "secret", at + ".secret", null);
      String name = ConfigFields.string(consumers.get(i), "name", at + ".name", null);
      if (!keys.add(key, name, secret)) throw new PluginConfigException(at + ".key", "the same as an earlier consumer's");
    }
    return new HmacAuthConfig(keys.build(), dateOffset(c), scope);
  }

  private static long dateOffset(Map<String, Object> c) throws PluginConfigException {
    return ConfigFields.integer(c, "date_offset", "date_offset", 0, 0, 10L * 365 * 24 * 3600);
  }

  @Override
  public HttpFilter create(HmacAuthConfig config) {
    return new HmacFilter(config, clock);
  }

  /** One request: the checks of the headers, then (for a form or a content-md5) those of the body. */
  static final class HmacFilter implements HttpFilter {
    private final HmacAuthConfig config;
    private final Clock clock;
    private SigningKeys.Entry consumer;
    private RequestHeaders headers;
    private boolean formSigned;
    private String contentMd5;

    HmacFilter(HmacAuthConfig config, Clock clock) {
      this.config = config;
      this.clock = clock;
    }

    @Override
    public Action onRequestHeaders(FilterContext ctx, RequestHeaders h, boolean endOfStream) {
      if (!config.scope().enforce()) return Action.CONTINUE;
      String key = h.get("x-ca-key");
      consumer = key == null || key.isEmpty() ? null : config.keys().find(key);
      if (consumer == null) return deny(ctx, 401, INVALID_KEY);
      String signature = h.get("x-ca-signature");
      if (signature == null || signature.isEmpty()) return deny(ctx, 401, EMPTY_SIGNATURE);
      if (config.dateOffsetSeconds() > 0 && !withinOffset(h)) return deny(ctx, 400, INVALID_DATE);
      String method = h.get("x-ca-signature-method");
      if (method != null && !method.isEmpty() && !method.equals("HmacSHA256") && !method.equals("HmacSHA1")) {
        return deny(ctx, 400, INVALID_SIGNATURE);
      }
      headers = h;
      contentMd5 = h.get("content-md5");
      String contentType = h.get("content-type");
      formSigned = contentType != null
          && contentType.toLowerCase(Locale.ROOT).contains("application/x-www-form-urlencoded");
      if (endOfStream) {
        if (contentMd5 != null) return deny(ctx, 400, INVALID_MD5); // a digest of a body that is not there
        return verify(ctx, null);
      }
      if (contentMd5 == null && !formSigned) return verify(ctx, null);
      if (!formSigned) {
        // the signature covers the headers: check it now, and the body against content-md5 when it is in
        if (verify(ctx, null) == Action.PAUSE) return Action.PAUSE;
      }
      ctx.bufferRequestBody(MAX_BODY_BYTES);
      return Action.CONTINUE;
    }

    @Override
    public Action onRequestBody(FilterContext ctx, Body body, boolean endOfStream) {
      if (headers == null || (contentMd5 == null && !formSigned)) return Action.CONTINUE;
      byte[] bytes = body.bytes();
      if (contentMd5 != null) {
        if (bytes.length == 0 || !MessageDigest.isEqual(
            md5Base64(bytes).getBytes(StandardCharsets.US_ASCII), contentMd5.getBytes(StandardCharsets.UTF_8))) {
          return deny(ctx, 400, INVALID_MD5);
        }
      }
      if (formSigned) return verify(ctx, new String(bytes, StandardCharsets.UTF_8));
      return Action.CONTINUE;
    }

    private Action verify(FilterContext ctx, String formBody) {
      String stringToSign = StringToSign.of(headers, formBody);
      boolean sha1 = "HmacSHA1".equals(headers.get("x-ca-signature-method"));
      String expected = hmacBase64(sha1 ? "HmacSHA1" : "HmacSHA256", consumer.secret(), stringToSign);
      String presented = headers.get("x-ca-signature");
      if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), presented.getBytes(StandardCharsets.UTF_8))) {
        ctx.sendLocalReply(400, Map.of("content-type", "text/plain; charset=utf-8",
            ERROR_HEADER, "Server StringToSign:`" + StringToSign.forHeader(stringToSign) + "`"),
            INVALID_SIGNATURE.getBytes(StandardCharsets.UTF_8));
        return Action.PAUSE;
      }
      if (!config.scope().allows(consumer.name())) return deny(ctx, 403, NOT_ALLOWED);
      ctx.consumer(consumer.name());
      return Action.CONTINUE;
    }

    /** the Date header, or else x-ca-timestamp (milliseconds with 13 digits or more, else seconds), near now */
    private boolean withinOffset(RequestHeaders h) {
      long nowMillis = clock.millis();
      long thenMillis;
      String date = h.get("date");
      if (date != null && !date.isEmpty()) {
        try {
          thenMillis = ZonedDateTime.parse(date.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
          return false;
        }
      } else {
        String ts = h.get("x-ca-timestamp");
        if (ts == null || ts.isEmpty() || ts.length() > 18 || !ts.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
          return false;
        }
        long v = Long.parseLong(ts);
        thenMillis = ts.length() >= 13 ? v : v * 1000;
      }
      return Math.abs(nowMillis - thenMillis) <= config.dateOffsetSeconds() * 1000;
    }
  }

  static Action deny(FilterContext ctx, int status, String message) {
    Replies.deny(ctx, status, null, message);
    return Action.PAUSE;
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

  static String md5Base64(byte[] body) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("MD5 is required of every JDK", e);
    }
  }
}
