package io.higressj.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.api.Action;
import io.higressj.api.CalloutResponse;
import io.higressj.api.HttpFilter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WasmCalloutTest {
  final Fixtures.Loop loop = new Fixtures.Loop("callout-loop");
  final WasmHost host = new WasmHost();

  @AfterEach
  void close() {
    loop.close();
  }

  private record Started(HttpFilter filter, TestContext ctx, TestHeaders.Request req) {}

  private Started start() throws Exception {
    WasmPluginFactory f = Fixtures.load(host, "callout", "wat/callout.wasm");
    HttpFilter filter = f.create(Fixtures.config(f, Map.of()));
    TestContext ctx = loop.context();
    var req = new TestHeaders.Request("GET", "/orders", "shop");
    assertThat(loop.call(() -> filter.onRequestHeaders(ctx, req, false))).isEqualTo(Action.PAUSE);
    assertThat(ctx.callouts).hasSize(1);
    return new Started(filter, ctx, req);
  }

  @Test
  void dispatchesThenContinuesWithTheAnswer() throws Exception {
    Started s = start();
    TestContext.Callout call = s.ctx.callouts.get(0);
    assertThat(call.request().target()).isEqualTo("auth-cluster");
    assertThat(call.request().method()).isEqualTo("GET");
    assertThat(call.request().path()).isEqualTo("/check");
    assertThat(call.request().headers()).contains(Map.entry("host", "auth.local"));
    assertThat(call.timeout().toMillis()).isEqualTo(500);
    assertThat(s.ctx.resumed).isZero();

    CalloutResponse answer =
        new CalloutResponse(
            200, List.of(Map.entry("X-User", "alice")), "ok-alice".getBytes(StandardCharsets.UTF_8), null);
    loop.run(() -> call.callback().accept(answer));
    assertThat(s.ctx.resumed).isEqualTo(1);
    assertThat(s.req.get("x-auth-status")).isEqualTo("200");
    assertThat(s.req.get("x-auth-body")).isEqualTo("ok-alice");
    assertThat(s.ctx.localReply).isNull();
    loop.run(() -> s.filter.onDone(s.ctx));
  }

  @Test
  void answersItselfWhenTheCallSays403() throws Exception {
    Started s = start();
    loop.run(
        () -> s.ctx.callouts.get(0).callback().accept(new CalloutResponse(403, List.of(), null, null)));
    assertThat(s.ctx.resumed).isZero();
    assertThat(s.ctx.localReply.status()).isEqualTo(403);
    assertThat(s.ctx.localReply.text()).isEqualTo("denied by auth");
  }

  @Test
  void failedCallHasNoHeaders() throws Exception {
    Started s = start();
    loop.run(
        () ->
            s.ctx.callouts.get(0).callback().accept(new CalloutResponse(0, List.of(), null, "timeout")));
    assertThat(s.ctx.localReply.status()).isEqualTo(503);
  }

  @Test
  void callbackArrivingOffTheLoopIsMovedOntoIt() throws Exception {
    Started s = start();
    // a callout implementation that completes on another thread: the host hops to the loop
    s.ctx.callouts.get(0).callback().accept(new CalloutResponse(200, List.of(), null, null));
    loop.run(() -> {}); // drain
    assertThat(s.ctx.resumed).isEqualTo(1);
    assertThat(s.req.get("x-auth-status")).isEqualTo("200");
  }

  @Test
  void calloutThatCannotStartIsAFailedCall() throws Exception {
    WasmPluginFactory f = Fixtures.load(host, "callout", "wat/callout.wasm");
    HttpFilter filter = f.create(Fixtures.config(f, Map.of()));
    TestContext ctx = loop.context();
    ctx.calloutFailure = new IllegalArgumentException("no cluster auth-cluster");
    var req = new TestHeaders.Request("GET", "/orders", "shop");
    assertThat(loop.call(() -> filter.onRequestHeaders(ctx, req, false))).isEqualTo(Action.PAUSE);
    loop.run(() -> {}); // the failure is delivered on the loop
    assertThat(ctx.localReply.status()).isEqualTo(503);
    assertThat(f.errorCount()).isZero();
  }
}
