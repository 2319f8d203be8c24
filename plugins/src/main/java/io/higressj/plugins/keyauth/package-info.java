/** Higress's {@code key-auth}: API keys from request headers or query parameters, per consumer. */
package io.higressj.plugins.keyauth;
