package io.higressj.plugins.basicauth;

/**
 * {@code go-basic-auth}: the name Higress's image of the Go basic-auth plugin carries
 * ({@code oci://.../plugins/go-basic-auth:2.0.0}); the same plugin.
 */
public final class GoBasicAuthFactory extends BasicAuthFactory {
  @Override
  public String name() {
    return "go-basic-auth";
  }
}
