package io.higressj.conformance.client;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Requests as the upstream harnesses' Go {@code net/http} client sends them (FORMAT.md section 6):
 * canonical header names, {@code User-Agent: Go-http-client/1.1} (or {@code /2.0}) unless given,
 * {@code Accept-Encoding: gzip} unless an {@code Accept-Encoding} or {@code Range} header is given or
 * the method is HEAD, with a gzip response decompressed and its {@code Content-Encoding} and
 * {@code Content-Length} removed, and redirects followed like {@code http.Client} (at most 10).
 */
public final class GoClient {
  private static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");
  /** Headers Go writes itself or never copies from the header map. */
  private static final Set<String> OWN_HEADERS = Set.of("host", "user-agent", "content-length", "transfer-encoding", "trailer");
  private static final Set<String> SENSITIVE = Set.of("authorization", "www-authenticate", "cookie", "cookie2");
  static final int MAX_REDIRECTS = 10;

  /** Maps a URL's scheme, host and port to the address to connect to (every name leads to the gateway). */
  @FunctionalInterface
  public interface Dialer {
    InetSocketAddress dial(String scheme, String host, int port) throws IOException;
  }

  /**
   * What to send.
   *
   * @param url the request URL: scheme, the address dialled (its host is the default Host) and the target
   * @param hostOverride the Host header / {@code :authority}; null: the URL's host
   * @param method request method
   * @param headers header lines as the case gives them (names in any case), in order
   * @param body null: none
   * @param protocol HTTP/1.1, HTTP/2 (https only) or h2c
   * @param tls for https: SNI, versions ...; null: Go's defaults with the URL host as SNI
   * @param followRedirects whether to follow 3xx responses
   * @param timeout for the whole exchange, redirects included
   */
  public record Call(
      Url url,
      String hostOverride,
      String method,
      List<Headers.Line> headers,
      byte[] body,
      WireRequest.Protocol protocol,
      TlsOptions tls,
      boolean followRedirects,
      Duration timeout) {
    public Call {
      requireNonNull(url, "url");
      requireNonNull(method, "method");
      headers = List.copyOf(headers);
      requireNonNull(protocol, "protocol");
      requireNonNull(timeout, "timeout");
    }
  }

  /**
   * What came back.
   *
   * @param response the final response (decompressed when Go would have)
   * @param url the URL of the final request
   * @param request the final request as sent
   * @param redirects how many redirects were followed
   */
  public record Result(WireResponse response, Url url, WireRequest request, int redirects) {}

  private final WireClient wire;
  private final Dialer dialer;

  public GoClient(WireClient wire, Dialer dialer) {
    this.wire = requireNonNull(wire, "wire");
    this.dialer = requireNonNull(dialer, "dialer");
  }

  public Result execute(Call call) throws IOException {
    long deadline = System.nanoTime() + call.timeout().toNanos();
    Url url = call.url();
    String method = call.method();
    byte[] body = call.body();
    String host = call.hostOverride();
    List<Headers.Line> headers = call.headers();
    String referer = null;
    for (int redirects = 0; ; redirects++) {
      WireRequest.Protocol protocol = protocolFor(call.protocol(), url.scheme());
      TlsOptions tls = null;
      if (url.scheme().equals("https")) tls = call.tls() != null ? call.tls() : TlsOptions.insecure(url.host());
      String authority = host != null ? host : url.hostPort();
      boolean gzip = requestsGzip(method, headers);
      Headers lines = protocol == WireRequest.Protocol.HTTP_1_1
          ? http1Headers(method, headers, body, gzip, referer)
          : http2Headers(method, headers, body, gzip, referer);
      long left = deadline - System.nanoTime();
      if (left <= 0) throw new IOException("no complete response within " + call.timeout().toMillis() + " ms");
      WireRequest request = new WireRequest(dialer.dial(url.scheme(), url.host(), url.effectivePort()), protocol, tls, method,
          url.requestTarget(), authority, lines, body == null || body.length == 0 ? null : body, Duration.ofNanos(left));
      WireResponse response = wire.send(request);
      if (gzip) response = decompress(response);
      int status = response.status();
      String location = response.headers().first("Location");
      boolean redirect = switch (status) {
        case 301, 302, 303 -> true;
        case 307, 308 -> location != null && !location.isEmpty();
        default -> false;
      };
      if (!call.followRedirects() || !redirect || location == null || location.isEmpty()) {
        return new Result(response, url, request, redirects);
      }
      if (redirects + 1 >= MAX_REDIRECTS) throw new IOException("stopped after " + MAX_REDIRECTS + " redirects");
      Url next;
      try {
        next = url.resolve(location);
      } catch (IllegalArgumentException e) {
        throw new IOException("failed to follow redirect: " + e.getMessage());
      }
      if (status <= 303) {
        if (!method.equals("GET") && !method.equals("HEAD")) method = "GET";
        body = null;
      }
      // Go keeps a Host override only for a relative Location
      String originalHost = call.hostOverride();
      host = originalHost != null && !originalHost.equals(call.url().hostPort()) && !Url.isAbsolute(location) ? originalHost : null;
      headers = redirectHeaders(call.headers(), call.url(), next);
      referer = url.scheme().equals("https") && next.scheme().equals("http") ? null : url.toString();
      url = next;
    }
  }

