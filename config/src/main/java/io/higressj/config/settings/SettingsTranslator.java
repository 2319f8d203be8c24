package io.higressj.config.settings;

import static io.higressj.config.settings.Fields.UINT32_MAX;
import static io.higressj.config.settings.Fields.child;
import static io.higressj.config.settings.Fields.item;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.higressj.config.resource.Problem;
import io.higressj.config.resource.Resource;
import io.higressj.config.resource.ResourceKey;
import io.higressj.config.resource.ResourceSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the {@code higress-config} and {@code higress-https} ConfigMaps of namespace {@code higress-system}
 * into {@link GatewaySettings}. Pure: the same objects always give the same result.
 *
 * <p>Each ConfigMap is all or nothing, as in Higress: one invalid field is an ERROR problem naming the
 * ConfigMap, the field path ({@code data.higress.gzip.memoryLevel}) and what was expected, and that
 * ConfigMap's part of the result is then the defaults (the server keeps serving the ConfigMap's last good
 * version instead; see {@code ConfigApplier}). An unknown field is a WARNING and is ignored. A missing
 * ConfigMap, a missing data key, an empty value, an absent field and an explicit {@code null} all mean
 * Higress's defaults.
 *
 * <p>An instance remembers what it read from each ConfigMap object and reads it again only when the
 * object changed (by reference, as {@link ResourceSet} keeps unchanged objects).
 */
public final class SettingsTranslator {
  /** The namespace of the gateway's own objects. */
  public static final String NAMESPACE = "higress-system";
  public static final String HIGRESS_CONFIG = "higress-config";
  public static final String HIGRESS_CONFIG_KEY = "higress";
  public static final String HIGRESS_HTTPS = "higress-https";
  public static final String HIGRESS_HTTPS_KEY = "cert";

  private static final ObjectMapper YAML = YAMLMapper.builder(new YAMLFactory())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private static final List<String> CONFIG_FIELDS =
      List.of("gzip", "downstream", "upstream", "addXRealIpHeader", "disableXEnvoyHeaders", "tracing");
  /** Higress fields this gateway does not offer yet: a WARNING says so, nothing is rejected. */
  private static final List<String> CONFIG_FIELDS_NOT_SUPPORTED = List.of("mcpServer");
  private static final List<String> GZIP_FIELDS = List.of("enable", "minContentLength", "contentType",
      "disableOnEtagHeader", "memoryLevel", "windowBits", "chunkSize", "compressionLevel", "compressionStrategy");
  private static final List<String> DOWNSTREAM_FIELDS = java.util.stream.Stream.of(
          java.util.stream.Stream.of("idleTimeout", "maxRequestHeadersKb", "connectionBufferLimits", "http2", "routeTimeout"),
          Downstream.LIMIT_KEYS.stream().map(Downstream.LimitKey::name).filter(n -> !n.startsWith("http2.")),
          java.util.stream.Stream.of("mergeSlashes", "pathWithEscapedSlashesAction"))
      .flatMap(x -> x).toList();
  private static final List<String> HTTP2_FIELDS = java.util.stream.Stream.concat(
      java.util.stream.Stream.of("maxConcurrentStreams", "initialStreamWindowSize", "initialConnectionWindowSize"),
      Downstream.LIMIT_KEYS.stream().map(Downstream.LimitKey::name).filter(n -> n.startsWith("http2."))
          .map(n -> n.substring("http2.".length()))).toList();
  private static final List<String> UPSTREAM_FIELDS = List.of("idleTimeout", "connectionBufferLimits");
  private static final List<String> TRACING_FIELDS =
      List.of("enable", "sampling", "timeout", "skywalking", "zipkin", "opentelemetry");
  private static final List<String> HTTPS_FIELDS = List.of("automaticHttps", "renewBeforeDays",
      "fallbackForInvalidSecret", "acmeIssuer", "credentialConfig", "version");
  private static final List<String> ISSUER_FIELDS = List.of("name", "email", "ak", "sk");
  private static final List<String> CREDENTIAL_FIELDS = List.of("domains", "tlsIssuer", "tlsSecret", "cacertSecret");
  /** ConfigMap data keys Istio reads from {@code higress-config}: not ours, not unknown either. */
  private static final Set<String> ISTIO_KEYS = Set.of("mesh", "meshNetworks");

  private static final Pattern MEDIA_TYPE = Pattern.compile("[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+");
  private static final Pattern DOMAIN = Pattern.compile("(\\*|(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)");
  private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

