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
    RoutePolicy.WeightedCluster w = pickWeighted(route);
    return w == null ? route.cluster() : w.cluster();
  }

  /** One of the route's weighted clusters, by weight; null when it has none (or only zero weights). */
  static RoutePolicy.WeightedCluster pickWeighted(Route route) {
    List<RoutePolicy.WeightedCluster> w = route.policy().weightedClusters();
    if (w.isEmpty()) return null;
    int total = 0;
    for (RoutePolicy.WeightedCluster c : w) total += c.weight();
    if (total <= 0) return null;
    int pick = ThreadLocalRandom.current().nextInt(total);
    for (RoutePolicy.WeightedCluster c : w) {
      pick -= c.weight();
      if (pick < 0) return c;
    }
    return null;
  }

  /**
   * The Location of a redirect answer.
   *
   * @param host the request's Host as sent (may carry a port)
   * @param target the request target (path and query)
   */
  static String location(RoutePolicy.Redirect r, boolean tls, String host, String target) {
    return location(r, tls, host, target, null);
  }

  /** @param match the route's path match ({@link RoutePolicy.Redirect#prefixPath()} replaces what it matched) */
  static String location(RoutePolicy.Redirect r, boolean tls, String host, String target, PathMatch match) {
    String fromScheme = tls ? "https" : "http";
    String scheme = r.scheme() != null ? r.scheme() : fromScheme;
    String hostPart;
    if (r.host() != null) {
      hostPart = r.host() + (r.port() > 0 ? ":" + r.port() : "");
    } else {
      hostPart = host;
      if (!scheme.equals(fromScheme)) hostPart = stripPort(hostPart); // the other scheme's port is not known here
      if (r.port() > 0) hostPart = stripPort(hostPart) + ":" + r.port();
      else if (r.port() == 0) hostPart = stripPort(hostPart);
    }
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    String query = q < 0 ? "" : target.substring(q);
    if (r.path() != null) path = r.prefixPath() && match != null ? replacePrefix(match, path, r.path()) : r.path();
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
    return replacePrefix(match, path, to);
  }

  /**
   * {@code path} with the part a prefix match covered replaced by {@code to}, element-wise: "/foo" to
   * "/xyz" makes "/foo/bar" "/xyz/bar", and so does "/xyz/"; "/" to "/xyz" makes "/bar" "/xyz/bar".
   */
  static String replacePrefix(PathMatch match, String path, String to) {
    String v = match.value();
    String rest = v.length() == 1 ? path : path.substring(Math.min(v.length(), path.length())); // "" or "/..."
    String out = to.endsWith("/") && rest.startsWith("/") ? to + rest.substring(1) : to + rest;
    return out.isEmpty() ? "/" : out;
  }

  static void apply(RoutePolicy.HeaderOps ops, HttpHeaders h) {
    if (ops.isEmpty()) return;
    for (String name : ops.remove()) h.remove(name);
    for (RoutePolicy.Header s : ops.set()) h.set(s.name(), s.value());
    for (RoutePolicy.Header a : ops.add()) h.add(a.name(), a.value());
  }
}
