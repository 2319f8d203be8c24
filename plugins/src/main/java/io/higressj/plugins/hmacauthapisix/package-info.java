/**
 * Higress's {@code hmac-auth-apisix}: Apache APISIX's HMAC scheme ({@code Authorization: Signature
 * keyId=...,algorithm=...,headers=...,signature=...}, draft-cavage HTTP signatures), with a clock
 * skew window on {@code Date}, required signed headers and an optional body {@code Digest}.
 */
package io.higressj.plugins.hmacauthapisix;
