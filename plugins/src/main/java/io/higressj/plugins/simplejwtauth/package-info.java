/** Higress's {@code simple-jwt-auth}: one HMAC secret, a token in one header. */
package io.higressj.plugins.simplejwtauth;
