package io.higressj.config.model;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The routes of one host pattern, in match order (first match wins).
 *
 * @param domain exact host ({@code foo.com}), wildcard ({@code *.foo.com}) or {@code *} for requests
 *     whose host matches no other virtual host; lower case
 */
public record VirtualHost(String domain, List<Route> routes) {
  public VirtualHost {
    requireNonNull(domain, "domain");
    routes = List.copyOf(routes);
  }

  /** @return the first route whose path matches, or null */
  public Route match(String path) {
    for (int i = 0, n = routes.size(); i < n; i++) {
      Route r = routes.get(i);
      if (r.path().matches(path)) return r;
    }
    return null;
  }
}
