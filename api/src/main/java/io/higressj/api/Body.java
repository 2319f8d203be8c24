package io.higressj.api;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * A body chunk (or a whole buffered body). Reading copies out of the gateway's buffers; replacing
 * swaps the content that goes on, and the gateway fixes Content-Length or chunking accordingly.
 */
public interface Body {
  int length();

  byte[] bytes();

  default String text(Charset charset) {
    return new String(bytes(), charset);
  }

  default String text() {
    return text(StandardCharsets.UTF_8);
  }

  /** replaces this chunk's content */
  void replace(byte[] content);

  default void replace(String content) {
    replace(content.getBytes(StandardCharsets.UTF_8));
  }
}
