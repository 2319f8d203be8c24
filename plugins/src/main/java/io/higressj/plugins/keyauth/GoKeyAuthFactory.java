package io.higressj.plugins.keyauth;

/**
 * {@code go-key-auth}: the name Higress's image of the Go key-auth plugin carries
 * ({@code oci://.../plugins/go-key-auth:2.0.0}); the same plugin.
 */
public final class GoKeyAuthFactory extends KeyAuthFactory {
  @Override
  public String name() {
    return "go-key-auth";
  }
}
