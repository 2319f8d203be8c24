package io.higressj.plugins.hmacauth;

import static java.util.Objects.requireNonNull;

import io.higressj.plugins.auth.AuthScope;
import io.higressj.plugins.auth.SigningKeys;

/**
 * A parsed hmac-auth configuration.
 *
 * @param keys the consumers: {@code x-ca-key} value to name and secret
 * @param dateOffsetSeconds the largest accepted distance between the request's {@code Date} (or
 *     {@code x-ca-timestamp}) and now; 0 for no check
 * @param scope whether this configuration authenticates and whom it lets through
 */
public record HmacAuthConfig(SigningKeys keys, long dateOffsetSeconds, AuthScope scope) {
  public HmacAuthConfig {
    requireNonNull(keys, "keys");
    requireNonNull(scope, "scope");
  }
}
