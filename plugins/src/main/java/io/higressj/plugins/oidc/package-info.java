/**
 * Higress's {@code oidc}: OpenID Connect login (authorization code flow, oauth2-proxy semantics) in
 * front of a route. The provider's metadata and keys are fetched with callouts and cached; sessions
 * live in AES-GCM sealed cookies, nothing is kept in the gateway.
 */
package io.higressj.plugins.oidc;
