package io.higressj.wasm;

import io.higressj.api.Body;
import io.higressj.api.FilterContext;
import io.higressj.api.RequestHeaders;
import io.higressj.api.ResponseHeaders;

/** The host's state of one proxy-wasm HTTP context (one request). */
final class HttpStream {
  static final int DEFAULT_BUFFER_LIMIT = 10 * 1024 * 1024;

  final int id;
  final PluginVm.RootContext root;
  final FilterContext ctx;
  final long startEpochNanos = Clock.epochNanos();

  RequestHeaders requestHeaders;
  ResponseHeaders responseHeaders;
  Body requestBody;
  Body responseBody;
  int requestBufferLimit = DEFAULT_BUFFER_LIMIT;
  int responseBufferLimit = DEFAULT_BUFFER_LIMIT;

  /** a callback of this stream is running: continue_stream turns its answer into Continue */
  boolean inCallback;
  boolean continued;
  /** the filter answered PAUSE and waits for continue_stream */
  boolean paused;
  boolean localReply;
  int pendingCalls;

  HttpStream(int id, PluginVm.RootContext root, FilterContext ctx) {
    this.id = id;
    this.root = root;
    this.ctx = ctx;
  }
}
