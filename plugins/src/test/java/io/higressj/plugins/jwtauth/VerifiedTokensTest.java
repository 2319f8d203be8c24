package io.higressj.plugins.jwtauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerifiedTokensTest {
  final VerifiedTokens cache = new VerifiedTokens();
  final JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("s").build();

  @Test
  void aHitNeedsTheSameTokenAndTheSameKeyList() {
    List<JwsVerification.PreparedKey> keys = new ArrayList<>();
    List<JwsVerification.PreparedKey> refetched = new ArrayList<>(); // equal, but another fetch
    cache.put("aaa.bbb.ccc", keys, claims);
    assertThat(cache.get("aaa.bbb.ccc", keys)).isSameAs(claims);
    assertThat(cache.get(new String("aaa.bbb.ccc"), keys)).as("by value, not identity").isSameAs(claims);
    assertThat(cache.get("aaa.bbb.ccc", refetched)).as("keys fetched again").isNull();
    assertThat(cache.get("aaa.bbb.ccd", keys)).isNull();
    assertThat(cache.get("aaa.bbb.cc", keys)).isNull();
  }

  @Test
  void boundedAndTokensSharingASlotReplaceEachOther() {
    List<JwsVerification.PreparedKey> keys = List.of();
    for (int i = 0; i < 10 * VerifiedTokens.SLOTS; i++) cache.put("t" + i, keys, claims);
    int kept = 0;
    for (int i = 0; i < 10 * VerifiedTokens.SLOTS; i++) if (cache.get("t" + i, keys) != null) kept++;
    assertThat(kept).isPositive().isLessThanOrEqualTo(VerifiedTokens.SLOTS);
    // "Aa" and "BB" have the same hash: the later one takes the slot
    cache.put("Aa", keys, claims);
    cache.put("BB", keys, claims);
    assertThat(cache.get("BB", keys)).isSameAs(claims);
    assertThat(cache.get("Aa", keys)).isNull();
  }

  @Test
  void constantTimeComparison() {
    assertThat(VerifiedTokens.sameInConstantTime("abc", "abc")).isTrue();
    assertThat(VerifiedTokens.sameInConstantTime("abc", "abd")).isFalse();
    assertThat(VerifiedTokens.sameInConstantTime("abc", "ab")).isFalse();
    assertThat(VerifiedTokens.sameInConstantTime("", "")).isTrue();
  }
}
