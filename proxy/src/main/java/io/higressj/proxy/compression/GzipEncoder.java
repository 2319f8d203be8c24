package io.higressj.proxy.compression;

import io.higressj.config.settings.Gzip;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A gzip member (RFC 1952) produced piece by piece: a 10-byte header, raw deflate data, the CRC-32 and
 * size trailer. Output goes into buffers of {@link Gzip#chunkSize()} bytes; nothing but zlib's own window
 * is kept between calls, so a body of any length streams through.
 *
 * <p>{@code java.util.zip} gives zlib's level and three of its strategies; it always uses zlib's default
 * window (15 bits) and memory level (8), so {@link Gzip#windowBits()} and {@link Gzip#memoryLevel()} only
 * bound what Higress would use (any gzip decoder accepts the larger window). RLE and FIXED, which the JDK
 * does not offer, compress with the default strategy.
 */
final class GzipEncoder {
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff}; // deflate, no name, OS unknown
  private static final byte[] NO_INPUT = new byte[0];

  private final Deflater deflater;
  private final CRC32 crc = new CRC32();
  private final ByteBufAllocator alloc;
  private final int chunkSize;
  private ByteBuf current;
  private boolean headerWritten;
  private boolean unflushed;
  private boolean closed;

  GzipEncoder(Gzip settings, ByteBufAllocator alloc) {
    this.alloc = alloc;
    this.chunkSize = Math.max(settings.chunkSize(), HEADER.length);
    this.deflater = new Deflater(settings.compressionLevel().zlibLevel(), true);
    deflater.setStrategy(strategy(settings.compressionStrategy()));
  }

  static int strategy(Gzip.CompressionStrategy s) {
    return switch (s) {
      case FILTERED -> Deflater.FILTERED;
      case HUFFMAN_ONLY -> Deflater.HUFFMAN_ONLY;
      case DEFAULT_STRATEGY, RLE, FIXED -> Deflater.DEFAULT_STRATEGY;
    };
  }

  /** Compresses the readable bytes of {@code data} (not released, not moved); full output buffers go to {@code out}. */
  void write(ByteBuf data, List<ByteBuf> out) {
    if (!data.isReadable()) return;
    unflushed = true;
    for (ByteBuffer b : data.nioBuffers()) {
      crc.update(b.duplicate());
      deflater.setInput(b);
      while (!deflater.needsInput()) deflate(Deflater.NO_FLUSH, out);
    }
    deflater.setInput(NO_INPUT); // drop the reference to data's memory
  }

  /** Whether data was written since the last {@link #flush}. */
  boolean unflushed() {
    return unflushed;
  }

  /** Emits everything written so far as decodable output (a zlib sync flush). */
  void flush(List<ByteBuf> out) {
    if (!unflushed) return;
    unflushed = false;
    do {
      deflate(Deflater.SYNC_FLUSH, out);
    } while (current == null); // the buffer filled up: there may be more
    if (current.isReadable()) {
      out.add(current);
    } else {
      current.release();
    }
    current = null;
  }

  /** Ends the member: the rest of the deflate data and the trailer. */
  void finish(List<ByteBuf> out) {
    deflater.finish();
    while (!deflater.finished()) deflate(Deflater.NO_FLUSH, out);
    if (current == null) newBuffer();
    if (current.writableBytes() < 8) {
      out.add(current);
      current = alloc.buffer(8);
    }
    current.writeIntLE((int) crc.getValue());
    current.writeIntLE((int) deflater.getBytesRead());
    out.add(current);
    current = null;
  }

  /** Frees zlib's memory and any output not handed out; idempotent. */
  void close() {
    if (closed) return;
    closed = true;
    deflater.end();
    if (current != null) {
      current.release();
      current = null;
    }
  }

  private void newBuffer() {
    current = alloc.buffer(chunkSize);
    if (!headerWritten) {
      current.writeBytes(HEADER);
      headerWritten = true;
    }
  }

  private void deflate(int mode, List<ByteBuf> out) {
    if (current == null) newBuffer();
    ByteBuffer space = current.nioBuffer(current.writerIndex(), current.writableBytes());
    int n = deflater.deflate(space, mode);
    current.writerIndex(current.writerIndex() + n);
    if (!current.isWritable()) {
      out.add(current);
      current = null;
    }
  }
}
