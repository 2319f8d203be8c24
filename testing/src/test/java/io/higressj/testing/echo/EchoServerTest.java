package io.higressj.testing.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.higressj.testing.echo.EchoServer.Kind;
import io.higressj.testing.echo.EchoServer.Options;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Higress {@code echo-server} kind: reply shape, headers, body rules, X-Echo-Set-Header, X-Delay. */
class EchoServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static EchoServer server;
    private static HttpClient client;

    @BeforeAll
    static void start() {
        server = EchoServer.start(Options.of(Kind.ECHO_SERVER, "higress-conformance-infra", "infra-backend-v1-abc-def")
                .withServiceName("infra-backend-v1"));
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

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    @Test
    void repliesWithTheDescriptionOfTheRequest() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri("/get?k2-new=v2-new&k3=v%2031"))
                .header("x-user-id", "u1")
                .header("X-Dedupe", "1")
                .header("X-Dedupe", "2")
                .header("X-Echo-Set-Header", "")
                .build(), BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().allValues("Content-Type")).containsExactly("application/json");
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        JsonNode reply = json(response);
        assertThat(reply.fieldNames()).toIterable().containsExactly(
                "path", "host", "method", "proto", "headers", "body", "namespace", "ingress", "service", "pod");
        assertThat(reply.get("path").asText()).isEqualTo("/get?k2-new=v2-new&k3=v%2031");
        assertThat(reply.get("host").asText()).isEqualTo("127.0.0.1:" + server.port());
        assertThat(reply.get("method").asText()).isEqualTo("GET");
        assertThat(reply.get("proto").asText()).isEqualTo("HTTP/1.1");
        assertThat(reply.get("body").isNull()).isTrue();
        assertThat(reply.get("namespace").asText()).isEqualTo("higress-conformance-infra");
        assertThat(reply.get("pod").asText()).isEqualTo("infra-backend-v1-abc-def");
        assertThat(reply.get("service").asText()).isEqualTo("infra-backend-v1");
        assertThat(reply.get("ingress").asText()).isEmpty();
        JsonNode headers = reply.get("headers");
        assertThat(headers.has("Host")).isFalse();
        assertThat(headers.get("X-User-Id")).containsExactly(JSON.readTree("\"u1\""));
        assertThat(JSON.convertValue(headers.get("X-Dedupe"), List.class)).containsExactly("1", "2");
        assertThat(JSON.convertValue(headers.get("X-Echo-Set-Header"), List.class)).containsExactly("");
    }

    @Test
    void headerNamesAreCanonicalAndMergedAcrossCase() throws Exception {
        try (RawHttpConnection connection = new RawHttpConnection(server.port())) {
            connection.send("POST /raw HTTP/1.1\r\nHost: foo1.com\r\nx_user: a\r\nX-FOO-bar: 1\r\nx-foo-BAR: 2\r\n"
                    + "content-type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
            RawHttpConnection.Response response = connection.readResponse();
            JsonNode reply = JSON.readTree(response.body());
            assertThat(reply.get("host").asText()).isEqualTo("foo1.com");
            Map<String, Object> headers = JSON.convertValue(reply.get("headers"),
                    new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { });
            assertThat(headers).containsOnlyKeys("X_user", "X-Foo-Bar", "Content-Type");
            assertThat(headers.get("X-Foo-Bar")).isEqualTo(List.of("1", "2"));
            assertThat(reply.get("body").asText()).isEqualTo("hello");
        }
    }

    @Test
    void bodyIsParsedJsonOrText() throws Exception {
        JsonNode json = json(post("application/json; charset=utf-8", "{\"a\":[1,2],\"b\":{\"c\":\"d\"}}"));
        assertThat(json.get("body")).isEqualTo(JSON.readTree("{\"a\":[1,2],\"b\":{\"c\":\"d\"}}"));
        assertThat(json(post("text/plain", "plain text")).get("body").asText()).isEqualTo("plain text");
        assertThat(json(post("application/json", "{not json")).get("body").asText()).isEqualTo("{not json");
        assertThat(json(post("application/json", "{} trailing")).get("body").asText()).isEqualTo("{} trailing");
        assertThat(json(post("application/x-www-form-urlencoded", "a=1&b=2")).get("body").asText())
                .isEqualTo("a=1&b=2");
        assertThat(json(post("application/json", "")).get("body").isNull()).isTrue();
    }

    private HttpResponse<String> post(String contentType, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(uri("/post")).header("Content-Type", contentType)
                .POST(BodyPublishers.ofString(body)).build(), BodyHandlers.ofString());
    }

    @Test
    void echoSetHeaderAddsResponseHeaders() throws Exception {
        try (RawHttpConnection connection = new RawHttpConnection(server.port())) {
            connection.send("GET / HTTP/1.1\r\nHost: x\r\n"
                    + "X-Echo-Set-Header: x-lower:v1, X-Two: spaced value ,Content-Type:text/html\r\n"
                    + "X-Echo-Set-Header: x-lower:v2,:nameless,X-Empty-Value\r\n"
                    + "X-Echo-Set-Header: X-Content-Type-Options:sniff-please\r\n\r\n");
            RawHttpConnection.Response response = connection.readResponse();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.headers()).contains(
                    Map.entry("x-lower", "v1,v2"),
                    Map.entry("X-Two", "spaced value"),
                    Map.entry("X-Empty-Value", ""));
            assertThat(response.headers().stream().filter(h -> h.getKey().equalsIgnoreCase("Content-Type")))
                    .extracting(Map.Entry::getValue).containsExactly("application/json");
            assertThat(response.headers().stream().filter(h -> h.getKey().equalsIgnoreCase("X-Content-Type-Options")))
                    .extracting(Map.Entry::getValue).containsExactly("nosniff");
            assertThat(response.headers()).noneMatch(h -> h.getKey().isEmpty());
        }
    }

    @Test
    void emptyEchoSetHeaderSetsNothing() throws Exception {
        HttpResponse<String> plain = client.send(HttpRequest.newBuilder(uri("/")).build(), BodyHandlers.ofString());
        HttpResponse<String> empty = client.send(HttpRequest.newBuilder(uri("/")).header("X-Echo-Set-Header", "")
                .build(), BodyHandlers.ofString());
        assertThat(empty.headers().map().keySet()).isEqualTo(plain.headers().map().keySet());
    }

    @Test
    void xDelayWaitsWithoutBlockingOtherRequests() throws Exception {
        Instant start = Instant.now();
        CompletableFuture<HttpResponse<String>> delayed = client.sendAsync(HttpRequest.newBuilder(uri("/slow"))
                .header("X-Delay", "1500").build(), BodyHandlers.ofString());
        // While the delayed reply waits, further requests are answered (the event loop is free).
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> quick = client.send(HttpRequest.newBuilder(uri("/quick")).build(),
                    BodyHandlers.ofString());
            assertThat(quick.statusCode()).isEqualTo(200);
        }
        assertThat(delayed).isNotDone();
        HttpResponse<String> response = delayed.get();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Duration.between(start, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
        assertThat(json(response).get("path").asText()).isEqualTo("/slow");
    }

    @Test
    void echoStatusExtensionChangesTheStatus() throws Exception {
        HttpResponse<String> teapot = client.send(HttpRequest.newBuilder(uri("/s")).header("X-Echo-Status", "503")
                .build(), BodyHandlers.ofString());
        assertThat(teapot.statusCode()).isEqualTo(503);
        assertThat(json(teapot).get("path").asText()).isEqualTo("/s");

        HttpResponse<String> noContent = client.send(HttpRequest.newBuilder(uri("/s")).header("X-Echo-Status", "204")
                .build(), BodyHandlers.ofString());
        assertThat(noContent.statusCode()).isEqualTo(204);
        assertThat(noContent.body()).isEmpty();

        HttpResponse<String> bad = client.send(HttpRequest.newBuilder(uri("/s")).header("X-Echo-Status", "abc")
                .build(), BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).isEqualTo("invalid X-Echo-Status: \"abc\"\n");
    }

    @Test
    void headRequestGetsHeadersOnly() throws Exception {
        try (RawHttpConnection connection = new RawHttpConnection(server.port())) {
            connection.send("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\nGET /after-head HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttpConnection.Response head = connection.readResponse(true);
            assertThat(head.status()).isEqualTo(200);
            assertThat(Integer.parseInt(head.header("Content-Length"))).isPositive();
            RawHttpConnection.Response get = connection.readResponse();
            assertThat(JSON.readTree(get.body()).get("path").asText()).isEqualTo("/after-head");
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (RawHttpConnection connection = new RawHttpConnection(server.port())) {
            connection.send("GET /first HTTP/1.1\r\nHost: x\r\nX-Delay: 300\r\n\r\n"
                    + "POST /second HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nabc"
                    + "GET /third HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(JSON.readTree(connection.readResponse().body()).get("path").asText()).isEqualTo("/first");
            JsonNode second = JSON.readTree(connection.readResponse().body());
            assertThat(second.get("path").asText()).isEqualTo("/second");
            assertThat(second.get("body").asText()).isEqualTo("abc");
            assertThat(JSON.readTree(connection.readResponse().body()).get("path").asText()).isEqualTo("/third");
        }
    }

    @Test
    void connectionCloseIsHonoured() throws Exception {
        try (RawHttpConnection connection = new RawHttpConnection(server.port())) {
            connection.send("GET /bye HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            RawHttpConnection.Response response = connection.readResponse();
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(connection.input().read()).isEqualTo(-1);
        }
    }

    @Test
    void recordsReceivedRequests() throws Exception {
        Instant before = Instant.now();
        long count = server.requestCount();
        client.send(HttpRequest.newBuilder(uri("/mirror-me?id=42")).build(), BodyHandlers.discarding());
        assertThat(server.requestCount()).isGreaterThan(count);
        assertThat(server.awaitRequest("/mirror-me?id=42", Duration.ofSeconds(5))).isTrue();
        assertThat(server.awaitRequest("/never-sent", Duration.ofMillis(50))).isFalse();
        assertThat(server.requestsSince(before)).extracting(EchoServer.RecordedRequest::path)
                .contains("/mirror-me?id=42");
        assertThat(server.recentRequests()).last().satisfies(r -> {
            assertThat(r.method()).isEqualTo("GET");
            assertThat(r.protocol()).isEqualTo("HTTP/1.1");
            assertThat(r.remoteAddress()).startsWith("127.0.0.1:");
        });
    }

    @Test
    void optionsAreValidated() {
        assertThatIllegalArgumentException().isThrownBy(() -> Options.of(Kind.ECHO_SERVER, "ns", "pod").withPort(70000))
                .withMessage("port: 70000 (expected: 0..65535)");
        assertThat(Kind.fromCorpusName("echo-server-v1.0")).isEqualTo(Kind.ECHO_SERVER_V1_0);
        assertThat(Kind.fromCorpusName("echo-basic-grpc")).isEqualTo(Kind.GATEWAY_API_GRPC);
        assertThatIllegalArgumentException().isThrownBy(() -> Kind.fromCorpusName("nginx"));
    }

    @Test
    void echoServerV10AnswersJsonWithoutBody() throws Exception {
        try (EchoServer v10 = EchoServer.start(Options.of(Kind.ECHO_SERVER_V1_0, "higress-conformance-infra",
                "infra-backend-echo-body-v2"))) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + v10.port() + "/")).header("Content-Type", "application/json")
                    .header("X-Delay", "100").build(), BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(json(response).get("pod").asText()).isEqualTo("infra-backend-echo-body-v2");
        }
    }
}