  /**
   * @param settings what applies
   * @param problems what is wrong with the two ConfigMaps, {@code higress-config} first
   */
  public record Result(GatewaySettings settings, List<Problem> problems) {
    public Result {
      problems = List.copyOf(problems);
    }
  }

  /** What one ConfigMap gave. */
  private record Part<T>(T value, List<Problem> problems) {}

  /** The {@code higress-config} part of the settings. */
  private record General(Gzip gzip, Downstream downstream, Upstream upstream, boolean addXRealIpHeader,
      boolean disableXEnvoyHeaders, Tracing tracing) {
    static final General DEFAULT = new General(Gzip.DEFAULT, Downstream.DEFAULT, Upstream.DEFAULT, false, false,
        Tracing.DEFAULT);
  }

  private Resource configSeen;
  private Part<General> config = new Part<>(General.DEFAULT, List.of());
  private Resource httpsSeen;
  private Part<HttpsSettings> https = new Part<>(HttpsSettings.DEFAULT, List.of());
  private Result result = new Result(GatewaySettings.DEFAULT, List.of());

  /** Whether {@code key} is one of the two ConfigMaps: a change to it changes the settings. */
  public static boolean isSettingsObject(ResourceKey key) {
    return key.kind().equals("ConfigMap") && key.group().isEmpty() && key.namespace().equals(NAMESPACE)
        && (key.name().equals(HIGRESS_CONFIG) || key.name().equals(HIGRESS_HTTPS));
  }

  /** A fresh translation. */
  public static Result translate(ResourceSet resources) {
    return new SettingsTranslator().update(resources);
  }

  /** The settings of {@code resources}, reading again only the ConfigMaps that changed since the last call. */
  public Result update(ResourceSet resources) {
    Resource c = resources.get("", "ConfigMap", NAMESPACE, HIGRESS_CONFIG);
    Resource h = resources.get("", "ConfigMap", NAMESPACE, HIGRESS_HTTPS);
    if (c == configSeen && h == httpsSeen) return result;
    if (c != configSeen) {
      Part<General> read = readConfig(c);
      // a ConfigMap with errors is reported and otherwise ignored: the last good settings stay in force
      boolean failed = read.problems().stream().anyMatch(pr -> pr.severity() == Problem.Severity.ERROR);
      config = failed ? new Part<>(config.value(), read.problems()) : read;
      configSeen = c;
    }
    if (h != httpsSeen) {
      https = readHttps(h);
      httpsSeen = h;
    }
    General g = config.value();
    List<Problem> problems = new ArrayList<>(config.problems());
    problems.addAll(https.problems());
    result = new Result(new GatewaySettings(g.gzip(), g.downstream(), g.upstream(), g.addXRealIpHeader(),
        g.disableXEnvoyHeaders(), g.tracing(), https.value()), problems);
    return result;
  }

