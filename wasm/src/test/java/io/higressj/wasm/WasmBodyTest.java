package io.higressj.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.api.Action;
import io.higressj.api.HttpFilter;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WasmBodyTest {
  final Fixtures.Loop loop = new Fixtures.Loop("body-loop");
  final WasmHost host = new WasmHost();

  @AfterEach
  void close() {
    loop.close();
  }

  @Test
  void stopAtHeadersBuffersAndTheWholeBodyIsRewritten() throws Exception {
    WasmPluginFactory f = Fixtures.load(host, "body", "wat/body.wasm");
    HttpFilter filter = f.create(Fixtures.config(f, Map.of()));
    TestContext ctx = loop.context();
    var req = new TestHeaders.Request("POST", "/", "h", "content-length", "5");
    assertThat(loop.call(() -> filter.onRequestHeaders(ctx, req, false))).isEqualTo(Action.CONTINUE);
    assertThat(ctx.requestBufferLimit).isEqualTo(HttpStream.DEFAULT_BUFFER_LIMIT);

    var body = new TestHeaders.TestBody("hello");
    assertThat(loop.call(() -> filter.onRequestBody(ctx, body, true))).isEqualTo(Action.CONTINUE);
    assertThat(new String(body.bytes())).isEqualTo("wasm:hello!");
  }

  @Test
  void streamedChunksArePausedUntilTheEnd() throws Exception {
    WasmPluginFactory f = Fixtures.load(host, "body", "wat/body.wasm");
    HttpFilter filter = f.create(Fixtures.config(f, Map.of()));
    TestContext ctx = loop.context();
    loop.call(() -> filter.onRequestHeaders(ctx, new TestHeaders.Request("GET", "/", "h"), true));
    loop.call(() -> filter.onResponseHeaders(ctx, new TestHeaders.Response(200), false));
    // the gateway keeps the paused data and calls again with everything seen so far
    var first = new TestHeaders.TestBody("abc");
    assertThat(loop.call(() -> filter.onResponseBody(ctx, first, false))).isEqualTo(Action.PAUSE);
    var all = new TestHeaders.TestBody("abc-def");
    assertThat(loop.call(() -> filter.onResponseBody(ctx, all, true))).isEqualTo(Action.CONTINUE);
    assertThat(new String(all.bytes())).isEqualTo("ABC-DEF");
    loop.run(() -> filter.onDone(ctx));
    assertThat(f.errorCount()).isZero();
  }
}
