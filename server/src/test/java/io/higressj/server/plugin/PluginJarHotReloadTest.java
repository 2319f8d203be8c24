package io.higressj.server.plugin;

import static io.higressj.server.GatewayFixture.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.api.PluginFactory;
import io.higressj.server.GatewayFixture;
import io.higressj.testing.echo.EchoServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's plugin jar dropped into {@code <config-dir>/plugins/}: loaded, replaced and removed while the
 * gateway serves, each version in its own class loader; the replaced version's loader is closed once no
 * snapshot uses it. The jars are compiled by the test with javax.tools.
 */
class PluginJarHotReloadTest {
  @TempDir Path dir;
  @TempDir Path build;
  GatewayFixture f;
  EchoServer echo;

  @BeforeEach
  void setUp() throws Exception {
    f = new GatewayFixture(dir);
    echo = f.fooToEcho();
    f.write("wasmplugins/jar.yaml", """
        apiVersion: extensions.higress.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: jar-plugin, namespace: higress-system}
        spec:
          url: oci://registry.example.com/plugins/jar-plugin:1.0.0
          defaultConfig: {suffix: "-cfg"}
        """);
    f.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  /** Compiles a plugin whose filter sets {@code x-jar-version: <version><suffix>} on responses into a jar. */
  Path pluginJar(String version) throws IOException, URISyntaxException {
    Path src = build.resolve(version + "/src/example/JarPlugin.java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, """
        package example;

        import io.higressj.api.*;
        import java.util.Map;

        public final class JarPlugin implements PluginFactory<String> {
          public String name() { return "jar-plugin"; }

          public String parseConfig(Map<String, Object> config) throws PluginConfigException {
            Object s = config.get("suffix");
            if (!(s instanceof String)) throw new PluginConfigException("suffix", "missing (expected: a string)");
            return (String) s;
          }

          public HttpFilter create(String suffix) {
            return new HttpFilter() {
              public Action onResponseHeaders(FilterContext ctx, ResponseHeaders headers, boolean end) {
                headers.set("x-jar-version", "%s" + suffix);
                return Action.CONTINUE;
              }
            };
          }
        }
        """.formatted(version));
    Path classes = build.resolve(version + "/classes");
    Files.createDirectories(classes);
    String api = Path.of(PluginFactory.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int rc = javac.run(null, null, null, "-classpath", api, "-d", classes.toString(), src.toString());
    assertThat(rc).isZero();
    Path jar = build.resolve(version + "/jar-plugin.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      put(out, "META-INF/services/io.higressj.api.PluginFactory", "example.JarPlugin\n".getBytes(StandardCharsets.UTF_8));
      try (Stream<Path> files = Files.walk(classes)) {
        for (Path p : files.filter(Files::isRegularFile).toList()) {
          put(out, classes.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
        }
      }
    }
    return jar;
  }

  static void put(JarOutputStream out, String name, byte[] bytes) throws IOException {
    out.putNextEntry(new JarEntry(name));
    out.write(bytes);
    out.closeEntry();
  }

  /** Installs a jar as a deployment tool would: a temporary name, then a rename. */
  void install(Path jar, long mtimeMillis) throws IOException {
    Path plugins = dir.resolve("plugins");
    Files.createDirectories(plugins);
    Path tmp = plugins.resolve(".jar-plugin.jar.tmp");
    Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
    Files.setLastModifiedTime(tmp, FileTime.fromMillis(mtimeMillis));
    Files.move(tmp, plugins.resolve("jar-plugin.jar"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void jarIsLoadedReplacedAndRemovedWithoutRestart() throws Exception {
    // no jar yet: the WasmPlugin names a plugin nobody serves
    assertThat(f.get("foo.com", "/").headers().firstValue("x-jar-version")).isEmpty();
    // and its oci:// module cannot be fetched (no such registry): reported on the WasmPlugin
    long reported = System.nanoTime() + 10_000_000_000L;
    while (!f.adminGet("/config_dump").contains("loading the Wasm module oci://registry.example.com/plugins/jar-plugin:1.0.0 failed")) {
      if (System.nanoTime() > reported) throw new AssertionError("no fetch failure reported: " + f.adminGet("/config_dump"));
      Thread.sleep(20);
    }

    install(pluginJar("v1"), 1_000_000L);
    f.await("foo.com", "/", r -> "v1-cfg".equals(r.headers().firstValue("x-jar-version").orElse(null)));

    install(pluginJar("version2"), 2_000_000L);
    f.await("foo.com", "/", r -> "version2-cfg".equals(r.headers().firstValue("x-jar-version").orElse(null)));

    // the first version's loader closes once the snapshots that used it are gone
    Path installed = dir.resolve("plugins/jar-plugin.jar");
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (f.gateway().plugins().retiredLoaderOpen(installed) && System.nanoTime() < deadline) {
      System.gc();
      f.get("foo.com", "/");
      Thread.sleep(50);
    }
    assertThat(f.gateway().plugins().retiredLoaderOpen(installed)).isFalse();

    Files.delete(installed);
    f.await("foo.com", "/", r -> r.statusCode() == 200 && r.headers().firstValue("x-jar-version").isEmpty());
  }

  @Test
  void aJarPresentAtStartServesTheFirstConfiguration() throws Exception {
    f.close();
    install(pluginJar("boot"), 3_000_000L);
    f = new GatewayFixture(dir);
    echo = f.echo("ns1", "echo");
    f.write("services/echo.yaml", service("ns1", "echo", echo.port()));
    f.start();
    assertThat(f.get("foo.com", "/").headers().firstValue("x-jar-version")).hasValue("boot-cfg");
    assertThat(List.of(f.gateway().plugins().builtInNames().toArray())).contains("test-plugin");
  }
}
