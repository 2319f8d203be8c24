package io.higressj.wasm;

import io.higressj.api.CalloutRequest;
import io.higressj.api.CalloutResponse;
import io.higressj.api.FilterContext;
import io.higressj.api.PluginLog;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/** A FilterContext that records what the filter asked for; its event loop is a test thread. */
final class TestContext implements FilterContext {
  record LocalReply(int status, Map<String, String> headers, byte[] body) {
    String text() {
      return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  record Callout(CalloutRequest request, Duration timeout, Consumer<CalloutResponse> callback) {}

  final ScheduledExecutorService loop;
  int resumed;
  LocalReply localReply;
  int requestBufferLimit = -1;
  int responseBufferLimit = -1;
  String routeName = "default/shop";
  String clusterName = "outbound|8080||shop.default.svc.cluster.local";
  String consumer;
  final Map<String, Object> attributes = new HashMap<>();
  final List<Callout> callouts = new CopyOnWriteArrayList<>();
  final List<String> logs = new CopyOnWriteArrayList<>();
  /** when set, callout throws it (an unknown cluster, say) */
  RuntimeException calloutFailure;

  TestContext(ScheduledExecutorService loop) {
    this.loop = loop;
  }

  @Override
  public void resume() {
    resumed++;
  }

  @Override
  public void sendLocalReply(int status, Map<String, String> headers, byte[] body) {
    localReply = new LocalReply(status, Map.copyOf(headers), body);
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
  }

  @Override
  public String remoteAddress() {
    return "192.0.2.7";
  }

  @Override
  public boolean secure() {
    return false;
  }

  @Override
  public <T> T attribute(String name, Class<T> type) {
    Object v = attributes.get(name);
    return type.isInstance(v) ? type.cast(v) : null;
  }

  @Override
  public void attribute(String name, Object value) {
    attributes.put(name, value);
  }

  @Override
  public void callout(CalloutRequest request, Duration timeout, Consumer<CalloutResponse> callback) {
    if (calloutFailure != null) {
      throw calloutFailure;
    }
    callouts.add(new Callout(request, timeout, callback));
  }

  @Override
  public ScheduledExecutorService eventLoop() {
    return loop;
  }

  @Override
  public Executor blockingExecutor() {
    return Thread::startVirtualThread;
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
        logs.add("error " + message);
      }
    };
  }
}
