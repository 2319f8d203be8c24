package io.higressj.wasm;

import io.higressj.api.Action;
import io.higressj.api.Body;
import io.higressj.api.FilterContext;
import io.higressj.api.HttpFilter;
import io.higressj.api.RequestHeaders;
import io.higressj.api.ResponseHeaders;

/**
 * One request through a Wasm plugin: a proxy-wasm HTTP context on this thread's instance.
 *
 * <p>Answers: 0 (Continue) continues. Any stop answer pauses, except a stop at headers while the
 * body is still to come and no HTTP call is in flight: SDKs answer so to see the whole body, so the
 * host asks the gateway to buffer the body and continues. After {@code proxy_send_local_response}
 * the callback answers PAUSE (the request is answered).
 */
final class WasmFilter implements HttpFilter {
  private final WasmPluginFactory plugin;
  private final WasmPluginConfig config;
  private PluginVm vm;
  private HttpStream stream;

  WasmFilter(WasmPluginFactory plugin, WasmPluginConfig config) {
    this.plugin = plugin;
    this.config = config;
  }

  private HttpStream stream(FilterContext ctx) {
    if (stream == null) {
      vm = plugin.vm(ctx);
      PluginVm.RootContext root = vm.root(config);
      if (root == null) {
        throw plugin.rejected(config.json());
      }
      stream = vm.newStream(root, ctx);
    } else if (vm.broken) {
      throw new WasmFilterException(
          plugin.name(), "instance was discarded after an error in another request", null);
    }
    return stream;
  }

  @Override
  public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
    HttpStream s = stream(ctx);
    s.requestHeaders = headers;
    int n = headers.entries().size() + 4;
    int action = run(s, "proxy_on_request_headers", s.id, n, endOfStream ? 1 : 0);
    return decide(s, action, endOfStream, true, true);
  }

  @Override
  public Action onRequestBody(FilterContext ctx, Body body, boolean endOfStream) {
    HttpStream s = stream(ctx);
    s.requestBody = body;
    int action = run(s, "proxy_on_request_body", s.id, body.length(), endOfStream ? 1 : 0);
    return decide(s, action, endOfStream, false, true);
  }

  @Override
  public Action onResponseHeaders(FilterContext ctx, ResponseHeaders headers, boolean endOfStream) {
    HttpStream s = stream(ctx);
    s.responseHeaders = headers;
    int n = headers.entries().size() + 1;
    int action = run(s, "proxy_on_response_headers", s.id, n, endOfStream ? 1 : 0);
    return decide(s, action, endOfStream, true, false);
  }

  @Override
  public Action onResponseBody(FilterContext ctx, Body body, boolean endOfStream) {
    HttpStream s = stream(ctx);
    s.responseBody = body;
    int action = run(s, "proxy_on_response_body", s.id, body.length(), endOfStream ? 1 : 0);
    return decide(s, action, endOfStream, false, false);
  }

  @Override
  public void onDone(FilterContext ctx) {
    if (stream == null || vm.broken) {
      return;
    }
    try {
      vm.endStream(stream);
    } catch (WasmFilterException e) {
      // counted and logged; the request is over
    }
  }

  private int run(HttpStream s, String export, long... args) {
    s.inCallback = true;
    s.continued = false;
    s.paused = false;
    try {
      return vm.call(s.id, export, args);
    } finally {
      s.inCallback = false;
    }
  }

  private static Action decide(
      HttpStream s, int action, boolean endOfStream, boolean headers, boolean request) {
    if (s.localReply) {
      return Action.PAUSE;
    }
    if (action == Abi.ACTION_CONTINUE || s.continued) {
      return Action.CONTINUE;
    }
    if (headers && !endOfStream && s.pendingCalls == 0) {
      if (request) {
        s.ctx.bufferRequestBody(s.requestBufferLimit);
      } else {
        s.ctx.bufferResponseBody(s.responseBufferLimit);
      }
      return Action.CONTINUE;
    }
    s.paused = true;
    return Action.PAUSE;
  }
}
