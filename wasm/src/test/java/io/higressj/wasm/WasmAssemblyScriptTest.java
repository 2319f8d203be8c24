package io.higressj.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.api.Action;
import io.higressj.api.HttpFilter;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** as/assembly/index.ts, built with assemblyscript 0.14.13 and @solo-io/proxy-runtime 0.1.8. */
class WasmAssemblyScriptTest {
  final Fixtures.Loop loop = new Fixtures.Loop("as-loop");
  final WasmHost host = new WasmHost();

  @AfterEach
  void close() {
    loop.close();
  }

  @Test
  void addsHeadersAndAnswersLocally() throws Exception {
    // the runtime finds its root context by plugin_root_id, which is the plugin's name
    WasmPluginFactory f = Fixtures.load(host, "as-headers", "as/as-headers.wasm");
    WasmPluginConfig config = Fixtures.config(f, Map.of("greeting", "hi"));

    HttpFilter filter = f.create(config);
    TestContext ctx = loop.context();
    var req = new TestHeaders.Request("GET", "/items", "h");
    assertThat(loop.call(() -> filter.onRequestHeaders(ctx, req, true))).isEqualTo(Action.CONTINUE);
    assertThat(req.get("x-as-config")).isEqualTo("{\"greeting\":\"hi\"}");
    assertThat(req.get("x-as-path")).isEqualTo("/items");
    var resp = new TestHeaders.Response(200);
    assertThat(loop.call(() -> filter.onResponseHeaders(ctx, resp, true))).isEqualTo(Action.CONTINUE);
    assertThat(resp.get("x-as-response")).isEqualTo("yes");
    loop.run(() -> filter.onDone(ctx));

    HttpFilter deny = f.create(config);
    TestContext denied = loop.context();
    assertThat(loop.call(() -> deny.onRequestHeaders(denied, new TestHeaders.Request("GET", "/as-deny", "h"), true)))
        .isEqualTo(Action.PAUSE);
    assertThat(denied.localReply.status()).isEqualTo(403);
    assertThat(denied.localReply.text()).isEqualTo("denied by assemblyscript");
    loop.run(() -> deny.onDone(denied));
    assertThat(f.errorCount()).isZero();
  }
}
