package io.higressj.conformance.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.higressj.conformance.client.Headers;
import io.higressj.conformance.client.Url;
import io.higressj.conformance.client.WireResponse;
import io.higressj.conformance.corpus.Expect;
import io.higressj.conformance.corpus.Expect.EchoedRequest;
import io.higressj.conformance.corpus.Expect.RedirectSpec;
import io.higressj.conformance.corpus.Expect.ResponseSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Judges one response against an {@code expect} (FORMAT.md section 7 of both corpora). The status
 * is always checked; the echoed request and response checks apply when the status received is 200
 * or 204, the redirect check when it is 3xx, nothing more for any other status. Two rules of the
 * upstream client hold whatever the expectation: a response with {@code Content-Type} exactly
 * {@code application/json} must decode as an echo reply, and a 3xx response must carry a usable
 * {@code Location}.
 */
public final class ResponseCheck {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int EXCERPT = 200;
  /** A status mismatch shows only the start of the body: it says what answered (a route error, an echo ...). */
  private static final int STATUS_EXCERPT = 100;

  private ResponseCheck() {}

  /**
   * The failures, in evaluation order; empty when the response satisfies {@code expect}.
   *
   * @param requestUrl the URL of the request that got this response (redirect resolution)
   */
  public static List<String> evaluate(Expect expect, WireResponse response, Url requestUrl) {
    List<String> failures = new ArrayList<>();
    int status = response.status();
    String contentType = response.headers().first("Content-Type");
    boolean echoType = EchoReply.CONTENT_TYPE.equals(contentType);
    EchoReply echo = null;
    String echoError = null;
    if (echoType) {
      try {
        echo = EchoReply.parse(response.body());
      } catch (IllegalArgumentException e) {
        echoError = e.getMessage();
        failures.add("response has Content-Type application/json but is not an echo reply: " + echoError + "; body " + excerpt(response.body()));
      }
    }
    Url location = null;
    if (status >= 300 && status < 400) {
      String loc = response.headers().first("Location");
      if (loc == null || loc.isEmpty()) {
        failures.add("received " + status + " without a Location header");
      } else {
        try {
          location = requestUrl.resolve(loc);
        } catch (IllegalArgumentException e) {
          failures.add("received " + status + " with an unusable Location: " + e.getMessage());
        }
      }
    }
    Expect.ExpectedStatus expected = expect.expectedStatus();
    if (expected != null && !expected.matches(status)) {
      failures.add(0, "expected status " + expected + ", received " + status + describeBody(response));
      return failures;
    }
    if (status == 200 || status == 204) {
      if (expect.request() != null) checkEchoedRequest(expect, response, contentType, echo, echoError, failures);
      else checkBackendWithoutRequest(expect, response, echo, failures);
      if (expect.expectsNonEcho() && echoType) {
        failures.add("expected a response from the gateway itself, received an echo reply (Content-Type application/json)");
      }
      if (expect.response() != null) checkResponse(expect.response(), response, failures);
    } else if (status >= 300 && status < 400 && expect.redirect() != null && location != null) {
      checkRedirect(expect.redirect(), location, failures);
    }
    return failures;
  }

