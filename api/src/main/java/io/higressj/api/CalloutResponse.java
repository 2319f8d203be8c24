package io.higressj.api;

import java.util.List;
import java.util.Map;

/**
 * The answer to a {@link CalloutRequest}. {@code status} is 0 when no response came (connection
 * failure or timeout); {@code failure} then says why.
 */
public record CalloutResponse(
    int status, List<Map.Entry<String, String>> headers, byte[] body, String failure) {
  public CalloutResponse {
    headers = List.copyOf(headers);
    body = body == null ? new byte[0] : body;
  }

  public String header(String name) {
    for (Map.Entry<String, String> e : headers) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }
}
