package io.higressj.server.edge;

import static io.higressj.server.GatewayFixture.ingress;
import static io.higressj.server.GatewayFixture.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.higressj.proxy.ProxyOptions;
import io.higressj.server.GatewayFixture;
import io.higressj.server.RawHttp;
import io.higressj.server.ServerOptions;
import io.higressj.testing.echo.EchoServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The path is normalised before routing, and the upstream sees the normalised path: a route on
 * {@code /admin} cannot be reached or avoided by spelling the path differently.
 */
class PathNormalizationEdgeTest {
  @TempDir Path dir;
  GatewayFixture f;
  EchoServer admin;
  EchoServer pub;

  private int start(ProxyOptions options) throws Exception {
    f = new GatewayFixture(dir);
    admin = f.echo("ns1", "admin");
    pub = f.echo("ns1", "public");
    f.write("services/admin.yaml", service("ns1", "admin", admin.port()));
    f.write("services/public.yaml", service("ns1", "public", pub.port()));
    f.write("ingresses/admin.yaml", ingress("ns1", "admin", "foo.com", "Prefix", "/admin", "admin"));
    f.write("ingresses/public.yaml", ingress("ns1", "public", "foo.com", "Prefix", "/", "public"));
    f.start(ServerOptions.forTest(dir).withProxy(options));
    return f.gateway().httpPort();
  }

  @AfterEach
  void stop() throws Exception {
    f.close();
  }

  /** Sends a raw request line target and returns "pod path" as the upstream saw it, or the status. */
  private static String send(int port, String requestLine) throws Exception {
    try (RawHttp c = new RawHttp(port)) {
      c.send(requestLine + "\r\nHost: foo.com\r\n\r\n");
      RawHttp.Response r = c.read();
      if (r.status() != 200) return String.valueOf(r.status());
      JsonNode j = GatewayFixture.JSON.readTree(r.body());
      return j.path("pod").asText() + " " + j.path("path").asText();
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "/admin/x                       | admin-pod /admin/x",
      "/public/../admin/x             | admin-pod /admin/x",
      "/%61dmin/x                     | admin-pod /admin/x",
      "/%2e/admin                     | admin-pod /admin",
      "/x/%2E%2e/admin/./y            | admin-pod /admin/y",
      "/admin/%2e%2e/other            | public-pod /other",
      "/admin/../other?q=/../admin    | public-pod /other?q=/../admin",
      "/a/./b/../c?x=%2e%2e&y=%7e#    | 400",
      "/a/./b/../c?x=%2e%2e&y=%7e     | public-pod /a/c?x=%2e%2e&y=%7e",
      "/%7euser/%7E                   | public-pod /~user/~",
      "/x%2fy%5cz                     | public-pod /x%2Fy%5Cz",
      "/admin%2Fx                     | public-pod /admin%2Fx",
      "/ADMIN                         | public-pod /ADMIN",
      "//admin                        | public-pod //admin",
      "/..                            | 400",
      "/../admin                      | 400",
      "/admin/../../admin             | 400",
      "/%2e%2e/admin                  | 400",
      "/bad%zzescape                  | 400",
  })
  void pathsAreNormalisedBeforeRoutingAndTowardsTheUpstream(String target, String expected) throws Exception {
    int port = start(ProxyOptions.defaults());
    assertThat(send(port, "GET " + target + " HTTP/1.1")).isEqualTo(expected);
  }

  @Test
  void slashesAreMergedWhenConfigured() throws Exception {
    int port = start(ProxyOptions.defaults().toBuilder().mergeSlashes(true).build());
    assertThat(send(port, "GET //admin//x HTTP/1.1")).isEqualTo("admin-pod /admin/x");
    assertThat(send(port, "GET /a//b/?q=//x HTTP/1.1")).isEqualTo("public-pod /a/b/?q=//x");
  }

  @Test
  void escapedSlashesCanBeRefused() throws Exception {
    int port = start(ProxyOptions.defaults().toBuilder().escapedSlashes(ProxyOptions.EscapedSlashes.REJECT).build());
    assertThat(send(port, "GET /admin%2Fx HTTP/1.1")).isEqualTo("400");
    assertThat(send(port, "GET /a%5cb HTTP/1.1")).isEqualTo("400");
    assertThat(send(port, "GET /a%2e/b HTTP/1.1")).isEqualTo("public-pod /a./b");
  }

  @Test
  void absoluteFormTargetsMustAgreeWithHost() throws Exception {
    int port = start(ProxyOptions.defaults());
    assertThat(send(port, "GET http://foo.com/public/../admin HTTP/1.1")).isEqualTo("admin-pod /admin");
    assertThat(send(port, "GET http://FOO.com:80/admin?x=1 HTTP/1.1")).isEqualTo("admin-pod /admin?x=1");
    assertThat(send(port, "GET http://evil.com/admin HTTP/1.1")).isEqualTo("400");
    assertThat(send(port, "GET http://foo.com:8080/admin HTTP/1.1")).isEqualTo("400");
  }
}
