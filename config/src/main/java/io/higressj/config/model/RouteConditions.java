package io.higressj.config.model;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Set;

/**
 * What a request must have, besides its path, for a route to match. All must hold. Empty means none.
 *
 * @param methods allowed methods (upper case); empty: any
 * @param headers header conditions; a name starting with {@code :} is a pseudo-header ({@code
 *     :authority}, {@code :path} with the query, {@code :method}, {@code :scheme})
 * @param query query parameter conditions (first value of each name)
 */
public record RouteConditions(Set<String> methods, List<NamedMatch> headers, List<NamedMatch> query) {
  public static final RouteConditions NONE = new RouteConditions(Set.of(), List.of(), List.of());

  /** A condition on one named value; {@code name} lower case for headers, as written for query parameters. */
  public record NamedMatch(String name, StringMatch match) {
    public NamedMatch {
      requireNonNull(name, "name");
      requireNonNull(match, "match");
    }

    @Override
    public String toString() {
      return name + " " + match;
    }
  }

  public RouteConditions {
    methods = Set.copyOf(methods);
    headers = List.copyOf(headers);
    query = List.copyOf(query);
  }

  public boolean isEmpty() {
    return methods.isEmpty() && headers.isEmpty() && query.isEmpty();
  }

  /** @return these conditions plus {@code more} (a header of {@code more} with a name already here is added too) */
  public RouteConditions and(RouteConditions more) {
    if (more.isEmpty()) return this;
    if (isEmpty()) return more;
    java.util.Set<String> m = methods.isEmpty() ? more.methods : more.methods.isEmpty() ? methods : intersect(methods, more.methods);
    List<NamedMatch> h = new java.util.ArrayList<>(headers);
    h.addAll(more.headers);
    List<NamedMatch> q = new java.util.ArrayList<>(query);
    q.addAll(more.query);
    return new RouteConditions(m, h, q);
  }

  private static Set<String> intersect(Set<String> a, Set<String> b) {
    java.util.Set<String> out = new java.util.HashSet<>(a);
    out.retainAll(b);
    return out.isEmpty() ? Set.of("\0none") : out; // disjoint method sets: nothing matches
  }

  public boolean matches(MatchInput in) {
    if (!methods.isEmpty() && !methods.contains(in.method())) return false;
    for (int i = 0, n = headers.size(); i < n; i++) {
      NamedMatch c = headers.get(i);
      String v = switch (c.name()) {
        case ":authority" -> in.authority();
        case ":path" -> in.pathAndQuery();
        case ":method" -> in.method();
        case ":scheme" -> in.scheme();
        default -> in.header(c.name());
      };
      if (!c.match().matches(v)) return false;
    }
    for (int i = 0, n = query.size(); i < n; i++) {
      NamedMatch c = query.get(i);
      if (!c.match().matches(in.queryParameter(c.name()))) return false;
    }
    return true;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    if (!methods.isEmpty()) b.append("methods ").append(new java.util.TreeSet<>(methods));
    for (NamedMatch h : headers) b.append(b.isEmpty() ? "" : ", ").append("header ").append(h);
    for (NamedMatch q : query) b.append(b.isEmpty() ? "" : ", ").append("query ").append(q);
    return b.toString();
  }
}
