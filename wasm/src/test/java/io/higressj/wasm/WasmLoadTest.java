package io.higressj.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.higressj.wasm.fetch.ModuleFetcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WasmLoadTest {
  @TempDir Path cache;

  @Test
  void fetchesAndCompilesOffTheCallersThread() throws Exception {
    String url = Path.of("src/test/wasm/wat/deny.wasm").toAbsolutePath().toUri().toString();
    WasmPluginFactory f =
        WasmPlugins.load(new ModuleFetcher(cache), new WasmHost(), "deny", url, null)
            .get(20, TimeUnit.SECONDS);
    assertThat(f.name()).isEqualTo("deny");
  }

  @Test
  void notAProxyWasmModule() throws Exception {
    // a valid module that exports nothing proxy-wasm
    Path junk = cache.resolve("empty.wasm");
    Files.write(junk, new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
    assertThatThrownBy(
            () ->
                WasmPlugins.load(new ModuleFetcher(cache), new WasmHost(), "empty", junk.toUri().toString(), null)
                    .get(20, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(WasmLoadException.class)
        .hasMessageContaining("empty");
  }
}
