package io.higressj.proxy.exchange;

import io.netty.handler.codec.http.HttpContent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The request body seen so far, kept (as retained duplicates of the chunks, no copy) so that another
 * try can send it again: retries and custom-http-errors. Up to a byte limit, as Envoy's request buffer
 * for retries: past it, everything is released and the request can no longer be tried again.
 * Owned by one exchange on its event loop; {@link #release()} must be called once it ends.
 */
final class ReplayBuffer {
  /** Envoy gives retries a buffer of about this size per request; bigger bodies are not replayed. */
  static final int DEFAULT_LIMIT = 64 * 1024;

  private final int limit;
  private List<HttpContent> chunks = new ArrayList<>(4);
  private long bytes;

  ReplayBuffer(int limit) {
    this.limit = limit;
  }

  /** Keeps a duplicate of {@code c} (the caller still owns {@code c}). */
  void add(HttpContent c) {
    if (chunks == null) return;
    bytes += c.content().readableBytes();
    if (bytes > limit) {
      release();
      return;
    }
    chunks.add(c.retainedDuplicate());
  }

  /** Whether everything seen so far is kept. */
  boolean usable() {
    return chunks != null;
  }

  /** Duplicates of what is kept, to be written (and so released) by the caller. */
  ArrayDeque<HttpContent> copy() {
    ArrayDeque<HttpContent> out = new ArrayDeque<>(chunks.size());
    for (HttpContent c : chunks) out.add(c.retainedDuplicate());
    return out;
  }

  void release() {
    if (chunks == null) return;
    for (HttpContent c : chunks) c.release();
    chunks = null;
  }
}
