package io.higressj.plugins.keyauth;

import static java.util.Objects.requireNonNull;

import io.higressj.plugins.auth.AuthScope;
import io.higressj.plugins.auth.Credentials;
import java.util.List;

/**
 * A parsed key-auth configuration.
 *
 * @param credentials the consumers' keys
 * @param keys the header and query parameter names a key is read from
 * @param inHeader read keys from headers
 * @param inQuery read keys from query parameters
 * @param scope whether this configuration authenticates and whom it lets through
 */
public record KeyAuthConfig(Credentials credentials, List<String> keys, boolean inHeader, boolean inQuery,
    AuthScope scope) {
  public KeyAuthConfig {
    requireNonNull(credentials, "credentials");
    keys = List.copyOf(keys);
    requireNonNull(scope, "scope");
  }
}
