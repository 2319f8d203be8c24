package io.higressj.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.higressj.testing.echo.EchoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessLogTest {
  @TempDir Path dir;

  @Test
  void oneJsonLinePerRequestWithRouteUpstreamAndFlags() throws Exception {
    Path log = dir.resolve("logs/access.log");
    try (GatewayFixture f = new GatewayFixture(dir.resolve("conf"))) {
      EchoServer echo = f.fooToEcho();
      f.start(ServerOptions.forTest(dir.resolve("conf")).withAccessLog(log.toString()));
      assertThat(f.get("foo.com", "/a?b=c").statusCode()).isEqualTo(200);
      assertThat(f.get("nowhere.com", "/x").statusCode()).isEqualTo(404);
      long deadline = System.nanoTime() + 5_000_000_000L;
      List<String> lines;
      do {
        Thread.sleep(20);
        lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
      } while (lines.size() < 2 && System.nanoTime() < deadline);
      assertThat(lines).hasSize(2);
      JsonNode ok = GatewayFixture.JSON.readTree(lines.get(0));
      assertThat(ok.path("method").asText()).isEqualTo("GET");
      assertThat(ok.path("authority").asText()).isEqualTo("foo.com");
      assertThat(ok.path("path").asText()).isEqualTo("/a?b=c");
      assertThat(ok.path("status").asInt()).isEqualTo(200);
      assertThat(ok.path("bytes_out").asLong()).isPositive();
      assertThat(ok.path("upstream").asText()).isEqualTo("127.0.0.1:" + echo.port());
      assertThat(ok.path("route").asText()).isEqualTo("ns1/foo/rule0/path0");
      assertThat(ok.path("flags").asText()).isEqualTo("-");
      assertThat(ok.path("duration_us").asLong()).isPositive();
      assertThat(ok.path("time").asText()).endsWith("Z");
      JsonNode nr = GatewayFixture.JSON.readTree(lines.get(1));
      assertThat(nr.path("status").asInt()).isEqualTo(404);
      assertThat(nr.path("flags").asText()).isEqualTo("NR");
      assertThat(nr.path("route").asText()).isEqualTo("-");
    }
  }
}
