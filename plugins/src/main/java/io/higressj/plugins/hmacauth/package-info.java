/**
 * Higress's {@code hmac-auth}: requests signed with a consumer's secret (HMAC-SHA256 or HMAC-SHA1)
 * over a canonical string of the method, some headers, the path and its parameters, identified by
 * {@code x-ca-key}; optionally a time window ({@code date_offset}) and the body's MD5.
 */
package io.higressj.plugins.hmacauth;
