package io.higressj.testing.echo;

import io.netty.buffer.ByteBuf;

/** Receives a request body; the buffers are lent, not given: retain what you keep. */
interface BodyListener {

    void onContent(ByteBuf content);

    /** The request is complete (trailers, if any, are ignored). */
    void onEnd();
}
