package io.higressj.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.api.Action;
import io.higressj.api.HttpFilter;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** rust/std_headers.rs: Rust's standard library on wasm32-wasi (allocator, stdio, clock, hashing). */
class WasmRustPluginTest {
  final Fixtures.Loop loop = new Fixtures.Loop("rust-loop");
  final WasmHost host = new WasmHost();

  @AfterEach
  void close() {
    loop.close();
  }

  @Test
  void standardLibraryRunsOnTheWasiSubset() throws Exception {
    WasmPluginFactory f = Fixtures.load(host, "rust-std", "rust/std_headers.wasm");
    WasmPluginConfig config = Fixtures.config(f, Map.of("greeting", "hello"));
    HttpFilter filter = f.create(config);
    TestContext ctx = loop.context();
    var req = new TestHeaders.Request("GET", "/rusty", "h", "accept", "*/*", "x-one", "1");
    assertThat(loop.call(() -> filter.onRequestHeaders(ctx, req, true))).isEqualTo(Action.CONTINUE);
    assertThat(req.get("x-rust-headers")).isEqualTo("6"); // 4 pseudo-headers + 2
    assertThat(req.get("x-rust-config")).isEqualTo("{\"greeting\":\"hello\"}");
    assertThat(req.get("x-rust-clock")).isEqualTo("ok");
    assertThat(ctx.logs).containsExactly("warn rust plugin saw /rusty");
    loop.run(() -> filter.onDone(ctx));
    assertThat(f.errorCount()).isZero();
  }
}
