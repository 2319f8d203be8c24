package io.higressj.proxy.filter;

import io.higressj.api.Action;
import io.higressj.api.CalloutRequest;
import io.higressj.api.CalloutResponse;
import io.higressj.api.FilterContext;
import io.higressj.api.HttpFilter;
import io.higressj.api.PluginLog;
import io.higressj.config.model.Route;
import io.higressj.config.plugin.FailStrategy;
import io.higressj.config.plugin.PluginBinding;
import io.higressj.config.plugin.PluginChain;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * Runs a route's plugin chain over one request, on the request's event loop. Created only for routes
 * with plugins: a request without plugins never allocates one.
 *
 * <p>Request callbacks go in chain order, response callbacks in reverse (as Envoy's encoders).
 * Filters are created when the chain reaches them, with the configuration their rules give for the
 * request's host at that moment. A filter that changes the request headers makes the route be matched
 * again; the rest of the chain then comes from the new route's chain (the filters ranked after the
 * current one). Bodies stream chunk by chunk unless a filter asked for the whole body; then the head
 * is held until the body is complete, and Content-Length is set to what the filters left.
 */
public final class FilterRunner {
  /** control-plane style work of plugins: virtual threads, never the event loop */
  private static final Executor BLOCKING = Executors.newThreadPerTaskExecutor(
      Thread.ofVirtual().name("plugin-blocking-", 0).factory());

  private enum Stage { REQUEST_HEADERS, REQUEST_BODY, RESPONSE_HEADERS, RESPONSE_BODY }

  private final FilterHost host;
  private final HttpRequest request;
  private final HeaderViews.Request requestView;
  private final PluginErrors errors;
  private PluginChain chain;
  private int nextBinding;
  private int lastRank = -1;
  private final List<Slot> slots = new ArrayList<>(4);
  private Map<String, Object> attributes;
  private String consumer;
  private boolean requestHasBody;

  private Slot paused;
  private Stage pausedStage;
  /** the filter whose callback is running, for a resume() that comes before its PAUSE */
  private Slot inCallback;
  private boolean requestHeadersDone;
  private boolean stopped; // a local reply or a reset ended the chain
  private boolean done;

  // request body
  private int requestBufferLimit = -1;
  private ArrayDeque<HttpContent> queuedRequest;
  private CompositeByteBuf requestAggregate;
  private HttpHeaders requestTrailers;
  private boolean requestBodyComplete;
  private int requestBodyIndex;
  private boolean requestContentLengthFixed;

  // response
  private int responseBufferLimit = -1;
  private HttpResponse responseHead;
  private HeaderViews.Response responseView;
  private int responseIndex;
  private boolean responseHeadersDone;
  private ArrayDeque<HttpContent> queuedResponse;
  private CompositeByteBuf responseAggregate;
  private HttpHeaders responseTrailers;
  private boolean responseContentLength;

  /** One filter of this request. */
  private final class Slot implements FilterContext {
    final PluginBinding binding;
    HttpFilter filter;
    boolean disabled; // failed open
    HttpContent held; // streamed body kept by a PAUSE, by direction
    HttpContent heldResponse;
    boolean earlyResume;
    boolean noReroute; // disableReroute(): its header changes keep the route

    Slot(PluginBinding binding) {
      this.binding = binding;
    }

    @Override
    public void disableReroute() {
      noReroute = true;
    }

    @Override
    public boolean responseFromUpstream() {
      return responseHead != null; // local replies run their response callbacks before any upstream head
    }

    @Override
    public void resume() {
      if (host.eventLoop().inEventLoop()) FilterRunner.this.resume(this);
      else host.eventLoop().execute(() -> FilterRunner.this.resume(this));
    }

    @Override
    public void fail(Throwable cause) {
      if (!host.eventLoop().inEventLoop()) {
        host.eventLoop().execute(() -> fail(cause));
        return;
      }
      if (done || disabled) return;
      failed(this, "an asynchronous callback", cause);
    }

    @Override
    public void sendLocalReply(int status, Map<String, String> headers, byte[] body) {
      if (!host.eventLoop().inEventLoop()) {
        host.eventLoop().execute(() -> sendLocalReply(status, headers, body));
        return;
      }
      localReply(this, status, headers == null ? List.of() : List.copyOf(headers.entrySet()), body);
    }

