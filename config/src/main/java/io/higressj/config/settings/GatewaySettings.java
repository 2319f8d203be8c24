package io.higressj.config.settings;

import static java.util.Objects.requireNonNull;

/**
 * Everything the two gateway-wide ConfigMaps say, with Higress's defaults where they say nothing: the
 * {@code higress} key of {@code higress-system/higress-config} and the {@code cert} key of
 * {@code higress-system/higress-https}. Part of every {@link io.higressj.config.model.Snapshot}.
 *
 * @param gzip response compression (applied)
 * @param downstream client connections (applied)
 * @param upstream backend connections (idleTimeout applied)
 * @param addXRealIpHeader set {@code X-Real-IP} on requests to backends (validated only: the gateway always sets it)
 * @param disableXEnvoyHeaders do not add {@code x-envoy-*} headers (applied)
 * @param tracing distributed tracing (validated only)
 * @param https certificates: fallback by domain (applied), ACME (validated only)
 */
public record GatewaySettings(Gzip gzip, Downstream downstream, Upstream upstream, boolean addXRealIpHeader,
    boolean disableXEnvoyHeaders, Tracing tracing, HttpsSettings https) {
  public static final GatewaySettings DEFAULT = new GatewaySettings(Gzip.DEFAULT, Downstream.DEFAULT, Upstream.DEFAULT,
      false, false, Tracing.DEFAULT, HttpsSettings.DEFAULT);

  public GatewaySettings {
    requireNonNull(gzip, "gzip");
    requireNonNull(downstream, "downstream");
    requireNonNull(upstream, "upstream");
    requireNonNull(tracing, "tracing");
    requireNonNull(https, "https");
  }

  public static GatewaySettings defaults() {
    return DEFAULT;
  }

  public GatewaySettings withHttps(HttpsSettings h) {
    return new GatewaySettings(gzip, downstream, upstream, addXRealIpHeader, disableXEnvoyHeaders, tracing, h);
  }
}
