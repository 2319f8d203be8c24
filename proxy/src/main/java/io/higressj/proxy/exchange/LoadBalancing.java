package io.higressj.proxy.exchange;

import io.higressj.config.model.LoadBalancer;
import java.util.concurrent.ThreadLocalRandom;

/** What a consistent-hash cluster hashes a request on, and the affinity cookie it sets when there is none. */
final class LoadBalancing {
  private LoadBalancing() {}

  /** @param value the key, or null (no key: the pick falls back to round robin); @param setCookie or null */
  record Key(String value, String setCookie) {}

  static Key hashKey(LoadBalancer lb, RequestMatchInput in, String clientAddress) {
    return switch (lb.hashOn()) {
      case HEADER -> new Key(in.header(lb.key()), null);
      case QUERY -> new Key(in.queryParameter(lb.key()), null);
      case SOURCE_IP -> new Key(clientAddress, null);
      case PATH -> new Key(in.pathAndQuery(), null);
      case HOST -> new Key(in.authority(), null);
      case COOKIE -> {
        String v = cookie(in.header("cookie"), lb.key());
        if (v != null) yield new Key(v, null);
        // none yet: choose a value, hash on it, and hand it to the client so its next requests stick
        String token = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
        long ttl = lb.cookieTtl().toSeconds();
        yield new Key(token, lb.key() + "=" + token + "; Path=" + lb.cookiePath() + (ttl > 0 ? "; Max-Age=" + ttl : "")
            + "; HttpOnly");
      }
      case NONE -> new Key(null, null);
    };
  }

  /** The value of cookie {@code name} in a Cookie header, or null. */
  static String cookie(String header, String name) {
    if (header == null) return null;
    int i = 0;
    int n = header.length();
    while (i < n) {
      int semi = header.indexOf(';', i);
      if (semi < 0) semi = n;
      int eq = header.indexOf('=', i);
      if (eq > 0 && eq < semi && header.substring(i, eq).trim().equals(name)) {
        String v = header.substring(eq + 1, semi).trim();
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) v = v.substring(1, v.length() - 1);
        return v;
      }
      i = semi + 1;
    }
    return null;
  }
}
