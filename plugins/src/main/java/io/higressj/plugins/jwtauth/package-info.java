/**
 * Higress's {@code jwt-auth}: JWS tokens from headers, query parameters or cookies, verified against
 * each consumer's JWKS (nimbus-jose-jwt for parsing and RSA/EC/HMAC, the JDK for Ed25519), with issuer
 * and time checks, claims copied to headers.
 */
package io.higressj.plugins.jwtauth;
