package io.higressj.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.api.HttpFilter;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WasmSharedStateTest {
  final Fixtures.Loop loop = new Fixtures.Loop("shared-loop");
  final WasmHost host = new WasmHost();

  @AfterEach
  void close() {
    loop.close();
  }

  private TestHeaders.Request request(Fixtures.Loop l, WasmPluginFactory f, WasmPluginConfig c, String path)
      throws Exception {
    HttpFilter filter = f.create(c);
    TestContext ctx = l.context();
    var req = new TestHeaders.Request("GET", path, "h");
    l.call(() -> filter.onRequestHeaders(ctx, req, true));
    l.run(() -> filter.onDone(ctx));
    return req;
  }

  private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met in 5 s");
      }
      Thread.sleep(5);
    }
  }

  @Test
  void tickSetsSharedDataAndCountsAMetric() throws Exception {
    WasmPluginFactory f = Fixtures.load(host, "shared", "wat/shared.wasm");
    WasmPluginConfig c = Fixtures.config(f, Map.of());
    request(loop, f, c, "/first"); // creates the instance, which starts ticking on this loop
    await(() -> host.metrics().value("wasm_test_ticks") != null && host.metrics().value("wasm_test_ticks") >= 3);
    assertThat(request(loop, f, c, "/second").get("x-ticked")).isEqualTo("yes");
    f.close();
    long ticks = host.metrics().value("wasm_test_ticks");
    Thread.sleep(50);
    assertThat(host.metrics().value("wasm_test_ticks")).isLessThanOrEqualTo(ticks + 1);
  }

  @Test
  void sharedQueueDeliversToTheRegisteredInstance() throws Exception {
    WasmPluginFactory f = Fixtures.load(host, "shared", "wat/shared.wasm");
    WasmPluginConfig c = Fixtures.config(f, Map.of());
    request(loop, f, c, "/hello");
    await(() -> host.data("shared").get("last-path") != null);
    assertThat(new String(host.data("shared").get("last-path").value())).isEqualTo("/hello");
    assertThat(request(loop, f, c, "/again").get("x-last-path")).isIn("/hello", "/again");
    f.close();
  }

  @Test
  void sharedDataIsSharedAcrossThreads() throws Exception {
    WasmPluginFactory f = Fixtures.load(host, "shared", "wat/shared.wasm");
    WasmPluginConfig c = Fixtures.config(f, Map.of());
    try (Fixtures.Loop other = new Fixtures.Loop("shared-loop-2")) {
      request(loop, f, c, "/from-one");
      await(() -> host.data("shared").get("last-path") != null);
      // the other thread's instance sees what the first one stored
      var req = request(other, f, c, "/from-two");
      assertThat(req.get("x-last-path")).isNotNull();
      assertThat(f.instanceCount()).isEqualTo(2);
      f.close();
    }
  }

  @Test
  void compareAndSwap() {
    SharedData d = new SharedData();
    assertThat(d.set("k", new byte[] {1}, 0)).isEqualTo(Abi.OK);
    int cas = d.get("k").cas();
    assertThat(d.set("k", new byte[] {2}, cas + 1)).isEqualTo(Abi.CAS_MISMATCH);
    assertThat(d.set("k", new byte[] {3}, cas)).isEqualTo(Abi.OK);
    assertThat(d.get("k").value()).containsExactly(3);
    assertThat(d.set("k", new byte[] {4}, cas)).isEqualTo(Abi.CAS_MISMATCH);
  }

  @Test
  void metricRegistry() {
    WasmMetricRegistry m = new WasmMetricRegistry();
    int c = m.define(WasmMetricRegistry.Type.COUNTER, "c");
    assertThat(m.define(WasmMetricRegistry.Type.COUNTER, "c")).isEqualTo(c);
    assertThat(m.define(WasmMetricRegistry.Type.GAUGE, "c")).isEqualTo(-1);
    int h = m.define(WasmMetricRegistry.Type.HISTOGRAM, "h");
    m.increment(c, 2);
    m.record(h, 10);
    m.record(h, 20);
    assertThat(m.value("c")).isEqualTo(2);
    assertThat(m.snapshot())
        .contains(new WasmMetricRegistry.Metric("h", WasmMetricRegistry.Type.HISTOGRAM, 30, 2));
  }
}
