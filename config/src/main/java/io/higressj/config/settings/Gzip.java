package io.higressj.config.settings;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;

/**
 * Response compression ({@code higress-config}, key {@code higress}, field {@code gzip}), as Higress
 * configures Envoy's gzip compressor.
 *
 * @param enable compress responses at all
 * @param minContentLength a response with a smaller {@code Content-Length} is sent as is; one without
 *     {@code Content-Length} counts as large
 * @param contentType media types (lower case, without parameters) that are compressed; a response
 *     without {@code Content-Type} is compressed too (as Envoy does)
 * @param disableOnEtagHeader a response with an {@code ETag} is sent as is; when false, such a response
 *     is compressed and a strong ETag is removed (a weak one stays)
 * @param memoryLevel zlib's memLevel, 1 to 9
 * @param windowBits zlib's window size as a power of two, 9 to 15
 * @param chunkSize size of the compressor's output buffers, in bytes
 * @param compressionLevel zlib level
 * @param compressionStrategy zlib strategy
 */
public record Gzip(
    boolean enable,
    int minContentLength,
    List<String> contentType,
    boolean disableOnEtagHeader,
    int memoryLevel,
    int windowBits,
    int chunkSize,
    CompressionLevel compressionLevel,
    CompressionStrategy compressionStrategy) {

  public static final List<String> DEFAULT_CONTENT_TYPES = List.of("text/html", "text/css", "text/plain", "text/xml",
      "application/json", "application/javascript", "application/xhtml+xml", "image/svg+xml");
  public static final Gzip DEFAULT = new Gzip(false, 1024, DEFAULT_CONTENT_TYPES, true, 5, 12, 4096,
      CompressionLevel.BEST_COMPRESSION, CompressionStrategy.DEFAULT_STRATEGY);

  public Gzip {
    if (minContentLength <= 0) throw new IllegalArgumentException("minContentLength: " + minContentLength + " (expected: > 0)");
    contentType = contentType.stream().map(t -> t.trim().toLowerCase(Locale.ROOT)).toList();
    if (contentType.isEmpty()) throw new IllegalArgumentException("contentType: [] (expected: at least one media type)");
    if (memoryLevel < 1 || memoryLevel > 9) throw new IllegalArgumentException("memoryLevel: " + memoryLevel + " (expected: 1 to 9)");
    if (windowBits < 9 || windowBits > 15) throw new IllegalArgumentException("windowBits: " + windowBits + " (expected: 9 to 15)");
    if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
      throw new IllegalArgumentException("chunkSize: " + chunkSize + " (expected: 1 to " + MAX_CHUNK_SIZE + ")");
    }
    requireNonNull(compressionLevel, "compressionLevel");
    requireNonNull(compressionStrategy, "compressionStrategy");
  }

  /** Envoy's upper bound for the compressor's output buffer. */
  public static final int MAX_CHUNK_SIZE = 65536;

  /** Whether {@code mediaType} (lower case, no parameters) is in {@link #contentType}. */
  public boolean compresses(String mediaType) {
    return contentType.contains(mediaType);
  }

  /** Higress's names for zlib levels: BEST_SPEED is 1, BEST_COMPRESSION is 9. */
  public enum CompressionLevel {
    BEST_COMPRESSION(9), BEST_SPEED(1), COMPRESSION_LEVEL_1(1), COMPRESSION_LEVEL_2(2), COMPRESSION_LEVEL_3(3),
    COMPRESSION_LEVEL_4(4), COMPRESSION_LEVEL_5(5), COMPRESSION_LEVEL_6(6), COMPRESSION_LEVEL_7(7),
    COMPRESSION_LEVEL_8(8), COMPRESSION_LEVEL_9(9);

    private final int zlibLevel;

    CompressionLevel(int zlibLevel) {
      this.zlibLevel = zlibLevel;
    }

    /** 1 (fastest) to 9 (smallest). */
    public int zlibLevel() {
      return zlibLevel;
    }
  }

  /** zlib strategies, as Envoy names them. */
  public enum CompressionStrategy { DEFAULT_STRATEGY, FILTERED, HUFFMAN_ONLY, RLE, FIXED }
}
