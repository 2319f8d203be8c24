package io.higressj.testing.echo;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Consumes a request body chunk by chunk: keeps the bytes while the body is at most
 * {@link #MAX_BUFFERED} long, and always counts them and hashes them with SHA-256, so a body
 * of any size is consumed without holding it.
 */
final class BodyCollector {

    /** Bodies longer than this are counted and hashed, not kept. */
    static final int MAX_BUFFERED = 1 << 20;

    private final MessageDigest sha256;
    private byte[] bytes = new byte[0];
    private int buffered;
    private long length;
    private boolean truncated;

    BodyCollector() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Adds the readable bytes of {@code content}; does not release it or move its reader index. */
    void add(ByteBuf content) {
        int n = content.readableBytes();
        if (n == 0) {
            return;
        }
        for (ByteBuffer part : content.nioBuffers(content.readerIndex(), n)) {
            sha256.update(part);
        }
        length += n;
        if (truncated) {
            return;
        }
        if (length > MAX_BUFFERED) {
            truncated = true;
            bytes = null;
            return;
        }
        if (buffered + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.min(MAX_BUFFERED, Math.max(buffered + n, bytes.length * 2)));
        }
        content.getBytes(content.readerIndex(), bytes, buffered, n);
        buffered += n;
    }

    /** Total number of body bytes seen. */
    long length() {
        return length;
    }

    /** True when the body was longer than {@link #MAX_BUFFERED} and its bytes were not kept. */
    boolean truncated() {
        return truncated;
    }

    /** The body; only when not {@link #truncated()}. */
    byte[] bytes() {
        if (truncated) {
            throw new IllegalStateException("body of " + length + " bytes was not kept");
        }
        return Arrays.copyOf(bytes, buffered);
    }

    /** Lower-case hex SHA-256 of the whole body; call once, after the last chunk. */
    String sha256Hex() {
        return HexFormat.of().formatHex(sha256.digest());
    }
}
