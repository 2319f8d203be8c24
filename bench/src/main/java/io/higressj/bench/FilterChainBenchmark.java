package io.higressj.bench;

import io.higressj.config.model.Route;
import io.higressj.config.model.Snapshot;
import io.higressj.config.plugin.PluginChain;
import io.higressj.proxy.DataPlane;
import io.higressj.proxy.filter.FilterHost;
import io.higressj.proxy.filter.FilterRunner;
import io.higressj.server.GatewayServer;
import io.higressj.server.ServerOptions;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The filter chain of {@code bench/plugin-chain.sh}'s {@code chain.local} route (transformer, key-auth,
 * ip-restriction and cors, plus jwt-auth, whose default configuration reaches every route without
 * enforcing anything; from the same WasmPlugin objects, translated by a real gateway started in the
 * set-up) run over one request's headers and its response's headers, with the runner the proxy uses and
 * no sockets: what the filters and the runner cost per request. The request carries the API key, an
 * Origin the cors rule allows and a header the transformer renames.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FilterChainBenchmark {
  private Path dir;
  private GatewayServer gateway;
  private EmbeddedChannel channel;
  private PluginChain chain;
  private Host host;

  @Setup
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("higressj-filter-bench-");
    PluginChainConfig.write(dir, 9); // nothing is sent upstream
    gateway = GatewayServer.start(ServerOptions.forTest(dir).withWriteStatus(false));
    Snapshot snapshot = gateway.snapshot();
    Route route = snapshot.routes().select("chain.local").match("/items");
    chain = snapshot.plugins().forRoute(route);
    if (chain == null || chain.size() != 5) {
      throw new IllegalStateException("chain.local should have 5 plugins: " + chain + "; problems " + snapshot.problems());
    }
    channel = new EmbeddedChannel();
    host = new Host(gateway.dataPlane(), snapshot, route, channel.eventLoop(), new Seen());
    Object check = requestAndResponse();
    if (!(check instanceof HttpResponse res) || !"higress-j".equals(res.headers().get("x-served-by"))
        || !"http://app.example".equals(res.headers().get(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN))) {
      throw new IllegalStateException("the chain did not run as configured: " + check);
    }
  }

  @TearDown
  public void tearDown() throws Exception {
    gateway.close();
    channel.finishAndReleaseAll();
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }

  /** One request through the request callbacks, then its response through the response callbacks. */
  @Benchmark
  public Object requestAndResponse() {
    HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/items?id=7");
    req.headers().set(HttpHeaderNames.HOST, "chain.local").set("apikey", "bench-key-1")
        .set(HttpHeaderNames.ORIGIN, "http://app.example").set("x-old", "v")
        .set(HttpHeaderNames.USER_AGENT, "bench/1.0").set(HttpHeaderNames.ACCEPT, "*/*");
    host.seen().continued = false;
    FilterRunner runner = new FilterRunner(host, chain, req, false, false);
    runner.start();
    if (!host.seen().continued) return host.seen().reply; // denied: setUp's check fails on it
    HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain").set(HttpHeaderNames.CONTENT_LENGTH, 0);
    runner.responseHeaders(res, true);
    runner.done();
    return res;
  }

  /** What reached the host from one request's run. */
  private static final class Seen {
    boolean continued;
    FullHttpResponse reply;
  }

  /** What the proxy's exchange does for the runner, reduced to noting what reaches it. */
  private record Host(DataPlane dataPlane, Snapshot snapshot, Route route, EventLoop eventLoop, Seen seen)
      implements FilterHost {
    @Override
    public String clusterName() {
      return route.cluster();
    }

    @Override
    public String clientAddress() {
      return "127.0.0.1";
    }

    @Override
    public boolean secure() {
      return false;
    }

    @Override
    public Route rematch() {
      return route; // the transformer's changes leave the request on its route
    }

    @Override
    public void continueRequest() {
      seen.continued = true;
    }

    @Override
    public void requestBodyWanted() {}

    @Override
    public void forwardRequestContent(HttpContent content) {
      content.release();
    }

    @Override
    public void continueResponse(HttpResponse response) {}

    @Override
    public void forwardResponseContent(HttpContent content) {
      content.release();
    }

    @Override
    public boolean responseHeadSent() {
      return false;
    }

    @Override
    public void sendFilterReply(FullHttpResponse response, String flag) {
      if (seen.reply != null) seen.reply.release();
      seen.reply = response;
    }

    @Override
    public void resetStream(String flag) {}
  }
}
