package io.higressj.testing.plugin;

import io.higressj.api.Action;
import io.higressj.api.Body;
import io.higressj.api.CalloutRequest;
import io.higressj.api.CalloutResponse;
import io.higressj.api.FilterContext;
import io.higressj.api.HttpFilter;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginFactory;
import io.higressj.api.PluginLog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs a plugin without a gateway: each {@link Exchange} is one request, whose phases the test calls
 * in order. The test sees what the filter answered ({@link Action}), what it changed (the header and
 * body objects), its local reply, the callouts it sent (answered by the test with {@link
 * Callout#answer}), how often it resumed, and that onDone ran once.
 *
 * <pre>{@code
 * PluginTestHost host = PluginTestHost.of(new KeyAuthFactory(), Map.of("consumers", List.of(...)));
 * PluginTestHost.Exchange ex = host.exchange("GET", "/", "example.com");
 * assertThat(ex.requestHeaders()).isEqualTo(Action.PAUSE);
 * ex.callouts().get(0).answer(200, "ok");
 * assertThat(ex.resumes()).isEqualTo(1);
 * }</pre>
 */
public final class PluginTestHost {
  private final Supplier<HttpFilter> filters;
  private String routeName = "test-route";
  private String clusterName = "outbound|80||test.default.svc.cluster.local";
  private String remoteAddress = "127.0.0.1";
  private boolean secure;
  private String sni;
  private String protocol = "HTTP/1.1";
  private ScheduledExecutorService loop;
  private java.net.InetSocketAddress redis;

  private PluginTestHost(Supplier<HttpFilter> filters) {
    this.filters = filters;
  }

  /** A host for {@code factory} with {@code config} parsed as a WasmPlugin's defaultConfig. */
  public static <C> PluginTestHost of(PluginFactory<C> factory, Map<String, Object> config) throws PluginConfigException {
    C parsed = factory.parseConfig(config);
    return new PluginTestHost(() -> factory.create(parsed));
  }

  /** A host for {@code factory} with a rule's configuration combined with the global one. */
  public static <C> PluginTestHost ofRule(PluginFactory<C> factory, Map<String, Object> global, Map<String, Object> rule)
      throws PluginConfigException {
    C g = global == null ? null : factory.parseConfig(global);
    C parsed = factory.parseRuleConfig(rule, g);
    return new PluginTestHost(() -> factory.create(parsed));
  }

  /** A host creating filters with {@code filters} (one per exchange). */
  public static PluginTestHost ofFilter(Supplier<HttpFilter> filters) {
    return new PluginTestHost(filters);
  }

  public PluginTestHost route(String routeName, String clusterName) {
    this.routeName = routeName;
    this.clusterName = clusterName;
    return this;
  }

  public PluginTestHost client(String remoteAddress, boolean secure) {
    this.remoteAddress = remoteAddress;
    this.secure = secure;
    return this;
  }

  /**
   * Makes every {@link io.higressj.api.RedisTarget} of the plugin reach the Redis server at {@code
   * host:port} (e.g. an {@link io.higressj.testing.redis.RedisServer}); the commands a filter sends run
   * when the test calls {@link Exchange#runRedis()}.
   */
  public PluginTestHost redis(String host, int port) {
    this.redis = java.net.InetSocketAddress.createUnresolved(host, port);
    return this;
  }

  /** A Redis command a filter sent. */
  public record RedisCall(io.higressj.api.RedisTarget target, List<String> args, Consumer<io.higressj.api.RedisReply> callback) {}

  /** The connection's TLS server name (null: none) and HTTP version ({@code HTTP/1.1}, {@code HTTP/2}). */
  public PluginTestHost connection(String sni, String protocol) {
    this.sni = sni;
    this.protocol = protocol;
    return this;
  }

  /** A new request. */
  public Exchange exchange(String method, String path, String authority) {
    return new Exchange(filters.get(), new TestHeaders.Request(method, path, authority, secure ? "https" : "http"));
  }

  private synchronized ScheduledExecutorService loop() {
    if (loop == null) {
      loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "plugin-test-loop");
        t.setDaemon(true);
        return t;
      });
    }
    return loop;
  }

  /** A local reply the filter sent; {@code lines} are its header lines in order (a name may repeat). */
  public record LocalReply(int status, Map<String, String> headers, byte[] body, List<Map.Entry<String, String>> lines) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** every value of header {@code name} (case-insensitive), in order */
    public List<String> all(String name) {
      List<String> out = new ArrayList<>();
      for (Map.Entry<String, String> e : lines) if (e.getKey().equalsIgnoreCase(name)) out.add(e.getValue());
      return out;
    }
  }

  /** A callout the filter sent; {@link #answer} runs its callback (on the test's thread). */
  public static final class Callout {
    private final CalloutRequest request;
    private final Duration timeout;
    private final Consumer<CalloutResponse> callback;
    private boolean answered;

    Callout(CalloutRequest request, Duration timeout, Consumer<CalloutResponse> callback) {
      this.request = request;
      this.timeout = timeout;
      this.callback = callback;
    }

    public CalloutRequest request() {
      return request;
    }

    public Duration timeout() {
      return timeout;
    }

    public void answer(CalloutResponse response) {
      if (answered) throw new IllegalStateException("callout answered twice");
      answered = true;
      callback.accept(response);
    }

    public void answer(int status, String body) {
      answer(new CalloutResponse(status, List.of(), body.getBytes(StandardCharsets.UTF_8), null));
    }

    public void fail(String why) {
      answer(new CalloutResponse(0, List.of(), null, why));
    }
  }

  /** A body chunk as the filter sees it. */
  static final class TestBody implements Body {
    byte[] content;

    TestBody(byte[] content) {
      this.content = content;
    }

    @Override
    public int length() {
      return content.length;
    }

    @Override
    public byte[] bytes() {
      return content.clone();
    }

    @Override
    public void replace(byte[] content) {
      this.content = content.clone();
    }
  }

  /** One request through one filter. */
  public final class Exchange implements FilterContext {
    private final HttpFilter filter;
    private final TestHeaders.Request request;
    private TestHeaders.Response response;
    private final List<Callout> callouts = new ArrayList<>();
    private final java.util.ArrayDeque<RedisCall> redisQueue = new java.util.ArrayDeque<>();
    private final List<RedisCall> redisCalls = new ArrayList<>();
    private final Map<String, Object> attributes = new HashMap<>();
    private final List<String> logs = new ArrayList<>();
    private LocalReply localReply;
    private String consumer;
    private int resumes;
    private int doneCalls;
    private int requestBufferLimit = -1;
    private boolean rerouteDisabled;
    private boolean fromUpstream = true;
    private int responseBufferLimit = -1;
    private byte[] lastRequestBody;
    private byte[] lastResponseBody;

    Exchange(HttpFilter filter, TestHeaders.Request request) {
      this.filter = Objects.requireNonNull(filter, "the factory created no filter");
      this.request = request;
    }

    /** The request headers, for the test to fill before {@link #requestHeaders()} and to check after. */
    public TestHeaders.Request headers() {
      return request;
    }

    public Exchange header(String name, String value) {
      request.entries.add(Map.entry(name.toLowerCase(java.util.Locale.ROOT), value));
      return this;
    }

    public Action requestHeaders(boolean endOfStream) {
      return filter.onRequestHeaders(this, request, endOfStream);
    }

    /** Headers of a request without a body. */
    public Action requestHeaders() {
      return requestHeaders(true);
    }

    /** One body chunk; returns what the filter answered. {@link #requestBody()} has the content it left. */
    public Action requestBody(String chunk, boolean endOfStream) {
      TestBody b = new TestBody(chunk.getBytes(StandardCharsets.UTF_8));
      Action a = filter.onRequestBody(this, b, endOfStream);
      lastRequestBody = b.content;
      return a;
    }

    public String requestBody() {
      return lastRequestBody == null ? null : new String(lastRequestBody, StandardCharsets.UTF_8);
    }

    public Action responseHeaders(int status, Map<String, String> headers, boolean endOfStream) {
      response = new TestHeaders.Response(status);
      headers.forEach((k, v) -> response.entries.add(Map.entry(k.toLowerCase(java.util.Locale.ROOT), v)));
      return filter.onResponseHeaders(this, response, endOfStream);
    }

    public TestHeaders.Response response() {
      return response;
    }

    public Action responseBody(String chunk, boolean endOfStream) {
      TestBody b = new TestBody(chunk.getBytes(StandardCharsets.UTF_8));
      Action a = filter.onResponseBody(this, b, endOfStream);
      lastResponseBody = b.content;
      return a;
    }

    public String responseBody() {
      return lastResponseBody == null ? null : new String(lastResponseBody, StandardCharsets.UTF_8);
    }

    /** Ends the exchange; fails if onDone was already called. */
    public void done() {
      if (doneCalls > 0) throw new IllegalStateException("onDone called twice");
      doneCalls++;
      filter.onDone(this);
    }

    public LocalReply localReply() {
      return localReply;
    }

    public List<Callout> callouts() {
      return List.copyOf(callouts);
    }

    public int resumes() {
      return resumes;
    }

    /** makes the next responses local replies (false) or upstream responses (true, the default) */
    public Exchange responseFromUpstream(boolean fromUpstream) {
      this.fromUpstream = fromUpstream;
      return this;
    }

    @Override
    public boolean responseFromUpstream() {
      return fromUpstream;
    }

    /** whether the filter called {@link FilterContext#disableReroute()} */
    public boolean rerouteDisabled() {
      return rerouteDisabled;
    }

    @Override
    public void disableReroute() {
      rerouteDisabled = true;
    }

    public int requestBufferLimit() {
      return requestBufferLimit;
    }

    public int responseBufferLimit() {
      return responseBufferLimit;
    }

    public List<String> logs() {
      return List.copyOf(logs);
    }

    // FilterContext

    @Override
    public void resume() {
      resumes++;
    }

    @Override
    public void sendLocalReply(int status, Map<String, String> headers, byte[] body) {
      if (localReply != null) throw new IllegalStateException("a second local reply");
      localReply = new LocalReply(status, Map.copyOf(headers), body == null ? new byte[0] : body.clone(), List.copyOf(headers.entrySet()));
    }

    @Override
    public void sendLocalReply(int status, List<Map.Entry<String, String>> headers, byte[] body) {
      if (localReply != null) throw new IllegalStateException("a second local reply");
      Map<String, String> first = new java.util.LinkedHashMap<>();
      for (Map.Entry<String, String> e : headers) first.putIfAbsent(e.getKey(), e.getValue());
      localReply = new LocalReply(status, java.util.Collections.unmodifiableMap(first), body == null ? new byte[0] : body.clone(),
          List.copyOf(headers));
    }

    @Override
    public void bufferRequestBody(int maxBytes) {
      requestBufferLimit = maxBytes;
    }

    @Override
    public void bufferResponseBody(int maxBytes) {
      responseBufferLimit = maxBytes;
    }

    @Override
    public String routeName() {
      return routeName;
    }

    @Override
    public String clusterName() {
      return clusterName;
    }

    @Override
    public String consumer() {
      return consumer;
    }

    @Override
    public void consumer(String name) {
      consumer = name;
      if (name == null) request.remove("x-mse-consumer");
      else request.set("x-mse-consumer", name);
    }

    @Override
    public String remoteAddress() {
      return remoteAddress;
    }

    @Override
    public boolean secure() {
      return secure;
    }

    @Override
    public String sni() {
      return sni;
    }

    @Override
    public String protocol() {
      return protocol;
    }

    @Override
    public <T> T attribute(String name, Class<T> type) {
      Object v = attributes.get(name);
      return type.isInstance(v) ? type.cast(v) : null;
    }

    @Override
    public void attribute(String name, Object value) {
      if (value == null) attributes.remove(name);
      else attributes.put(name, value);
    }

    @Override
    public void callout(CalloutRequest request, Duration timeout, Consumer<CalloutResponse> callback) {
      callouts.add(new Callout(request, timeout, callback));
    }

    @Override
    public io.higressj.api.RedisClient redis(io.higressj.api.RedisTarget target) {
      java.util.Objects.requireNonNull(target, "target");
      return (args, callback) -> {
        RedisCall c = new RedisCall(target, List.copyOf(args), callback);
        redisQueue.add(c);
        redisCalls.add(c);
      };
    }

    /** the Redis commands the filter sent, in order */
    public List<RedisCall> redisCalls() {
      return List.copyOf(redisCalls);
    }

    /**
     * Runs the pending Redis commands (and those their callbacks send) against the server given by
     * {@link PluginTestHost#redis}, one connection per command with AUTH and SELECT as the target says,
     * and runs their callbacks on the test's thread. Without a server, or when it fails, the callbacks
     * get an error reply as the gateway gives them. Returns how many commands ran.
     */
    public int runRedis() {
      int n = 0;
      RedisCall c;
      while ((c = redisQueue.poll()) != null) {
        n++;
        c.callback().accept(execute(c));
      }
      return n;
    }

    private io.higressj.api.RedisReply execute(RedisCall c) {
      if (redis == null) return io.higressj.api.RedisReply.clientError("no cluster named " + c.target().cluster());
      try (java.net.Socket s = new java.net.Socket()) {
        s.connect(new java.net.InetSocketAddress(redis.getHostString(), redis.getPort()), 1000);
        s.setSoTimeout((int) Math.max(1, c.target().timeout().toMillis()));
        java.io.OutputStream out = s.getOutputStream();
        java.io.InputStream in = new java.io.BufferedInputStream(s.getInputStream());
        io.higressj.api.RedisTarget t = c.target();
        if (t.password() != null) {
          out.write(io.higressj.testing.redis.Resp.encode(t.username() == null
              ? List.of("AUTH", t.password()) : List.of("AUTH", t.username(), t.password())));
          io.higressj.api.RedisReply r = io.higressj.testing.redis.Resp.read(in);
          if (r.isError()) return io.higressj.api.RedisReply.clientError("AUTH failed: " + r.text());
        }
        if (t.database() > 0) {
          out.write(io.higressj.testing.redis.Resp.encode(List.of("SELECT", Integer.toString(t.database()))));
          io.higressj.api.RedisReply r = io.higressj.testing.redis.Resp.read(in);
          if (r.isError()) return io.higressj.api.RedisReply.clientError("SELECT failed: " + r.text());
        }
        out.write(io.higressj.testing.redis.Resp.encode(c.args()));
        out.flush();
        return io.higressj.testing.redis.Resp.read(in);
      } catch (java.net.SocketTimeoutException e) {
        return io.higressj.api.RedisReply.clientError("timeout after " + c.target().timeout().toMillis() + " ms");
      } catch (java.io.IOException e) {
        return io.higressj.api.RedisReply.clientError("connect to " + redis + " failed: " + e.getMessage());
      }
    }

    @Override
    public ScheduledExecutorService eventLoop() {
      return loop();
    }

    @Override
    public Executor blockingExecutor() {
      return Runnable::run;
    }

    @Override
    public PluginLog log() {
      return new PluginLog() {
        @Override
        public void debug(String message) {
          logs.add("debug " + message);
        }

        @Override
        public void info(String message) {
          logs.add("info " + message);
        }

        @Override
        public void warn(String message) {
          logs.add("warn " + message);
        }

        @Override
        public void error(String message, Throwable cause) {
          logs.add("error " + message + (cause == null ? "" : ": " + cause));
        }
      };
    }
  }
}
