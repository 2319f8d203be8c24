package io.higressj.plugins.redis;

import io.higressj.api.PluginConfigException;
import io.higressj.api.RedisTarget;
import io.higressj.plugins.ConfigFields;
import java.time.Duration;
import java.util.Map;

/**
 * The {@code redis} object of Higress's Redis-backed plugins: {@code service_name} (required, a FQDN
 * with its kind: {@code redis.ns.svc.cluster.local}, {@code my-redis.dns}, {@code my-redis.static}),
 * {@code service_port} (6379; 80 for {@code .static}), {@code username}, {@code password}, {@code timeout} (ms, 1000), {@code
 * database} (0) and, where the plugin has one, {@code key_prefix}.
 */
public record RedisSettings(RedisTarget target, String keyPrefix) {
  /** Parses {@code config.get(field)}; a missing object is an error naming the field. */
  public static RedisSettings parse(ConfigFields config, String field, String defaultKeyPrefix) throws PluginConfigException {
    if (!config.has(field)) throw new PluginConfigException(field, "missing (expected: an object with service_name)");
    Map<String, Object> m = config.object(field);
    ConfigFields f = ConfigFields.of(m);
    String name;
    try {
      name = f.string("service_name", null);
    } catch (PluginConfigException e) {
      throw new PluginConfigException(field + ".service_name", ConfigFields.describe(m.get("service_name")) + " (expected: a string)");
    }
    if (name == null || name.isBlank()) {
      throw new PluginConfigException(field + ".service_name", "missing (expected: a service name such as redis.ns.svc.cluster.local)");
    }
    // a .static service's port is Higress's logical 80 unless given
    long port = sub(field, "service_port", () -> f.integer("service_port", name.trim().endsWith(".static") ? 80 : 6379));
    if (port < 1 || port > 65535) throw new PluginConfigException(field + ".service_port", port + " (expected: 1 to 65535)");
    long timeout = sub(field, "timeout", () -> f.integer("timeout", 1000));
    if (timeout <= 0) throw new PluginConfigException(field + ".timeout", timeout + " (expected: milliseconds > 0)");
    long db = sub(field, "database", () -> f.integer("database", 0));
    if (db < 0 || db > 65535) throw new PluginConfigException(field + ".database", db + " (expected: a database number >= 0)");
    String user = sub(field, "username", () -> f.string("username", null));
    String password = sub(field, "password", () -> f.string("password", null));
    String prefix = sub(field, "key_prefix", () -> f.string("key_prefix", defaultKeyPrefix));
    return new RedisSettings(
        new RedisTarget(clusterName(name.trim(), (int) port), user, password, (int) db, Duration.ofMillis(timeout)), prefix);
  }

  /**
   * Higress's cluster name for a service reference given as a FQDN: {@code outbound|<port>||<name>};
   * the gateway resolves Kubernetes Services through their endpoints, {@code .dns} names and plain hosts
   * as themselves. (The rule of the config module's ServiceDirectory, which plugins do not depend on.)
   */
  public static String clusterName(String serviceName, int port) {
    return "outbound|" + port + "||" + serviceName;
  }

  private interface Read<T> {
    T get() throws PluginConfigException;
  }

  private static <T> T sub(String field, String name, Read<T> r) throws PluginConfigException {
    try {
      return r.get();
    } catch (PluginConfigException e) {
      throw new PluginConfigException(field + "." + e.field(), e.getMessage().substring(e.field().length() + 2));
    }
  }
}
