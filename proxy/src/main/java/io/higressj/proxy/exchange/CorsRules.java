package io.higressj.proxy.exchange;

import io.higressj.config.model.RoutePolicy;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.AsciiString;

/**
 * A route's CORS policy at work, as Envoy's CORS filter (which Higress configures) does it: only requests
 * with an {@code Origin} the policy allows are CORS requests; of those, an {@code OPTIONS} with a
 * non-empty {@code Access-Control-Request-Method} is a preflight and is answered by the gateway; the
 * responses to the others get the {@code Access-Control-Allow-Origin} (the request's origin), {@code
 * -Allow-Credentials} and {@code -Expose-Headers} headers. Everything else passes untouched, including
 * preflights from origins the policy does not allow (the upstream answers them).
 */
final class CorsRules {
  private static final AsciiString TRUE = AsciiString.cached("true");

  private CorsRules() {}

  /** The request's origin when {@code cors} allows it, else null (not a CORS request). */
  static String allowedOrigin(RoutePolicy.Cors cors, HttpHeaders h) {
    String origin = h.get(HttpHeaderNames.ORIGIN);
    if (origin == null || origin.isEmpty()) return null;
    return cors.allowOrigins().allows(origin) ? origin : null;
  }

  /** Whether a CORS request is a preflight. */
  static boolean isPreflight(HttpMethod method, HttpHeaders h) {
    if (!HttpMethod.OPTIONS.equals(method)) return false;
    String m = h.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
    return m != null && !m.isEmpty();
  }

  /** The headers of the gateway's answer to a preflight. */
  static void preflightHeaders(RoutePolicy.Cors cors, String origin, HttpHeaders out) {
    out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    if (cors.allowCredentials()) out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE);
    if (cors.allowMethods() != null) out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, cors.allowMethods());
    if (cors.allowHeaders() != null) out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, cors.allowHeaders());
    if (cors.maxAge() != null) out.set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, cors.maxAge());
  }

  /**
   * What the Gateway API CORS filter adds to a preflight answer: the exposed headers and, with credentials
   * (where a {@code *} is not a wildcard for browsers), the method and headers the preflight asks for in
   * place of {@code *}.
   */
  static void gatewayApiPreflight(RoutePolicy.Cors cors, HttpHeaders request, HttpHeaders out) {
    if (cors.exposeHeaders() != null) out.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, cors.exposeHeaders());
    if (!cors.allowCredentials()) return;
    String m = request.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
    if ("*".equals(cors.allowMethods()) && m != null) out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, m);
    String h = request.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
    if ("*".equals(cors.allowHeaders()) && h != null) out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, h);
    if ("*".equals(cors.exposeHeaders())) out.remove(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS);
  }

  /** The headers a response to a (non-preflight) CORS request gets; they replace the upstream's. */
  static void responseHeaders(RoutePolicy.Cors cors, String origin, HttpHeaders out) {
    out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    if (cors.allowCredentials()) out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE);
    if (cors.exposeHeaders() != null) out.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, cors.exposeHeaders());
  }
}
