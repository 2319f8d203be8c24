package io.higressj.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP request a filter sends on its own. {@code target} is either a cluster name of the current
 * configuration (then {@code path} is the request target) or an absolute {@code http(s)://} URL
 * (then {@code path} may be null).
 */
public record CalloutRequest(
    String target, String method, String path, List<Map.Entry<String, String>> headers, byte[] body) {
  public CalloutRequest {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(method, "method");
    headers = List.copyOf(headers);
    body = body == null ? new byte[0] : body;
  }
}
