package io.higressj.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.api.Action;
import io.higressj.api.HttpFilter;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WasmLocalReplyTest {
  final Fixtures.Loop loop = new Fixtures.Loop("deny-loop");
  final WasmHost host = new WasmHost();

  @AfterEach
  void close() {
    loop.close();
  }

  @Test
  void answersWhenTheHeaderIsMissing() throws Exception {
    WasmPluginFactory f = Fixtures.load(host, "deny", "wat/deny.wasm");
    HttpFilter filter = f.create(Fixtures.config(f, Map.of()));
    TestContext ctx = loop.context();
    var req = new TestHeaders.Request("GET", "/", "h");
    assertThat(loop.call(() -> filter.onRequestHeaders(ctx, req, true))).isEqualTo(Action.PAUSE);
    assertThat(ctx.localReply.status()).isEqualTo(401);
    assertThat(ctx.localReply.text()).isEqualTo("missing token");
    assertThat(ctx.localReply.headers()).containsEntry("x-denied-by", "wasm");
    assertThat(ctx.resumed).isZero();
  }

  @Test
  void passesWithTheHeader() throws Exception {
    WasmPluginFactory f = Fixtures.load(host, "deny", "wat/deny.wasm");
    HttpFilter filter = f.create(Fixtures.config(f, Map.of()));
    TestContext ctx = loop.context();
    var req = new TestHeaders.Request("GET", "/", "h", "x-token", "secret");
    assertThat(loop.call(() -> filter.onRequestHeaders(ctx, req, true))).isEqualTo(Action.CONTINUE);
    assertThat(ctx.localReply).isNull();
  }

  @Test
  void headerMapPairsRoundTrip() throws Exception {
    // the plugin answers with get_header_map_pairs(request) as the reply's headers
    WasmPluginFactory f = Fixtures.load(host, "deny", "wat/deny.wasm");
    HttpFilter filter = f.create(Fixtures.config(f, Map.of()));
    TestContext ctx = loop.context();
    var req =
        new TestHeaders.Request(
            "POST", "/a?b=c", "shop.example.com:8080", "x-token", "echo", "x-multi", "1", "x-multi", "2");
    assertThat(loop.call(() -> filter.onRequestHeaders(ctx, req, false))).isEqualTo(Action.PAUSE);
    assertThat(ctx.localReply.status()).isEqualTo(200);
    assertThat(ctx.localReply.headers())
        .containsEntry(":authority", "shop.example.com:8080")
        .containsEntry(":path", "/a?b=c")
        .containsEntry(":method", "POST")
        .containsEntry(":scheme", "http")
        .containsEntry("x-token", "echo")
        .containsEntry("x-multi", "1,2");
    assertThat(ctx.requestBufferLimit).isEqualTo(-1); // answered: no body wanted
  }
}
