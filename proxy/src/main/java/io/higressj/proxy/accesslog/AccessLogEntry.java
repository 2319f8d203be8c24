package io.higressj.proxy.accesslog;

/**
 * What one request did, for the access log.
 *
 * @param startMillis wall-clock start, epoch milliseconds
 * @param method request method
 * @param authority Host or :authority
 * @param path request target as received
 * @param protocol HTTP/1.1, HTTP/1.0 or HTTP/2
 * @param status response status sent downstream (0 when none was sent)
 * @param bytesIn request body bytes received
 * @param bytesOut response body bytes sent
 * @param durationMicros from request headers to the end of the response
 * @param upstream upstream address, or "-"
 * @param route route name, or "-"
 * @param flags response flags ({@code NR} no route, {@code UH} no healthy upstream, {@code UF} upstream
 *     connection failure, {@code UT} upstream timeout, {@code UPE} upstream protocol error,
 *     {@code UC} upstream connection termination, {@code DC} downstream connection termination), or "-"
 * @param clientAddress downstream peer IP
 * @param requestId X-Request-Id sent upstream
 */
public record AccessLogEntry(
    long startMillis,
    String method,
    String authority,
    String path,
    String protocol,
    int status,
    long bytesIn,
    long bytesOut,
    long durationMicros,
    String upstream,
    String route,
    String flags,
    String clientAddress,
    String requestId) {

  /** One JSON object, no line break. */
  public String toJson() {
    StringBuilder b = new StringBuilder(256);
    b.append("{\"time\":\"").append(java.time.Instant.ofEpochMilli(startMillis)).append('"');
    str(b, "method", method);
    str(b, "authority", authority);
    str(b, "path", path);
    str(b, "protocol", protocol);
    b.append(",\"status\":").append(status);
    b.append(",\"bytes_in\":").append(bytesIn);
    b.append(",\"bytes_out\":").append(bytesOut);
    b.append(",\"duration_us\":").append(durationMicros);
    str(b, "upstream", upstream);
    str(b, "route", route);
    str(b, "flags", flags);
    str(b, "client", clientAddress);
    str(b, "request_id", requestId);
    return b.append('}').toString();
  }

  private static void str(StringBuilder b, String name, String value) {
    b.append(",\"").append(name).append("\":\"");
    if (value == null) value = "-";
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    b.append('"');
  }
}
