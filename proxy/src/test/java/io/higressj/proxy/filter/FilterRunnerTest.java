package io.higressj.proxy.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.api.Action;
import io.higressj.api.Body;
import io.higressj.api.FilterContext;
import io.higressj.api.HttpFilter;
import io.higressj.api.PluginFactory;
import io.higressj.api.PluginPhase;
import io.higressj.api.RequestHeaders;
import io.higressj.api.ResponseHeaders;
import io.higressj.config.model.PathMatch;
import io.higressj.config.model.Route;
import io.higressj.config.model.Snapshot;
import io.higressj.config.model.SnapshotHolder;
import io.higressj.config.plugin.FailStrategy;
import io.higressj.config.plugin.PluginBinding;
import io.higressj.config.plugin.PluginChain;
import io.higressj.config.plugin.PluginChains;
import io.higressj.proxy.DataPlane;
import io.higressj.proxy.ProxyOptions;
import io.higressj.proxy.Transport;
import io.higressj.proxy.accesslog.AccessLog;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The runner on its own: a recording host, filters written inline, Netty messages, no sockets. */
class FilterRunnerTest {
  final EmbeddedChannel channel = new EmbeddedChannel();
  final DataPlane dataPlane = new DataPlane(new SnapshotHolder(), ProxyOptions.defaults(), AccessLog.disabled(),
      Transport.best());
  final List<String> events = new ArrayList<>();
  final List<HttpContent> forwarded = new ArrayList<>();
  final List<HttpContent> responseForwarded = new ArrayList<>();

  @AfterEach
  void release() {
    forwarded.forEach(HttpContent::release);
    responseForwarded.forEach(HttpContent::release);
    channel.finishAndReleaseAll();
  }

