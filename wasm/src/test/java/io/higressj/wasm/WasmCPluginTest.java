package io.higressj.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.api.Action;
import io.higressj.api.HttpFilter;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** c/properties.c, built with clang-19 --target=wasm32-wasi (freestanding). */
class WasmCPluginTest {
  final Fixtures.Loop loop = new Fixtures.Loop("c-loop");
  final WasmHost host = new WasmHost();

  @AfterEach
  void close() {
    loop.close();
  }

  @Test
  void propertiesHeaderEditsAndPairs() throws Exception {
    WasmPluginFactory f = Fixtures.load(host, "c-properties", "c/properties.wasm");
    HttpFilter filter = f.create(Fixtures.config(f, Map.of()));
    TestContext ctx = loop.context();
    ctx.attributes.put("request.protocol", "HTTP/2");
    var req =
        new TestHeaders.Request(
            "PUT",
            "/old/items?page=2",
            "shop.example.com",
            "x-request-id",
            "req-42",
            "x-remove-me",
            "1",
            "x-replace-me",
            "a",
            "x-replace-me",
            "b");
    assertThat(loop.call(() -> filter.onRequestHeaders(ctx, req, true))).isEqualTo(Action.CONTINUE);
    assertThat(req.get("x-p-path")).isEqualTo("/old/items?page=2");
    assertThat(req.get("x-p-url-path")).isEqualTo("/old/items");
    assertThat(req.get("x-p-query")).isEqualTo("page=2");
    assertThat(req.get("x-p-host")).isEqualTo("shop.example.com");
    assertThat(req.get("x-p-scheme")).isEqualTo("http");
    assertThat(req.get("x-p-method")).isEqualTo("PUT");
    assertThat(req.get("x-p-id")).isEqualTo("req-42");
    assertThat(req.get("x-p-source")).isEqualTo("192.0.2.7");
    assertThat(req.get("x-p-plugin-name")).isEqualTo("c-properties");
    assertThat(req.get("x-p-vm-id")).isEqualTo("c-properties");
    assertThat(req.get("x-p-root-id")).isEqualTo("c-properties");
    assertThat(req.get("x-p-route")).isEqualTo("default/shop");
    assertThat(req.get("x-p-xds-route")).isEqualTo("default/shop");
    assertThat(req.get("x-p-cluster")).isEqualTo("outbound|8080||shop.default.svc.cluster.local");
    assertThat(req.get("x-p-protocol")).isEqualTo("HTTP/2");
    assertThat(req.get("x-p-time")).isEqualTo("ok");
    assertThat(req.get("x-p-own")).isEqualTo("my-value");
    // set_property is a request attribute, as Envoy's filter state, visible to other filters
    assertThat((byte[]) ctx.attributes.get("my.key")).asString().isEqualTo("my-value");
    assertThat(req.get("x-p-log-level")).isEqualTo("ok");
    assertThat(req.get("x-p-bad-call")).isEqualTo("rejected");
    assertThat(ctx.callouts).isEmpty();
    assertThat(req.get("x-remove-me")).isNull();
    assertThat(req.getAll("x-replace-me")).containsExactly("replaced");
    assertThat(req.path()).isEqualTo("/new/items?page=2");
    assertThat(ctx.logs).contains("info c plugin saw the request");

    var resp = new TestHeaders.Response(404, "content-type", "text/plain", "x-a", "1");
    assertThat(loop.call(() -> filter.onResponseHeaders(ctx, resp, true))).isEqualTo(Action.CONTINUE);
    assertThat(resp.status()).isEqualTo(404);
    assertThat(resp.entries())
        .containsExactly(
            Map.entry("content-type", "text/plain"), Map.entry("x-a", "1"), Map.entry("x-c-plugin", "yes"));
    loop.run(() -> filter.onDone(ctx));
    assertThat(f.errorCount()).isZero();
  }
}
