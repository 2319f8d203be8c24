package io.higressj.proxy.http1;

import io.netty.handler.codec.http.HttpDecoderConfig;

/** The decoder settings of every HTTP/1.1 codec of the gateway, downstream and upstream. */
public final class StrictDecoding {
  private StrictDecoding() {}

  /**
   * Netty's strict settings, spelled out so that no system property ({@code
   * io.netty.handler.codec.http.defaultStrictLineParsing}, {@code ...rfc9112TransferEncoding}) can
   * loosen them: bare LF refused, duplicate Content-Length refused, Content-Length together with
   * Transfer-Encoding refused, Transfer-Encoding on HTTP/1.0 refused, header names and values validated.
   */
  public static HttpDecoderConfig config(int maxInitialLineLength, int maxHeaderSize) {
    return new HttpDecoderConfig()
        .setMaxInitialLineLength(maxInitialLineLength)
        .setMaxHeaderSize(maxHeaderSize)
        .setMaxChunkSize(64 * 1024)
        .setValidateHeaders(true)
        .setAllowDuplicateContentLengths(false)
        .setStrictLineParsing(true)
        .setUseRfc9112TransferEncoding(true);
  }
}
