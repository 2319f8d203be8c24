package io.higressj.config.gatewayapi;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * Host name matching between a listener and its routes, as the Gateway API defines it: a listener
 * without hostname takes every route hostname; a route without hostnames takes the listener's; else the
 * route's hostnames that the listener's matches (a wildcard {@code *.example.com} matches one or more
 * labels in front of {@code example.com}), and for a wildcard route hostname that covers an exact
 * listener hostname, the listener's. {@code *} stands for "any host".
 */
final class Hostnames {
  private Hostnames() {}

  /**
   * The host names requests of a route attached to a listener are served for; empty when they do not
   * intersect.
   *
   * @param listener the listener's hostname, or null
   * @param route the route's hostnames (lower case); empty: any
   */
  static List<String> intersect(String listener, List<String> route) {
    if (route.isEmpty()) return List.of(listener == null ? "*" : listener);
    LinkedHashSet<String> out = new LinkedHashSet<>();
    for (String r : route) {
      if (listener == null) {
        out.add(r);
      } else if (covers(listener, r)) {
        out.add(r);
      } else if (covers(r, listener)) {
        out.add(listener);
      }
    }
    return new ArrayList<>(out);
  }

  /** Whether pattern {@code p} covers every host {@code h} covers ({@code h} equal, or a subdomain of a wildcard {@code p}). */
  static boolean covers(String p, String h) {
    if (p.equals(h)) return true;
    if (!p.startsWith("*.")) return false;
    String suffix = p.substring(1); // ".example.com"
    String rest = h.startsWith("*.") ? h.substring(1) : h;
    return rest.endsWith(suffix) && rest.length() > suffix.length();
  }

  static String normalize(String h) {
    return h.toLowerCase(Locale.ROOT);
  }
}
