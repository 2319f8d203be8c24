package io.higressj.conformance.corpus;

import static io.higressj.conformance.corpus.Fields.list;
import static io.higressj.conformance.corpus.Fields.map;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code expect} of an assertion (FORMAT.md section 7 of both corpora). The Higress corpus writes
 * the status as {@code response.status}, the Gateway API corpus as {@code status}; {@link #expectedStatus()}
 * gives either.
 *
 * @param status Gateway API: an integer, a list, or {@code any}
 * @param backend the echo reply's pod (or {@code Pod} header) must start with this
 * @param namespace the echo reply's namespace (or {@code Namespace} header) must equal this
 * @param request what the echo backend must have received (7.1)
 * @param response the response itself (7.2)
 * @param redirect the resolved {@code Location} (7.3)
 * @param nonEchoResponse true: the response must not be an echo reply
 * @param backendFromRequestHeader the echo reply's header of this name gives the backend prefix
 * @param mirroredTo backends {@code service.namespace} that must have received the request
 * @param grpcStatus gRPC status code name ({@code OK}, {@code Unimplemented} ...)
 * @param fullyQualifiedMethod gRPC echo: {@code assertions.fully_qualified_method}
 * @param successRate load assertions: 2xx responses per second, within [min, max]
 * @param maxSuccesses load assertions: at most this many 2xx responses
 */
public record Expect(
    ExpectedStatus status,
    String backend,
    String namespace,
    EchoedRequest request,
    ResponseSpec response,
    RedirectSpec redirect,
    Boolean nonEchoResponse,
    String backendFromRequestHeader,
    List<String> mirroredTo,
    String grpcStatus,
    String fullyQualifiedMethod,
    Range successRate,
    Integer maxSuccesses) {

  public Expect {
    mirroredTo = list(mirroredTo);
    if (status != null && response != null && response.status() != null) {
      throw new IllegalArgumentException("status: given twice (expected: either status or response.status)");
    }
  }

  /** {@code status} or {@code response.status}; null when neither is given. */
  public ExpectedStatus expectedStatus() {
    if (status != null) return status;
    return response == null ? null : response.status();
  }

  public boolean expectsNonEcho() {
    return nonEchoResponse != null && nonEchoResponse;
  }

  /**
   * An expected HTTP status: one code, a set of codes, or any.
   *
   * @param codes the accepted codes; empty when {@code any}
   * @param any true: not checked
   */
  public record ExpectedStatus(List<Integer> codes, boolean any) {
    public static final ExpectedStatus ANY = new ExpectedStatus(List.of(), true);

    public ExpectedStatus {
      codes = List.copyOf(codes);
      if (!any && codes.isEmpty()) throw new IllegalArgumentException("status: empty list (expected: at least one code)");
      for (int c : codes) {
        if (c < 100 || c > 599) throw new IllegalArgumentException("status: " + c + " (expected: 100..599)");
      }
    }

    public static ExpectedStatus of(int code) {
      return new ExpectedStatus(List.of(code), false);
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static ExpectedStatus fromJson(JsonNode n) {
      if (n.isTextual() && n.asText().equals("any")) return ANY;
      List<Integer> codes = new ArrayList<>();
      if (n.isArray()) {
        for (JsonNode c : n) codes.add(code(c));
      } else {
        codes.add(code(n));
      }
      return new ExpectedStatus(codes, false);
    }

    private static int code(JsonNode n) {
      if (n.isInt()) return n.asInt();
      if (n.isTextual() && n.asText().matches("[0-9]{3}")) return Integer.parseInt(n.asText());
      throw new IllegalArgumentException("status: " + n + " (expected: a status code, a list of codes, or any)");
    }

    public boolean matches(int code) {
      return any || codes.contains(code);
    }

    @Override
    public String toString() {
      if (any) return "any";
      return codes.size() == 1 ? codes.get(0).toString() : "one of " + codes;
    }
  }

  /**
   * {@code expect.request}: what the echo backend received.
   *
   * @param headers each: present, values joined with "," equal
   * @param absentHeaders each: not present
   * @param contentType the first Content-Type received equals it (no Content-Type passes)
   * @param jsonBody the echoed body is a JSON object deep-equal to it
   * @param body the echoed body is a string equal to it
   */
  public record EchoedRequest(
      String method,
      String path,
      String host,
      Map<String, String> headers,
      List<String> absentHeaders,
      String contentType,
      JsonNode jsonBody,
      String body) {
    public EchoedRequest {
      headers = map(headers, "headers");
      absentHeaders = list(absentHeaders);
      if (jsonBody != null && body != null) throw new IllegalArgumentException("jsonBody: given together with body (expected: one)");
    }
  }

  /**
   * {@code expect.response}.
   *
   * @param status Higress corpus: the expected status
   * @param headers each: present, values joined with "," equal
   * @param headersOneOf each: present, joined values equal one of the list
   * @param ignoreWhitespace remove spaces from both sides before comparing headers
   * @param absentHeaders each: not present
   * @param contentType media types equal (parameters ignored; no Content-Type passes)
   * @param jsonBody the body is a JSON object deep-equal to it, except {@code ignoreFields}
   * @param ignoreFields top-level keys ignored by {@code jsonBody}
   * @param body compared by {@code bodyMatch}
   * @param bodyMatch {@code exact} (default), {@code form} or {@code multipart}
   */
  public record ResponseSpec(
      ExpectedStatus status,
      Map<String, String> headers,
      Map<String, List<String>> headersOneOf,
      Boolean ignoreWhitespace,
      List<String> absentHeaders,
      String contentType,
      JsonNode jsonBody,
      List<String> ignoreFields,
      String body,
      String bodyMatch) {
    public ResponseSpec {
      headers = map(headers, "headers");
      headersOneOf = map(headersOneOf, "headersOneOf");
      absentHeaders = list(absentHeaders);
      ignoreFields = list(ignoreFields);
      if (bodyMatch != null && !Set.of("exact", "form", "multipart").contains(bodyMatch)) {
        throw new IllegalArgumentException("bodyMatch: \"" + bodyMatch + "\" (expected: exact, form or multipart)");
      }
      if (bodyMatch != null && body == null) throw new IllegalArgumentException("bodyMatch: given without body");
    }

    public boolean ignoresWhitespace() {
      return ignoreWhitespace != null && ignoreWhitespace;
    }
  }

  /**
   * {@code expect.redirect}: the resolved {@code Location}.
   *
   * @param scheme exact
   * @param host host name without port; null: not checked
   * @param port the explicit port, {@code ""} for none; several: any of them; null: not checked
   * @param path path without query; null: not checked
   */
  public record RedirectSpec(String scheme, String host, List<String> port, String path) {
    public RedirectSpec {
      port = port == null ? null : List.copyOf(port);
    }
  }

  /** A closed interval; a missing bound is open. */
  public record Range(Double min, Double max) {
    public Range {
      if (min != null && max != null && min > max) throw new IllegalArgumentException("min: " + min + " (expected: <= max " + max + ")");
    }

    public boolean contains(double v) {
      return (min == null || v >= min) && (max == null || v <= max);
    }

    @Override
    public String toString() {
      return "[" + (min == null ? "-inf" : min) + ", " + (max == null ? "inf" : max) + "]";
    }
  }
}
