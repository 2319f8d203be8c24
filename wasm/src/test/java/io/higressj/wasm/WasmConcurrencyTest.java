package io.higressj.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.api.Action;
import io.higressj.api.CalloutResponse;
import io.higressj.api.HttpFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Two event loops driving the same plugins at once: instances never cross threads. */
class WasmConcurrencyTest {
  @Test
  void manyRequestsOnTwoLoopsWithCalloutsAndTraps() throws Exception {
    WasmHost host = new WasmHost();
    WasmPluginFactory callout = Fixtures.load(host, "callout", "wat/callout.wasm");
    WasmPluginFactory trap = Fixtures.load(host, "trap", "wat/trap.wasm");
    WasmPluginConfig calloutConfig = Fixtures.config(callout, Map.of());
    WasmPluginConfig trapConfig = Fixtures.config(trap, Map.of());
    AtomicInteger continued = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    int perLoop = 300;
    try (Fixtures.Loop a = new Fixtures.Loop("loop-a");
        Fixtures.Loop b = new Fixtures.Loop("loop-b")) {
      List<CompletableFuture<Void>> done = new ArrayList<>();
      for (Fixtures.Loop loop : List.of(a, b)) {
        done.add(
            CompletableFuture.runAsync(
                () -> {
                  for (int i = 0; i < perLoop; i++) {
                    TestContext ctx = loop.context();
                    HttpFilter c = callout.create(calloutConfig);
                    HttpFilter t = trap.create(trapConfig);
                    var req =
                        i % 10 == 7
                            ? new TestHeaders.Request("GET", "/" + i, "h", "x-trap", "1")
                            : new TestHeaders.Request("GET", "/" + i, "h");
                    try {
                      if (c.onRequestHeaders(ctx, req, true) == Action.PAUSE) {
                        ctx.callouts.get(0).callback().accept(new CalloutResponse(200, List.of(), null, null));
                      }
                      if (req.get("x-auth-status") != null && ctx.resumed == 1) {
                        continued.incrementAndGet();
                      }
                      t.onRequestHeaders(ctx, req, true);
                    } catch (WasmFilterException e) {
                      failed.incrementAndGet();
                    } finally {
                      c.onDone(ctx);
                      t.onDone(ctx);
                    }
                  }
                },
                loop.executor));
      }
      CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get();
    }
    assertThat(continued.get()).isEqualTo(2 * perLoop);
    assertThat(failed.get()).isEqualTo(2 * perLoop / 10);
    assertThat(trap.errorCount()).isEqualTo(2 * perLoop / 10);
    assertThat(callout.errorCount()).isZero();
    assertThat(callout.instancesCreated()).isEqualTo(2);
    assertThat(trap.instancesCreated()).isEqualTo(2 + 2 * perLoop / 10);
  }
}
