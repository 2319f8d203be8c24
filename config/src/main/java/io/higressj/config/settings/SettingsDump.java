package io.higressj.config.settings;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Settings as JSON for {@code /config_dump}, in the ConfigMaps' own field names and units (timeouts in
 * seconds, tracing timeout in milliseconds). Secrets never appear: SkyWalking's access token and the ACME
 * keys are shown as {@code "<redacted>"} when set.
 */
public final class SettingsDump {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final String REDACTED = "<redacted>";

  private SettingsDump() {}

  public static ObjectNode toJson(GatewaySettings s) {
    ObjectNode root = JSON.objectNode();
    Gzip g = s.gzip();
    ObjectNode gz = root.putObject("gzip");
    gz.put("enable", g.enable());
    gz.put("minContentLength", g.minContentLength());
    ArrayNode types = gz.putArray("contentType");
    g.contentType().forEach(types::add);
    gz.put("disableOnEtagHeader", g.disableOnEtagHeader());
    gz.put("memoryLevel", g.memoryLevel());
    gz.put("windowBits", g.windowBits());
    gz.put("chunkSize", g.chunkSize());
    gz.put("compressionLevel", g.compressionLevel().name());
    gz.put("compressionStrategy", g.compressionStrategy().name());

    Downstream d = s.downstream();
    ObjectNode down = root.putObject("downstream");
    down.put("idleTimeout", d.idleTimeout().toSeconds());
    down.put("maxRequestHeadersKb", d.maxRequestHeadersKb());
    down.put("connectionBufferLimits", d.connectionBufferLimits());
    ObjectNode h2 = down.putObject("http2");
    h2.put("maxConcurrentStreams", d.http2().maxConcurrentStreams());
    h2.put("initialStreamWindowSize", d.http2().initialStreamWindowSize());
    h2.put("initialConnectionWindowSize", d.http2().initialConnectionWindowSize());
    down.put("routeTimeout", d.routeTimeout().toSeconds());
    for (var e : d.limits().entrySet()) {
      if (e.getKey().startsWith("http2.")) h2.put(e.getKey().substring("http2.".length()), e.getValue());
      else down.put(e.getKey(), e.getValue());
    }
    if (d.mergeSlashes() != null) down.put("mergeSlashes", d.mergeSlashes());
    if (d.pathWithEscapedSlashesAction() != null) down.put("pathWithEscapedSlashesAction", d.pathWithEscapedSlashesAction());

    ObjectNode up = root.putObject("upstream");
    up.put("idleTimeout", s.upstream().idleTimeout().toSeconds());
    up.put("connectionBufferLimits", s.upstream().connectionBufferLimits());

    root.put("addXRealIpHeader", s.addXRealIpHeader());
    root.put("disableXEnvoyHeaders", s.disableXEnvoyHeaders());

    Tracing t = s.tracing();
    ObjectNode tr = root.putObject("tracing");
    tr.put("enable", t.enable());
    tr.put("sampling", t.sampling());
    tr.put("timeout", t.timeout().toMillis());
    if (t.tracer() != null) {
      ObjectNode c = tr.putObject(t.tracer().kind().field());
      c.put("service", t.tracer().service());
      c.put("port", t.tracer().port());
      if (t.tracer().kind() == Tracing.Kind.SKYWALKING) c.put("access_token", t.tracer().accessToken().isEmpty() ? "" : REDACTED);
    }

    HttpsSettings h = s.https();
    ObjectNode https = root.putObject("https");
    https.put("automaticHttps", h.automaticHttps());
    https.put("renewBeforeDays", h.renewBeforeDays());
    https.put("fallbackForInvalidSecret", h.fallbackForInvalidSecret());
    ArrayNode issuers = https.putArray("acmeIssuer");
    for (HttpsSettings.AcmeIssuer i : h.acmeIssuer()) {
      ObjectNode o = issuers.addObject();
      o.put("name", i.name());
      o.put("email", i.email());
      if (!i.ak().isEmpty()) o.put("ak", REDACTED);
      if (!i.sk().isEmpty()) o.put("sk", REDACTED);
    }
    ArrayNode creds = https.putArray("credentialConfig");
    for (HttpsSettings.Credential c : h.credentialConfig()) {
      ObjectNode o = creds.addObject();
      ArrayNode domains = o.putArray("domains");
      c.domains().forEach(domains::add);
      if (!c.tlsIssuer().isEmpty()) o.put("tlsIssuer", c.tlsIssuer());
      o.put("tlsSecret", c.tlsSecret().toString());
      if (c.cacertSecret() != null) o.put("cacertSecret", c.cacertSecret().toString());
    }
    https.put("version", h.version());
    return root;
  }
}
