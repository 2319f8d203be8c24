package io.higressj.testing.echo;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An in-process echo backend that behaves like the test backends of the conformance corpora
 * ({@code ../shared/conformance/higress/echo-server.md} and
 * {@code ../shared/conformance/gateway-api/echo-server.md}), listening on 127.0.0.1.
 *
 * <p>One instance stands for one backend Service: it reports the namespace, pod, service and
 * ingress names of its {@link Options}. The {@link Kind} selects the reply style:
 * <ul>
 *   <li>{@link Kind#ECHO_SERVER}, {@link Kind#ECHO_SERVER_V1_0} (Higress {@code echo-server}):
 *       every method and path is answered 200 with {@code Content-Type: application/json} and a
 *       JSON description of the request ({@code path host method proto headers body namespace
 *       ingress service pod}); {@code X-Echo-Set-Header} copies {@code name:value} pairs into the
 *       response; {@code X-Delay: N} waits N ms. No path is special.</li>
 *   <li>{@link Kind#ECHO_BODY} (Higress {@code echo-body}): replies with the request body
 *       according to its exact {@code Content-Type} ({@code text/plain} byte for byte, the JSON
 *       modes as a key-sorted JSON object with {@code X-Echo-Ingress-Info} and
 *       {@code X-Echo-Set-Body}), 400 {@code {"message": ...}} otherwise; every reply carries
 *       {@code Namespace} and {@code Pod} response headers. A {@code text/plain} body streams
 *       back as it arrives, whatever its size; the JSON modes parse at most 1 MiB and answer 413
 *       above (a limit of this implementation).</li>
 *   <li>{@link Kind#GATEWAY_API} (Gateway API {@code echo-basic}, HTTP mode): the JSON echo
 *       with {@code httpPort} instead of {@code body}, plus the upstream paths {@code /health},
 *       {@code /status/NNN}, the retry simulator {@code /retry/...}, WebSocket echo on
 *       {@code /ws} (an {@code Origin} header is required), the {@code delay=<go duration>}
 *       query or form parameter, and a second, h2c-only listener ({@link #h2cPort()}).</li>
 *   <li>{@link Kind#GATEWAY_API_GRPC} (Gateway API {@code echo-basic}, gRPC mode): the
 *       {@code gateway_api_conformance.echo_basic.grpcecho.GrpcEcho} service over cleartext
 *       HTTP/2 with prior knowledge; {@code Echo} and {@code EchoTwo} answer, {@code EchoThree}
 *       is UNIMPLEMENTED. Server reflection is not offered.</li>
 * </ul>
 *
 * <p>Every HTTP listener except the gRPC one speaks HTTP/1.1 with keep-alive (and pipelining),
 * h2c with prior knowledge and h2c by {@code Upgrade}. WebSocket: for the Higress kinds, a
 * request on any path with {@code Upgrade: websocket} completes the handshake and every text
 * or binary frame is echoed back unchanged; for {@link Kind#GATEWAY_API}, only on {@code /ws}.
 * Request bodies are consumed as they stream in: a body of at most 1 MiB is kept for the
 * reply, a longer one is only counted and hashed (see below).
 *
 * <p>Every received request is counted and kept in a bounded log ({@link #recentRequests()},
 * {@link #awaitRequest}) so that mirroring tests can ask whether this backend received it.
 *
 * <h2>Test-only extensions</h2>
 * The corpora never send these request headers; they exist for the gateway's own tests and
 * apply to the JSON echo of {@link Kind#ECHO_SERVER}, {@link Kind#ECHO_SERVER_V1_0} and
 * {@link Kind#GATEWAY_API} (after {@code X-Delay}/{@code delay} and together with
 * {@code X-Echo-Set-Header}):
 * <ul>
 *   <li>{@code X-Echo-Status: <code>} (200..599): answer with that status instead of 200
 *       (no body for 204 and 304).</li>
 *   <li>{@code X-Echo-Response-Size: <n>}: instead of the JSON, a body of exactly n bytes with
 *       {@code Content-Type: application/octet-stream} and {@code Content-Length: n}, produced in
 *       64 KiB chunks as fast as the client reads them (never held in memory at once); the byte
 *       at offset i is {@code (byte) i}.</li>
 *   <li>{@code X-Echo-SSE: <count>,<intervalMs>}: instead of the JSON, a
 *       {@code text/event-stream} response of {@code count} events {@code data: event <i>\n\n}
 *       (i = 0, 1, ...), the first at once and then one every {@code intervalMs}, each flushed
 *       on its own; the response ends after the last event.</li>
 *   <li>Large request bodies: when a body exceeds 1 MiB, the reply has no {@code body}; it has
 *       {@code bodyLength} (number) and {@code bodySha256} (lower-case hex) instead.</li>
 * </ul>
 * A malformed extension header is answered 400 with a plain-text reason.
 *
 * <p>Instances are thread-safe. {@link #close()} stops the listeners and their threads.
 */
public final class EchoServer implements AutoCloseable {

    /** The backend kinds of the corpora, with the names {@code _base/base.yaml} gives them. */
    public enum Kind {
        /** Higress {@code higress/echo-server:1.3.0}. */
        ECHO_SERVER("echo-server"),
        /** Higress {@code higress/echo-body:1.0.0}. */
        ECHO_BODY("echo-body"),
        /** Higress {@code higress/echo-server:v1.0}; behaves as {@link #ECHO_SERVER}. */
        ECHO_SERVER_V1_0("echo-server-v1.0"),
        /** Gateway API {@code echo-basic} in HTTP mode. */
        GATEWAY_API("echo-basic"),
        /** Gateway API {@code echo-basic} in gRPC mode ({@code GRPC_ECHO_SERVER=1}). */
        GATEWAY_API_GRPC("echo-basic-grpc");

        private final String corpusName;

        Kind(String corpusName) {
            this.corpusName = corpusName;
        }

        /** The name used by {@code echoBackends[].kind} in the corpora. */
        public String corpusName() {
            return corpusName;
        }

        /** The kind called {@code name} in the corpora ({@code echo-server}, {@code echo-basic} ...). */
        public static Kind fromCorpusName(String name) {
            for (Kind kind : values()) {
                if (kind.corpusName.equals(name)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("kind: " + name + " (expected one of: echo-server, echo-body, "
                    + "echo-server-v1.0, echo-basic, echo-basic-grpc)");
        }
    }

    /**
     * How to start an echo server; the environment variables of the upstream images.
     *
     * @param kind the reply style
     * @param namespace reported as {@code namespace} ({@code NAMESPACE})
     * @param podName reported as {@code pod} ({@code POD_NAME}); the corpora check that it starts
     *     with the Service name, and the Gateway API corpus wants {@code <service>-<x>-<y>}
     * @param serviceName reported as {@code service} ({@code SERVICE_NAME}); upstream leaves it empty
     * @param ingressName reported as {@code ingress} ({@code INGRESS_NAME}); upstream leaves it empty
     * @param port the main listener's port ({@code HTTP_PORT}); 0 picks a free port
     * @param h2cPort the h2c-only listener's port ({@code H2C_PORT}) of {@link Kind#GATEWAY_API};
     *     0 picks a free port; ignored by the other kinds
     */
    public record Options(
            Kind kind,
            String namespace,
            String podName,
            String serviceName,
            String ingressName,
            int port,
            int h2cPort) {

        public Options {
            requireNonNull(kind, "kind");
            requireNonNull(namespace, "namespace");
            requireNonNull(podName, "podName");
            requireNonNull(serviceName, "serviceName");
            requireNonNull(ingressName, "ingressName");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
            }
            if (h2cPort < 0 || h2cPort > 65535) {
                throw new IllegalArgumentException("h2cPort: " + h2cPort + " (expected: 0..65535)");
            }
        }

        /** Options with empty service and ingress names and free ports. */
        public static Options of(Kind kind, String namespace, String podName) {
            return new Options(kind, namespace, podName, "", "", 0, 0);
        }

        public Options withServiceName(String serviceName) {
            return new Options(kind, namespace, podName, serviceName, ingressName, port, h2cPort);
        }

        public Options withIngressName(String ingressName) {
            return new Options(kind, namespace, podName, serviceName, ingressName, port, h2cPort);
        }

        public Options withPort(int port) {
            return new Options(kind, namespace, podName, serviceName, ingressName, port, h2cPort);
        }

        public Options withH2cPort(int h2cPort) {
            return new Options(kind, namespace, podName, serviceName, ingressName, port, h2cPort);
        }
    }

    /**
     * One request the server received.
     *
     * @param receivedAt when its head arrived
     * @param method the request method
     * @param path the request target as received (path and query), the gRPC {@code :path} for gRPC
     * @param protocol {@code HTTP/1.1}, {@code HTTP/1.0} or {@code HTTP/2.0}
     * @param remoteAddress the client, {@code ip:port}
     */
    public record RecordedRequest(Instant receivedAt, String method, String path, String protocol,
            String remoteAddress) {

        public RecordedRequest {
            requireNonNull(receivedAt, "receivedAt");
            requireNonNull(method, "method");
            requireNonNull(path, "path");
            requireNonNull(protocol, "protocol");
            requireNonNull(remoteAddress, "remoteAddress");
        }
    }

    private final EchoContext context;
    private final EventLoopGroup group;
    private final Channel mainChannel;
    private final Channel h2cChannel;

    private EchoServer(EchoContext context, EventLoopGroup group, Channel mainChannel, Channel h2cChannel) {
        this.context = context;
        this.group = group;
        this.mainChannel = mainChannel;
        this.h2cChannel = h2cChannel;
    }

    /**
     * Binds the listeners on 127.0.0.1 and returns the running server.
     *
     * @throws IllegalStateException when a port cannot be bound
     */
    public static EchoServer start(Options options) {
        requireNonNull(options, "options");
        EchoContext context = new EchoContext(options);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2,
                new DefaultThreadFactory("echo-" + options.podName(), true), NioIoHandler.newFactory());
        List<Channel> bound = new ArrayList<>(2);
        try {
            EchoChannelInitializer.Listener mainListener = options.kind() == Kind.GATEWAY_API_GRPC
                    ? EchoChannelInitializer.Listener.GRPC
                    : EchoChannelInitializer.Listener.MAIN;
            Channel main = bind(group, options.port(), new EchoChannelInitializer(context, mainListener));
            bound.add(main);
            context.httpPort = ((InetSocketAddress) main.localAddress()).getPort();
            Channel h2c = null;
            if (options.kind() == Kind.GATEWAY_API) {
                h2c = bind(group, options.h2cPort(),
                        new EchoChannelInitializer(context, EchoChannelInitializer.Listener.H2C_ONLY));
                bound.add(h2c);
            }
            return new EchoServer(context, group, main, h2c);
        } catch (RuntimeException e) {
            bound.forEach(Channel::close);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    private static Channel bind(EventLoopGroup group, int port, EchoChannelInitializer initializer) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(initializer);
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        var future = bootstrap.bind(address).awaitUninterruptibly();
        if (!future.isSuccess()) {
            throw new IllegalStateException("cannot bind echo server to " + address, future.cause());
        }
        return future.channel();
    }

    public Options options() {
        return context.options;
    }

    /** The main listener's port: HTTP/1.1, h2c and WebSocket (gRPC for {@link Kind#GATEWAY_API_GRPC}). */
    public int port() {
        return context.httpPort;
    }

    /**
     * The port of the h2c-only listener of {@link Kind#GATEWAY_API}, which answers plain HTTP/1.1
     * requests with 400 {@code Expected h2c request}; for the other kinds, {@link #port()}, which
     * accepts h2c too.
     */
    public int h2cPort() {
        return h2cChannel == null ? port() : ((InetSocketAddress) h2cChannel.localAddress()).getPort();
    }

    /** The main listener's address (127.0.0.1 and {@link #port()}). */
    public InetSocketAddress address() {
        return (InetSocketAddress) mainChannel.localAddress();
    }

    /** How many requests arrived since start or {@link #clearRequests()} (WebSocket handshakes included). */
    public long requestCount() {
        return context.log.count();
    }

    /** The most recent requests (up to 10,000), oldest first. */
    public List<RecordedRequest> recentRequests() {
        return context.log.snapshot();
    }

    /** The recent requests that arrived at or after {@code since}, oldest first. */
    public List<RecordedRequest> requestsSince(Instant since) {
        requireNonNull(since, "since");
        return context.log.snapshot().stream().filter(r -> !r.receivedAt().isBefore(since)).toList();
    }

    /**
     * Waits until a request whose target equals {@code path} (path and query as sent) has
     * arrived; returns at once if one is already in the log.
     *
     * @return whether such a request arrived within {@code timeout}
     */
    public boolean awaitRequest(String path, Duration timeout) throws InterruptedException {
        requireNonNull(path, "path");
        requireNonNull(timeout, "timeout");
        return context.log.await(r -> r.path().equals(path), timeout);
    }

    /** Empties the request log and resets {@link #requestCount()}. */
    public void clearRequests() {
        context.log.clear();
    }

    /** Closes the listeners and every open connection. */
    @Override
    public void close() {
        mainChannel.close().awaitUninterruptibly();
        if (h2cChannel != null) {
            h2cChannel.close().awaitUninterruptibly();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    @Override
    public String toString() {
        return "EchoServer[" + context.options.kind().corpusName() + " " + context.options.namespace() + "/"
                + context.options.podName() + " on " + address() + "]";
    }
}
