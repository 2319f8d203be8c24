package io.higressj.testing.echo;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.stream.ChunkedInput;

/**
 * One request/response exchange on an HTTP/1.x connection or an HTTP/2 stream. The response
 * methods must be called on {@link #eventLoop()}; each response is exactly one of
 * {@link #respond}, {@link #respondHead} (then {@link #respondContent}s and {@link #respondEnd}),
 * {@link #respondStream}, or {@link #reset}. The exchange suppresses bodies where the protocol
 * forbids them (HEAD, 204, 304) and takes ownership of every buffer handed to it.
 */
interface Exchange {

    EchoRequest request();

    EchoContext context();

    EventLoop eventLoop();

    /** False once the connection or stream is gone; pending work may then stop. */
    boolean isActive();

    /** A complete response; sets Content-Length from {@code body}. */
    void respond(int status, HttpHeaders headers, ByteBuf body);

    /** Starts a streamed response; Content-Length is used when {@code headers} has it. */
    void respondHead(int status, HttpHeaders headers);

    /** One piece of a streamed response, flushed at once. */
    void respondContent(ByteBuf content);

    /** Ends a streamed response. */
    void respondEnd();

    /**
     * A response whose body is produced by {@code body} as fast as the peer reads it; the
     * caller puts Content-Length into {@code headers}.
     */
    void respondStream(int status, HttpHeaders headers, ChunkedInput<ByteBuf> body);

    /** Fails the request without a response: TCP reset (HTTP/1.x) or RST_STREAM (HTTP/2). */
    void reset();
}
