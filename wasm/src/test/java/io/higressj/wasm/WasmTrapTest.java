package io.higressj.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.higressj.api.Action;
import io.higressj.api.HttpFilter;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WasmTrapTest {
  final Fixtures.Loop loop = new Fixtures.Loop("trap-loop");
  final WasmHost host = new WasmHost();

  @AfterEach
  void close() {
    loop.close();
  }

  private Action request(WasmPluginFactory f, WasmPluginConfig c, TestHeaders.Request req)
      throws Exception {
    HttpFilter filter = f.create(c);
    TestContext ctx = loop.context();
    try {
      return loop.call(() -> filter.onRequestHeaders(ctx, req, true));
    } finally {
      loop.run(() -> filter.onDone(ctx));
    }
  }

  @Test
  void trapFailsTheRequestAndTheNextOneGetsAFreshInstance() throws Exception {
    WasmPluginFactory f = Fixtures.load(host, "trap", "wat/trap.wasm");
    WasmPluginConfig c = Fixtures.config(f, Map.of());
    var ok = new TestHeaders.Request("GET", "/", "h");
    assertThat(request(f, c, ok)).isEqualTo(Action.CONTINUE);
    assertThat(ok.get("x-survived")).isEqualTo("yes");
    assertThat(f.instancesCreated()).isEqualTo(1);

    assertThatThrownBy(() -> request(f, c, new TestHeaders.Request("GET", "/", "h", "x-trap", "1")))
        .isInstanceOf(WasmFilterException.class)
        .hasMessageContaining("trap")
        .hasMessageContaining("proxy_on_request_headers");
    assertThat(f.errorCount()).isEqualTo(1);
    assertThat(f.instanceCount()).isZero();
    assertThat(host.metrics().value("wasm_plugin_errors.trap")).isEqualTo(1L);

    var after = new TestHeaders.Request("GET", "/", "h");
    assertThat(request(f, c, after)).isEqualTo(Action.CONTINUE);
    assertThat(after.get("x-survived")).isEqualTo("yes");
    assertThat(f.instancesCreated()).isEqualTo(2);
    assertThat(f.instanceCount()).isEqualTo(1);
  }

  @Test
  void requestsInFlightOnADiscardedInstanceFail() throws Exception {
    WasmPluginFactory f = Fixtures.load(host, "trap", "wat/trap.wasm");
    WasmPluginConfig c = Fixtures.config(f, Map.of());
    HttpFilter first = f.create(c);
    TestContext ctx = loop.context();
    loop.call(() -> first.onRequestHeaders(ctx, new TestHeaders.Request("GET", "/", "h"), false));
    assertThatThrownBy(() -> request(f, c, new TestHeaders.Request("GET", "/", "h", "x-trap", "1")))
        .isInstanceOf(WasmFilterException.class);
    assertThatThrownBy(
            () -> loop.call(() -> first.onResponseHeaders(ctx, new TestHeaders.Response(200), true)))
        .isInstanceOf(WasmFilterException.class)
        .hasMessageContaining("discarded");
    loop.run(() -> first.onDone(ctx)); // no error
  }

  @Test
  void procExitIsAFailureToo() throws Exception {
    WasmPluginFactory f = Fixtures.load(host, "trap", "wat/trap.wasm");
    WasmPluginConfig c = Fixtures.config(f, Map.of());
    assertThatThrownBy(() -> request(f, c, new TestHeaders.Request("GET", "/", "h", "x-exit", "1")))
        .isInstanceOf(WasmFilterException.class)
        .hasMessageContaining("proc_exit(3)");
  }

  @Test
  void unknownImportsAreLinkedAndAnswerUnimplemented() throws Exception {
    // trap.wasm imports higress_ext.mystery, env.proxy_grpc_call and env.some_void_extension
    WasmPluginFactory f = Fixtures.load(host, "trap", "wat/trap.wasm");
    var req = new TestHeaders.Request("GET", "/", "h");
    assertThat(request(f, Fixtures.config(f, Map.of()), req)).isEqualTo(Action.CONTINUE);
    assertThat(req.get("x-unimplemented")).isEqualTo("yes");
    assertThat(f.unimplementedCalls())
        .contains("higress_ext.mystery", "env.proxy_grpc_call", "env.some_void_extension");
  }

  @Test
  void wasiStdoutGoesToThePluginLog() throws Exception {
    WasmPluginFactory f = Fixtures.load(host, "trap", "wat/trap.wasm");
    HttpFilter filter = f.create(Fixtures.config(f, Map.of()));
    TestContext ctx = loop.context();
    loop.call(
        () -> filter.onRequestHeaders(ctx, new TestHeaders.Request("GET", "/", "h", "x-print", "1"), true));
    assertThat(ctx.logs).containsExactly("info hello from wasi");
  }
}
