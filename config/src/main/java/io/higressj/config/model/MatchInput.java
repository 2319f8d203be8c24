package io.higressj.config.model;

/**
 * The parts of a request that route conditions look at. The data plane implements it over its request
 * without copying; tests use {@link #of}.
 */
public interface MatchInput {
  /** The method, upper case as sent. */
  String method();

  /** The normalised path, without the query. */
  String path();

  /** The request target as routed: normalised path plus the query, if any ({@code :path}). */
  String pathAndQuery();

  /** The Host / {@code :authority} as sent (may carry a port). */
  String authority();

  /** {@code http} or {@code https}. */
  String scheme();

  /**
   * A request header by lower-case name: its values joined with {@code ","} when it appears more than
   * once, or null when absent.
   */
  String header(String lowerCaseName);

  /** The first value of query parameter {@code name} (decoded), {@code ""} for a bare name, or null. */
  String queryParameter(String name);

  /** An input with only a path (GET, no headers, no query): what route tables are tested with. */
  static MatchInput of(String path) {
    return of("GET", path, "", java.util.Map.of());
  }

  /** A plain input for tests and tools; headers by lower-case name; the query is parsed from {@code target}. */
  static MatchInput of(String method, String target, String authority, java.util.Map<String, String> headers) {
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    String query = q < 0 ? null : target.substring(q + 1);
    return new MatchInput() {
      @Override public String method() {
        return method;
      }

      @Override public String path() {
        return path;
      }

      @Override public String pathAndQuery() {
        return target;
      }

      @Override public String authority() {
        return authority;
      }

      @Override public String scheme() {
        return "http";
      }

      @Override public String header(String name) {
        return headers.get(name);
      }

      @Override public String queryParameter(String name) {
        return QueryString.first(query, name);
      }
    };
  }
}
