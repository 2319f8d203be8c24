package io.higressj.proxy.upstream;

/** Receives what an upstream connection reads while it serves one exchange. */
public interface UpstreamListener {
  /** A decoded HttpObject, or a raw ByteBuf once the connection was upgraded (WebSocket). Ownership passes. */
  void onUpstreamMessage(UpstreamConnection conn, Object msg);

  /** End of one read burst: a good moment to flush downstream. */
  void onUpstreamReadComplete(UpstreamConnection conn);

  void onUpstreamWritabilityChanged(UpstreamConnection conn);

  /** The connection closed (or failed) while serving this listener. */
  void onUpstreamClosed(UpstreamConnection conn, Throwable cause);
}
