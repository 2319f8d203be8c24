package io.higressj.plugins.oauth;

import static java.util.Objects.requireNonNull;

import io.higressj.plugins.auth.AuthScope;
import io.higressj.plugins.auth.SigningKeys;

/**
 * A parsed oauth configuration.
 *
 * @param clients the consumers: {@code client_id} to name and {@code client_secret}
 * @param issuer the tokens' {@code iss}
 * @param authPath the path suffix of the token endpoint
 * @param globalCredentials whether a token is good on every route ({@code aud} "default") or only on
 *     the route it was issued on ({@code aud} the route's name)
 * @param authHeaderName the header the token is read from ({@code Bearer <token>})
 * @param tokenTtlSeconds how long an issued token is valid
 * @param clockSkewSeconds the leeway on {@code exp}, {@code nbf} and {@code iat}
 * @param keepToken whether the token header goes upstream
 * @param scope whether this configuration authenticates and whom it lets through
 */
public record OAuthConfig(SigningKeys clients, String issuer, String authPath, boolean globalCredentials,
    String authHeaderName, long tokenTtlSeconds, long clockSkewSeconds, boolean keepToken, AuthScope scope) {
  public OAuthConfig {
    requireNonNull(clients, "clients");
    requireNonNull(issuer, "issuer");
    requireNonNull(authPath, "authPath");
    requireNonNull(authHeaderName, "authHeaderName");
    requireNonNull(scope, "scope");
  }

  OAuthConfig withScope(AuthScope s) {
    return new OAuthConfig(clients, issuer, authPath, globalCredentials, authHeaderName, tokenTtlSeconds,
        clockSkewSeconds, keepToken, s);
  }
}
