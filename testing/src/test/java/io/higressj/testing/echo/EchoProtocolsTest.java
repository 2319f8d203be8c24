package io.higressj.testing.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.higressj.testing.echo.EchoServer.Kind;
import io.higressj.testing.echo.EchoServer.Options;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Transports and streaming: h2c, WebSocket, large bodies both ways, server-sent events. */
class EchoProtocolsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static EchoServer server;
    private static HttpClient client;

    @BeforeAll
    static void start() {
        server = EchoServer.start(Options.of(Kind.ECHO_SERVER, "higress-conformance-infra", "infra-backend-v1"));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    private URI uri(String target) {
        return URI.create("http://127.0.0.1:" + server.port() + target);
    }

    @Test
    void h2cWithPriorKnowledge() throws Exception {
        try (H2cTestClient h2 = new H2cTestClient(server.port())) {
            H2cTestClient.Response response = h2.send(H2cTestClient.get("/h2?q=1", server.port())
                    .add("x-custom", "a").add("x-custom", "b").add("cookie", "a=1").add("cookie", "b=2"))
                    .get(10, TimeUnit.SECONDS);
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.headers().get("content-type").toString()).isEqualTo("application/json");
            JsonNode reply = JSON.readTree(response.body());
            assertThat(reply.get("proto").asText()).isEqualTo("HTTP/2.0");
            assertThat(reply.get("path").asText()).isEqualTo("/h2?q=1");
            assertThat(reply.get("host").asText()).isEqualTo("127.0.0.1:" + server.port());
            assertThat(JSON.convertValue(reply.get("headers").get("X-Custom"), List.class)).containsExactly("a", "b");
            assertThat(JSON.convertValue(reply.get("headers").get("Cookie"), List.class)).containsExactly("a=1; b=2");

            H2cTestClient.Response post = h2.send(H2cTestClient.get("/post", server.port()).method("POST")
                    .add("content-type", "application/json"), "{\"k\":\"v\"}".getBytes(StandardCharsets.UTF_8))
                    .get(10, TimeUnit.SECONDS);
            assertThat(JSON.readTree(post.body()).get("body").get("k").asText()).isEqualTo("v");
        }
    }

    @Test
    void delayOnOneStreamDoesNotHoldBackTheOthersOfTheSameConnection() throws Exception {
        try (H2cTestClient h2 = new H2cTestClient(server.port())) {
            CompletableFuture<H2cTestClient.Response> slow = h2.send(H2cTestClient.get("/slow", server.port())
                    .add("x-delay", "1500"));
            // Same connection, hence the same event loop as the waiting stream.
            for (int i = 0; i < 3; i++) {
                assertThat(h2.send(H2cTestClient.get("/fast", server.port())).get(10, TimeUnit.SECONDS).status())
                        .isEqualTo(200);
            }
            assertThat(slow).isNotDone();
            assertThat(JSON.readTree(slow.get(10, TimeUnit.SECONDS).body()).get("path").asText()).isEqualTo("/slow");
        }
    }

    @Test
    void h2cByUpgrade() throws Exception {
        try (HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build()) {
            HttpResponse<String> first = h2.send(HttpRequest.newBuilder(uri("/upgrade")).build(), BodyHandlers.ofString());
            assertThat(first.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(JSON.readTree(first.body()).get("proto").asText()).isEqualTo("HTTP/2.0");
            assertThat(JSON.readTree(first.body()).get("path").asText()).isEqualTo("/upgrade");
            HttpResponse<String> second = h2.send(HttpRequest.newBuilder(uri("/second")).build(),
                    BodyHandlers.ofString());
            assertThat(second.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(JSON.readTree(second.body()).get("path").asText()).isEqualTo("/second");
        }
    }

    @Test
    void webSocketEchoesTextAndBinaryOnAnyPath() throws Exception {
        Messages messages = new Messages();
        WebSocket socket = client.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + server.port()
                + "/any/path"), messages).get(10, TimeUnit.SECONDS);
        socket.sendText("Websocket Support!", true).get(10, TimeUnit.SECONDS);
        assertThat(messages.take()).isEqualTo("Websocket Support!");
        socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7}), true).get(10, TimeUnit.SECONDS);
        assertThat(messages.take()).isEqualTo(List.of(1, 2, 3, 4, 5, 6, 7));
        // A message in two fragments comes back whole.
        socket.sendText("frag", false).get(10, TimeUnit.SECONDS);
        socket.sendText("ment", true).get(10, TimeUnit.SECONDS);
        assertThat(messages.take()).isEqualTo("fragment");
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
        assertThat(messages.take()).isEqualTo("closed 1000");
        assertThat(server.recentRequests()).extracting(EchoServer.RecordedRequest::path).contains("/any/path");
    }

    @Test
    void gatewayApiWebSocketNeedsWsPathAndOrigin() throws Exception {
        try (EchoServer basic = EchoServer.start(Options.of(Kind.GATEWAY_API, "gateway-conformance-infra",
                "infra-backend-v1-a-b"))) {
            URI ws = URI.create("ws://127.0.0.1:" + basic.port() + "/ws");
            Messages messages = new Messages();
            WebSocket socket = client.newWebSocketBuilder().header("Origin", "ws://gateway/test")
                    .buildAsync(ws, messages).get(10, TimeUnit.SECONDS);
            socket.sendText("hello", true).get(10, TimeUnit.SECONDS);
            assertThat(messages.take()).isEqualTo("hello");
            socket.abort();

            assertThatThrownBy(() -> client.newWebSocketBuilder().buildAsync(ws, new Messages()).join())
                    .isInstanceOf(CompletionException.class)
                    .cause().isInstanceOf(WebSocketHandshakeException.class)
                    .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode())
                            .isEqualTo(403));
            // Elsewhere an upgrade request is just echoed, so the handshake fails.
            assertThatThrownBy(() -> client.newWebSocketBuilder().header("Origin", "ws://gateway/test")
                    .buildAsync(URI.create("ws://127.0.0.1:" + basic.port() + "/other"), new Messages()).join())
                    .cause().isInstanceOf(WebSocketHandshakeException.class);
        }
    }

    @Test
    void largeRequestBodyIsCountedNotKept() throws Exception {
        long length = 64L << 20;
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[1 << 16];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) (i * 31);
        }
        for (long sent = 0; sent < length; sent += chunk.length) {
            sha256.update(chunk);
        }
        String expected = HexFormat.of().formatHex(sha256.digest());
        HttpRequest.BodyPublisher publisher = BodyPublishers.ofInputStream(() -> new InputStream() {
            private long remaining = length;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (remaining == 0) {
                    return -1;
                }
                int n = (int) Math.min(Math.min(len, remaining), chunk.length);
                int position = (int) ((length - remaining) % chunk.length);
                n = Math.min(n, chunk.length - position);
                System.arraycopy(chunk, position, b, off, n);
                remaining -= n;
                return n;
            }
        });
        for (HttpClient.Version version : List.of(HttpClient.Version.HTTP_1_1, HttpClient.Version.HTTP_2)) {
            try (HttpClient versioned = HttpClient.newBuilder().version(version).build()) {
                // A first request without body makes the connection h2c (by Upgrade) when asked to.
                versioned.send(HttpRequest.newBuilder(uri("/warm-up")).build(), BodyHandlers.discarding());
                HttpResponse<String> response = versioned.send(HttpRequest.newBuilder(uri("/upload"))
                        .header("Content-Type", "application/octet-stream").POST(publisher).build(),
                        BodyHandlers.ofString());
                JsonNode reply = JSON.readTree(response.body());
                assertThat(reply.get("body").isNull()).isTrue();
                assertThat(reply.get("bodyLength").asLong()).isEqualTo(length);
                assertThat(reply.get("bodySha256").asText()).isEqualTo(expected);
            }
        }
        HttpResponse<String> small = client.send(HttpRequest.newBuilder(uri("/upload"))
                .header("Content-Type", "text/plain").POST(BodyPublishers.ofByteArray(new byte[1 << 20])).build(),
                BodyHandlers.ofString());
        JsonNode reply = JSON.readTree(small.body());
        assertThat(reply.get("body").asText()).hasSize(1 << 20);
        assertThat(reply.has("bodyLength")).isFalse();
    }

    @Test
    void responseSizeStreams200Megabytes() throws Exception {
        long size = 200_000_000L;
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(uri("/download"))
                .header("X-Echo-Response-Size", Long.toString(size)).build(), BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Length")).hasValue(Long.toString(size));
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        long received = 0;
        byte[] buffer = new byte[1 << 16];
        try (InputStream body = response.body()) {
            int n;
            while ((n = body.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] != (byte) (received + i)) {
                        throw new AssertionError("byte " + (received + i) + " is " + buffer[i]);
                    }
                }
                received += n;
            }
        }
        assertThat(received).isEqualTo(size);
    }

    @Test
    void responseSizeOverHttp2AndHead() throws Exception {
        try (H2cTestClient h2 = new H2cTestClient(server.port())) {
            H2cTestClient.Response response = h2.send(H2cTestClient.get("/d", server.port())
                    .add("x-echo-response-size", "300000")).get(10, TimeUnit.SECONDS);
            assertThat(response.body()).hasSize(300_000);
            assertThat(response.body()[299_999]).isEqualTo((byte) 299_999);
        }
        HttpResponse<String> head = client.send(HttpRequest.newBuilder(uri("/d"))
                .method("HEAD", BodyPublishers.noBody()).header("X-Echo-Response-Size", "1000").build(),
                BodyHandlers.ofString());
        assertThat(head.headers().firstValue("Content-Length")).hasValue("1000");
        assertThat(head.body()).isEmpty();
    }

    @Test
    void serverSentEventsAreFlushedOneByOne() throws Exception {
        // The second event is a minute away: the first can only arrive if it was flushed alone.
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(uri("/sse"))
                .header("X-Echo-SSE", "2,60000").build(), BodyHandlers.ofInputStream());
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(),
                StandardCharsets.UTF_8))) {
            assertThat(reader.readLine()).isEqualTo("data: event 0");
            assertThat(reader.readLine()).isEmpty();
        }

        HttpResponse<String> all = client.send(HttpRequest.newBuilder(uri("/sse"))
                .header("X-Echo-SSE", "3,20").build(), BodyHandlers.ofString());
        assertThat(all.body()).isEqualTo("data: event 0\n\ndata: event 1\n\ndata: event 2\n\n");

        HttpResponse<String> bad = client.send(HttpRequest.newBuilder(uri("/sse"))
                .header("X-Echo-SSE", "3").build(), BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
    }

    @Test
    void serverSentEventsOverHttp2() throws Exception {
        try (H2cTestClient h2 = new H2cTestClient(server.port())) {
            H2cTestClient.Response response = h2.send(H2cTestClient.get("/sse", server.port())
                    .add("x-echo-sse", "2,10")).get(10, TimeUnit.SECONDS);
            assertThat(new String(response.body(), StandardCharsets.UTF_8))
                    .isEqualTo("data: event 0\n\ndata: event 1\n\n");
        }
    }

    /** Collects whole received WebSocket messages: text as String, binary as a list of byte values. */
    private static final class Messages implements WebSocket.Listener {
        private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();
        private final List<Integer> binary = new ArrayList<>();

        Object take() throws InterruptedException, ExecutionException {
            Object message = received.poll(10, TimeUnit.SECONDS);
            assertThat(message).as("a WebSocket message within 10 s").isNotNull();
            return message;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                received.add(text.toString());
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            while (data.hasRemaining()) {
                binary.add((int) data.get());
            }
            if (last) {
                received.add(List.copyOf(binary));
                binary.clear();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            received.add("closed " + statusCode);
            return null;
        }
    }
}
