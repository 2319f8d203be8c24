package io.higressj.testing.echo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;

/**
 * A body of a given length made up on the fly in 64 KiB chunks, pulled by
 * {@link io.netty.handler.stream.ChunkedWriteHandler} only as fast as the peer reads: a
 * 200 MB download never holds more than a few chunks. The byte at offset i is {@code (byte) i}.
 */
final class PatternChunkedInput implements ChunkedInput<ByteBuf> {

    static final int CHUNK_SIZE = 64 * 1024;

    private static final byte[] PATTERN = new byte[CHUNK_SIZE];

    static {
        for (int i = 0; i < PATTERN.length; i++) {
            PATTERN[i] = (byte) i;
        }
    }

    private final long length;
    private long offset;

    PatternChunkedInput(long length) {
        if (length < 0) {
            throw new IllegalArgumentException("length: " + length + " (expected: >= 0)");
        }
        this.length = length;
    }

    @Override
    public boolean isEndOfInput() {
        return offset >= length;
    }

    @Override
    public void close() {
        offset = length;
    }

    @Deprecated
    @Override
    public ByteBuf readChunk(ChannelHandlerContext ctx) {
        return readChunk(ctx.alloc());
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) {
        if (isEndOfInput()) {
            return null;
        }
        // CHUNK_SIZE is a multiple of 256, so every chunk starts at pattern offset 0.
        int size = (int) Math.min(CHUNK_SIZE, length - offset);
        ByteBuf chunk = allocator.buffer(size).writeBytes(PATTERN, 0, size);
        offset += size;
        return chunk;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public long progress() {
        return offset;
    }
}