  private static void checkEchoedRequest(Expect expect, WireResponse response, String contentType, EchoReply echo,
      String echoError, List<String> failures) {
    if (echo == null) {
      if (echoError == null) {
        failures.add("expected an echo reply (Content-Type application/json), received Content-Type "
            + (contentType == null ? "none" : "\"" + contentType + "\"") + ", body " + excerpt(response.body()));
      }
      return;
    }
    EchoedRequest want = expect.request();
    if (want.method() != null && !want.method().equals(echo.method())) {
      failures.add("expected the backend to receive method " + want.method() + ", received " + quote(echo.method()));
    }
    if (want.path() != null && !want.path().equals(echo.path())) {
      failures.add("expected the backend to receive path " + quote(want.path()) + ", received " + quote(echo.path()));
    }
    if (want.host() != null && !want.host().equals(echo.host())) {
      failures.add("expected the backend to receive Host " + quote(want.host()) + ", received " + quote(echo.host()));
    }
    for (Map.Entry<String, String> h : want.headers().entrySet()) {
      List<String> values = echo.header(h.getKey());
      if (values == null) {
        failures.add("expected the backend to receive header " + h.getKey() + ": " + quote(h.getValue()) + ", it was absent"
            + " (received " + echo.headers().keySet() + ")");
      } else if (!String.join(",", values).equals(h.getValue())) {
        failures.add("expected the backend to receive header " + h.getKey() + ": " + quote(h.getValue()) + ", received "
            + quote(String.join(",", values)));
      }
    }
    for (String name : want.absentHeaders()) {
      List<String> values = echo.header(name);
      if (values != null) failures.add("expected the backend not to receive header " + name + ", received " + quote(String.join(",", values)));
    }
    if (want.contentType() != null) {
      List<String> ct = echo.headers().get("Content-Type");
      if (ct != null && !ct.isEmpty() && !ct.get(0).equals(want.contentType())) {
        failures.add("expected the backend to receive Content-Type " + quote(want.contentType()) + ", received " + quote(ct.get(0)));
      }
    }
    if (want.jsonBody() != null) {
      JsonNode got = echo.body();
      if (got == null || !got.isObject() || !JsonCompare.equal(want.jsonBody(), got)) {
        failures.add("expected the backend to receive the JSON body " + want.jsonBody() + ", received " + (got == null ? "none" : got.toString()));
      }
    }
    if (want.body() != null) {
      JsonNode got = echo.body();
      if (got == null || !got.isTextual() || !got.asText().equals(want.body())) {
        failures.add("expected the backend to receive the body " + quote(want.body()) + ", received " + (got == null ? "none" : got.toString()));
      }
    }
    if (expect.namespace() != null && !expect.namespace().equals(echo.namespace())) {
      failures.add("expected the reply from namespace " + expect.namespace() + ", received " + quote(echo.namespace()));
    }
    if (expect.backend() != null && !echo.pod().startsWith(expect.backend())) {
      failures.add("expected the reply from backend " + expect.backend() + ", received pod " + quote(echo.pod()));
    }
    if (expect.backendFromRequestHeader() != null) {
      String h = expect.backendFromRequestHeader();
      List<String> values = echo.headers().get(h);
      if (values == null || values.size() != 1) {
        failures.add("expected the backend to receive exactly one " + h + " header, received " + (values == null ? "none" : values));
      } else if (!echo.pod().startsWith(values.get(0))) {
        failures.add("expected the reply from backend " + values.get(0) + " (header " + h + "), received pod " + quote(echo.pod()));
      }
    }
  }

  /** 7.2: namespace and backend from the {@code Namespace}/{@code Pod} headers, else from an echo reply. */
  private static void checkBackendWithoutRequest(Expect expect, WireResponse response, EchoReply echo, List<String> failures) {
    if (expect.namespace() != null) {
      String ns = response.headers().first("Namespace");
      if (ns == null && echo != null && !echo.namespace().isEmpty()) ns = echo.namespace();
      if (!expect.namespace().equals(ns)) {
        failures.add("expected the reply from namespace " + expect.namespace() + ", received " + (ns == null ? "none (no Namespace header, no echo reply)" : quote(ns)));
      }
    }
    if (expect.backend() != null) {
      String pod = response.headers().first("Pod");
      if (pod == null && echo != null && !echo.pod().isEmpty()) pod = echo.pod();
      if (pod == null || !pod.startsWith(expect.backend())) {
        failures.add("expected the reply from backend " + expect.backend() + ", received " + (pod == null ? "none (no Pod header, no echo reply)" : "pod " + quote(pod)));
      }
    }
    if (expect.backendFromRequestHeader() != null) {
      String h = expect.backendFromRequestHeader();
      List<String> values = echo == null ? null : echo.headers().get(h);
      if (echo == null) {
        failures.add("backendFromRequestHeader needs an echo reply to read the request header from");
      } else if (values == null || values.size() != 1) {
        failures.add("expected the backend to receive exactly one " + h + " header, received " + (values == null ? "none" : values));
      } else if (!echo.pod().startsWith(values.get(0))) {
        failures.add("expected the reply from backend " + values.get(0) + " (header " + h + "), received pod " + quote(echo.pod()));
      }
    }
  }

