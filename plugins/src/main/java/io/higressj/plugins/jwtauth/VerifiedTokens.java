package io.higressj.plugins.jwtauth;

import com.nimbusds.jwt.JWTClaimsSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The tokens of one consumer whose signature and issuer were verified, with their claims, so that
 * a client sending the same token again costs a lookup instead of a signature check (an ES256
 * check costs hundreds of microseconds; Envoy's jwt_authn keeps such a cache too). {@code exp} and
 * {@code nbf} are still checked on every request, from the cached claims.
 *
 * <p>A direct-mapped table of {@value #SLOTS} slots indexed by the token's hash: bounded, shared by
 * every event loop without locks, nothing to evict (a token whose slot is taken replaces the one
 * there). Only verified tokens enter it, so it cannot be filled by a client inventing tokens. A
 * hit requires the same token, compared in constant time, and the same key list it was verified
 * with: when a remote JWKS is fetched again its new key list makes every older entry a miss, so a
 * key removed at the source stops verifying at once. A configuration change builds new consumers,
 * hence new tables.
 */
final class VerifiedTokens {
  static final int SLOTS = 1024;

  private record Entry(String token, List<JwsVerification.PreparedKey> keys, JWTClaimsSet claims) {}

  private final AtomicReferenceArray<Entry> slots = new AtomicReferenceArray<>(SLOTS);

  /** the claims of {@code token} if it was verified with exactly {@code keys}; else null */
  JWTClaimsSet get(String token, List<JwsVerification.PreparedKey> keys) {
    Entry e = slots.get(slot(token));
    if (e == null || e.keys != keys || !sameInConstantTime(e.token, token)) return null;
    return e.claims;
  }

  void put(String token, List<JwsVerification.PreparedKey> keys, JWTClaimsSet claims) {
    slots.set(slot(token), new Entry(token, keys, claims));
  }

  private static int slot(String token) {
    int h = token.hashCode();
    return (h ^ (h >>> 16)) & (SLOTS - 1);
  }

  /** the time taken depends on the lengths only, not on where the first difference is */
  static boolean sameInConstantTime(String a, String b) {
    if (a.length() != b.length()) return false;
    int diff = 0;
    for (int i = 0; i < a.length(); i++) diff |= a.charAt(i) ^ b.charAt(i);
    return diff == 0;
  }

  // a cache is not part of a configuration's value: consumers compare equal without regard to it
  @Override
  public boolean equals(Object o) {
    return o instanceof VerifiedTokens;
  }

  @Override
  public int hashCode() {
    return 0;
  }

  @Override
  public String toString() {
    return "VerifiedTokens";
  }
}
