package io.higressj.api;

/**
 * Request headers with the request line as pseudo-headers. Setting the path, authority or method
 * changes what is sent upstream; if it changes what the route matched on, the gateway re-evaluates
 * the route after this filter (Higress's reroute).
 */
public interface RequestHeaders extends Headers {
  String method();

  void method(String method);

  /** the path with its query, after normalisation */
  String path();

  void path(String pathAndQuery);

  /** host[:port] as the client sent it */
  String authority();

  void authority(String authority);

  /** "http" or "https" as seen by the gateway */
  String scheme();
}