  static PluginBinding binding(int rank, String name, FailStrategy fs, Supplier<HttpFilter> filters) {
    PluginFactory<Object> f = new PluginFactory<>() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Object parseConfig(Map<String, Object> config) {
        return config;
      }

      @Override
      public HttpFilter create(Object config) {
        return filters.get();
      }
    };
    return new PluginBinding(rank, name, "WasmPlugin test/" + name, PluginPhase.UNSPECIFIED_PHASE, 0, fs, f, List.of(),
        Map.of(), "defaultConfig");
  }

  /** A host that records what reaches it. */
  final class Host implements FilterHost {
    Route route = new Route("r1", PathMatch.prefix("/"), "c1", "Ingress ns/one");
    Route rerouteTo;
    Snapshot snapshot = Snapshot.empty();
    boolean headSent;
    FullHttpResponse reply;
    String reset;

    @Override
    public EventLoop eventLoop() {
      return channel.eventLoop();
    }

    @Override
    public DataPlane dataPlane() {
      return dataPlane;
    }

    @Override
    public Snapshot snapshot() {
      return snapshot;
    }

    @Override
    public Route route() {
      return route;
    }

    @Override
    public String clusterName() {
      return route.cluster();
    }

    @Override
    public String clientAddress() {
      return "10.0.0.1";
    }

    @Override
    public boolean secure() {
      return false;
    }

    @Override
    public Route rematch() {
      events.add("rematch");
      if (rerouteTo != null) route = rerouteTo;
      return route;
    }

    @Override
    public void continueRequest() {
      events.add("continueRequest");
    }

    @Override
    public void requestBodyWanted() {
      events.add("bodyWanted");
    }

    @Override
    public void forwardRequestContent(HttpContent content) {
      events.add("forward " + content.content().toString(StandardCharsets.UTF_8) + (content instanceof LastHttpContent ? " (last)" : ""));
      forwarded.add(content);
    }

    @Override
    public void continueResponse(HttpResponse response) {
      headSent = true;
      events.add("continueResponse " + response.status().code());
    }

    @Override
    public void forwardResponseContent(HttpContent content) {
      events.add("response " + content.content().toString(StandardCharsets.UTF_8));
      responseForwarded.add(content);
    }

    @Override
    public boolean responseHeadSent() {
      return headSent;
    }

    @Override
    public void sendFilterReply(FullHttpResponse response, String flag) {
      events.add("reply " + response.status().code() + " " + response.content().toString(StandardCharsets.UTF_8));
      reply = response;
      response.release();
    }

    @Override
    public void resetStream(String flag) {
      events.add("reset " + flag);
      reset = flag;
    }
  }

  final Host host = new Host();

  FilterRunner runner(HttpRequest req, boolean body, PluginBinding... bindings) {
    return new FilterRunner(host, new PluginChain(List.of(bindings)), req, body, false);
  }

  static HttpRequest post(String path, long contentLength) {
    HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path);
    r.headers().set(HttpHeaderNames.HOST, "example.com");
    if (contentLength >= 0) r.headers().set(HttpHeaderNames.CONTENT_LENGTH, contentLength);
    return r;
  }

  static HttpContent chunk(String s) {
    return new DefaultHttpContent(Unpooled.copiedBuffer(s, StandardCharsets.UTF_8));
  }

  static HttpContent last(String s) {
    return new DefaultLastHttpContent(Unpooled.copiedBuffer(s, StandardCharsets.UTF_8));
  }

  /** A filter that logs each callback with its tag and returns CONTINUE unless told otherwise. */
  class Logging implements HttpFilter {
    final String tag;
    FilterContext ctx;

    Logging(String tag) {
      this.tag = tag;
    }

    @Override
    public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
      this.ctx = ctx;
      events.add(tag + " headers");
      return Action.CONTINUE;
    }

    @Override
    public Action onRequestBody(FilterContext ctx, Body body, boolean endOfStream) {
      events.add(tag + " body " + body.text() + (endOfStream ? " (end)" : ""));
      return Action.CONTINUE;
    }

    @Override
    public Action onResponseHeaders(FilterContext ctx, ResponseHeaders headers, boolean endOfStream) {
      events.add(tag + " response headers");
      return Action.CONTINUE;
    }

    @Override
    public Action onResponseBody(FilterContext ctx, Body body, boolean endOfStream) {
      events.add(tag + " response body " + body.text());
      return Action.CONTINUE;
    }

    @Override
    public void onDone(FilterContext ctx) {
      events.add(tag + " done");
    }
  }

  @Test
  void aPausedBodyIsHeldSeenAgainWithMoreDataAndGoesOnAtResume() {
    Logging a = new Logging("a");
    Logging b = new Logging("b") {
      int calls;

      @Override
      public Action onRequestBody(FilterContext ctx, Body body, boolean endOfStream) {
        super.onRequestBody(ctx, body, endOfStream);
        return ++calls < 3 ? Action.PAUSE : Action.CONTINUE;
      }
    };
    Logging c = new Logging("c");
    FilterRunner r = runner(post("/", -1), true, binding(0, "a", FailStrategy.FAIL_CLOSE, () -> a),
        binding(1, "b", FailStrategy.FAIL_CLOSE, () -> b), binding(2, "c", FailStrategy.FAIL_CLOSE, () -> c));
    r.start();
    r.requestContent(chunk("one,"));
    r.requestContent(chunk("two,"));
    r.requestContent(last("three"));
    assertThat(events).containsExactly("a headers", "b headers", "c headers", "continueRequest",
        "a body one,", "b body one,", "a body two,", "b body one,two,", "a body three (end)",
        "b body one,two,three (end)", "c body one,two,three (end)", "forward one,two,three (last)");
    r.done();
    assertThat(events.subList(events.size() - 3, events.size())).containsExactly("a done", "b done", "c done");
  }

  @Test
  void resumeAfterABodyPauseSendsWhatWasHeld() {
    Logging a = new Logging("a") {
      @Override
      public Action onRequestBody(FilterContext ctx, Body body, boolean endOfStream) {
        super.onRequestBody(ctx, body, endOfStream);
        return Action.PAUSE;
      }
    };
    Logging b = new Logging("b");
    FilterRunner r = runner(post("/", 5), true, binding(0, "a", FailStrategy.FAIL_CLOSE, () -> a),
        binding(1, "b", FailStrategy.FAIL_CLOSE, () -> b));
    r.start();
    r.requestContent(last("hello"));
    assertThat(events).doesNotContain("b body hello (end)");
    a.ctx.resume();
    assertThat(events).endsWith("b body hello (end)", "forward hello (last)");
    r.done();
  }

  @Test
  void bufferedBodiesWaitForTheEndAndGetAContentLength() {
    HttpRequest req = post("/", -1);
    req.headers().set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
    Logging a = new Logging("a") {
      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
        ctx.bufferRequestBody(100);
        return super.onRequestHeaders(ctx, headers, endOfStream);
      }

      @Override
      public Action onRequestBody(FilterContext ctx, Body body, boolean endOfStream) {
        super.onRequestBody(ctx, body, endOfStream);
        body.replace(body.text() + "+more");
        return Action.CONTINUE;
      }
    };
    FilterRunner r = runner(req, true, binding(0, "a", FailStrategy.FAIL_CLOSE, () -> a));
    r.start();
    assertThat(r.aggregatingRequest()).isTrue();
    r.requestContent(chunk("ab"));
    r.requestContent(last("cd"));
    assertThat(events).containsExactly("a headers", "bodyWanted", "a body abcd (end)", "continueRequest",
        "forward abcd+more (last)");
    assertThat(req.headers().get(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo("9");
    assertThat(req.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)).isFalse();
    r.done();
  }

  @Test
  void aBodyOverTheLimitIs413AndEarlierFiltersSeeTheReply() {
    Logging a = new Logging("a");
    Logging b = new Logging("b") {
      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
        ctx.bufferRequestBody(3);
        return super.onRequestHeaders(ctx, headers, endOfStream);
      }
    };
    FilterRunner r = runner(post("/", 10), true, binding(0, "a", FailStrategy.FAIL_CLOSE, () -> a),
        binding(1, "b", FailStrategy.FAIL_CLOSE, () -> b));
    r.start();
    r.requestContent(chunk("0123456789"));
    assertThat(events).contains("reply 413 request body too large", "a response headers", "b response headers");
    r.requestContent(last("")); // after the reply: released, nothing forwarded
    assertThat(forwarded).isEmpty();
    r.done();
  }

  @Test
  void failOpenSkipsTheFilterForTheRestOfTheRequestAndFailCloseAnswers500() {
    Logging a = new Logging("a") {
      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
        super.onRequestHeaders(ctx, headers, endOfStream);
        throw new IllegalStateException("a fails");
      }
    };
    Logging b = new Logging("b");
    FilterRunner r = runner(post("/", 0), false, binding(0, "a", FailStrategy.FAIL_OPEN, () -> a),
        binding(1, "b", FailStrategy.FAIL_CLOSE, () -> b));
    r.start();
    r.responseHeaders(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK), true);
    r.done();
    assertThat(events).containsExactly("a headers", "b headers", "continueRequest", "b response headers",
        "continueResponse 200", "a done", "b done");
    assertThat(dataPlane.pluginErrors().count("a")).isEqualTo(1);

    events.clear();
    host.headSent = false; // a new request
    Logging c = new Logging("c") {
      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
        throw new IllegalStateException("c fails");
      }
    };
    FilterRunner closed = runner(post("/", 0), false, binding(0, "c", FailStrategy.FAIL_CLOSE, () -> c),
        binding(1, "b", FailStrategy.FAIL_CLOSE, () -> b));
    closed.start();
    assertThat(events).containsExactly("reply 500 plugin c failed\n");
    closed.done();
  }

  @Test
  void aFailureAfterTheHeadWasSentResetsTheStream() {
    Logging a = new Logging("a") {
      @Override
      public Action onResponseBody(FilterContext ctx, Body body, boolean endOfStream) {
        throw new IllegalStateException("late");
      }
    };
    FilterRunner r = runner(post("/", 0), false, binding(0, "a", FailStrategy.FAIL_CLOSE, () -> a));
    r.start();
    HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    r.responseHeaders(res, false);
    r.responseContent(chunk("partial"));
    assertThat(host.reset).isEqualTo("PLUGIN");
    r.responseContent(last("rest")); // released
    r.done();
  }

  @Test
  void aHeaderChangeReroutesAndTheRestOfTheChainComesFromTheNewRoute() {
    Logging a = new Logging("a") {
      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
        super.onRequestHeaders(ctx, headers, endOfStream);
        headers.path("/elsewhere");
        return Action.CONTINUE;
      }
    };
    Logging b = new Logging("b");
    Logging c = new Logging("c");
    Logging d = new Logging("d");
    Route other = new Route("r2", PathMatch.prefix("/elsewhere"), "c2", "Ingress ns/two");
    // the new route's chain: c ranks before a (skipped, a already ran in its place), d after it
    PluginChain otherChain = new PluginChain(List.of(binding(0, "c", FailStrategy.FAIL_CLOSE, () -> c),
        binding(3, "d", FailStrategy.FAIL_CLOSE, () -> d)));
    host.snapshot = new Snapshot(1, java.time.Instant.EPOCH, io.higressj.config.model.RouteTable.empty(), Map.of(),
        io.higressj.config.model.TlsConfig.empty(), List.of(), io.higressj.config.settings.GatewaySettings.DEFAULT,
        new PluginChains(Map.of(other, otherChain), List.of()));
    host.rerouteTo = other;
    FilterRunner r = runner(post("/", 0), false, binding(1, "a", FailStrategy.FAIL_CLOSE, () -> a),
        binding(2, "b", FailStrategy.FAIL_CLOSE, () -> b));
    r.start();
    assertThat(events).containsExactly("a headers", "rematch", "d headers", "continueRequest");
    assertThat(host.route).isSameAs(other);
    r.done();
  }

  @Test
  void noRematchWithoutAHeaderChangeNorAfterDisableReroute() {
    Logging a = new Logging("a") {
      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
        super.onRequestHeaders(ctx, headers, endOfStream);
        ctx.disableReroute();
        headers.set("x-user-id", "1");
        return Action.CONTINUE;
      }
    };
    Logging b = new Logging("b") {
      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
        super.onRequestHeaders(ctx, headers, endOfStream);
        headers.get("x-user-id"); // reading changes nothing
        return Action.CONTINUE;
      }
    };
    Logging c = new Logging("c");
    host.rerouteTo = new Route("r2", PathMatch.prefix("/"), "c2", "Ingress ns/two");
    FilterRunner r = runner(post("/", 0), false, binding(0, "a", FailStrategy.FAIL_CLOSE, () -> a),
        binding(1, "b", FailStrategy.FAIL_CLOSE, () -> b), binding(2, "c", FailStrategy.FAIL_CLOSE, () -> c));
    r.start();
    assertThat(events).containsExactly("a headers", "b headers", "c headers", "continueRequest");
    assertThat(host.route).isNotSameAs(host.rerouteTo);
    r.done();
  }

  @Test
  void aResumeInsideTheCallbackBeforeItsPauseContinues() {
    Logging a = new Logging("a") {
      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
        super.onRequestHeaders(ctx, headers, endOfStream);
        ctx.resume(); // e.g. the answer was cached: no callout needed
        return Action.PAUSE;
      }
    };
    Logging b = new Logging("b");
    FilterRunner r = runner(post("/", 0), false, binding(0, "a", FailStrategy.FAIL_CLOSE, () -> a),
        binding(1, "b", FailStrategy.FAIL_CLOSE, () -> b));
    r.start();
    assertThat(events).containsExactly("a headers", "b headers", "continueRequest");
    r.done();
  }

  @Test
  void onDoneRunsOnceAndLateResumesAreIgnored() {
    Logging a = new Logging("a") {
      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
        super.onRequestHeaders(ctx, headers, endOfStream);
        return Action.PAUSE;
      }
    };
    FilterRunner r = runner(post("/", 0), false, binding(0, "a", FailStrategy.FAIL_CLOSE, () -> a));
    r.start();
    r.done();
    r.done();
    a.ctx.resume();
    assertThat(events).containsExactly("a headers", "a done");
  }

  @Test
  void changingTheLengthOfAStreamedBodyWithContentLengthIsAFailure() {
    Logging a = new Logging("a") {
      @Override
      public Action onRequestBody(FilterContext ctx, Body body, boolean endOfStream) {
        body.replace("longer than before");
        return Action.CONTINUE;
      }
    };
    FilterRunner r = runner(post("/", 5), true, binding(0, "a", FailStrategy.FAIL_CLOSE, () -> a));
    r.start();
    r.requestContent(last("hello"));
    assertThat(events).containsExactly("a headers", "continueRequest", "reply 500 plugin a failed\n");
    r.done();
  }
}
