package io.higressj.proxy.exchange;

import io.higressj.config.model.PathMatch;
import io.higressj.config.model.Route;
import io.higressj.config.model.RoutePolicy;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** What a matched route's policy does to a request and its response: pure functions over the model. */
final class RouteActions {
  private RouteActions() {}

  /** The cluster a request goes to: one of the weighted clusters by weight, else the route's. */
  static String pickCluster(Route route) {
    List<RoutePolicy.WeightedCluster> w = route.policy().weightedClusters();
    if (w.isEmpty()) return route.cluster();
    int total = 0;
    for (RoutePolicy.WeightedCluster c : w) total += c.weight();
    if (total <= 0) return route.cluster();
    int pick = ThreadLocalRandom.current().nextInt(total);
    for (RoutePolicy.WeightedCluster c : w) {
      pick -= c.weight();
      if (pick < 0) return c.cluster();
    }
    return route.cluster();
  }

  /**
   * The Location of a redirect answer.
   *
   * @param host the request's Host as sent (may carry a port)
   * @param target the request target (path and query)
   */
  static String location(RoutePolicy.Redirect r, boolean tls, String host, String target) {
    String fromScheme = tls ? "https" : "http";
    String scheme = r.scheme() != null ? r.scheme() : fromScheme;
    String hostPart;
    if (r.host() != null) {
      hostPart = r.host() + (r.port() > 0 ? ":" + r.port() : "");
    } else {
      hostPart = host;
      if (!scheme.equals(fromScheme)) hostPart = stripPort(hostPart); // the other scheme's port is not known here
      if (r.port() > 0) hostPart = stripPort(hostPart) + ":" + r.port();
    }
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    String query = q < 0 ? "" : target.substring(q);
    if (r.path() != null) path = r.path();
    return scheme + "://" + hostPart + path + query;
  }

  private static String stripPort(String host) {
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      return close < 0 ? host : host.substring(0, close + 1);
    }
    int colon = host.lastIndexOf(':');
    return colon < 0 ? host : host.substring(0, colon);
  }

  /** The path the upstream gets under {@code rewrite}, for a request that matched {@code match}; or null: unchanged. */
  static String rewritePath(RoutePolicy.Rewrite rewrite, PathMatch match, String path) {
    if (rewrite.regex() != null) {
      com.google.re2j.Matcher m = rewrite.regex().matcher(path);
      return m.replaceFirst(rewrite.substitution());
    }
    String to = rewrite.prefix();
    if (to == null) return null;
    if (match.type() != PathMatch.Type.PREFIX) return to;
    String v = match.value();
    if (v.length() == 1) return to + path.substring(1); // "/": everything after the first slash
    if (path.length() == v.length()) return to;
    return to + path.substring(v.length() + 1); // the match ends at a '/', which 'to' ends with
  }

  static void apply(RoutePolicy.HeaderOps ops, HttpHeaders h) {
    if (ops.isEmpty()) return;
    for (String name : ops.remove()) h.remove(name);
    for (RoutePolicy.Header s : ops.set()) h.set(s.name(), s.value());
    for (RoutePolicy.Header a : ops.add()) h.add(a.name(), a.value());
  }
}
