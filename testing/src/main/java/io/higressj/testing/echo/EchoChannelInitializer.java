package io.higressj.testing.echo;

import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.AsciiString;

/** Builds the pipeline of an accepted connection for one kind of listener. */
final class EchoChannelInitializer extends ChannelInitializer<SocketChannel> {

    /** The listeners an echo server can have. */
    enum Listener {
        /** HTTP/1.1, h2c (prior knowledge and Upgrade), WebSocket. */
        MAIN,
        /** echo-basic's {@code H2C_PORT}: h2c only, HTTP/1.1 gets 400 {@code Expected h2c request}. */
        H2C_ONLY,
        /** echo-basic's gRPC mode: HTTP/2 with prior knowledge only. */
        GRPC
    }

    /** Go's default limit for a request head (http.DefaultMaxHeaderBytes). */
    private static final int MAX_HEADER_BYTES = 1 << 20;
    /** The largest request with an Upgrade header that is buffered whole (h2c upgrade, WebSocket). */
    private static final int MAX_UPGRADE_REQUEST_BYTES = 1 << 20;

    private final EchoContext context;
    private final Listener listener;
    private final Responder responder;

    EchoChannelInitializer(EchoContext context, Listener listener) {
        this.context = context;
        this.listener = listener;
        this.responder = switch (listener) {
            case H2C_ONLY -> new RequestEchoResponder(context, true);
            case GRPC -> null;
            case MAIN -> context.options.kind() == EchoServer.Kind.ECHO_BODY
                    ? new BodyEchoResponder(context)
                    : new RequestEchoResponder(context, false);
        };
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (listener == Listener.GRPC) {
            ch.pipeline().addLast(frameCodec(), new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                @Override
                protected void initChannel(Http2StreamChannel stream) {
                    stream.pipeline().addLast(new GrpcEchoStreamHandler(context));
                }
            }));
            return;
        }
        HttpServerCodec codec = new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(64 * 1024)
                .setMaxHeaderSize(MAX_HEADER_BYTES)
                .setMaxChunkSize(64 * 1024));
        HttpServerUpgradeHandler upgrade = new HttpServerUpgradeHandler(codec, protocol ->
                AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                        ? new Http2ServerUpgradeCodec(frameCodec(), multiplexHandler())
                        : null,
                MAX_UPGRADE_REQUEST_BYTES);
        ch.pipeline().addLast(
                new CleartextHttp2ServerUpgradeHandler(codec, upgrade, new Http2Installer()),
                new ChunkedWriteHandler(),
                new Http1EchoHandler(context, responder, listener == Listener.MAIN));
    }

    private Http2FrameCodec frameCodec() {
        return Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings().maxHeaderListSize(MAX_HEADER_BYTES))
                .build();
    }

    private Http2MultiplexHandler multiplexHandler() {
        return new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.pipeline().addLast(new ChunkedWriteHandler(), new Http2EchoStreamHandler(context, responder));
            }
        });
    }

    /** Puts the HTTP/2 handlers where it stands once a connection starts with the h2 preface. */
    private final class Http2Installer extends ChannelHandlerAdapter {
        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            // The multiplexer looks for the frame codec when added, so the codec goes first.
            ctx.pipeline().addAfter(ctx.name(), "h2-frame-codec", frameCodec());
            ctx.pipeline().addAfter("h2-frame-codec", "h2-multiplex", multiplexHandler());
            ctx.pipeline().remove(this);
        }
    }
}
