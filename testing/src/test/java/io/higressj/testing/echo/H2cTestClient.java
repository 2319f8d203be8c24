package io.higressj.testing.echo;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A cleartext HTTP/2 client with prior knowledge (the JDK client only does h2c by Upgrade). */
final class H2cTestClient implements AutoCloseable {

    /** A received response; {@code trailers} is empty without trailers. */
    record Response(Http2Headers headers, byte[] body, Http2Headers trailers) {
        int status() {
            return Integer.parseInt(headers.status().toString());
        }
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel channel;

    H2cTestClient(int port) throws InterruptedException {
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public boolean isSharable() {
                                        return true;
                                    }
                                }));
                    }
                })
                .connect(InetAddress.getLoopbackAddress(), port).sync().channel();
    }

    static Http2Headers get(String path, int port) {
        return new DefaultHttp2Headers().method("GET").scheme("http").path(path).authority("127.0.0.1:" + port);
    }

    CompletableFuture<Response> send(Http2Headers headers) {
        return send(headers, null);
    }

    CompletableFuture<Response> send(Http2Headers headers, byte[] body) {
        CompletableFuture<Response> result = new CompletableFuture<>();
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(channel).handler(new Collector(result))
                .open().syncUninterruptibly().getNow();
        boolean hasBody = body != null;
        stream.write(new DefaultHttp2HeadersFrame(headers, !hasBody));
        if (hasBody) {
            stream.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true));
        }
        stream.flush();
        return result;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static final class Collector extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<Response> result;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private Http2Headers headers;
        private Http2Headers trailers = new DefaultHttp2Headers();

        Collector(CompletableFuture<Response> result) {
            this.result = result;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                boolean end = false;
                if (msg instanceof Http2HeadersFrame frame) {
                    if (headers == null) {
                        headers = frame.headers();
                    } else {
                        trailers = frame.headers();
                    }
                    end = frame.isEndStream();
                } else if (msg instanceof Http2DataFrame frame) {
                    body.writeBytes(ByteBufUtil.getBytes(frame.content()));
                    end = frame.isEndStream();
                } else if (msg instanceof Http2ResetFrame reset) {
                    result.completeExceptionally(new IOException("stream reset: " + reset.errorCode()));
                }
                if (end) {
                    result.complete(new Response(headers, body.toByteArray(), trailers));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.completeExceptionally(new IOException("stream closed before the response ended"));
        }
    }
}
