package io.higressj.testing.echo;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One unary call of echo-basic's gRPC mode: the service
 * {@code gateway_api_conformance.echo_basic.grpcecho.GrpcEcho}. {@code Echo} and {@code EchoTwo}
 * answer an {@code EchoResponse} describing the call; everything else is UNIMPLEMENTED. The
 * request message ({@code EchoRequest}, empty) is read and ignored; the response is encoded
 * by hand, the messages being a handful of string fields.
 */
final class GrpcEchoStreamHandler extends ChannelInboundHandlerAdapter {

    static final String SERVICE = "gateway_api_conformance.echo_basic.grpcecho.GrpcEcho";

    private static final int GRPC_OK = 0;
    private static final int GRPC_INTERNAL = 13;
    private static final int GRPC_UNIMPLEMENTED = 12;

    /** grpc-go keeps these out of the metadata a handler sees (:authority and user-agent stay). */
    private static final Set<String> RESERVED = Set.of("grpc-message-type", "grpc-encoding", "grpc-message",
            "grpc-status", "grpc-timeout", "grpc-status-details-bin", "te");

    private final EchoContext context;
    private Http2Headers requestHeaders;
    private boolean answered;

    GrpcEchoStreamHandler(EchoContext context) {
        this.context = context;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            boolean end = false;
            if (msg instanceof Http2HeadersFrame headers) {
                if (requestHeaders == null) {
                    requestHeaders = headers.headers();
                    record(ctx);
                }
                end = headers.isEndStream();
            } else if (msg instanceof Http2DataFrame data) {
                end = data.isEndStream();
            }
            if (end && requestHeaders != null && !answered) {
                answered = true;
                answer(ctx);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private void record(ChannelHandlerContext ctx) {
        Object remote = ((Http2StreamChannel) ctx.channel()).parent().remoteAddress();
        String address = remote instanceof InetSocketAddress inet
                ? inet.getAddress().getHostAddress() + ":" + inet.getPort()
                : String.valueOf(remote);
        CharSequence method = requestHeaders.method();
        CharSequence authority = requestHeaders.authority();
        context.record(new EchoRequest(method == null ? "" : method.toString(), path(),
                authority == null ? "" : authority.toString(), "HTTP/2.0", List.of(), address));
    }

    private String path() {
        CharSequence path = requestHeaders.path();
        return path == null ? "" : path.toString();
    }

    private void answer(ChannelHandlerContext ctx) {
        CharSequence contentType = requestHeaders.get("content-type");
        if (contentType == null || !contentType.toString().startsWith("application/grpc")) {
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("415")
                    .add("content-type", "text/plain; charset=utf-8")
                    .addInt("grpc-status", GRPC_INTERNAL)
                    .add("grpc-message", "invalid gRPC request content-type " + GoHttp.quote(String.valueOf(contentType))),
                    true));
            return;
        }
        String path = path();
        String prefix = "/" + SERVICE + "/";
        if (!path.startsWith(prefix)) {
            int slash = path.lastIndexOf('/');
            String service = slash > 0 ? path.substring(1, slash) : path;
            trailersOnly(ctx, GRPC_UNIMPLEMENTED, "unknown service " + service);
            return;
        }
        String method = path.substring(prefix.length());
        switch (method) {
            case "Echo", "EchoTwo" -> echo(ctx, path);
            case "EchoThree" -> trailersOnly(ctx, GRPC_UNIMPLEMENTED, "method EchoThree not implemented");
            default -> trailersOnly(ctx, GRPC_UNIMPLEMENTED, "unknown method " + method + " for service " + SERVICE);
        }
    }

    private void echo(ChannelHandlerContext ctx, String fullMethod) {
        ProtoWriter assertions = new ProtoWriter();
        assertions.string(1, fullMethod);
        for (Map.Entry<String, String> header : metadata()) {
            assertions.message(2, new ProtoWriter().string(1, header.getKey()).string(2, header.getValue()));
        }
        CharSequence authority = requestHeaders.authority();
        assertions.string(3, authority == null ? "" : authority.toString());
        assertions.message(4, new ProtoWriter()
                .string(1, context.options.namespace())
                .string(2, context.options.ingressName())
                .string(3, context.options.serviceName())
                .string(4, context.options.podName()));
        byte[] response = new ProtoWriter().message(1, assertions).message(2, new ProtoWriter()).toByteArray();

        ByteBuf frame = ctx.alloc().buffer(5 + response.length);
        frame.writeByte(0).writeInt(response.length).writeBytes(response);
        ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
                .add("content-type", "application/grpc"), false));
        ctx.write(new DefaultHttp2DataFrame(frame, false));
        ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().addInt("grpc-status", GRPC_OK), true));
    }

    /** The call's metadata as grpc-go shows it to a handler, :authority included. */
    private List<Map.Entry<String, String>> metadata() {
        List<Map.Entry<String, String>> metadata = new ArrayList<>();
        for (Map.Entry<CharSequence, CharSequence> field : requestHeaders) {
            String name = field.getKey().toString();
            if (name.startsWith(":") ? !name.equals(":authority") : RESERVED.contains(name)) {
                continue;
            }
            metadata.add(Map.entry(name, field.getValue().toString()));
        }
        return metadata;
    }

    private static void trailersOnly(ChannelHandlerContext ctx, int status, String message) {
        ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
                .add("content-type", "application/grpc")
                .addInt("grpc-status", status)
                .add("grpc-message", percentEncode(message)), true));
    }

    /** gRPC's percent-encoding of grpc-message: bytes outside printable ASCII and {@code %}. */
    private static String percentEncode(String message) {
        StringBuilder out = new StringBuilder(message.length());
        for (byte b : message.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x20 || c > 0x7e || c == '%') {
                out.append('%').append(String.format("%02X", c));
            } else {
                out.append((char) c);
            }
        }
        return out.toString();
    }

    /** Just enough of the protobuf wire format for messages of strings and sub-messages. */
    static final class ProtoWriter {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        /** A string field; proto3 leaves out the empty string. */
        ProtoWriter string(int field, String value) {
            if (!value.isEmpty()) {
                bytes(field, value.getBytes(StandardCharsets.UTF_8));
            }
            return this;
        }

        /** A sub-message field, written even when empty (it is set). */
        ProtoWriter message(int field, ProtoWriter message) {
            bytes(field, message.toByteArray());
            return this;
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }

        private void bytes(int field, byte[] value) {
            varint((long) field << 3 | 2);
            varint(value.length);
            out.writeBytes(value);
        }

        private void varint(long value) {
            while ((value & ~0x7FL) != 0) {
                out.write((int) (value & 0x7F | 0x80));
                value >>>= 7;
            }
            out.write((int) value);
        }
    }
}
