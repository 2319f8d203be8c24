package io.higressj.config.model;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How a request picks one endpoint of its cluster.
 *
 * @param kind the policy
 * @param hashOn for {@code CONSISTENT_HASH}: what the request is hashed on
 * @param key the header, query parameter or cookie name ({@code HEADER}, {@code QUERY}, {@code COOKIE})
 * @param cookiePath for {@code COOKIE}: the Path of a cookie the gateway sets when the request has none
 * @param cookieTtl for {@code COOKIE}: its Max-Age; zero: a session cookie
 */
public record LoadBalancer(Kind kind, HashOn hashOn, String key, String cookiePath, Duration cookieTtl) {
  public enum Kind { ROUND_ROBIN, LEAST_REQUEST, RANDOM, CONSISTENT_HASH }

  public enum HashOn { NONE, HEADER, QUERY, COOKIE, SOURCE_IP, PATH, HOST }

  public static final LoadBalancer ROUND_ROBIN = simple(Kind.ROUND_ROBIN);

  public LoadBalancer {
    requireNonNull(kind, "kind");
    requireNonNull(hashOn, "hashOn");
    if ((kind == Kind.CONSISTENT_HASH) != (hashOn != HashOn.NONE)) {
      throw new IllegalArgumentException("hashOn " + hashOn + " with kind " + kind);
    }
  }

  public static LoadBalancer simple(Kind kind) {
    return new LoadBalancer(kind, HashOn.NONE, null, null, null);
  }

  public static LoadBalancer hash(HashOn on, String key) {
    return new LoadBalancer(Kind.CONSISTENT_HASH, on, key, null, null);
  }

  public static LoadBalancer cookie(String name, String path, Duration ttl) {
    return new LoadBalancer(Kind.CONSISTENT_HASH, HashOn.COOKIE, name, path, ttl);
  }

  @Override
  public String toString() {
    if (kind != Kind.CONSISTENT_HASH) return kind.name().toLowerCase(java.util.Locale.ROOT);
    return "consistent hash on " + hashOn.name().toLowerCase(java.util.Locale.ROOT) + (key == null ? "" : " " + key)
        + (hashOn == HashOn.COOKIE ? " (path " + cookiePath + ", max-age " + cookieTtl.toSeconds() + "s)" : "");
  }
}
