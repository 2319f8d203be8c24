package io.higressj.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.testing.echo.EchoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A gateway on a large directory keeps a read cache (--read-cache) and restarts from it. */
class ReadCacheRestartTest {
  @TempDir Path conf;
  @TempDir Path cacheDir;

  private void age() throws Exception {
    FileTime hourAgo = FileTime.fromMillis(System.currentTimeMillis() - 3_600_000);
    try (Stream<Path> files = Files.walk(conf)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) Files.setLastModifiedTime(f, hourAgo);
    }
  }

  private List<Path> caches() throws Exception {
    try (Stream<Path> files = Files.list(cacheDir)) {
      return files.toList();
    }
  }

  @Test
  void aRestartServesTheSameRoutesAndWhatChangedWhileItWasStopped() throws Exception {
    EchoServer echo = EchoServer.start(EchoServer.Options.of(EchoServer.Kind.ECHO_SERVER, "ns1", "echo-pod"));
    try {
      GatewayFixture first = new GatewayFixture(conf);
      for (int i = 0; i < 1_000; i++) { // the size from which a directory gets a read cache
        first.write("fill/svc-" + i + ".yaml", GatewayFixture.service("fill", "svc-" + i, 9));
      }
      first.write("services/echo.yaml", GatewayFixture.service("ns1", "echo", echo.port()));
      first.write("ingresses/foo.yaml", GatewayFixture.ingress("ns1", "foo", "foo.com", "Prefix", "/", "echo"));
      age();
      try (first) {
        first.start(ServerOptions.forTest(conf).withReadCache(cacheDir));
        assertThat(first.get("foo.com", "/").statusCode()).isEqualTo(200);
      } // stopped: the cache is written
      assertThat(caches()).singleElement().satisfies(c -> assertThat(Files.size(c)).isGreaterThan(10_000));

      // while it is stopped: a new Ingress, and the old one sent elsewhere
      first.write("ingresses/bar.yaml", GatewayFixture.ingress("ns1", "bar", "bar.com", "Prefix", "/", "echo"));
      first.write("ingresses/foo.yaml", GatewayFixture.ingress("ns1", "foo", "foo.com", "Prefix", "/moved", "echo"));
      try (GatewayFixture second = new GatewayFixture(conf)) {
        second.start(ServerOptions.forTest(conf).withReadCache(cacheDir));
        assertThat(second.get("bar.com", "/").statusCode()).isEqualTo(200);
        assertThat(second.get("foo.com", "/moved").statusCode()).isEqualTo(200);
        assertThat(second.get("foo.com", "/").statusCode()).isEqualTo(404);
      }
    } finally {
      echo.close();
    }
  }
}
