package io.higressj.plugins.jwtauth;

import static java.util.Objects.requireNonNull;

import io.higressj.plugins.auth.AuthScope;
import java.util.List;

/**
 * A parsed jwt-auth configuration.
 *
 * @param consumers every consumer, in configuration order
 * @param scope whether this configuration authenticates and whom it lets through
 */
public record JwtAuthConfig(List<JwtConsumer> consumers, AuthScope scope) {
  public JwtAuthConfig {
    consumers = List.copyOf(consumers);
    requireNonNull(scope, "scope");
  }
}