  /**
   * The YAML text under data key {@code key}, parsed: null when there is nothing to read (no object, no
   * data, no key, empty text), which means the defaults. Problems of the data mapping go to {@code f}.
   */
  private static ObjectNode data(Resource r, String key, Fields f, boolean warnWhenMissing) {
    if (r == null) return null;
    JsonNode data = r.body().get("data");
    if (data == null || data.isNull()) {
      if (warnWhenMissing) f.warning("data." + key, "missing; the defaults apply");
      return null;
    }
    if (!(data instanceof ObjectNode d)) {
      f.error("data", Fields.show(data) + " (expected: a mapping of strings)");
      return null;
    }
    for (Iterator<String> it = d.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!name.equals(key) && !(key.equals(HIGRESS_CONFIG_KEY) && ISTIO_KEYS.contains(name))) {
        f.warning("data." + name, "unknown key, ignored (expected: " + key + ")");
      }
    }
    JsonNode text = Fields.get(d, key);
    if (text == null) {
      if (warnWhenMissing) f.warning("data." + key, "missing; the defaults apply");
      return null;
    }
    if (!text.isTextual()) {
      f.error("data." + key, (text.isContainerNode() ? (text.isObject() ? "a mapping" : "a list") : Fields.show(text))
          + " (expected: a string holding YAML, e.g. \"" + key + ": |\" followed by indented lines)");
      return null;
    }
    JsonNode root;
    try {
      root = YAML.readTree(text.asText());
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      String where = loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + " of the value)";
      f.error("data." + key, "not valid YAML: " + e.getOriginalMessage() + where);
      return null;
    }
    if (root == null || root.isNull() || root.isMissingNode()) return null;
    if (!(root instanceof ObjectNode o)) {
      f.error("data." + key, Fields.show(root) + " (expected: a YAML mapping)");
      return null;
    }
    return o;
  }

  // ---- higress-config ----------------------------------------------------------------------------

  private static Part<General> readConfig(Resource r) {
    List<Problem> problems = new ArrayList<>();
    Fields f = new Fields(r, problems);
    ObjectNode root = data(r, HIGRESS_CONFIG_KEY, f, false);
    if (root == null) return new Part<>(General.DEFAULT, problems);
    String base = "data." + HIGRESS_CONFIG_KEY;
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (CONFIG_FIELDS_NOT_SUPPORTED.contains(name)) {
        f.warning(child(base, name), "not supported by this gateway yet, ignored");
      } else if (!CONFIG_FIELDS.contains(name)) {
        f.warning(child(base, name), "unknown field, ignored (expected: " + String.join(", ", CONFIG_FIELDS) + ")");
      }
    }
    Gzip gzip = readGzip(f, root, base);
    Downstream downstream = readDownstream(f, root, base);
    Upstream upstream = readUpstream(f, root, base);
    boolean xRealIp = f.bool(root, base, "addXRealIpHeader", false);
    boolean noEnvoyHeaders = f.bool(root, base, "disableXEnvoyHeaders", false);
    Tracing tracing = readTracing(f, root, base);
    if (f.failed()) return new Part<>(General.DEFAULT, problems);
    return new Part<>(new General(gzip, downstream, upstream, xRealIp, noEnvoyHeaders, tracing), problems);
  }

  private static Gzip readGzip(Fields f, ObjectNode root, String base) {
    ObjectNode g = f.object(root, base, "gzip");
    if (g == null) return Gzip.DEFAULT;
    String p = child(base, "gzip");
    Gzip d = Gzip.DEFAULT;
    f.unknownFields(g, p, Set.copyOf(GZIP_FIELDS), GZIP_FIELDS);
    boolean enable = f.bool(g, p, "enable", d.enable());
    int minLength = (int) f.integer(g, p, "minContentLength", d.minContentLength(), 1, Integer.MAX_VALUE);
    List<String> types = f.texts(g, p, "contentType");
    if (types == null) {
      types = d.contentType();
    } else if (types.isEmpty()) {
      f.error(child(p, "contentType"), "[] (expected: at least one media type, e.g. text/html)");
      types = d.contentType();
    } else {
      for (int i = 0; i < types.size(); i++) {
        String t = types.get(i).trim().toLowerCase(Locale.ROOT);
        if (!MEDIA_TYPE.matcher(t).matches()) {
          f.warning(item(child(p, "contentType"), i), '"' + types.get(i) + "\" is not a media type (expected: type/subtype"
              + " without parameters, e.g. application/json); it never matches");
        }
      }
    }
    int memoryLevel = (int) f.integer(g, p, "memoryLevel", d.memoryLevel(), 1, 9);
    int windowBits = (int) f.integer(g, p, "windowBits", d.windowBits(), 9, 15);
    int chunkSize = (int) f.integer(g, p, "chunkSize", d.chunkSize(), 1, Gzip.MAX_CHUNK_SIZE);
    boolean etag = f.bool(g, p, "disableOnEtagHeader", d.disableOnEtagHeader());
    Gzip.CompressionLevel level = f.constant(g, p, "compressionLevel", Gzip.CompressionLevel.class, d.compressionLevel());
    Gzip.CompressionStrategy strategy =
        f.constant(g, p, "compressionStrategy", Gzip.CompressionStrategy.class, d.compressionStrategy());
    return new Gzip(enable, minLength, types, etag, memoryLevel, windowBits, chunkSize, level, strategy);
  }

  private static Downstream readDownstream(Fields f, ObjectNode root, String base) {
    ObjectNode n = f.object(root, base, "downstream");
    if (n == null) return Downstream.DEFAULT;
    String p = child(base, "downstream");
    Downstream d = Downstream.DEFAULT;
    f.unknownFields(n, p, Set.copyOf(DOWNSTREAM_FIELDS), DOWNSTREAM_FIELDS);
    long idle = f.integer(n, p, "idleTimeout", d.idleTimeout().toSeconds(), 0, UINT32_MAX);
    long headersKb = f.integer(n, p, "maxRequestHeadersKb", d.maxRequestHeadersKb(), 1, 8192);
    long buffer = f.integer(n, p, "connectionBufferLimits", d.connectionBufferLimits(), 0, UINT32_MAX);
    long routeTimeout = f.integer(n, p, "routeTimeout", d.routeTimeout().toSeconds(), 0, UINT32_MAX);
    java.util.SortedMap<String, Long> limits = new java.util.TreeMap<>();
    Downstream.Http2 http2 = d.http2();
    ObjectNode h = f.object(n, p, "http2");
    for (Downstream.LimitKey k : Downstream.LIMIT_KEYS) {
      boolean h2 = k.name().startsWith("http2.");
      String name = h2 ? k.name().substring("http2.".length()) : k.name();
      ObjectNode parent = h2 ? h : n;
      if (parent == null || Fields.get(parent, name) == null) continue;
      long v = f.integer(parent, h2 ? child(p, "http2") : p, name, Long.MIN_VALUE, k.min(), k.max());
      if (v != Long.MIN_VALUE) limits.put(k.name(), v);
    }
    if (h != null) {
      String hp = child(p, "http2");
      Downstream.Http2 hd = Downstream.Http2.DEFAULT;
      f.unknownFields(h, hp, Set.copyOf(HTTP2_FIELDS), HTTP2_FIELDS);
      http2 = new Downstream.Http2(
          f.integer(h, hp, "maxConcurrentStreams", hd.maxConcurrentStreams(), 1, Integer.MAX_VALUE),
          f.integer(h, hp, "initialStreamWindowSize", hd.initialStreamWindowSize(), 65535, Integer.MAX_VALUE),
          f.integer(h, hp, "initialConnectionWindowSize", hd.initialConnectionWindowSize(), 65535, Integer.MAX_VALUE));
    }
    Boolean mergeSlashes = Fields.get(n, "mergeSlashes") == null ? null : f.bool(n, p, "mergeSlashes", false);
    String escaped = f.text(n, p, "pathWithEscapedSlashesAction");
    if (escaped != null && !Downstream.ESCAPED_SLASHES_ACTIONS.contains(escaped.trim())) {
      f.error(child(p, "pathWithEscapedSlashesAction"),
          "\"" + escaped + "\" (expected: one of " + String.join(", ", Downstream.ESCAPED_SLASHES_ACTIONS) + ")");
      escaped = null;
    }
    return new Downstream(Duration.ofSeconds(idle), headersKb, buffer, http2, Duration.ofSeconds(routeTimeout), limits,
        mergeSlashes, escaped == null ? null : escaped.trim());
  }

  private static Upstream readUpstream(Fields f, ObjectNode root, String base) {
    ObjectNode n = f.object(root, base, "upstream");
    if (n == null) return Upstream.DEFAULT;
    String p = child(base, "upstream");
    Upstream d = Upstream.DEFAULT;
    f.unknownFields(n, p, Set.copyOf(UPSTREAM_FIELDS), UPSTREAM_FIELDS);
    long idle = f.integer(n, p, "idleTimeout", d.idleTimeout().toSeconds(), 0, UINT32_MAX);
    long buffer = f.integer(n, p, "connectionBufferLimits", d.connectionBufferLimits(), 0, UINT32_MAX);
    return new Upstream(Duration.ofSeconds(idle), buffer);
  }

  private static Tracing readTracing(Fields f, ObjectNode root, String base) {
    ObjectNode t = f.object(root, base, "tracing");
    if (t == null) return Tracing.DEFAULT;
    String p = child(base, "tracing");
    Tracing d = Tracing.DEFAULT;
    f.unknownFields(t, p, Set.copyOf(TRACING_FIELDS), TRACING_FIELDS);
    boolean enable = f.bool(t, p, "enable", d.enable());
    double sampling = f.number(t, p, "sampling", d.sampling(), 0, 100);
    long timeoutMs = f.integer(t, p, "timeout", d.timeout().toMillis(), 1, Integer.MAX_VALUE);
    List<Tracing.Tracer> tracers = new ArrayList<>();
    List<String> present = new ArrayList<>();
    for (Tracing.Kind kind : Tracing.Kind.values()) {
      ObjectNode c = f.object(t, p, kind.field());
      if (c == null) continue;
      present.add(kind.field());
      String cp = child(p, kind.field());
      List<String> known = kind == Tracing.Kind.SKYWALKING ? List.of("service", "port", "access_token") : List.of("service", "port");
      f.unknownFields(c, cp, Set.copyOf(known), known);
      JsonNode given = Fields.get(c, "service");
      String service = f.text(c, cp, "service");
      if (given == null || given.isValueNode() && given.asText().isBlank()) {
        f.error(child(cp, "service"), "missing (expected: the collector's host name, e.g. zipkin.op-system.svc.cluster.local)");
        service = null;
      }
      int port = port(f, c, cp);
      String token = kind == Tracing.Kind.SKYWALKING ? f.text(c, cp, "access_token") : null;
      if (service != null && port > 0) tracers.add(new Tracing.Tracer(kind, service, port, token == null ? "" : token));
    }
    if (present.size() > 1) {
      f.error(p, String.join(", ", present) + " are all set (expected: at most one of skywalking, zipkin, opentelemetry)");
    } else if (enable && present.isEmpty()) {
      f.error(child(p, "enable"), "true without a collector (expected: one of skywalking, zipkin, opentelemetry)");
    }
    if (f.failed() || tracers.size() > 1 || enable && tracers.isEmpty()) return d;
    return new Tracing(enable, sampling, Duration.ofMillis(timeoutMs), tracers.isEmpty() ? null : tracers.get(0));
  }

  /** A port given as a number or a string of digits (Higress declares it a string); 0 when invalid. */
  private static int port(Fields f, ObjectNode c, String path) {
    JsonNode v = Fields.get(c, "port");
    String field = child(path, "port");
    if (v == null) {
      f.error(field, "missing (expected: the collector's port, 1 to 65535)");
      return 0;
    }
    String text = v.isIntegralNumber() || v.isTextual() ? v.asText().trim() : "";
    if (text.matches("[0-9]{1,5}")) {
      int port = Integer.parseInt(text);
      if (port >= 1 && port <= 65535) return port;
    }
    f.error(field, Fields.show(v) + " (expected: a port number from 1 to 65535)");
    return 0;
  }

  // ---- higress-https -----------------------------------------------------------------------------

  private static Part<HttpsSettings> readHttps(Resource r) {
    List<Problem> problems = new ArrayList<>();
    Fields f = new Fields(r, problems);
    ObjectNode root = data(r, HIGRESS_HTTPS_KEY, f, true);
    if (root == null) return new Part<>(HttpsSettings.DEFAULT, problems);
    String p = "data." + HIGRESS_HTTPS_KEY;
    HttpsSettings d = HttpsSettings.DEFAULT;
    f.unknownFields(root, p, Set.copyOf(HTTPS_FIELDS), HTTPS_FIELDS);
    boolean automatic = f.bool(root, p, "automaticHttps", d.automaticHttps());
    int renew = (int) f.integer(root, p, "renewBeforeDays", d.renewBeforeDays(), 1, 89);
    boolean fallback = f.bool(root, p, "fallbackForInvalidSecret", d.fallbackForInvalidSecret());
    String version = f.text(root, p, "version");

    List<HttpsSettings.AcmeIssuer> issuers = new ArrayList<>();
    ArrayNode a = f.array(root, p, "acmeIssuer");
    if (a != null) {
      String ap = child(p, "acmeIssuer");
      for (int i = 0; i < a.size(); i++) {
        HttpsSettings.AcmeIssuer issuer = readIssuer(f, a.get(i), item(ap, i));
        if (issuer != null) issuers.add(issuer);
      }
    }
    if (automatic && (Fields.get(root, "acmeIssuer") == null || a != null && a.isEmpty())) {
      f.error(child(p, "acmeIssuer"), (a == null ? "missing" : "[]")
          + " (expected: at least one issuer, e.g. {name: letsencrypt, email: ...}, while automaticHttps is true)");
    }

    List<HttpsSettings.Credential> credentials = new ArrayList<>();
    ArrayNode c = f.array(root, p, "credentialConfig");
    if (c != null) {
      String cp = child(p, "credentialConfig");
      for (int i = 0; i < c.size(); i++) {
        HttpsSettings.Credential cred = readCredential(f, c.get(i), item(cp, i));
        if (cred != null) credentials.add(cred);
      }
    }
    if (f.failed()) return new Part<>(d, problems);
    return new Part<>(new HttpsSettings(automatic, renew, fallback, issuers, credentials, version == null ? "" : version),
        problems);
  }

  private static HttpsSettings.AcmeIssuer readIssuer(Fields f, JsonNode v, String p) {
    if (!(v instanceof ObjectNode o)) {
      f.error(p, Fields.show(v) + " (expected: a mapping with name and email)");
      return null;
    }
    f.unknownFields(o, p, Set.copyOf(ISSUER_FIELDS), ISSUER_FIELDS);
    String name = f.text(o, p, "name");
    String email = f.text(o, p, "email");
    String ak = f.text(o, p, "ak");
    String sk = f.text(o, p, "sk");
    if (name == null || name.isEmpty()) {
      f.error(child(p, "name"), "missing (expected: letsencrypt or aliyunssl)");
      return null;
    }
    switch (name) {
      case "letsencrypt" -> {
        if (email == null || email.isEmpty()) {
          f.error(child(p, "email"), "missing (expected: the account's e-mail address; letsencrypt requires one)");
          return null;
        }
        if (!EMAIL.matcher(email).matches()) {
          f.error(child(p, "email"), '"' + email + "\" (expected: an e-mail address)");
          return null;
        }
      }
      case "aliyunssl" -> {
        if (ak == null || ak.isEmpty() || sk == null || sk.isEmpty()) {
          f.error(p, "ak and sk missing (expected: the access key of the aliyunssl account)");
          return null;
        }
      }
      default -> {
        f.error(child(p, "name"), '"' + name + "\" (expected: letsencrypt or aliyunssl)");
        return null;
      }
    }
    return new HttpsSettings.AcmeIssuer(name, email == null ? "" : email, ak == null ? "" : ak, sk == null ? "" : sk);
  }

  private static HttpsSettings.Credential readCredential(Fields f, JsonNode v, String p) {
    if (!(v instanceof ObjectNode o)) {
      f.error(p, Fields.show(v) + " (expected: a mapping with domains and tlsSecret)");
      return null;
    }
    f.unknownFields(o, p, Set.copyOf(CREDENTIAL_FIELDS), CREDENTIAL_FIELDS);
    List<String> domains = f.texts(o, p, "domains");
    String dp = child(p, "domains");
    boolean ok = true;
    if (domains == null || domains.isEmpty()) {
      f.error(dp, (domains == null ? "missing" : "[]") + " (expected: at least one domain, e.g. foo.com or *.foo.com)");
      ok = false;
    } else {
      List<String> lower = new ArrayList<>(domains.size());
      for (int i = 0; i < domains.size(); i++) {
        String dom = domains.get(i).trim().toLowerCase(Locale.ROOT);
        if (!DOMAIN.matcher(dom).matches() || dom.length() > 253) {
          f.error(item(dp, i), '"' + domains.get(i) + "\" (expected: a host name or a *.suffix wildcard)");
          ok = false;
        }
        lower.add(dom);
      }
      domains = lower;
    }
    String issuer = f.text(o, p, "tlsIssuer");
    if (issuer == null) issuer = "";
    if (!issuer.isEmpty() && !issuer.equals("letsencrypt")) {
      f.error(child(p, "tlsIssuer"), '"' + issuer + "\" (expected: letsencrypt, or no tlsIssuer for a certificate managed by hand)");
      ok = false;
    } else if (issuer.equals("letsencrypt") && domains != null
        && (domains.size() != 1 || domains.get(0).startsWith("*"))) {
      f.error(dp, domains + " (expected: exactly one domain, not a wildcard, with tlsIssuer letsencrypt)");
      ok = false;
    }
    HttpsSettings.SecretRef secret = secretRef(f, o, p, "tlsSecret", true);
    HttpsSettings.SecretRef ca = secretRef(f, o, p, "cacertSecret", false);
    if (!ok || secret == null) return null;
    return new HttpsSettings.Credential(domains, issuer, secret, ca);
  }

  /** {@code name} or {@code namespace/name}; a name alone means {@link #NAMESPACE}. Null when absent or invalid. */
  private static HttpsSettings.SecretRef secretRef(Fields f, ObjectNode o, String p, String field, boolean required) {
    String ref = f.text(o, p, field);
    if (ref == null || ref.isEmpty()) {
      if (required) f.error(child(p, field), "missing (expected: a Secret name, or namespace/name)");
      return null;
    }
    String[] parts = ref.split("/", -1);
    String ns = parts.length == 2 ? parts[0] : NAMESPACE;
    String name = parts[parts.length - 1];
    if (parts.length > 2 || !LABEL.matcher(ns).matches() || ns.length() > 63
        || !SUBDOMAIN.matcher(name).matches() || name.length() > 253) {
      f.error(child(p, field), '"' + ref + "\" (expected: a Secret name, or namespace/name, in lower case)");
      return null;
    }
    return new HttpsSettings.SecretRef(ns, name);
  }
}
