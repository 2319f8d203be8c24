package io.higressj.conformance.run;

import io.higressj.conformance.client.GoClient;
import io.higressj.conformance.client.GrpcClient;
import io.higressj.conformance.client.Headers;
import io.higressj.conformance.client.TlsOptions;
import io.higressj.conformance.client.Url;
import io.higressj.conformance.client.WireClient;
import io.higressj.conformance.client.WireRequest;
import io.higressj.conformance.corpus.RequestSpec;
import io.higressj.conformance.corpus.Traffic.GrpcSpec;
import io.higressj.conformance.corpus.Traffic.Target;
import io.higressj.testing.tls.GeneratedCertificate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a case's {@code request} into what goes on the wire (FORMAT.md section 6) and sends it:
 * the URL of the logical gateway address, the Host override, the header lines, the
 * {@code X-Echo-Set-Header} instruction, the body with its Content-Type, TLS and protocol.
 */
final class Exchanges {
  static final String ECHO_SET_HEADER = "X-Echo-Set-Header";

  private final WireClient wire;
  private final Targets targets;
  private final Map<String, GeneratedCertificate> certificates;
  private final Duration timeout;

  Exchanges(WireClient wire, Targets targets, Map<String, GeneratedCertificate> certificates, Duration timeout) {
    this.wire = wire;
    this.targets = targets;
    this.certificates = certificates;
    this.timeout = timeout;
  }

  Duration timeout() {
    return timeout;
  }

  /** Sends {@code request} to {@code target} (null: the default address) like the upstream Go client. */
  GoClient.Result send(Target target, RequestSpec request) throws IOException {
    return new GoClient(wire, targets.dialer(target)).execute(call(target, request));
  }

  GoClient.Call call(Target target, RequestSpec r) throws IOException {
    String scheme = r.tls() != null ? "https" : "http";
    Targets.Endpoint ep = targets.resolve(target, scheme);
    Url url = Url.of(scheme, ep.authority(scheme), r.path());
    byte[] body = r.body() == null ? null : r.body().getBytes(StandardCharsets.UTF_8);
    return new GoClient.Call(url, r.host(), r.method(), headerLines(r), body, protocol(r), tls(r), r.followsRedirects(), timeout);
  }

  /** The case's header lines, then {@code X-Echo-Set-Header}, then the body's Content-Type. */
  static List<Headers.Line> headerLines(RequestSpec r) {
    List<Headers.Line> lines = new ArrayList<>();
    r.headers().forEach((name, values) -> values.forEach(v -> lines.add(new Headers.Line(name, v))));
    if (lines.stream().noneMatch(l -> l.name().equalsIgnoreCase(ECHO_SET_HEADER))) {
      List<String> pairs = new ArrayList<>();
      r.echoSetHeaders().forEach((name, value) -> pairs.add(name + ":" + value));
      lines.add(new Headers.Line(ECHO_SET_HEADER, String.join(",", pairs)));
    }
    if (r.body() != null && r.contentType() != null) lines.add(new Headers.Line("Content-Type", r.contentType()));
    return lines;
  }

  private static WireRequest.Protocol protocol(RequestSpec r) {
    return switch (r.wireProtocol()) {
      case HTTP_1_1 -> WireRequest.Protocol.HTTP_1_1;
      case HTTP_2 -> WireRequest.Protocol.HTTP_2;
      case H2C -> WireRequest.Protocol.H2C;
    };
  }

  /** {@code tls} as client options; a missing SNI is the request's host, as upstream fills it. */
  TlsOptions tls(RequestSpec r) throws IOException {
    RequestSpec.TlsSpec t = r.tls();
    if (t == null) return null;
    String sni = t.sni() != null ? t.sni() : r.host();
    List<String> protocols = new ArrayList<>();
    if (t.minVersion() != null || t.maxVersion() != null) {
      List<String> all = List.of("TLS1.0", "TLS1.1", "TLS1.2", "TLS1.3");
      int from = t.minVersion() == null ? all.indexOf("TLS1.2") : all.indexOf(t.minVersion());
      int to = t.maxVersion() == null ? all.indexOf("TLS1.3") : all.indexOf(t.maxVersion());
      for (int i = from; i <= to; i++) protocols.add(TlsOptions.jdkProtocol(all.get(i)));
      if (protocols.isEmpty()) throw new IOException("tls: minVersion " + t.minVersion() + " is above maxVersion " + t.maxVersion());
    }
    List<X509Certificate> trusted = new ArrayList<>();
    for (String id : t.trustedCertificateIds()) trusted.add(certificate(id, "caCertificates").cert());
    GeneratedCertificate client = t.clientCert() == null ? null : certificate(t.clientCert(), "clientCert");
    return new TlsOptions(sni, protocols, t.cipherSuites(), trusted, t.verifies(), client == null ? null : client.cert(),
        client == null ? null : client.key(), List.of());
  }

  private GeneratedCertificate certificate(String id, String field) throws IOException {
    GeneratedCertificate c = certificates.get(id);
    if (c == null) throw new IOException("tls." + field + ": no generated certificate with id " + id);
    return c;
  }

  /** A unary gRPC call to {@code target}: {@code :authority} is the spec's, else the target's address:port. */
  GrpcClient.Reply grpc(Target target, GrpcSpec spec, Map<String, String> extraMetadata) throws IOException {
    Targets.Endpoint ep = targets.resolve(target, "http");
    String authority = spec.authority() != null ? spec.authority() : ep.logicalHost() + ":" + ep.logicalPort();
    Map<String, String> metadata = new java.util.LinkedHashMap<>(spec.metadata());
    metadata.putAll(extraMetadata);
    return new GrpcClient(wire).call(ep.dial(), authority, spec.path(), metadata, timeout);
  }

  /** {@code GET http://foo.com/path}, with the protocol and SNI when they matter. */
  static String describe(GoClient.Call call) {
    String host = call.hostOverride() != null ? call.hostOverride() : call.url().hostPort();
    StringBuilder s = new StringBuilder(call.method()).append(' ').append(call.url().scheme()).append("://").append(host)
        .append(call.url().requestTarget());
    if (call.protocol() != WireRequest.Protocol.HTTP_1_1) s.append(call.protocol() == WireRequest.Protocol.HTTP_2 ? " over HTTP/2" : " over h2c");
    if (call.tls() != null && call.tls().sni() != null && !call.tls().sni().equals(host)) s.append(" (SNI ").append(call.tls().sni()).append(')');
    return s.toString();
  }
}
