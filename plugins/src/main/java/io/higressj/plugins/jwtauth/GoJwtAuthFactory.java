package io.higressj.plugins.jwtauth;

/**
 * {@code go-jwt-auth}: the name Higress's image of the Go jwt-auth plugin carries
 * ({@code oci://.../plugins/go-jwt-auth:2.0.0}); the same plugin.
 */
public final class GoJwtAuthFactory extends JwtAuthFactory {
  @Override
  public String name() {
    return "go-jwt-auth";
  }
}
