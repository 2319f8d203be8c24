package io.higressj.testing.echo;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataChunkedInput;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.stream.ChunkedInput;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Serves the one request of an HTTP/2 stream (a child channel of the multiplexer). */
final class Http2EchoStreamHandler extends ChannelInboundHandlerAdapter implements Exchange {

    /** Header fields that HTTP/2 forbids (RFC 9113, 8.2.2); dropped from responses. */
    private static final Set<String> CONNECTION_SPECIFIC = Set.of(
            "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade");

    private final EchoContext context;
    private final Responder responder;
    private ChannelHandlerContext ctx;
    private EchoRequest request;
    private BodyListener body;
    private boolean head;
    private boolean requestEnded;
    private boolean responseStarted;
    private boolean responseEnded;
    private boolean bodyAllowed;

    Http2EchoStreamHandler(EchoContext context, Responder responder) {
        this.context = context;
        this.responder = responder;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2HeadersFrame headersFrame) {
                if (request == null) {
                    start(headersFrame.headers());
                }
                // A second HEADERS frame carries trailers, which the echo ignores.
                if (headersFrame.isEndStream()) {
                    endRequest();
                }
            } else if (msg instanceof Http2DataFrame dataFrame) {
                if (body != null && !requestEnded) {
                    body.onContent(dataFrame.content());
                }
                if (dataFrame.isEndStream()) {
                    endRequest();
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void start(Http2Headers headers) {
        List<Map.Entry<String, String>> fields = new ArrayList<>(headers.size());
        List<String> cookies = new ArrayList<>(1);
        for (Map.Entry<CharSequence, CharSequence> field : headers) {
            String name = field.getKey().toString();
            if (name.startsWith(":")) {
                continue;
            }
            if (name.equals("cookie")) {
                cookies.add(field.getValue().toString());
                continue;
            }
            fields.add(new AbstractMap.SimpleImmutableEntry<>(name, field.getValue().toString()));
        }
        if (!cookies.isEmpty()) {
            // Like Go's HTTP/2 server: crumbs of split Cookie fields become one value again.
            fields.add(new AbstractMap.SimpleImmutableEntry<>("cookie", String.join("; ", cookies)));
        }
        CharSequence authority = headers.authority();
        if (authority == null) {
            authority = headers.get(HttpHeaderNames.HOST);
        }
        String method = headers.method() == null ? "" : headers.method().toString();
        String path = headers.path() == null ? "" : headers.path().toString();
        head = method.equals("HEAD");
        request = new EchoRequest(method, path, authority == null ? "" : authority.toString(), "HTTP/2.0", fields,
                remoteAddress());
        body = responder.start(this);
    }

    private void endRequest() {
        if (!requestEnded && body != null) {
            requestEnded = true;
            body.onEnd();
        }
    }

    private String remoteAddress() {
        Object address = ((Http2StreamChannel) ctx.channel()).parent().remoteAddress();
        if (address instanceof InetSocketAddress inet) {
            return inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    @Override
    public EchoRequest request() {
        return request;
    }

    @Override
    public EchoContext context() {
        return context;
    }

    @Override
    public EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    @Override
    public boolean isActive() {
        return ctx.channel().isActive();
    }

    @Override
    public void respond(int status, HttpHeaders headers, ByteBuf content) {
        try {
            Http2Headers h2 = startResponse(status, headers);
            boolean withBody = bodyAllowed && !head && content.isReadable();
            if (bodyAllowed) {
                h2.setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
            }
            responseEnded = true;
            ctx.write(new DefaultHttp2HeadersFrame(h2, !withBody));
            if (withBody) {
                ctx.write(new DefaultHttp2DataFrame(content.retain(), true));
            }
            ctx.flush();
        } finally {
            content.release();
        }
    }

    @Override
    public void respondHead(int status, HttpHeaders headers) {
        ctx.writeAndFlush(new DefaultHttp2HeadersFrame(startResponse(status, headers), false));
    }

    @Override
    public void respondContent(ByteBuf content) {
        if (responseEnded || !bodyAllowed || head) {
            content.release();
            return;
        }
        ctx.writeAndFlush(new DefaultHttp2DataFrame(content, false));
    }

    @Override
    public void respondEnd() {
        if (!responseEnded) {
            responseEnded = true;
            ctx.writeAndFlush(new DefaultHttp2DataFrame(true));
        }
    }

    @Override
    public void respondStream(int status, HttpHeaders headers, ChunkedInput<ByteBuf> input) {
        respondHead(status, headers);
        if (!bodyAllowed || head) {
            Http1EchoHandler.closeQuietly(input);
            respondEnd();
            return;
        }
        responseEnded = true;
        ctx.writeAndFlush(new Http2DataChunkedInput(input, ((Http2StreamChannel) ctx.channel()).stream()));
    }

    @Override
    public void reset() {
        responseEnded = true;
        ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.INTERNAL_ERROR));
    }

    private Http2Headers startResponse(int status, HttpHeaders headers) {
        if (responseStarted) {
            throw new IllegalStateException("response already started");
        }
        responseStarted = true;
        bodyAllowed = status >= 200 && status != 204 && status != 304;
        Http2Headers h2 = new DefaultHttp2Headers().status(Integer.toString(status));
        for (Map.Entry<String, String> header : headers) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (CONNECTION_SPECIFIC.contains(name) || !bodyAllowed && name.equals("content-length")) {
                continue;
            }
            h2.add(name, header.getValue());
        }
        return h2;
    }
}