    @Override
    public void sendLocalReply(int status, List<Map.Entry<String, String>> headers, byte[] body) {
      if (!host.eventLoop().inEventLoop()) {
        host.eventLoop().execute(() -> sendLocalReply(status, headers, body));
        return;
      }
      localReply(this, status, headers == null ? List.of() : headers, body);
    }

    @Override
    public void bufferRequestBody(int maxBytes) {
      if (maxBytes < 0) throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: >= 0)");
      if (!requestHeadersDone) requestBufferLimit = requestBufferLimit < 0 ? maxBytes : Math.min(requestBufferLimit, maxBytes);
    }

    @Override
    public void bufferResponseBody(int maxBytes) {
      if (maxBytes < 0) throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: >= 0)");
      if (!responseHeadersDone) {
        responseBufferLimit = responseBufferLimit < 0 ? maxBytes : Math.min(responseBufferLimit, maxBytes);
      }
    }

    @Override
    public String routeName() {
      Route r = host.route();
      return r == null ? null : r.name();
    }

    @Override
    public String clusterName() {
      return host.clusterName();
    }

    @Override
    public String consumer() {
      return consumer;
    }

    @Override
    public void consumer(String name) {
      consumer = name;
      if (name == null) request.headers().remove(X_MSE_CONSUMER);
      else request.headers().set(X_MSE_CONSUMER, name);
    }

    @Override
    public String remoteAddress() {
      return host.clientAddress();
    }

    @Override
    public boolean secure() {
      return host.secure();
    }

    @Override
    public String sni() {
      return host.sni();
    }

    @Override
    public String protocol() {
      return host.protocol();
    }

    @Override
    public <T> T attribute(String name, Class<T> type) {
      Object v = attributes == null ? null : attributes.get(name);
      return type.isInstance(v) ? type.cast(v) : null;
    }

    @Override
    public void attribute(String name, Object value) {
      if (attributes == null) attributes = new HashMap<>();
      if (value == null) attributes.remove(name);
      else attributes.put(name, value);
    }

    @Override
    public void callout(CalloutRequest req, Duration timeout, Consumer<CalloutResponse> callback) {
      Runnable send = () -> Callout.send(host, req, timeout, res -> {
        if (done || stopped || disabled) return;
        try {
          callback.accept(res);
        } catch (Throwable t) {
          rethrowFatal(t);
          failed(this, "callout callback", t);
        }
      });
      if (host.eventLoop().inEventLoop()) send.run();
      else host.eventLoop().execute(send);
    }

    @Override
    public io.higressj.api.RedisClient redis(io.higressj.api.RedisTarget target) {
      java.util.Objects.requireNonNull(target, "target");
      return (args, callback) -> {
        List<String> copy = List.copyOf(args);
        Runnable send = () -> host.dataPlane().redis(host.eventLoop()).command(host.snapshot(),
            cluster -> host.dataPlane().pickEndpoint(host.eventLoop(), cluster, null), target, copy, reply -> {
              if (done || stopped || disabled) return;
              try {
                callback.accept(reply);
              } catch (Throwable t) {
                rethrowFatal(t);
                failed(this, "redis callback", t);
              }
            });
        if (host.eventLoop().inEventLoop()) send.run();
        else host.eventLoop().execute(send);
      };
    }

    @Override
    public ScheduledExecutorService eventLoop() {
      return host.eventLoop();
    }

    @Override
    public Executor blockingExecutor() {
      return BLOCKING;
    }

    @Override
    public PluginLog log() {
      return PluginLogs.of(binding.plugin());
    }
  }

  /** the header naming the authenticated consumer to the upstream, as Higress's auth plugins set it */
  public static final String X_MSE_CONSUMER = "x-mse-consumer";

  public FilterRunner(FilterHost host, PluginChain chain, HttpRequest request, boolean requestHasBody, boolean secure) {
    this.host = host;
    this.chain = chain;
    this.request = request;
    this.requestHasBody = requestHasBody;
    this.requestView = new HeaderViews.Request(request, secure);
    this.errors = host.dataPlane().pluginErrors();
  }

  // ---------------------------------------------------------------- request headers

  /** Runs the request headers through the chain; the host's {@link FilterHost#continueRequest} follows. */
  public void start() {
    runRequestHeaders();
  }

  private void runRequestHeaders() {
    while (!stopped && !done) {
      if (chain == null || nextBinding >= chain.size()) break;
      PluginBinding b = chain.get(nextBinding++);
      Object config = b.configFor(requestView.authority());
      if (config == null) continue;
      lastRank = b.rank();
      Slot s = new Slot(b);
      slots.add(s);
      try {
        s.filter = b.factory().create(config);
      } catch (Throwable t) {
        rethrowFatal(t);
        if (!failed(s, "create", t)) return;
        continue;
      }
      requestView.dirty = false;
      Action a;
      try {
        inCallback = s;
        a = settle(s, s.filter.onRequestHeaders(s, requestView, !requestHasBody));
      } catch (Throwable t) {
        rethrowFatal(t);
        if (!failed(s, "onRequestHeaders", t)) return;
        a = Action.CONTINUE;
      }
      if (stopped || done) return;
      if (requestView.dirty && !rerouteAfter(s)) return;
      if (a == Action.PAUSE) {
        paused = s;
        pausedStage = Stage.REQUEST_HEADERS;
        return;
      }
    }
    if (stopped || done) return;
    requestHeadersDone = true;
    if (requestHasBody && requestBufferLimit >= 0) {
      // the head waits for the whole body: its length may change
      requestAggregate = Unpooled.compositeBuffer(Integer.MAX_VALUE);
      host.requestBodyWanted();
    } else {
      host.continueRequest();
    }
    drainRequest();
  }

  /** {@link #reroute} unless the filter that changed the headers asked to keep the route. */
  private boolean rerouteAfter(Slot s) {
    if (s.noReroute) {
      requestView.dirty = false;
      return true;
    }
    return reroute();
  }

  /** The route again after a filter changed the request; false when the exchange answered instead. */
  private boolean reroute() {
    requestView.dirty = false;
    Route before = host.route();
    Route now = host.rematch();
    if (now == null) {
      stopped = true;
      return false;
    }
    if (now != before) {
      PluginChain next = host.snapshot().plugins().forRoute(now);
      chain = next;
      nextBinding = 0;
      if (next != null) {
        while (nextBinding < next.size() && next.get(nextBinding).rank() <= lastRank) nextBinding++;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- request body

  /** Whether a filter is collecting the whole request body (downstream reads must go on). */
  public boolean aggregatingRequest() {
    return requestAggregate != null && !requestBodyComplete;
  }

  /** Whether request content must go through {@link #requestContent} (else straight to the host). */
  public boolean wantsRequestContent() {
    return requestHasBody && !stopped && !done;
  }

  /** A request body chunk from downstream. Ownership passes. */
  public void requestContent(HttpContent c) {
    if (stopped || done) {
      c.release();
      return;
    }
    if (!requestHeadersDone || paused != null && pausedStage == Stage.REQUEST_BODY && requestAggregate != null
        || queuedRequest != null && !queuedRequest.isEmpty()) {
      if (queuedRequest == null) queuedRequest = new ArrayDeque<>();
      queuedRequest.add(c);
      return;
    }
    processRequestContent(c);
  }

  private void drainRequest() {
    while (queuedRequest != null && !queuedRequest.isEmpty() && !stopped && !done) {
      if (paused != null && pausedStage == Stage.REQUEST_BODY && requestAggregate != null) return;
      processRequestContent(queuedRequest.poll());
    }
  }

  private void processRequestContent(HttpContent c) {
    if (requestAggregate != null) {
      boolean last = c instanceof LastHttpContent;
      if (requestAggregate.readableBytes() + c.content().readableBytes() > requestBufferLimit) {
        c.release();
        localReply(null, 413, List.of(), "request body too large".getBytes(StandardCharsets.UTF_8));
        return;
      }
      requestAggregate.addComponent(true, c.content().retain());
      if (last) requestTrailers = ((LastHttpContent) c).trailingHeaders().copy();
      c.release();
      if (last) {
        requestBodyComplete = true;
        requestBodyIndex = 0;
        runBufferedRequestBody();
      }
      return;
    }
    streamRequest(c, 0);
  }

  /** A streamed chunk through the filters from {@code from}: held where a filter pauses. */
  private void streamRequest(HttpContent c, int from) {
    boolean last = c instanceof LastHttpContent;
    for (int i = from; i < slots.size(); i++) {
      Slot s = slots.get(i);
      if (s.disabled || s.filter == null) continue;
      if (s.held != null) {
        c = combine(s.held, c);
        s.held = null;
      }
      HeaderViews.BufBody body = new HeaderViews.BufBody(c.content());
      Action a;
      try {
        inCallback = s;
        a = settle(s, s.filter.onRequestBody(s, body, last));
      } catch (Throwable t) {
        rethrowFatal(t);
        release(body);
        if (!failed(s, "onRequestBody", t)) {
          c.release();
          return;
        }
        continue;
      }
      if (stopped || done) {
        release(body);
        c.release();
        return;
      }
      if (body.replacement != null) {
        int delta = body.replacement.readableBytes() - c.content().readableBytes();
        if (delta != 0 && !requestContentLengthFixed && HttpUtil.getContentLength(request, -1L) >= 0) {
          release(body);
          if (!failed(s, "onRequestBody", new IllegalStateException("changed the length of a streamed request body"
              + " that has a Content-Length; call bufferRequestBody in onRequestHeaders"))) {
            c.release();
            return;
          }
        } else {
          HttpContent replaced = c.replace(body.replacement); // keeps trailers; the old content is ours to free
          c.release();
          c = replaced;
        }
      }
      if (a == Action.PAUSE) {
        s.held = c;
        paused = s;
        pausedStage = Stage.REQUEST_BODY;
        return;
      }
      if (paused == s) paused = null; // it let the data go on by itself
    }
    host.forwardRequestContent(c);
  }

  private void runBufferedRequestBody() {
    while (requestBodyIndex < slots.size()) {
      Slot s = slots.get(requestBodyIndex++);
      if (s.disabled || s.filter == null) continue;
      HeaderViews.BufBody body = new HeaderViews.BufBody(requestAggregate);
      Action a;
      try {
        inCallback = s;
        a = settle(s, s.filter.onRequestBody(s, body, true));
      } catch (Throwable t) {
        rethrowFatal(t);
        release(body);
        if (!failed(s, "onRequestBody", t)) return;
        continue;
      }
      if (stopped || done) {
        release(body);
        return;
      }
      if (body.replacement != null) {
        requestAggregate.release();
        requestAggregate = Unpooled.compositeBuffer(Integer.MAX_VALUE).addComponent(true, body.replacement);
      }
      if (a == Action.PAUSE) {
        paused = s;
        pausedStage = Stage.REQUEST_BODY;
        return;
      }
    }
    CompositeByteBuf whole = requestAggregate;
    requestAggregate = null;
    HttpHeaders h = request.headers();
    h.remove(HttpHeaderNames.TRANSFER_ENCODING);
    h.setInt(HttpHeaderNames.CONTENT_LENGTH, whole.readableBytes());
    requestContentLengthFixed = true;
    host.continueRequest();
    LastHttpContent last = new DefaultLastHttpContent(whole);
    if (requestTrailers != null) last.trailingHeaders().set(requestTrailers);
    if (stopped || done) {
      last.release();
      return;
    }
    host.forwardRequestContent(last);
    drainRequest();
  }

  // ---------------------------------------------------------------- response

  /** The upstream's response head (after the route's header actions). */
  public void responseHeaders(HttpResponse res, boolean endOfStream) {
    if (stopped || done) return;
    responseHead = res;
    responseView = new HeaderViews.Response(res);
    responseContentLength = HttpUtil.getContentLength(res, -1L) >= 0;
    responseIndex = slots.size() - 1;
    runResponseHeaders(endOfStream);
  }

  private boolean responseEnd;

  private void runResponseHeaders(boolean endOfStream) {
    responseEnd = endOfStream;
    while (responseIndex >= 0) {
      Slot s = slots.get(responseIndex--);
      if (s.disabled || s.filter == null) continue;
      Action a;
      try {
        inCallback = s;
        a = settle(s, s.filter.onResponseHeaders(s, responseView, endOfStream));
      } catch (Throwable t) {
        rethrowFatal(t);
        if (!failed(s, "onResponseHeaders", t)) return;
        continue;
      }
      if (stopped || done) return;
      if (a == Action.PAUSE) {
        paused = s;
        pausedStage = Stage.RESPONSE_HEADERS;
        return;
      }
    }
    responseHeadersDone = true;
    // as the filters left it: one that removed Content-Length may change the length of streamed chunks
    responseContentLength = HttpUtil.getContentLength(responseHead, -1L) >= 0;
    if (responseBufferLimit >= 0 && !endOfStream) {
      responseAggregate = Unpooled.compositeBuffer(Integer.MAX_VALUE);
    } else {
      host.continueResponse(responseHead);
    }
    drainResponse();
  }

  /** A response body chunk from upstream. Ownership passes. */
  public void responseContent(HttpContent c) {
    if (stopped || done) {
      c.release();
      return;
    }
    if (!responseHeadersDone || queuedResponse != null && !queuedResponse.isEmpty()
        || paused != null && pausedStage == Stage.RESPONSE_BODY && responseAggregate != null) {
      if (queuedResponse == null) queuedResponse = new ArrayDeque<>();
      queuedResponse.add(c);
      return;
    }
    processResponseContent(c);
  }

  private void drainResponse() {
    while (queuedResponse != null && !queuedResponse.isEmpty() && !stopped && !done) {
      if (paused != null && pausedStage == Stage.RESPONSE_BODY && responseAggregate != null) return;
      processResponseContent(queuedResponse.poll());
    }
  }

  private void processResponseContent(HttpContent c) {
    if (responseEnd && c instanceof LastHttpContent && !c.content().isReadable()) {
      host.forwardResponseContent(c); // a response without a body: no body callbacks
      return;
    }
    if (responseAggregate != null) {
      boolean last = c instanceof LastHttpContent;
      if (responseAggregate.readableBytes() + c.content().readableBytes() > responseBufferLimit) {
        c.release();
        localReply(null, 500, List.of(), "response body too large for a plugin".getBytes(StandardCharsets.UTF_8));
        return;
      }
      responseAggregate.addComponent(true, c.content().retain());
      if (last) responseTrailers = ((LastHttpContent) c).trailingHeaders().copy();
      c.release();
      if (last) {
        responseIndex = slots.size() - 1;
        runBufferedResponseBody();
      }
      return;
    }
    streamResponse(c, slots.size() - 1);
  }

  private void streamResponse(HttpContent c, int from) {
    boolean last = c instanceof LastHttpContent;
    for (int i = from; i >= 0; i--) {
      Slot s = slots.get(i);
      if (s.disabled || s.filter == null) continue;
      if (s.heldResponse != null) {
        c = combine(s.heldResponse, c);
        s.heldResponse = null;
      }
      HeaderViews.BufBody body = new HeaderViews.BufBody(c.content());
      Action a;
      try {
        inCallback = s;
        a = settle(s, s.filter.onResponseBody(s, body, last));
      } catch (Throwable t) {
        rethrowFatal(t);
        release(body);
        if (!failed(s, "onResponseBody", t)) {
          c.release();
          return;
        }
        continue;
      }
      if (stopped || done) {
        release(body);
        c.release();
        return;
      }
      if (body.replacement != null) {
        int delta = body.replacement.readableBytes() - c.content().readableBytes();
        if (delta != 0 && responseContentLength) {
          release(body);
          if (!failed(s, "onResponseBody", new IllegalStateException("changed the length of a streamed response body"
              + " that has a Content-Length; call bufferResponseBody first"))) {
            c.release();
            return;
          }
        } else {
          HttpContent replaced = c.replace(body.replacement); // keeps trailers; the old content is ours to free
          c.release();
          c = replaced;
        }
      }
      if (a == Action.PAUSE) {
        s.heldResponse = c;
        paused = s;
        pausedStage = Stage.RESPONSE_BODY;
        return;
      }
      if (paused == s) paused = null;
    }
    host.forwardResponseContent(c);
  }

  private void runBufferedResponseBody() {
    while (responseIndex >= 0) {
      Slot s = slots.get(responseIndex--);
      if (s.disabled || s.filter == null) continue;
      HeaderViews.BufBody body = new HeaderViews.BufBody(responseAggregate);
      Action a;
      try {
        inCallback = s;
        a = settle(s, s.filter.onResponseBody(s, body, true));
      } catch (Throwable t) {
        rethrowFatal(t);
        release(body);
        if (!failed(s, "onResponseBody", t)) return;
        continue;
      }
      if (stopped || done) {
        release(body);
        return;
      }
      if (body.replacement != null) {
        responseAggregate.release();
        responseAggregate = Unpooled.compositeBuffer(Integer.MAX_VALUE).addComponent(true, body.replacement);
      }
      if (a == Action.PAUSE) {
        paused = s;
        pausedStage = Stage.RESPONSE_BODY;
        return;
      }
    }
    CompositeByteBuf whole = responseAggregate;
    responseAggregate = null;
    HttpHeaders h = responseHead.headers();
    h.remove(HttpHeaderNames.TRANSFER_ENCODING);
    h.setInt(HttpHeaderNames.CONTENT_LENGTH, whole.readableBytes());
    host.continueResponse(responseHead);
    LastHttpContent last = new DefaultLastHttpContent(whole);
    if (responseTrailers != null) last.trailingHeaders().set(responseTrailers);
    if (stopped || done) {
      last.release();
      return;
    }
    host.forwardResponseContent(last);
  }

  // ---------------------------------------------------------------- resume, local replies, failures

  /** A callback's answer: a PAUSE whose resume() already came (a cached answer, say) is a CONTINUE. */
  private Action settle(Slot s, Action a) {
    inCallback = null;
    boolean early = s.earlyResume;
    s.earlyResume = false;
    return a == Action.PAUSE && early ? Action.CONTINUE : a;
  }

  private void resume(Slot s) {
    if (inCallback == s && paused != s) {
      s.earlyResume = true; // resumed inside its own callback, before returning PAUSE
      return;
    }
    if (done || stopped || paused != s) return;
    Stage stage = pausedStage;
    paused = null;
    pausedStage = null;
    try {
      resumeAt(s, stage);
    } finally {
      // the request's queued body went upstream here, not in a downstream read: flush it
      if (stage == Stage.REQUEST_HEADERS || stage == Stage.REQUEST_BODY) host.flushRequest();
    }
  }

  private void resumeAt(Slot s, Stage stage) {
    switch (stage) {
      case REQUEST_HEADERS -> {
        if (requestView.dirty && !rerouteAfter(s)) return;
        runRequestHeaders();
      }
      case REQUEST_BODY -> {
        if (requestAggregate != null) {
          runBufferedRequestBody();
        } else {
          HttpContent held = s.held;
          s.held = null;
          if (held != null) streamRequest(held, slots.indexOf(s) + 1);
        }
        if (!stopped && !done) drainRequest();
      }
      case RESPONSE_HEADERS -> runResponseHeaders(responseEnd);
      case RESPONSE_BODY -> {
        if (responseAggregate != null) {
          runBufferedResponseBody();
        } else {
          HttpContent held = s.heldResponse;
          s.heldResponse = null;
          if (held != null) streamResponse(held, slots.indexOf(s) - 1);
        }
        if (!stopped && !done) drainResponse();
      }
    }
  }

  /**
   * A local reply from filter {@code from} (null: from the runner itself). In the request phase, the
   * response callbacks of the filters before it see the reply; then it is written. Once the response
   * head went downstream, the stream is reset instead.
   */
  private void localReply(Slot from, int status, List<Map.Entry<String, String>> headers, byte[] body) {
    if (done || stopped) return;
    stopped = true;
    paused = null;
    releaseHeld();
    if (host.responseHeadSent()) {
      host.resetStream("-");
      return;
    }
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
        Unpooled.copiedBuffer(body == null ? new byte[0] : body));
    for (Map.Entry<String, String> e : headers) res.headers().add(e.getKey(), e.getValue());
    if (!res.headers().contains(HttpHeaderNames.CONTENT_TYPE) && res.content().isReadable()) {
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    }
    // the filters before the replying one (all of them for the runner's own replies) see it, in response order
    if (responseHead == null) replyFilters(from == null ? slots.size() : slots.indexOf(from), res);
    host.sendFilterReply(res, from == null ? "-" : "PLUGIN");
  }

  /**
   * A response the gateway makes itself (404 after a reroute, 503, 502, 504, redirects ...): the
   * response callbacks of every filter see it before it is written, as Envoy's encoder filters see
   * local replies. A PAUSE is not honoured here.
   */
  public void gatewayReply(FullHttpResponse res) {
    if (stopped || done || responseHead != null) return;
    stopped = true;
    paused = null;
    releaseHeld();
    replyFilters(slots.size(), res);
  }

  /** The response callbacks of the filters before {@code end}, in response order, over a local reply. */
  private void replyFilters(int end, FullHttpResponse res) {
    HeaderViews.Response view = new HeaderViews.Response(res);
    for (int i = end - 1; i >= 0; i--) {
      Slot s = slots.get(i);
      if (s.disabled || s.filter == null) continue;
      try {
        s.filter.onResponseHeaders(s, view, !res.content().isReadable());
        if (res.content().isReadable()) {
          HeaderViews.BufBody b = new HeaderViews.BufBody(res.content());
          s.filter.onResponseBody(s, b, true);
          if (b.replacement != null) {
            res.content().clear().writeBytes(b.replacement);
            b.replacement.release();
          }
        }
      } catch (Throwable t) {
        rethrowFatal(t);
        errors.record(s.binding.plugin(), "the response callbacks of a local reply", t);
      }
    }
  }

  /**
   * A filter failed: counted and logged; FAIL_OPEN skips the filter for the rest of the request and
   * returns true (go on), FAIL_CLOSE answers 500 (or resets) and returns false.
   */
  private boolean failed(Slot s, String what, Throwable t) {
    inCallback = null;
    s.earlyResume = false;
    errors.record(s.binding.plugin(), what, t);
    if (s.binding.failStrategy() == FailStrategy.FAIL_OPEN) {
      s.disabled = true;
      if (paused == s) {
        // a failing callback of a paused filter: go on as if it had resumed
        resume(s);
      }
      return true;
    }
    if (done || stopped) return false;
    stopped = true;
    paused = null;
    releaseHeld();
    if (host.responseHeadSent()) {
      host.resetStream("PLUGIN");
    } else {
      FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.INTERNAL_SERVER_ERROR,
          Unpooled.copiedBuffer("plugin " + s.binding.plugin() + " failed\n", StandardCharsets.UTF_8));
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
      host.sendFilterReply(res, "PLUGIN");
    }
    return false;
  }

  /** Called once when the exchange ends, however it ends: onDone of every filter created, buffers freed. */
  public void done() {
    if (done) return;
    done = true;
    paused = null;
    releaseHeld();
    for (int i = 0; i < slots.size(); i++) {
      Slot s = slots.get(i);
      if (s.filter == null) continue;
      try {
        s.filter.onDone(s);
      } catch (Throwable t) {
        rethrowFatal(t);
        errors.record(s.binding.plugin(), "onDone", t);
      }
    }
  }

  /** The consumer a filter named, or null. */
  public String consumer() {
    return consumer;
  }

  private void releaseHeld() {
    for (Slot s : slots) {
      if (s.held != null) {
        s.held.release();
        s.held = null;
      }
      if (s.heldResponse != null) {
        s.heldResponse.release();
        s.heldResponse = null;
      }
    }
    releaseAll(queuedRequest);
    releaseAll(queuedResponse);
    if (requestAggregate != null) {
      requestAggregate.release();
      requestAggregate = null;
    }
    if (responseAggregate != null) {
      responseAggregate.release();
      responseAggregate = null;
    }
  }

  private static void releaseAll(ArrayDeque<HttpContent> q) {
    if (q == null) return;
    HttpContent c;
    while ((c = q.poll()) != null) c.release();
  }

  private static void release(HeaderViews.BufBody b) {
    if (b.replacement != null) {
      b.replacement.release();
      b.replacement = null;
    }
  }

  /** {@code held} followed by {@code next}, as one chunk (the last one if {@code next} is). */
  private static HttpContent combine(HttpContent held, HttpContent next) {
    CompositeByteBuf both = Unpooled.compositeBuffer(Integer.MAX_VALUE);
    both.addComponent(true, held.content().retain());
    both.addComponent(true, next.content().retain());
    HttpContent out;
    if (next instanceof LastHttpContent l) {
      DefaultLastHttpContent dl = new DefaultLastHttpContent(both);
      dl.trailingHeaders().set(l.trailingHeaders());
      out = dl;
    } else {
      out = new DefaultHttpContent(both);
    }
    held.release();
    next.release();
    return out;
  }

  static void rethrowFatal(Throwable t) {
    if (t instanceof OutOfMemoryError e) throw e;
  }

}
