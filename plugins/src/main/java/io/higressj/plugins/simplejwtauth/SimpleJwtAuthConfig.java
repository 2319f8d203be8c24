package io.higressj.plugins.simplejwtauth;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * A parsed simple-jwt-auth configuration.
 *
 * @param secret the HMAC secret ({@code token_secret_key}, as UTF-8 bytes)
 * @param header the header holding the token ({@code token_headers})
 */
public record SimpleJwtAuthConfig(byte[] secret, String header) {
  public SimpleJwtAuthConfig {
    secret = secret.clone();
    requireNonNull(header, "header");
  }

  @Override
  public byte[] secret() {
    return secret.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SimpleJwtAuthConfig c && Arrays.equals(secret, c.secret) && header.equals(c.header);
  }

  @Override
  public int hashCode() {
    return header.hashCode();
  }

  @Override
  public String toString() {
    return "SimpleJwtAuthConfig[header=" + header + "]"; // never the secret
  }
}
