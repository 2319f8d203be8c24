package io.higressj.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.higressj.api.Action;
import io.higressj.api.HttpFilter;
import io.higressj.api.PluginConfigException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WasmHeaderPluginTest {
  final Fixtures.Loop loop = new Fixtures.Loop("header-loop");
  final WasmHost host = new WasmHost();

  @AfterEach
  void close() {
    loop.close();
  }

  static Map<String, Object> cfg(String name, String value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("value", value);
    return m;
  }

  @Test
  void addsRequestAndResponseHeadersFromConfig() throws Exception {
    WasmPluginFactory f = Fixtures.load(host, "add-header", "wat/add-header.wasm");
    assertThat(f.compiled()).isTrue();
    WasmPluginConfig config = Fixtures.config(f, cfg("x-hello", "world"));
    assertThat(config.json()).isEqualTo("{\"name\":\"x-hello\",\"value\":\"world\"}");
    TestContext ctx = loop.context();
    HttpFilter filter = f.create(config);
    var req = new TestHeaders.Request("GET", "/shop/items?id=3", "shop.example.com", "accept", "*/*");
    assertThat(loop.call(() -> filter.onRequestHeaders(ctx, req, true))).isEqualTo(Action.CONTINUE);
    assertThat(req.get("x-hello")).isEqualTo("world");
    assertThat(req.get("x-route")).isEqualTo("default/shop");
    assertThat(req.get("x-url-path")).isEqualTo("/shop/items");

    var resp = new TestHeaders.Response(200, "content-type", "text/plain");
    assertThat(loop.call(() -> filter.onResponseHeaders(ctx, resp, false))).isEqualTo(Action.CONTINUE);
    assertThat(resp.get("x-hello")).isEqualTo("world");

    loop.run(() -> filter.onDone(ctx));
    assertThat(ctx.logs).containsExactly("info on_log");
    assertThat(f.errorCount()).isZero();
  }

  @Test
  void eachConfigurationHasItsOwnRootContext() throws Exception {
    WasmPluginFactory f = Fixtures.load(host, "add-header", "wat/add-header.wasm");
    WasmPluginConfig a = Fixtures.config(f, cfg("x-a", "1"));
    WasmPluginConfig b = Fixtures.config(f, cfg("x-b", "2"));
    var reqA = new TestHeaders.Request("GET", "/", "h");
    var reqB = new TestHeaders.Request("GET", "/", "h");
    loop.call(() -> f.create(a).onRequestHeaders(loop.context(), reqA, true));
    loop.call(() -> f.create(b).onRequestHeaders(loop.context(), reqB, true));
    assertThat(reqA.get("x-a")).isEqualTo("1");
    assertThat(reqA.get("x-b")).isNull();
    assertThat(reqB.get("x-b")).isEqualTo("2");
    assertThat(f.instanceCount()).isEqualTo(1);
  }

  @Test
  void configurationRejectedByOnConfigureNamesThePlugin() throws Exception {
    WasmPluginFactory f = Fixtures.load(host, "add-header", "wat/add-header.wasm");
    assertThatThrownBy(() -> f.parseConfig(Map.of("unrelated", 1)))
        .isInstanceOf(PluginConfigException.class)
        .hasMessageContaining("add-header")
        .hasMessageContaining("proxy_on_configure returned false");
  }

  @Test
  void oneInstancePerThread() throws Exception {
    WasmPluginFactory f = Fixtures.load(host, "add-header", "wat/add-header.wasm");
    WasmPluginConfig config = Fixtures.config(f, cfg("x-hello", "world"));
    try (Fixtures.Loop other = new Fixtures.Loop("header-loop-2")) {
      for (int i = 0; i < 3; i++) {
        for (Fixtures.Loop l : new Fixtures.Loop[] {loop, other}) {
          var req = new TestHeaders.Request("GET", "/", "h");
          TestContext ctx = l.context();
          HttpFilter filter = f.create(config);
          l.call(() -> filter.onRequestHeaders(ctx, req, true));
          l.run(() -> filter.onDone(ctx));
          assertThat(req.get("x-hello")).isEqualTo("world");
        }
      }
    }
    assertThat(f.instanceCount()).isEqualTo(2);
    assertThat(f.instancesCreated()).isEqualTo(2);
  }

  @Test
  void notAModule() {
    assertThatThrownBy(() -> WasmPlugins.factory(host, "junk", new byte[] {1, 2, 3}))
        .isInstanceOf(WasmLoadException.class)
        .hasMessageContaining("junk");
  }

  @Test
  void runsOnTheInterpreterToo() throws Exception {
    WasmPluginFactory f =
        WasmPlugins.factory(host, "add-header", Fixtures.wasm("wat/add-header.wasm"), false);
    assertThat(f.compiled()).isFalse();
    HttpFilter filter = f.create(Fixtures.config(f, cfg("x-hello", "interpreted")));
    TestContext ctx = loop.context();
    var req = new TestHeaders.Request("GET", "/", "h");
    loop.call(() -> filter.onRequestHeaders(ctx, req, true));
    assertThat(req.get("x-hello")).isEqualTo("interpreted");
  }

  @Test
  void closingTheFactoryLetsRequestsInFlightFinish() throws Exception {
    WasmPluginFactory f = Fixtures.load(host, "add-header", "wat/add-header.wasm");
    WasmPluginConfig config = Fixtures.config(f, cfg("x-hello", "world"));
    HttpFilter filter = f.create(config);
    TestContext ctx = loop.context();
    loop.call(() -> filter.onRequestHeaders(ctx, new TestHeaders.Request("GET", "/", "h"), false));
    f.close(); // the plugin is replaced while the request is in flight
    loop.run(() -> {});
    var resp = new TestHeaders.Response(200);
    assertThat(loop.call(() -> filter.onResponseHeaders(ctx, resp, true))).isEqualTo(Action.CONTINUE);
    assertThat(resp.get("x-hello")).isEqualTo("world");
    loop.run(() -> filter.onDone(ctx));
    assertThat(ctx.logs).containsExactly("info on_log");
    assertThat(f.errorCount()).isZero();
  }
}