  private static WireRequest.Protocol protocolFor(WireRequest.Protocol wanted, String scheme) {
    if (scheme.equals("https")) return wanted == WireRequest.Protocol.H2C ? WireRequest.Protocol.HTTP_1_1 : wanted;
    return wanted == WireRequest.Protocol.HTTP_2 ? WireRequest.Protocol.HTTP_1_1 : wanted;
  }

  /** Go asks for gzip unless the request names an encoding or a range, or is a HEAD. */
  static boolean requestsGzip(String method, List<Headers.Line> headers) {
    if (method.equals("HEAD")) return false;
    for (Headers.Line l : headers) {
      String n = l.name().toLowerCase(Locale.ROOT);
      if ((n.equals("accept-encoding") || n.equals("range")) && !l.value().isEmpty()) return false;
    }
    return true;
  }

  /** The header map as Go holds it: canonical names, values in order, names sorted. */
  static Map<String, List<String>> headerMap(List<Headers.Line> headers) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (Headers.Line l : headers) map.computeIfAbsent(GoHeaders.canonical(l.name()), k -> new ArrayList<>()).add(l.value());
    return map;
  }

  /** Go's HTTP/1.1 order: User-Agent, Content-Length, the header map sorted by name, then Accept-Encoding. */
  static Headers http1Headers(String method, List<Headers.Line> given, byte[] body, boolean gzip, String referer) {
    Map<String, List<String>> map = headerMap(given);
    if (referer != null) map.put("Referer", List.of(referer));
    List<Headers.Line> out = new ArrayList<>();
    List<String> ua = map.get("User-Agent");
    String userAgent = ua == null ? "Go-http-client/1.1" : ua.get(0).strip();
    if (!userAgent.isEmpty()) out.add(new Headers.Line("User-Agent", userAgent));
    if (body != null && body.length > 0) out.add(new Headers.Line("Content-Length", Integer.toString(body.length)));
    else if (BODY_METHODS.contains(method)) out.add(new Headers.Line("Content-Length", "0"));
    map.keySet().stream().sorted().forEach(name -> {
      if (OWN_HEADERS.contains(name.toLowerCase(Locale.ROOT))) return;
      for (String v : map.get(name)) out.add(new Headers.Line(name, v.strip()));
    });
    if (gzip) out.add(new Headers.Line("Accept-Encoding", "gzip"));
    return Headers.of(out);
  }

  /** Go's HTTP/2 fields (names lower-cased by the wire client): the header map, then content-length, accept-encoding, user-agent. */
  static Headers http2Headers(String method, List<Headers.Line> given, byte[] body, boolean gzip, String referer) {
    Map<String, List<String>> map = headerMap(given);
    if (referer != null) map.put("Referer", List.of(referer));
    List<Headers.Line> out = new ArrayList<>();
    String userAgent = "Go-http-client/2.0";
    for (String name : map.keySet().stream().sorted(Comparator.naturalOrder()).toList()) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (Set.of("host", "content-length", "connection", "proxy-connection", "transfer-encoding", "upgrade", "keep-alive").contains(lower)) continue;
      if (lower.equals("user-agent")) {
        userAgent = map.get(name).get(0).strip();
        continue;
      }
      for (String v : map.get(name)) out.add(new Headers.Line(lower, v.strip()));
    }
    if (body != null && body.length > 0) out.add(new Headers.Line("content-length", Integer.toString(body.length)));
    else if (BODY_METHODS.contains(method)) out.add(new Headers.Line("content-length", "0"));
    if (gzip) out.add(new Headers.Line("accept-encoding", "gzip"));
    if (!userAgent.isEmpty()) out.add(new Headers.Line("user-agent", userAgent));
    return Headers.of(out);
  }

  /** The original headers, without credentials when the redirect leaves the original domain (Go's rule). */
  static List<Headers.Line> redirectHeaders(List<Headers.Line> original, Url from, Url to) {
    boolean sameDomain = to.host().equalsIgnoreCase(from.host()) || to.host().toLowerCase(Locale.ROOT).endsWith("." + from.host().toLowerCase(Locale.ROOT));
    if (sameDomain) return original;
    List<Headers.Line> out = new ArrayList<>();
    for (Headers.Line l : original) {
      if (!SENSITIVE.contains(l.name().toLowerCase(Locale.ROOT))) out.add(l);
    }
    return out;
  }

  /** Go's transparent gzip: only when it asked for gzip and the response says {@code Content-Encoding: gzip}. */
  static WireResponse decompress(WireResponse r) throws IOException {
    String encoding = r.headers().first("Content-Encoding");
    if (encoding == null || !encoding.equalsIgnoreCase("gzip")) return r;
    Headers headers = r.headers().without("Content-Encoding").without("Content-Length");
    if (r.body().length == 0) return r.withHeadersAndBody(headers, r.body());
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body()))) {
      return r.withHeadersAndBody(headers, in.readAllBytes());
    } catch (IOException e) {
      throw new IOException("cannot decompress the gzip response body: " + e.getMessage(), e);
    }
  }
}
