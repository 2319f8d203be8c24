package io.higressj.wasm;

import java.security.SecureRandom;
import java.time.Instant;

final class Clock {
  static final SecureRandom RANDOM = new SecureRandom();

  private Clock() {}

  static long epochNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
