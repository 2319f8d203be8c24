package io.higressj.plugins.oidc;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A parsed {@code oidc} configuration.
 *
 * @param clientSecret empty for a public client (with PKCE)
 * @param redirectUrl {@code redirect_url}: absolute, or a path completed with the request's host
 * @param callbackPath the path of {@code redirect_url}, where the provider sends the browser back
 * @param proxyPrefix {@code proxy_prefix}: {@code <prefix>/start} and {@code <prefix>/sign_out} are served here
 * @param extraAudiences {@code oidc_extra_audiences}: accepted in {@code aud} besides the client id
 * @param skipNonce {@code insecure_oidc_skip_nonce}
 * @param codeChallengeMethod {@code code_challenge_method}: empty (no PKCE), {@code S256} or {@code plain}
 * @param loginParams extra parameters of the authorization request ({@code approval_prompt}/{@code prompt}, {@code acr_values})
 * @param whitelistDomains hosts an absolute {@code rd} redirect may go to
 * @param provider the provider's metadata and keys, shared by the requests of this configuration
 */
record OidcConfig(String clientId, String clientSecret, String scope, String redirectUrl, String callbackPath, String proxyPrefix,
    CookieSettings cookie, boolean passAuthorizationHeader, boolean passAccessToken, boolean setXAuthRequest,
    Duration redeemTimeout, List<String> extraAudiences, boolean skipNonce, String codeChallengeMethod,
    List<Map.Entry<String, String>> loginParams, List<String> whitelistDomains, boolean skipAuthPreflight, SkipRules skipRules,
    OidcProvider provider) {
  OidcConfig {
    requireNonNull(clientId, "clientId");
    requireNonNull(clientSecret, "clientSecret");
    requireNonNull(scope, "scope");
    requireNonNull(redirectUrl, "redirectUrl");
    requireNonNull(callbackPath, "callbackPath");
    requireNonNull(proxyPrefix, "proxyPrefix");
    requireNonNull(cookie, "cookie");
    requireNonNull(redeemTimeout, "redeemTimeout");
    extraAudiences = List.copyOf(extraAudiences);
    requireNonNull(codeChallengeMethod, "codeChallengeMethod");
    loginParams = List.copyOf(loginParams);
    whitelistDomains = List.copyOf(whitelistDomains);
    requireNonNull(skipRules, "skipRules");
    requireNonNull(provider, "provider");
  }

  /**
   * Where the provider is and how it is reached.
   *
   * @param issuer {@code oidc_issuer_url}
   * @param discoveryUrl the issuer's {@code /.well-known/openid-configuration}
   * @param skipDiscovery {@code skip_oidc_discovery}: {@code loginUrl}, {@code redeemUrl} and {@code jwksUrl} are given
   * @param cluster the callout cluster of {@code service_name}/{@code service_port}, or null to call the URLs directly
   * @param serviceHost the Host of callouts through the cluster ({@code service_host}), or null for the URL's own
   */
  record Endpoints(String issuer, String discoveryUrl, boolean skipDiscovery, String loginUrl, String redeemUrl, String jwksUrl,
      boolean skipIssuerVerification, String cluster, String serviceHost, Duration verifierTimeout) {}

  @Override
  public String toString() {
    return "OidcConfig[clientId=" + clientId + ", scope=" + scope + "]"; // never the secrets
  }
}
