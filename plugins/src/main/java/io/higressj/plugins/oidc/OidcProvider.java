package io.higressj.plugins.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import io.higressj.api.CalloutRequest;
import io.higressj.api.CalloutResponse;
import io.higressj.api.FilterContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The provider's metadata (OIDC discovery, or the configured endpoints) and its signing keys, fetched
 * with callouts on first use and cached: the metadata for {@link #METADATA_TTL} (Higress's
 * verifier_interval), the keys for {@link #KEYS_TTL} (update_keys_interval) and again when a token
 * names a key they lack (at most once a second). A failed fetch is retried at most once a second;
 * meanwhile requests that need it fail closed. Shared by every request of one configuration, on any
 * event loop.
 */
final class OidcProvider {
  static final Duration METADATA_TTL = Duration.ofHours(24);
  static final Duration KEYS_TTL = Duration.ofMinutes(15);
  static final long RETRY_NANOS = 1_000_000_000L;
  static final int MAX_DOCUMENT_BYTES = 1 << 20;

  /** What the gateway needs of the provider's metadata. */
  record Metadata(String issuer, String authorizationEndpoint, String tokenEndpoint, String jwksUri,
      List<String> signingAlgorithms, boolean clientSecretBasic) {}

  private record Keys(List<JWK> keys, long fetchedNanos) {}

  private final OidcConfig.Endpoints endpoints;
  private volatile Metadata metadata;
  private volatile long metadataNanos;
  private volatile long metadataAttemptNanos;
  private volatile boolean metadataAttempted;
  private volatile Keys keys;
  private volatile long keysAttemptNanos;
  private volatile boolean keysAttempted;

  OidcProvider(OidcConfig.Endpoints endpoints) {
    this.endpoints = endpoints;
    if (endpoints.skipDiscovery()) {
      metadata = new Metadata(endpoints.skipIssuerVerification() ? null : endpoints.issuer(), endpoints.loginUrl(), endpoints.redeemUrl(), endpoints.jwksUrl(), List.of(), false);
    }
  }

  /**
   * The metadata, fetched first when needed; {@code then} gets null when it is not available. {@code
   * then} always runs later on the request's event loop, never inside this call.
   */
  void metadata(FilterContext ctx, Consumer<Metadata> then) {
    Metadata m = metadata;
    long now = System.nanoTime();
    if (m != null && (endpoints.skipDiscovery() || now - metadataNanos < METADATA_TTL.toNanos())) {
      ctx.eventLoop().execute(() -> then.accept(m)); // always later: the filter has not returned PAUSE yet
      return;
    }
    if (metadataAttempted && now - metadataAttemptNanos < RETRY_NANOS) {
      // fetched (and failed, or expired and failing) a moment ago: keep an expired copy rather than nothing
      ctx.eventLoop().execute(() -> then.accept(m));
      return;
    }
    metadataAttempted = true;
    metadataAttemptNanos = now;
    get(ctx, endpoints.discoveryUrl(), endpoints.verifierTimeout(), answer -> {
      Metadata fetched = parseMetadata(ctx, answer);
      if (fetched != null) {
        metadata = fetched;
        metadataNanos = System.nanoTime();
      }
      then.accept(fetched != null ? fetched : m);
    });
  }

  /**
   * The signing keys, fetched first when never fetched or stale, or when {@code refresh} (a token
   * named a key they lack) and the last fetch is a second old; {@code then} gets the keys (empty when
   * never fetched).
   */
  void keys(FilterContext ctx, Metadata m, boolean refresh, Consumer<List<JWK>> then) {
    Keys k = keys;
    long now = System.nanoTime();
    boolean stale = k == null || now - k.fetchedNanos >= KEYS_TTL.toNanos();
    boolean recentlyTried = keysAttempted && now - keysAttemptNanos < RETRY_NANOS;
    if (!(stale || refresh) || recentlyTried) {
      List<JWK> out = k == null ? List.of() : k.keys;
      ctx.eventLoop().execute(() -> then.accept(out));
      return;
    }
    keysAttempted = true;
    keysAttemptNanos = now;
    get(ctx, m.jwksUri(), endpoints.verifierTimeout(), answer -> {
      List<JWK> fetched = parseKeys(ctx, answer);
      if (fetched != null) {
        keys = new Keys(fetched, System.nanoTime());
        then.accept(fetched);
      } else {
        then.accept(k == null ? List.of() : k.keys);
      }
    });
  }

  /** sends a request to an endpoint of the provider: through {@code service_name} when configured, else to its URL */
  void send(FilterContext ctx, String method, String url, List<Map.Entry<String, String>> headers, byte[] body, Duration timeout,
      Consumer<CalloutResponse> then) {
    CalloutRequest request;
    if (endpoints.cluster() == null) {
      request = new CalloutRequest(url, method, null, headers, body);
    } else {
      URI u = URI.create(url);
      String path = (u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath())
          + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
      List<Map.Entry<String, String>> h = new ArrayList<>(headers);
      h.add(Map.entry("host", endpoints.serviceHost() != null ? endpoints.serviceHost() : u.getRawAuthority()));
      request = new CalloutRequest(endpoints.cluster(), method, path, h, body);
    }
    ctx.callout(request, timeout, answer -> {
      try {
        then.accept(answer);
      } catch (RuntimeException e) {
        ctx.fail(e);
      }
    });
  }

  private void get(FilterContext ctx, String url, Duration timeout, Consumer<CalloutResponse> then) {
    send(ctx, "GET", url, List.of(Map.entry("accept", "application/json")), null, timeout, then);
  }

  private Metadata parseMetadata(FilterContext ctx, CalloutResponse answer) {
    String where = "oidc: OpenID discovery " + endpoints.discoveryUrl();
    if (!usable(ctx, answer, where)) return null;
    try {
      JsonNode doc = SessionState.JSON.readTree(answer.body());
      String issuer = text(doc, "issuer");
      String auth = text(doc, "authorization_endpoint");
      String token = text(doc, "token_endpoint");
      String jwks = text(doc, "jwks_uri");
      if (issuer == null || auth == null || token == null || jwks == null) {
        ctx.log().warn(where + " lacks issuer, authorization_endpoint, token_endpoint or jwks_uri");
        return null;
      }
      if (!endpoints.skipIssuerVerification() && !stripSlash(issuer).equals(stripSlash(endpoints.issuer()))) {
        ctx.log().warn(where + " names issuer " + issuer + ", not the configured " + endpoints.issuer());
        return null;
      }
      for (String u : List.of(auth, token, jwks)) {
        if (!u.startsWith("https://") && !u.startsWith("http://")) {
          ctx.log().warn(where + ": endpoint " + u + " is not an http(s) URL");
          return null;
        }
      }
      List<String> algs = new ArrayList<>();
      JsonNode a = doc.get("id_token_signing_alg_values_supported");
      if (a != null && a.isArray()) a.forEach(n -> algs.add(n.asText()));
      JsonNode methods = doc.get("token_endpoint_auth_methods_supported");
      boolean basic = false;
      if (methods != null && methods.isArray()) {
        List<String> ms = new ArrayList<>();
        methods.forEach(n -> ms.add(n.asText()));
        basic = !ms.contains("client_secret_post") && ms.contains("client_secret_basic");
      }
      if (endpoints.jwksUrl() != null) jwks = endpoints.jwksUrl();
      if (endpoints.loginUrl() != null) auth = endpoints.loginUrl();
      if (endpoints.redeemUrl() != null) token = endpoints.redeemUrl();
      return new Metadata(endpoints.skipIssuerVerification() ? null : issuer, auth, token, jwks, List.copyOf(algs), basic);
    } catch (java.io.IOException | RuntimeException e) {
      ctx.log().warn(where + " is not a JSON object: " + e.getMessage());
      return null;
    }
  }

  private List<JWK> parseKeys(FilterContext ctx, CalloutResponse answer) {
    String where = "oidc: the provider's JWKS";
    if (!usable(ctx, answer, where)) return null;
    try {
      List<JWK> out = new ArrayList<>();
      for (JWK k : JWKSet.parse(new String(answer.body(), StandardCharsets.UTF_8)).getKeys()) {
        if (k instanceof OctetSequenceKey) continue; // a published key set holds no secrets we would trust
        out.add(k.isPrivate() ? k.toPublicJWK() : k);
      }
      return List.copyOf(out);
    } catch (java.text.ParseException | RuntimeException e) {
      ctx.log().warn(where + " is not a JSON Web Key Set: " + e.getMessage());
      return null;
    }
  }

  private static boolean usable(FilterContext ctx, CalloutResponse answer, String where) {
    if (answer.status() != 200) {
      ctx.log().warn(where + " failed: " + (answer.status() == 0 ? answer.failure() : "status " + answer.status()));
      return false;
    }
    if (answer.body().length > MAX_DOCUMENT_BYTES) {
      ctx.log().warn(where + " is larger than 1 MiB");
      return false;
    }
    return true;
  }

  static String text(JsonNode doc, String field) {
    JsonNode n = doc.get(field);
    return n != null && n.isTextual() && !n.asText().isEmpty() ? n.asText() : null;
  }

  static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
