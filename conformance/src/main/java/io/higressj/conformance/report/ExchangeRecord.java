package io.higressj.conformance.report;

import java.util.List;

/**
 * The last request of a failed assertion and what came back, for the JSON report.
 *
 * @param request the final request as sent: request line, Host (or {@code :authority}) and header lines
 * @param to where it was sent and how ({@code 127.0.0.1:34567 HTTP_1_1}, TLS SNI)
 * @param status the response status; null when no response came (then {@code error} says why)
 * @param responseHeaders the response header lines as received (after gzip decompression)
 * @param responseBody the start of the response body (at most 4 KiB, UTF-8)
 * @param error the transport error, when there was no response
 */
public record ExchangeRecord(String request, String to, Integer status, List<String> responseHeaders, String responseBody, String error) {
  public ExchangeRecord {
    responseHeaders = responseHeaders == null ? List.of() : List.copyOf(responseHeaders);
  }
}
