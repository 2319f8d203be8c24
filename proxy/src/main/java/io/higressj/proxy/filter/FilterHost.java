package io.higressj.proxy.filter;

import io.higressj.config.model.Route;
import io.higressj.config.model.Snapshot;
import io.higressj.proxy.DataPlane;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;

/**
 * What the filter runner needs from the exchange it serves. Every call happens on the exchange's event
 * loop. The runner hands on what passed its filters; the exchange does the rest as without plugins.
 */
public interface FilterHost {
  EventLoop eventLoop();

  DataPlane dataPlane();

  /** the snapshot the request started with */
  Snapshot snapshot();

  Route route();

  /** the cluster the route sends to (chosen before the filters run), or null */
  String clusterName();

  /** the client's address after trusted X-Forwarded-For hops */
  String clientAddress();

  boolean secure();

  /** the TLS server name of the client connection, or null */
  default String sni() {
    return null;
  }

  /** the downstream HTTP version (HTTP/1.0, HTTP/1.1, HTTP/2), or null */
  default String protocol() {
    return null;
  }

  /**
   * Matches the route again after a filter changed the request (Higress's reroute). Null when no route
   * matches any more: the exchange has then answered 404.
   */
  Route rematch();

  /** The request headers passed every filter: route actions, then upstream. */
  void continueRequest();

  /** A filter is aggregating the request body: read on from downstream. */
  void requestBodyWanted();

  /** A request body chunk that passed every filter. Ownership passes. */
  void forwardRequestContent(HttpContent content);

  /**
   * A paused filter resumed outside a downstream read (from a callout's or a timer's callback): what
   * {@link #forwardRequestContent} wrote must be flushed now, since no read completion will do it.
   */
  default void flushRequest() {}

  /** The response head passed every filter: write it. */
  void continueResponse(HttpResponse response);

  /** A response body chunk that passed every filter. Ownership passes. */
  void forwardResponseContent(HttpContent content);

  /** Whether the response head was written downstream (a local reply is then impossible). */
  boolean responseHeadSent();

  /** Answers with {@code response} (the filters already saw it), dropping the upstream if any. Ownership passes. */
  void sendFilterReply(FullHttpResponse response, String flag);

  /** Resets the stream (HTTP/2) or closes the connection (HTTP/1.1): the response cannot be completed. */
  void resetStream(String flag);
}
