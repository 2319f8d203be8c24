package io.higressj.proxy.exchange;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.List;

/** Hop-by-hop header handling (RFC 9110 section 7.6.1). */
final class HeaderRules {
  private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
  private static final AsciiString HTTP2_SETTINGS = AsciiString.cached("http2-settings");
  private static final List<AsciiString> HTTP2_EXTENSION_HEADERS = List.of(
      AsciiString.cached("x-http2-stream-id"),
      AsciiString.cached("x-http2-scheme"),
      AsciiString.cached("x-http2-path"),
      AsciiString.cached("x-http2-stream-promise-id"),
      AsciiString.cached("x-http2-stream-dependency-id"),
      AsciiString.cached("x-http2-stream-weight"));

  private HeaderRules() {}

  /**
   * Removes hop-by-hop headers, including those the message names in {@code Connection}. Framing
   * headers ({@code Content-Length}, {@code Transfer-Encoding}) and {@code Host} are never removed
   * because a peer names them: the caller sets framing from what was actually received.
   *
   * @param keepUpgrade keep {@code Upgrade} and {@code Connection: upgrade} (a WebSocket handshake)
   */
  static void stripHopByHop(HttpHeaders h, boolean keepUpgrade) {
    List<String> connection = h.getAll(HttpHeaderNames.CONNECTION);
    if (!connection.isEmpty()) {
      for (String value : connection) {
        for (String token : value.split(",")) {
          String name = token.trim();
          if (name.isEmpty() || protectedName(name)) continue;
          if (keepUpgrade && name.equalsIgnoreCase("upgrade")) continue;
          h.remove(name);
        }
      }
      h.remove(HttpHeaderNames.CONNECTION);
    }
    h.remove(HttpHeaderNames.KEEP_ALIVE);
    h.remove(PROXY_CONNECTION);
    // TE: only "trailers" passes (gRPC needs it; RFC 9113 allows nothing else over HTTP/2)
    boolean trailers = false;
    for (String te : h.getAll(HttpHeaderNames.TE)) {
      for (String token : te.split(",")) {
        String t = token.trim();
        int semi = t.indexOf(';');
        if ((semi < 0 ? t : t.substring(0, semi).trim()).equalsIgnoreCase("trailers")) trailers = true;
      }
    }
    h.remove(HttpHeaderNames.TE);
    if (trailers) h.set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
    h.remove(HttpHeaderNames.TRAILER);
    h.remove(HttpHeaderNames.TRANSFER_ENCODING);
    h.remove(HTTP2_SETTINGS);
    if (keepUpgrade) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderNames.UPGRADE);
    } else {
      h.remove(HttpHeaderNames.UPGRADE);
    }
  }

  static void stripHttp2Extensions(HttpHeaders h) {
    for (AsciiString n : HTTP2_EXTENSION_HEADERS) h.remove(n);
  }

  private static boolean protectedName(String name) {
    return name.equalsIgnoreCase("host")
        || name.equalsIgnoreCase("content-length")
        || name.equalsIgnoreCase("transfer-encoding");
  }

  /** True when the request asks for a WebSocket upgrade (HTTP/1.1 only). */
  static boolean isWebSocketUpgrade(HttpHeaders h) {
    return h.containsValue(HttpHeaderNames.UPGRADE, "websocket", true)
        && h.containsValue(HttpHeaderNames.CONNECTION, "upgrade", true);
  }
}
