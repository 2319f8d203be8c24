package io.higressj.server.edge.h2;

import static io.higressj.server.GatewayFixture.ingress;
import static io.higressj.server.GatewayFixture.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.proxy.Http2Options;
import io.higressj.proxy.ProxyOptions;
import io.higressj.server.GatewayFixture;
import io.higressj.server.ServerOptions;
import io.higressj.testing.echo.EchoServer;
import io.higressj.testing.http2.Http2Frames;
import io.higressj.testing.tls.GeneratedCertificate;
import io.higressj.testing.http2.RawHttp2;
import io.higressj.testing.http2.RawHttp2.Frame;
import java.nio.file.Path;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/**
 * A gateway with one route (host {@value #HOST}, every path, to an echo upstream) for the HTTP/2
 * edge tests, and the check they share: a flooding client gets the expected GOAWAY and is
 * disconnected, while a well-behaved client on another connection is served before, during and
 * after the flood.
 */
final class Http2EdgeFixture implements AutoCloseable {
  static final String HOST = "foo.com";

  final GatewayFixture gateway;
  final EchoServer echo;
  final int port;

  private Http2EdgeFixture(GatewayFixture gateway, EchoServer echo) {
    this.gateway = gateway;
    this.echo = echo;
    this.port = gateway.gateway().httpPort();
  }

  static Http2EdgeFixture start(Path dir) throws Exception {
    return start(dir, h2 -> h2);
  }

  /** A gateway whose {@link Http2Options} are the defaults changed by {@code http2}. */
  static Http2EdgeFixture start(Path dir, UnaryOperator<Http2Options.Builder> http2) throws Exception {
    return start(dir, ProxyOptions.defaults().toBuilder()
        .http2(http2.apply(Http2Options.defaults().toBuilder()).build()).build(), EchoServer.Kind.ECHO_SERVER);
  }

  static Http2EdgeFixture start(Path dir, ProxyOptions options, EchoServer.Kind upstream) throws Exception {
    return start(dir, options, upstream, null);
  }

  /**
   * @param certificate served on the HTTPS listener for every host (a catch-all TLS Ingress) when
   *     not null; the route on {@value #HOST} is then also reachable without a host
   */
  static Http2EdgeFixture start(Path dir, ProxyOptions options, EchoServer.Kind upstream, GeneratedCertificate certificate)
      throws Exception {
    GatewayFixture f = new GatewayFixture(dir);
    EchoServer echo = EchoServer.start(EchoServer.Options.of(upstream, "ns1", "echo-pod"));
    try {
      f.write("services/echo.yaml", service("ns1", "echo", echo.port()));
      f.write("ingresses/foo.yaml", ingress("ns1", "foo", HOST, "Prefix", "/", "echo"));
      if (certificate != null) {
        f.write("secrets/tls.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: default-tls, namespace: ns1}\n"
            + "type: kubernetes.io/tls\nstringData:\n  tls.crt: |\n" + indent(certificate.certPem())
            + "  tls.key: |\n" + indent(certificate.keyPem()));
        f.write("ingresses/tls.yaml", """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: catchall, namespace: ns1}
            spec:
              tls: [{secretName: default-tls}]
              rules:
              - http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: echo, port: {number: 8080}}}}]}
            """);
      }
      f.start(ServerOptions.forTest(dir).withProxy(options));
      return new Http2EdgeFixture(f, echo);
    } catch (Exception | Error e) {
      f.close();
      echo.close();
      throw e;
    }
  }

  private static String indent(String pem) {
    StringBuilder b = new StringBuilder();
    for (String line : pem.split("\n")) b.append("    ").append(line).append('\n');
    return b.toString();
  }

  int httpsPort() {
    return gateway.gateway().httpsPort();
  }

  /** A well-behaved h2c client on its own connection. */
  RawHttp2 client() throws Exception {
    return RawHttp2.connect(port);
  }

  static void assertServed(RawHttp2 client, String path) throws Exception {
    RawHttp2.Response r = client.get(HOST, path);
    assertThat(r.status()).as("GET " + path + " (reset code " + r.resetCode() + ")").isEqualTo(200);
    assertThat(r.bodyText()).contains("\"path\":\"" + path + "\"");
  }

  /**
   * Connects an attacker that first sends {@code opening} and then floods with {@code chunk(0)},
   * {@code chunk(1)}, ...; asserts it gets a GOAWAY with {@code errorCode} and that the gateway
   * closes its connection, and that a client on another connection is served before, while and
   * after the flood runs. Returns the GOAWAY.
   */
  Frame assertFloodEndsWithGoAway(int errorCode, byte[] opening, IntFunction<byte[]> chunk) throws Exception {
    try (RawHttp2 good = client(); RawHttp2 bad = client()) {
      assertServed(good, "/before");
      bad.answering(false); // the attacker writes every frame itself (nothing of ours lands in a header block)
      bad.write(opening);
      Frame goAway;
      try (RawHttp2.Flood flood = bad.flood(chunk)) {
        assertServed(good, "/during");
        goAway = bad.awaitGoAway();
        assertThat(Http2Frames.errorName(goAway.errorCode())).as(goAway.toString()).isEqualTo(Http2Frames.errorName(errorCode));
        assertThat(bad.awaitClose(5_000)).as("the gateway closes the connection after " + goAway).isTrue();
        // the writer counts a chunk after writing it, and the gateway may answer the first one before that
        long until = System.nanoTime() + 2_000_000_000L;
        while (flood.chunks() == 0 && System.nanoTime() < until) Thread.onSpinWait();
        assertThat(flood.chunks()).as("the attacker got to send something").isPositive();
      }
      assertServed(good, "/after");
      return goAway;
    }
  }

  @Override
  public void close() throws Exception {
    try {
      gateway.close();
    } finally {
      echo.close();
    }
  }
}
