package io.higressj.testing.echo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Serves HTTP/1.x requests of one connection, one exchange at a time: requests that arrive
 * while a response is still being produced (pipelining) wait in order. Hands the connection
 * over to WebSocket when a request asks for it, and steps aside when it becomes HTTP/2.
 */
final class Http1EchoHandler extends ChannelInboundHandlerAdapter {

    /** The largest WebSocket frame payload accepted. */
    private static final int MAX_WEBSOCKET_FRAME = 16 << 20;

    private final EchoContext context;
    private final Responder responder;
    private final boolean webSocketAllowed;
    private final ArrayDeque<Object> backlog = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private Http1Exchange current;

    Http1EchoHandler(EchoContext context, Responder responder, boolean webSocketAllowed) {
        this.context = context;
        this.responder = responder;
        this.webSocketAllowed = webSocketAllowed;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseBacklog();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseBacklog();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof CleartextHttp2ServerUpgradeHandler.PriorKnowledgeUpgradeEvent
                || evt instanceof HttpServerUpgradeHandler.UpgradeEvent) {
            // The connection speaks HTTP/2 from now on; the stream handlers take over.
            if (ctx.pipeline().get(ChunkedWriteHandler.class) != null) {
                ctx.pipeline().remove(ChunkedWriteHandler.class);
            }
            ctx.pipeline().remove(this);
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!backlog.isEmpty() || current != null && current.requestEnded) {
            backlog.add(msg);
            ctx.channel().config().setAutoRead(false);
            return;
        }
        handle(msg);
    }

    private void handle(Object msg) {
        try {
            if (!(msg instanceof HttpObject object)) {
                return;
            }
            if (object.decoderResult().isFailure()) {
                badRequest();
                return;
            }
            if (msg instanceof HttpRequest request) {
                if (current != null) {
                    // A new head before the previous body ended cannot happen with a sound decoder.
                    ctx.close();
                    return;
                }
                if (isWebSocketUpgrade(request)) {
                    upgradeToWebSocket(request);
                    return;
                }
                startExchange(request);
            }
            Http1Exchange exchange = current;
            if (msg instanceof HttpContent content && exchange != null && !exchange.requestEnded) {
                exchange.body.onContent(content.content());
                if (content instanceof LastHttpContent) {
                    exchange.requestEnded = true;
                    exchange.body.onEnd();
                    exchange.finishIfDone();
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void startExchange(HttpRequest request) {
        List<Map.Entry<String, String>> headers = new ArrayList<>(request.headers().size());
        for (Map.Entry<String, String> header : request.headers()) {
            headers.add(new AbstractMap.SimpleImmutableEntry<>(header.getKey(), header.getValue()));
        }
        String host = request.headers().get(HttpHeaderNames.HOST, "");
        EchoRequest echoRequest = new EchoRequest(request.method().name(), request.uri(), host,
                request.protocolVersion().text(), headers, remoteAddress());
        current = new Http1Exchange(request, echoRequest);
        if (HttpUtil.is100ContinueExpected(request)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER));
        }
        current.body = responder.start(current);
    }

    private String remoteAddress() {
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress address) {
            return address.getAddress().getHostAddress() + ":" + address.getPort();
        }
        return String.valueOf(ctx.channel().remoteAddress());
    }

    private boolean isWebSocketUpgrade(HttpRequest request) {
        if (!webSocketAllowed
                || !request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                || !request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
            return false;
        }
        if (context.options.kind() != EchoServer.Kind.GATEWAY_API) {
            return true;
        }
        // echo-basic serves WebSocket on /ws only; elsewhere such a request is echoed as JSON.
        return RequestEchoResponder.routePath(request.uri()).equals("/ws");
    }

    private void upgradeToWebSocket(HttpRequest request) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        request.headers().forEach(h -> headers.add(new AbstractMap.SimpleImmutableEntry<>(h.getKey(), h.getValue())));
        context.record(new EchoRequest(request.method().name(), request.uri(),
                request.headers().get(HttpHeaderNames.HOST, ""), request.protocolVersion().text(), headers,
                remoteAddress()));
        if (context.options.kind() == EchoServer.Kind.GATEWAY_API && !request.headers().contains(HttpHeaderNames.ORIGIN)) {
            // Go's x/net/websocket server refuses a handshake without Origin.
            closeWith(HttpResponseStatus.FORBIDDEN, "");
            return;
        }
        if (!(request instanceof FullHttpRequest fullRequest)) {
            // HttpServerUpgradeHandler aggregates every request with an Upgrade header.
            closeWith(HttpResponseStatus.BAD_REQUEST, "Bad Request");
            return;
        }
        String url = "ws://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + request.uri();
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(url, "*", false,
                MAX_WEBSOCKET_FRAME).newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        HttpServerUpgradeHandler upgradeHandler = ctx.pipeline().get(HttpServerUpgradeHandler.class);
        if (upgradeHandler != null) {
            ctx.pipeline().remove(upgradeHandler);
        }
        ctx.pipeline().replace(this, null, new WebSocketEchoHandler(handshaker));
        handshaker.handshake(ctx.channel(), fullRequest).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    private void badRequest() {
        closeWith(HttpResponseStatus.BAD_REQUEST, "400 Bad Request");
    }

    private void closeWith(HttpResponseStatus status, String text) {
        ByteBuf body = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers().set("Content-Type", "text/plain; charset=utf-8");
        response.headers().setInt("Content-Length", body.readableBytes());
        response.headers().set("Connection", HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private void exchangeFinished(Http1Exchange exchange) {
        if (exchange != current) {
            return;
        }
        current = null;
        while (!backlog.isEmpty() && (current == null || !current.requestEnded) && ctx.channel().isActive()) {
            handle(backlog.poll());
        }
        if (backlog.isEmpty() && ctx.channel().isActive()) {
            ctx.channel().config().setAutoRead(true);
            ctx.read();
        }
    }

    private void releaseBacklog() {
        Object msg;
        while ((msg = backlog.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }

    /** The exchange of one HTTP/1.x request. */
    private final class Http1Exchange implements Exchange {
        private final EchoRequest request;
        private final HttpVersion version;
        private final boolean head;
        private boolean keepAlive;
        BodyListener body;
        boolean requestEnded;
        private boolean responseStarted;
        private boolean responseEnded;
        private boolean bodyAllowed;

        Http1Exchange(HttpRequest httpRequest, EchoRequest request) {
            this.request = request;
            this.version = httpRequest.protocolVersion();
            this.head = httpRequest.method().equals(HttpMethod.HEAD);
            this.keepAlive = HttpUtil.isKeepAlive(httpRequest);
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
        public void respond(int status, HttpHeaders headers, ByteBuf body) {
            try {
                startResponse(status, headers);
                boolean withBody = bodyAllowed && !head;
                if (bodyAllowed) {
                    headers.setInt("Content-Length", body.readableBytes());
                }
                markKeepAlive(headers);
                FullHttpResponse response = new DefaultFullHttpResponse(version, HttpResponseStatus.valueOf(status),
                        withBody ? body.retain() : Unpooled.EMPTY_BUFFER, headers, new DefaultHttpHeaders());
                end(ctx.writeAndFlush(response));
            } finally {
                body.release();
            }
        }

        @Override
        public void respondHead(int status, HttpHeaders headers) {
            startResponse(status, headers);
            if (bodyAllowed && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
                if (version.isKeepAliveDefault()) {
                    headers.set("Transfer-Encoding", HttpHeaderValues.CHUNKED);
                } else {
                    // HTTP/1.0 has no chunked coding: the end of the body is the end of the connection.
                    keepAlive = false;
                }
            }
            markKeepAlive(headers);
            ctx.writeAndFlush(new DefaultHttpResponse(version, HttpResponseStatus.valueOf(status), headers));
        }

        @Override
        public void respondContent(ByteBuf content) {
            if (responseEnded || !bodyAllowed || head) {
                content.release();
                return;
            }
            ctx.writeAndFlush(new DefaultHttpContent(content));
        }

        @Override
        public void respondEnd() {
            if (!responseEnded) {
                end(ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT));
            }
        }

        @Override
        public void respondStream(int status, HttpHeaders headers, ChunkedInput<ByteBuf> input) {
            respondHead(status, headers);
            if (!bodyAllowed || head) {
                closeQuietly(input);
                respondEnd();
                return;
            }
            end(ctx.writeAndFlush(new HttpChunkedInput(input)));
        }

        @Override
        public void reset() {
            responseEnded = true;
            ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
            ctx.close();
        }

        private void startResponse(int status, HttpHeaders headers) {
            if (responseStarted) {
                throw new IllegalStateException("response already started");
            }
            responseStarted = true;
            bodyAllowed = status >= 200 && status != 204 && status != 304;
            if (!bodyAllowed) {
                headers.remove(HttpHeaderNames.CONTENT_LENGTH);
            }
            if (headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true)) {
                keepAlive = false;
            }
        }

        private void markKeepAlive(HttpHeaders headers) {
            if (!keepAlive) {
                headers.set("Connection", HttpHeaderValues.CLOSE);
            } else if (!version.isKeepAliveDefault()) {
                headers.set("Connection", HttpHeaderValues.KEEP_ALIVE);
            }
        }

        private void end(ChannelFuture lastWrite) {
            responseEnded = true;
            if (!keepAlive) {
                lastWrite.addListener(ChannelFutureListener.CLOSE);
            }
            finishIfDone();
        }

        void finishIfDone() {
            if (requestEnded && responseEnded && keepAlive) {
                exchangeFinished(this);
            }
        }
    }

    static void closeQuietly(ChunkedInput<?> input) {
        try {
            input.close();
        } catch (Exception ignored) {
            // Nothing to release beyond what close() already tried.
        }
    }
}
