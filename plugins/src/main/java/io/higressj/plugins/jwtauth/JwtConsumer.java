package io.higressj.plugins.jwtauth;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One consumer of a jwt-auth configuration.
 *
 * @param name the consumer's name (X-Mse-Consumer)
 * @param keys the public (or, for HMAC, secret) keys of its JWKS, with their verifiers
 * @param issuer the required {@code iss}
 * @param claimsToHeaders claims copied to request headers after authentication
 * @param sources where its token is read, in order
 * @param clockSkewSeconds the leeway for {@code exp} and {@code nbf}
 * @param keepToken whether the token stays in the request sent upstream
 * @param remote the JWKS fetched from a URL ({@code remote_jwks}), whose keys replace {@code keys}; or null
 * @param verified the tokens verified so far (a cache, not part of the configuration's value)
 */
public record JwtConsumer(String name, List<JwsVerification.PreparedKey> keys, String issuer, List<ClaimToHeader> claimsToHeaders,
    List<TokenSource> sources, long clockSkewSeconds, boolean keepToken, RemoteJwks remote, VerifiedTokens verified) {
  public JwtConsumer {
    requireNonNull(name, "name");
    keys = List.copyOf(keys);
    requireNonNull(issuer, "issuer");
    claimsToHeaders = List.copyOf(claimsToHeaders);
    sources = List.copyOf(sources);
    requireNonNull(verified, "verified");
  }

  /** {@code claims_to_headers[]}: {@code claim}, {@code header}, {@code override} (default true) */
  public record ClaimToHeader(String claim, String header, boolean override) {
    public ClaimToHeader {
      requireNonNull(claim, "claim");
      requireNonNull(header, "header");
    }
  }

  @Override
  public String toString() {
    // the keys may hold HMAC secrets: never shown
    return "JwtConsumer[name=" + name + ", issuer=" + issuer + ", keys=" + keys.size() + ", sources=" + sources + "]";
  }
}
