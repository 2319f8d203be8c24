package io.higressj.proxy.http1;

import io.netty.handler.codec.DecoderException;

/**
 * The cause in the failed decoder result of a message that a framing check rejected; the status is
 * what the gateway answers (400, 408, 431 ...) for a request, and 502 for an upstream response.
 */
public final class ProtocolViolationException extends DecoderException {
  private final int status;

  public ProtocolViolationException(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this; // a peer's mistake, not ours: no stack trace to fill
  }
}
