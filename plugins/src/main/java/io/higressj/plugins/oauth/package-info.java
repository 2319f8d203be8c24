/**
 * Higress's {@code oauth}: an OAuth2 client-credentials token endpoint ({@code auth_path}) issuing
 * RFC 9068 JWT access tokens (HS256 under the client's secret), and their verification on the other
 * requests.
 */
package io.higressj.plugins.oauth;
