package io.higressj.plugins.jwtauth;

import static java.util.Objects.requireNonNull;

/** Where a consumer's token is read: a header (after a prefix), a query parameter or a cookie. */
public sealed interface TokenSource {
  /** {@code from_headers[]}: {@code name} and {@code value_prefix} (removed; a value without it is ignored) */
  record Header(String name, String valuePrefix) implements TokenSource {
    public Header {
      requireNonNull(name, "name");
      requireNonNull(valuePrefix, "valuePrefix");
    }
  }

  /** {@code from_params[]} */
  record Param(String name) implements TokenSource {
    public Param {
      requireNonNull(name, "name");
    }
  }

  /** {@code from_cookies[]} */
  record Cookie(String name) implements TokenSource {
    public Cookie {
      requireNonNull(name, "name");
    }
  }
}
