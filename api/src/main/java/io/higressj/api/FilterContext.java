package io.higressj.api;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/** What the gateway offers a filter for one request. All methods are called on the event loop. */
public interface FilterContext {
  /** continue the chain after a callback returned {@link Action#PAUSE} */
  void resume();

  /**
   * Answers the request here: the filters after this one and the upstream are skipped; the response
   * filters before this one still see the reply. After the response headers were sent, it resets
   * the stream instead.
   */
  void sendLocalReply(int status, Map<String, String> headers, byte[] body);

  /**
   * Like {@link #sendLocalReply(int, Map, byte[])}, with header lines in order where a name may repeat
   * (several {@code Set-Cookie}). Hosts that cannot send repeated names keep the first line of each.
   */
  default void sendLocalReply(int status, java.util.List<Map.Entry<String, String>> headers, byte[] body) {
    Map<String, String> first = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, String> e : headers) first.putIfAbsent(e.getKey(), e.getValue());
    sendLocalReply(status, first, body);
  }

  default void sendLocalReply(int status, String body) {
    sendLocalReply(status, Map.of(), body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * Asks for the whole request body in one {@link HttpFilter#onRequestBody} call. Bodies larger than
   * {@code maxBytes} are answered with 413. Call it from {@code onRequestHeaders}.
   */
  void bufferRequestBody(int maxBytes);

  /** Like {@link #bufferRequestBody}, for the response; larger bodies are answered with 500. */
  void bufferResponseBody(int maxBytes);

  /**
   * Header changes this filter makes in {@code onRequestHeaders} do not make the gateway select the
   * route again (by default they do, as Envoy clears its route cache). Higress's {@code
   * DisableReroute}. Call it from {@code onRequestHeaders}.
   */
  default void disableReroute() {}

  /**
   * In response callbacks: true when the response came from the upstream, false for a reply the
   * gateway or a plugin made itself (Higress plugins tell them apart by the absence of
   * {@code x-envoy-upstream-service-time}).
   */
  default boolean responseFromUpstream() {
    return true;
  }

  /** the matched route's name, or null when none matched */
  String routeName();

  /** the cluster (service) the request goes to, or null */
  String clusterName();

  /** the authenticated consumer, or null */
  String consumer();

  /** names the authenticated consumer; the gateway also sets {@code X-Mse-Consumer} */
  void consumer(String name);

  /** the client's address (after trusted X-Forwarded-For hops) */
  String remoteAddress();

  /** true when the client connection is TLS */
  boolean secure();

  /** the server name (SNI) the client sent in its TLS handshake, or null (plain text, or none sent) */
  default String sni() {
    return null;
  }

  /** the downstream request's HTTP version: {@code HTTP/1.0}, {@code HTTP/1.1} or {@code HTTP/2}; null if unknown */
  default String protocol() {
    return null;
  }

  /** a per-request value shared between filters of this request */
  <T> T attribute(String name, Class<T> type);

  void attribute(String name, Object value);

  /**
   * Sends an HTTP request to a cluster of the current snapshot (by name) or to an absolute
   * http(s) URL, through the gateway's own upstream machinery. The callback runs on this request's
   * event loop; the filter usually returns {@link Action#PAUSE} and resumes in it.
   */
  void callout(CalloutRequest request, Duration timeout, Consumer<CalloutResponse> callback);

  /**
   * A Redis client for {@code target}: commands go over connections of this request's event loop; the
   * callbacks run on it (see {@link RedisClient}). Failures (timeout, unreachable server) are answered
   * as {@link RedisReply.Error}s.
   */
  default RedisClient redis(RedisTarget target) {
    return (args, callback) -> eventLoop().execute(() -> callback.accept(RedisReply.clientError("redis is not available here")));
  }

  /** this request's event loop, for timers and completions */
  ScheduledExecutorService eventLoop();

  /** an executor that may block (virtual threads); results must come back via {@link #eventLoop()} */
  Executor blockingExecutor();

  /** the plugin's logger, which rate-limits repeated messages */
  PluginLog log();

  /**
   * Reports that an asynchronous part of this filter failed (a callout's callback, a timer): the
   * gateway applies the plugin's {@code failStrategy} as for a callback that threw: FAIL_CLOSE answers
   * 500 (or resets the stream), FAIL_OPEN goes on without the filter. Any thread.
   */
  default void fail(Throwable cause) {
    sendLocalReply(500, "plugin failed");
  }
}