  private static void checkResponse(ResponseSpec want, WireResponse response, List<String> failures) {
    Headers headers = response.headers();
    boolean squeeze = want.ignoresWhitespace();
    for (Map.Entry<String, String> h : want.headers().entrySet()) {
      String got = headers.joined(h.getKey());
      if (got == null) {
        failures.add("expected response header " + h.getKey() + ": " + quote(h.getValue()) + ", it was absent (received " + headers.names() + ")");
      } else if (!squeeze(got, squeeze).equals(squeeze(h.getValue(), squeeze))) {
        failures.add("expected response header " + h.getKey() + ": " + quote(h.getValue()) + ", received " + quote(got));
      }
    }
    for (Map.Entry<String, List<String>> h : want.headersOneOf().entrySet()) {
      String got = headers.joined(h.getKey());
      if (got == null) {
        failures.add("expected response header " + h.getKey() + " (one of " + h.getValue() + "), it was absent");
      } else if (h.getValue().stream().noneMatch(v -> squeeze(v, squeeze).equals(squeeze(got, squeeze)))) {
        failures.add("expected response header " + h.getKey() + " to be one of " + h.getValue() + ", received " + quote(got));
      }
    }
    for (String name : want.absentHeaders()) {
      String got = headers.joined(name);
      if (got != null) failures.add("expected no response header " + name + ", received " + quote(got));
    }
    if (want.contentType() != null) {
      String got = headers.first("Content-Type");
      if (got != null && !mediaType(got).equals(mediaType(want.contentType()))) {
        failures.add("expected response Content-Type " + quote(want.contentType()) + ", received " + quote(got));
      }
    }
    if (want.jsonBody() != null) {
      JsonNode got = null;
      try {
        got = JSON.readTree(response.body());
      } catch (IOException e) {
        // reported below
      }
      if (got == null || !got.isObject()) {
        failures.add("expected a JSON object body " + want.jsonBody() + ", received " + excerpt(response.body()));
      } else if (!JsonCompare.equal(want.jsonBody(), got, new HashSet<>(want.ignoreFields()))) {
        failures.add("expected the JSON body " + want.jsonBody() + (want.ignoreFields().isEmpty() ? "" : " (ignoring " + want.ignoreFields() + ")")
            + ", received " + got);
      }
    }
    if (want.body() != null) {
      String match = want.bodyMatch() == null ? "exact" : want.bodyMatch();
      byte[] got = response.body();
      boolean ok = switch (match) {
        case "exact" -> java.util.Arrays.equals(got, want.body().getBytes(StandardCharsets.UTF_8));
        case "form" -> FormData.parseUrlEncoded(want.body()).equals(FormData.parseUrlEncoded(new String(got, StandardCharsets.UTF_8)));
        default -> FormData.parseMultipart(want.body()).equals(FormData.parseMultipart(new String(got, StandardCharsets.UTF_8)));
      };
      if (!ok) failures.add("expected the body (" + match + ") " + quote(want.body()) + ", received " + excerpt(got));
    }
  }

  private static void checkRedirect(RedirectSpec want, Url location, List<String> failures) {
    if (want.scheme() != null && !want.scheme().equals(location.scheme())) {
      failures.add("expected a redirect to scheme " + want.scheme() + ", received " + location);
    }
    if (want.host() != null && !want.host().equals(location.host())) {
      failures.add("expected a redirect to host " + want.host() + ", received " + location);
    }
    if (want.port() != null && !want.port().contains(location.port())) {
      failures.add("expected a redirect to port " + (want.port().size() == 1 ? quote(want.port().get(0)) : "one of " + want.port())
          + ", received " + quote(location.port()) + " (" + location + ")");
    }
    if (want.path() != null && !want.path().equals(location.path())) {
      failures.add("expected a redirect to path " + want.path() + ", received " + location);
    }
  }

  /** {@code text/html; charset=utf-8} → {@code text/html}. */
  static String mediaType(String contentType) {
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  private static String squeeze(String s, boolean squeeze) {
    return squeeze ? s.replace(" ", "") : s;
  }

  static String quote(String s) {
    if (s == null) return "none";
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> out.append(c);
      }
    }
    return out.append('"').toString();
  }

  /** The start of a body, for messages. */
  public static String excerpt(byte[] body) {
    return excerpt(body, EXCERPT);
  }

  static String excerpt(byte[] body, int max) {
    if (body.length == 0) return "(empty)";
    String s = new String(body, 0, Math.min(body.length, max), StandardCharsets.UTF_8);
    return quote(s) + (body.length > max ? "... (" + body.length + " bytes)" : "");
  }

  private static String describeBody(WireResponse r) {
    return r.body().length == 0 ? "" : " (body " + excerpt(r.body(), STATUS_EXCERPT) + ")";
  }
}
