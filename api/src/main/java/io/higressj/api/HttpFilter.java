package io.higressj.api;

/**
 * One plugin's view of one request. A new instance per request (from {@link PluginFactory#create}),
 * always called on the request's event loop, never concurrently: it may keep per-request state in
 * fields. Callbacks must not block; slow work goes through {@link FilterContext#callout} or another
 * asynchronous path followed by {@link FilterContext#resume()}.
 */
public interface HttpFilter {
  default Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
    return Action.CONTINUE;
  }

  /**
   * A chunk of the request body, or the whole body when {@link FilterContext#bufferRequestBody}
   * was asked for (then called once, with {@code endOfStream} true).
   */
  default Action onRequestBody(FilterContext ctx, Body body, boolean endOfStream) {
    return Action.CONTINUE;
  }

  default Action onResponseHeaders(FilterContext ctx, ResponseHeaders headers, boolean endOfStream) {
    return Action.CONTINUE;
  }

  default Action onResponseBody(FilterContext ctx, Body body, boolean endOfStream) {
    return Action.CONTINUE;
  }

  /** Exactly once per request, after the last callback or when the request was abandoned. */
  default void onDone(FilterContext ctx) {}
}
