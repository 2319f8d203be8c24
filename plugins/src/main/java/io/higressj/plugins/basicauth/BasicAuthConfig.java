package io.higressj.plugins.basicauth;

import static java.util.Objects.requireNonNull;

import io.higressj.plugins.auth.AuthScope;
import io.higressj.plugins.auth.Credentials;

/**
 * A parsed basic-auth configuration.
 *
 * @param credentials the consumers' {@code user:password} pairs
 * @param scope whether this configuration authenticates and whom it lets through
 */
public record BasicAuthConfig(Credentials credentials, AuthScope scope) {
  public BasicAuthConfig {
    requireNonNull(credentials, "credentials");
    requireNonNull(scope, "scope");
  }
}
