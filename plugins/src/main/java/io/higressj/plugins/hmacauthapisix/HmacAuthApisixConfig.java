package io.higressj.plugins.hmacauthapisix;

import static java.util.Objects.requireNonNull;

import io.higressj.plugins.auth.AuthScope;
import io.higressj.plugins.auth.SigningKeys;
import java.util.List;
import java.util.Set;

/**
 * A parsed hmac-auth-apisix configuration.
 *
 * @param keys the consumers: {@code access_key} (the signature's keyId) to name and {@code secret_key}
 * @param allowedAlgorithms the accepted {@code algorithm} values (hmac-sha1, hmac-sha256, hmac-sha512)
 * @param clockSkewSeconds the largest accepted distance between {@code Date} and now; 0 for no check
 * @param signedHeaders the headers every signature must cover (lower case)
 * @param validateRequestBody whether a body must match the {@code Digest} header (SHA-256)
 * @param hideCredentials whether {@code Authorization} is removed before the request goes upstream
 * @param anonymousConsumer the consumer named when a request carries no usable credentials, or null
 * @param scope whether this configuration authenticates and whom it lets through
 */
public record HmacAuthApisixConfig(SigningKeys keys, Set<String> allowedAlgorithms, long clockSkewSeconds,
    List<String> signedHeaders, boolean validateRequestBody, boolean hideCredentials, String anonymousConsumer,
    AuthScope scope) {
  public HmacAuthApisixConfig {
    requireNonNull(keys, "keys");
    allowedAlgorithms = Set.copyOf(allowedAlgorithms);
    signedHeaders = List.copyOf(signedHeaders);
    requireNonNull(scope, "scope");
  }
}
