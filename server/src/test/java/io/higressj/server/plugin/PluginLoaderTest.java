package io.higressj.server.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.api.PluginFactory;
import io.higressj.config.plugin.PluginRegistry;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry's order (jars, built-ins, Wasm) and the asynchronous Wasm seam. */
class PluginLoaderTest {
  @TempDir Path dir;

  static PluginRegistry.PluginRef ref(String name) {
    return new PluginRegistry.PluginRef(name, "oci://r/p/" + name + ":1", "", "");
  }

  @Test
  void builtInsComeFromServiceLoader() {
    try (PluginLoader l = new PluginLoader(dir.resolve("plugins"), r -> CompletableFuture.failedFuture(
        new IllegalStateException("unused")), Duration.ofMillis(50))) {
      assertThat(l.lookup(ref("test-plugin"))).isInstanceOfSatisfying(PluginRegistry.Found.class,
          f -> assertThat(f.factory()).isInstanceOf(TestPluginFactory.class));
      assertThat(l.builtInNames()).contains("test-plugin", "test-plugin-second");
    }
  }

  @Test
  void aNamedBuiltInIsLoadedAtItsFirstLookupAndAWrongEntryIsReportedThen() throws Exception {
    Path services = Files.createDirectories(dir.resolve("cp/META-INF/services")).resolve(PluginFactory.class.getName());
    Files.writeString(services, """
        # a comment line, then entries that name their plugin
        io.higressj.server.plugin.CountingPluginFactory # name: counting
        io.higressj.server.plugin.CountingPluginFactory$Again # name: misnamed
        io.higressj.server.plugin.NoSuchFactory #name:  absent
        """);
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.resolve("cp").toUri().toURL()},
        PluginLoaderTest.class.getClassLoader())) {
      int before = CountingPluginFactory.INSTANCES.get();
      Map<String, PluginLoader.BuiltIn> builtIns = PluginLoader.builtIns(loader);
      assertThat(builtIns).containsKeys("counting", "misnamed", "absent", "test-plugin");
      assertThat(CountingPluginFactory.INSTANCES.get()).isEqualTo(before); // known by name, not loaded

      PluginRegistry.Lookup counting = builtIns.get("counting").resolve();
      assertThat(counting).isInstanceOfSatisfying(PluginRegistry.Found.class,
          f -> assertThat(f.factory()).isInstanceOf(CountingPluginFactory.class));
      assertThat(builtIns.get("counting").resolve()).isSameAs(counting);
      assertThat(CountingPluginFactory.INSTANCES.get()).isEqualTo(before + 1);

      assertThat(builtIns.get("misnamed").resolve()).isInstanceOfSatisfying(PluginRegistry.Missing.class,
          m -> assertThat(m.message()).contains("built-in plugin misnamed").contains("its factory's name is counting"));
      assertThat(builtIns.get("absent").resolve()).isInstanceOfSatisfying(PluginRegistry.Missing.class,
          m -> assertThat(m.message()).contains("built-in plugin absent").contains("NoSuchFactory"));
    }
  }

  @Test
  void everyBuiltInOfTheGatewayIsServedUnderItsName() {
    try (PluginLoader l = new PluginLoader(dir.resolve("plugins"))) {
      assertThat(l.builtInNames()).contains("key-auth", "cors", "transformer", "test-plugin");
      for (String name : l.builtInNames()) {
        assertThat(l.lookup(ref(name))).as(name).isInstanceOfSatisfying(PluginRegistry.Found.class,
            f -> assertThat(f.factory().name()).isEqualTo(name));
      }
    }
  }

  @Test
  void withoutAWasmHostAnUnknownPluginIsMissing() {
    try (PluginLoader l = new PluginLoader(dir.resolve("plugins"))) {
      assertThat(l.lookup(ref("nobody"))).isEqualTo(
          new PluginRegistry.Missing("no built-in plugin named nobody and no Wasm module loader"));
    }
  }

  @Test
  void wasmModulesArePendingUntilResolvedAndTheConfigurationIsAppliedAgain() throws Exception {
    CompletableFuture<PluginFactory<?>> module = new CompletableFuture<>();
    CompletableFuture<PluginFactory<?>> broken = new CompletableFuture<>();
    AtomicInteger resolves = new AtomicInteger();
    try (PluginLoader l = new PluginLoader(dir.resolve("plugins"), r -> {
      resolves.incrementAndGet();
      return r.name().equals("wasm-one") ? module : broken;
    }, Duration.ofMillis(50))) {
      CountDownLatch changed = new CountDownLatch(2);
      l.start(changed::countDown);
      assertThat(l.lookup(ref("wasm-one"))).isInstanceOf(PluginRegistry.Pending.class);
      assertThat(l.lookup(ref("wasm-one"))).isInstanceOf(PluginRegistry.Pending.class);
      assertThat(l.lookup(ref("wasm-two"))).isInstanceOf(PluginRegistry.Pending.class);
      assertThat(resolves.get()).isEqualTo(2); // one fetch per module, however often it is looked up
      TestPluginFactory f = new TestPluginFactory();
      module.complete(f);
      broken.completeExceptionally(new java.io.IOException("404 from registry"));
      assertThat(changed.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(l.lookup(ref("wasm-one"))).isEqualTo(new PluginRegistry.Found(f));
      assertThat(l.lookup(ref("wasm-two"))).isInstanceOfSatisfying(PluginRegistry.Missing.class,
          m -> assertThat(m.message()).contains("oci://r/p/wasm-two:1").contains("404 from registry"));
    }
  }
}
