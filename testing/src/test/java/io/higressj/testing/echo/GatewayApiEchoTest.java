package io.higressj.testing.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.higressj.testing.echo.EchoServer.Kind;
import io.higressj.testing.echo.EchoServer.Options;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Gateway API {@code echo-basic} kinds: HTTP mode (paths, retry, delay, h2c listener) and gRPC mode. */
class GatewayApiEchoTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static EchoServer server;
    private static HttpClient client;

    @BeforeAll
    static void start() {
        server = EchoServer.start(Options.of(Kind.GATEWAY_API, "gateway-conformance-infra",
                "infra-backend-v1-7d9c6b5f4-x2x9q"));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    private HttpResponse<String> get(String target, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + target));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), BodyHandlers.ofString());
    }

    @Test
    void echoHasHttpPortAndNoBodyField() throws Exception {
        HttpResponse<String> response = get("/v2/example?x=1", "Version", "two", "X-Echo-Set-Header",
                "Some-Other-Header:val,X-Header-Set:some-other-value");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().allValues("Content-Type")).containsExactly("application/json");
        assertThat(response.headers().firstValue("Some-Other-Header")).hasValue("val");
        assertThat(response.headers().firstValue("X-Header-Set")).hasValue("some-other-value");
        JsonNode reply = JSON.readTree(response.body());
        assertThat(reply.fieldNames()).toIterable().containsExactly(
                "path", "host", "method", "proto", "headers", "httpPort", "namespace", "ingress", "service", "pod");
        assertThat(reply.get("path").asText()).isEqualTo("/v2/example?x=1");
        assertThat(reply.get("httpPort").asText()).isEqualTo(Integer.toString(server.port()));
        assertThat(reply.get("headers").get("Version").get(0).asText()).isEqualTo("two");
        assertThat(reply.get("namespace").asText()).isEqualTo("gateway-conformance-infra");
    }

    @Test
    void healthAndStatusPaths() throws Exception {
        HttpResponse<String> health = get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("OK");
        assertThat(get("/status/418").statusCode()).isEqualTo(418);
        assertThat(get("/status/503").body()).isEmpty();
        assertThat(get("/status/200?x=1").statusCode()).isEqualTo(400);
        assertThat(get("/status/abc").statusCode()).isEqualTo(400);
        // Not special under the Higress kinds, but here //health routes like /health.
        assertThat(get("//health").body()).isEqualTo("OK");
    }

    @Test
    void retrySimulatorFailsThenSucceeds() throws Exception {
        String uuid = UUID.randomUUID().toString();
        String target = "/retry/code?responseCode=503&succeedAfter=2&uuid=" + uuid;
        assertThat(get(target).statusCode()).isEqualTo(503);
        assertThat(get(target).statusCode()).isEqualTo(503);
        HttpResponse<String> third = get(target);
        assertThat(third.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(third.body()).get("path").asText()).isEqualTo(target);

        assertThat(get("/retry/x?succeedAfter=1").body()).isEqualTo("uuid is required\n");
        assertThat(get("/retry/x?uuid=u").body()).isEqualTo("succeedAfter is required\n");
    }

    @Test
    void retrySimulatorWithoutCodeResetsTheConnection() throws Exception {
        String target = "/retry/reset?succeedAfter=1&delayRetry=50ms&uuid=" + UUID.randomUUID();
        try (RawHttpConnection connection = new RawHttpConnection(server.port())) {
            connection.send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThatThrownBy(() -> {
                int read = connection.input().read();
                if (read < 0) {
                    throw new IOException("closed without reset");
                }
            }).isInstanceOf(java.net.SocketException.class);
        }
        assertThat(get(target).statusCode()).isEqualTo(200);
    }

    @Test
    void delayParameterWaitsAndRejectsBadDurations() throws Exception {
        Instant start = Instant.now();
        assertThat(get("/backend-timeout?delay=300ms").statusCode()).isEqualTo(200);
        assertThat(Duration.between(start, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(300));

        HttpResponse<String> bad = get("/x?delay=soon");
        assertThat(bad.statusCode()).isEqualTo(500);
        assertThat(bad.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(JSON.readTree(bad.body()).get("message").asText()).isEqualTo("time: invalid duration \"soon\"");

        start = Instant.now();
        HttpResponse<String> form = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/form"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(BodyPublishers.ofString("delay=200ms")).build(), BodyHandlers.ofString());
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(Duration.between(start, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }

    @Test
    void largeBodyIsCountedAndHashed() throws Exception {
        byte[] body = new byte[(1 << 20) + 1];
        java.util.Arrays.fill(body, (byte) 'x');
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/upload"))
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                BodyHandlers.ofString());
        JsonNode reply = JSON.readTree(response.body());
        assertThat(reply.get("bodyLength").asLong()).isEqualTo(body.length);
        assertThat(reply.get("bodySha256").asText()).isEqualTo(java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(body)));
    }

    @Test
    void h2cListenerOnlyTakesHttp2() throws Exception {
        assertThat(server.h2cPort()).isNotEqualTo(server.port());
        try (RawHttpConnection connection = new RawHttpConnection(server.h2cPort())) {
            connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttpConnection.Response response = connection.readResponse();
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.bodyText()).isEqualTo("Expected h2c request");
        }
        try (H2cTestClient h2 = new H2cTestClient(server.h2cPort())) {
            H2cTestClient.Response response = h2.send(H2cTestClient.get("/health", server.h2cPort()))
                    .get(10, TimeUnit.SECONDS);
            assertThat(response.status()).isEqualTo(200);
            // No path routing on this listener: /health is echoed.
            JsonNode reply = JSON.readTree(response.body());
            assertThat(reply.get("proto").asText()).isEqualTo("HTTP/2.0");
            assertThat(reply.get("path").asText()).isEqualTo("/health");
            assertThat(reply.get("httpPort").asText()).isEqualTo(Integer.toString(server.port()));
        }
        HttpClient upgrading = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        try (upgrading) {
            HttpResponse<String> response = upgrading.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.h2cPort() + "/up")).build(), BodyHandlers.ofString());
            assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(JSON.readTree(response.body()).get("proto").asText()).isEqualTo("HTTP/2.0");
        }
    }

    @Test
    void grpcEchoAnswersEchoAndEchoTwo() throws Exception {
        try (EchoServer grpc = EchoServer.start(Options.of(Kind.GATEWAY_API_GRPC, "gateway-conformance-infra",
                "grpc-infra-backend-v1-abc-def"));
                H2cTestClient h2 = new H2cTestClient(grpc.port())) {
            for (String method : new String[] {"Echo", "EchoTwo"}) {
                String path = "/gateway_api_conformance.echo_basic.grpcecho.GrpcEcho/" + method;
                H2cTestClient.Response response = h2.send(grpcCall(path, grpc.port()), new byte[5])
                        .get(10, TimeUnit.SECONDS);
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.headers().get("content-type").toString()).isEqualTo("application/grpc");
                assertThat(response.trailers().get("grpc-status").toString()).isEqualTo("0");
                byte[] body = response.body();
                assertThat(body[0]).isZero();
                int length = (body[1] & 0xff) << 24 | (body[2] & 0xff) << 16 | (body[3] & 0xff) << 8 | body[4] & 0xff;
                assertThat(body).hasSize(5 + length);
                Map<Integer, List<byte[]>> echoResponse = decode(body, 5, body.length);
                Map<Integer, List<byte[]>> assertions = decode(echoResponse.get(1).get(0));
                assertThat(text(assertions.get(1).get(0))).isEqualTo(path);
                assertThat(text(assertions.get(3).get(0))).isEqualTo("bar.com");
                Map<Integer, List<byte[]>> context = decode(assertions.get(4).get(0));
                assertThat(text(context.get(1).get(0))).isEqualTo("gateway-conformance-infra");
                assertThat(text(context.get(4).get(0))).isEqualTo("grpc-infra-backend-v1-abc-def");
                List<String> headers = new ArrayList<>();
                for (byte[] header : assertions.get(2)) {
                    Map<Integer, List<byte[]>> pair = decode(header);
                    headers.add(text(pair.get(1).get(0)) + "=" + text(pair.get(2).get(0)));
                }
                assertThat(headers).contains(":authority=bar.com", "version=one", "content-type=application/grpc")
                        .noneMatch(h -> h.startsWith(":path") || h.startsWith("te="));
                assertThat(echoResponse.get(2)).hasSize(1);
            }
            H2cTestClient.Response three = h2.send(grpcCall(
                    "/gateway_api_conformance.echo_basic.grpcecho.GrpcEcho/EchoThree", grpc.port()), new byte[5])
                    .get(10, TimeUnit.SECONDS);
            assertThat(three.status()).isEqualTo(200);
            assertThat(three.headers().get("grpc-status").toString()).isEqualTo("12");
            assertThat(grpc.recentRequests()).extracting(EchoServer.RecordedRequest::path)
                    .contains("/gateway_api_conformance.echo_basic.grpcecho.GrpcEcho/EchoThree");
        }
    }

    private static Http2Headers grpcCall(String path, int port) {
        return H2cTestClient.get(path, port).method("POST").authority("bar.com")
                .add("content-type", "application/grpc").add("te", "trailers").add("version", "one");
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static Map<Integer, List<byte[]>> decode(byte[] message) {
        return decode(message, 0, message.length);
    }

    /** Length-delimited fields of a protobuf message, by field number. */
    private static Map<Integer, List<byte[]>> decode(byte[] message, int from, int to) {
        Map<Integer, List<byte[]>> fields = new LinkedHashMap<>();
        int[] position = {from};
        while (position[0] < to) {
            long key = varint(message, position);
            assertThat(key & 7).as("wire type").isEqualTo(2);
            int length = (int) varint(message, position);
            byte[] value = java.util.Arrays.copyOfRange(message, position[0], position[0] + length);
            position[0] += length;
            fields.computeIfAbsent((int) (key >>> 3), k -> new ArrayList<>()).add(value);
        }
        return fields;
    }

    private static long varint(byte[] bytes, int[] position) {
        long value = 0;
        int shift = 0;
        while (true) {
            byte b = bytes[position[0]++];
            value |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return value;
            }
            shift += 7;
        }
    }
}
