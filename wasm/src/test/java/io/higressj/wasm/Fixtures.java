package io.higressj.wasm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The committed test plugins and a one-thread "event loop" to run filters on. */
final class Fixtures {
  static final Path WASM_DIR = Path.of("src/test/wasm");

  private Fixtures() {}

  static byte[] wasm(String relative) {
    try {
      return Files.readAllBytes(WASM_DIR.resolve(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static WasmPluginFactory load(WasmHost host, String name, String relative) throws WasmLoadException {
    return WasmPlugins.factory(host, name, wasm(relative));
  }

  static WasmPluginConfig config(WasmPluginFactory f, Map<String, Object> config) {
    try {
      return f.parseConfig(config);
    } catch (io.higressj.api.PluginConfigException e) {
      throw new AssertionError(e);
    }
  }

  /** a single-threaded loop; filters run on it as they would on an event loop */
  static final class Loop implements AutoCloseable {
    final ScheduledExecutorService executor;
    final Thread thread;

    Loop(String name) {
      Thread[] t = new Thread[1];
      executor =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                t[0] = new Thread(r, name);
                return t[0];
              });
      try {
        executor.submit(() -> {}).get();
      } catch (InterruptedException | ExecutionException e) {
        throw new AssertionError(e);
      }
      thread = t[0];
    }

    <T> T call(Callable<T> c) throws Exception {
      try {
        return executor.submit(c).get(10, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof Exception ex) {
          throw ex;
        }
        throw e;
      }
    }

    void run(Runnable r) throws Exception {
      call(
          () -> {
            r.run();
            return null;
          });
    }

    TestContext context() {
      return new TestContext(executor);
    }

    @Override
    public void close() {
      executor.shutdownNow();
    }
  }
}
