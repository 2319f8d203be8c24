package io.higressj.plugins.jwtauth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.higressj.api.CalloutRequest;
import io.higressj.api.CalloutResponse;
import io.higressj.api.FilterContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A consumer's {@code remote_jwks}: the JWKS fetched from {@code uri} (through the cluster {@code
 * service:port} when given), kept for {@code ttl}, fetched again when it expired or when a token names
 * a {@code kid} it does not hold (at most once a second). Keys older than {@code ttl} are never used:
 * when the JWKS cannot be fetched, the consumer has no keys and its tokens fail (401).
 * Shared by every request of a configuration, on any event loop.
 */
final class RemoteJwks {
  static final long MIN_REFRESH_NANOS = 1_000_000_000L;
  static final int MAX_JWKS_BYTES = 1 << 20;

  private record Entry(List<JwsVerification.PreparedKey> keys, Set<String> kids, long fetchedNanos) {}

  final String target;
  final String path;
  final Duration ttl;
  final Duration timeout;
  private volatile Entry entry;
  private volatile long lastFetchNanos;
  private volatile boolean fetchedOnce;

  RemoteJwks(String target, String path, Duration ttl, Duration timeout) {
    this.target = target;
    this.path = path;
    this.ttl = ttl;
    this.timeout = timeout;
  }

  /** the keys to verify with now: none when never fetched or expired */
  List<JwsVerification.PreparedKey> keys(long nowNanos) {
    Entry e = entry;
    return e == null || nowNanos - e.fetchedNanos >= ttl.toNanos() ? List.of() : e.keys;
  }

  boolean fresh(long nowNanos) {
    Entry e = entry;
    return e != null && nowNanos - e.fetchedNanos < ttl.toNanos();
  }

  /** whether a token naming {@code kid} should make us fetch again first */
  boolean wantsRefreshFor(String kid, long nowNanos) {
    Entry e = entry;
    if (kid == null || e == null || e.kids.contains(kid)) return false;
    return !fetchedOnce || nowNanos - lastFetchNanos >= MIN_REFRESH_NANOS;
  }

  /** Fetches the JWKS; {@code done} runs on the request's event loop whatever the outcome. */
  void fetch(FilterContext ctx, Runnable done) {
    lastFetchNanos = System.nanoTime();
    fetchedOnce = true;
    CalloutRequest request = path == null
        ? new CalloutRequest(target, "GET", null, List.of(Map.entry("accept", "application/json")), null)
        : new CalloutRequest(target, "GET", path, List.of(Map.entry("accept", "application/json")), null);
    ctx.callout(request, timeout, answer -> {
      try {
        accept(ctx, answer);
      } finally {
        done.run();
      }
    });
  }

  private void accept(FilterContext ctx, CalloutResponse answer) {
    if (answer.status() != 200) {
      ctx.log().warn("jwt-auth: fetching remote_jwks " + describe() + " failed: "
          + (answer.status() == 0 ? answer.failure() : "status " + answer.status()));
      return;
    }
    if (answer.body().length > MAX_JWKS_BYTES) {
      ctx.log().warn("jwt-auth: remote_jwks " + describe() + " is larger than 1 MiB");
      return;
    }
    try {
      List<JWK> keys = JWKSet.parse(new String(answer.body(), StandardCharsets.UTF_8)).getKeys();
      List<JWK> verification = new ArrayList<>(keys.size());
      Set<String> kids = new HashSet<>();
      for (JWK k : keys) {
        if (k instanceof com.nimbusds.jose.jwk.OctetSequenceKey) continue; // a published JWKS holds no secrets we trust
        verification.add(k.isPrivate() ? k.toPublicJWK() : k);
        if (k.getKeyID() != null) kids.add(k.getKeyID());
      }
      entry = new Entry(List.copyOf(JwsVerification.prepare(verification)), Set.copyOf(kids), System.nanoTime());
    } catch (java.text.ParseException | com.nimbusds.jose.JOSEException | RuntimeException e) {
      ctx.log().warn("jwt-auth: remote_jwks " + describe() + " is not a usable JSON Web Key Set: " + e.getMessage());
    }
  }

  String describe() {
    return path == null ? target : target + " " + path;
  }
}
