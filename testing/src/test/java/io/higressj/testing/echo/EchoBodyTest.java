package io.higressj.testing.echo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.higressj.testing.echo.EchoServer.Kind;
import io.higressj.testing.echo.EchoServer.Options;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Higress {@code echo-body} kind: modes by exact Content-Type, errors, identity headers. */
class EchoBodyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static EchoServer server;
    private static HttpClient client;

    @BeforeAll
    static void start() {
        server = EchoServer.start(Options.of(Kind.ECHO_BODY, "higress-conformance-infra",
                "infra-backend-echo-body-v1-abc-def"));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    private HttpResponse<String> post(String contentType, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/post"))
                .POST(BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), BodyHandlers.ofString());
    }

    @Test
    void textPlainIsEchoedByteForByte() throws Exception {
        HttpResponse<String> response = post("text/plain", "  any\tbytes\n{not json}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("  any\tbytes\n{not json}");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain");
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(response.headers().firstValue("Namespace")).hasValue("higress-conformance-infra");
        assertThat(response.headers().firstValue("Pod")).hasValue("infra-backend-echo-body-v1-abc-def");
    }

    @Test
    void largeTextPlainBodyStreamsBack() throws Exception {
        byte[] body = new byte[3 << 20];
        new Random(7).nextBytes(body);
        HttpResponse<byte[]> chunked = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/big"))
                .header("Content-Type", "text/plain")
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                BodyHandlers.ofByteArray());
        assertThat(chunked.statusCode()).isEqualTo(200);
        assertThat(chunked.body()).isEqualTo(body);

        HttpResponse<byte[]> sized = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/big"))
                .header("Content-Type", "text/plain").POST(BodyPublishers.ofByteArray(body)).build(),
                BodyHandlers.ofByteArray());
        assertThat(sized.headers().firstValue("Content-Length")).hasValue(Integer.toString(body.length));
        assertThat(sized.body()).isEqualTo(body);
    }

    @Test
    void jsonModesWriteTheObjectSortedAndIndented() throws Exception {
        for (String contentType : new String[] {"application/json", "application/x-www-form-urlencoded",
                "multipart/form-data"}) {
            HttpResponse<String> response = post(contentType, "{\"b\": 1, \"a\": {\"y\": 2.50, \"x\": \"<\"}}");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue(contentType);
            assertThat(response.headers().firstValue("Namespace")).hasValue("higress-conformance-infra");
            assertThat(response.body()).isEqualTo("""
                    {
                     "a": {
                      "x": "\\u003c",
                      "y": 2.5
                     },
                     "b": 1
                    }""");
        }
        assertThat(post("application/json", "").body()).isEqualTo("{}");
    }

    @Test
    void ingressInfoAndSetBodyAddKeys() throws Exception {
        HttpResponse<String> response = post("application/json", "{\"keep\":\"me\",\"k1\":\"original\"}",
                "X-Echo-Ingress-Info", "true",
                "X-Echo-Set-Body", "k1:ignored, k2:v1,k2:v2",
                "X-Echo-Set-Body", "k3:a:b");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree("""
                {"keep": "me", "k1": "original", "k2": ["v1", "v2"], "k3": ["a:b"],
                 "namespace": "higress-conformance-infra", "ingress": "", "service": "",
                 "pod": "infra-backend-echo-body-v1-abc-def"}"""));

        HttpResponse<String> clash = post("application/json", "{\"pod\":\"mine\"}", "X-Echo-Ingress-Info", "true");
        assertThat(clash.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(clash.body()).get("message").asText()).contains("pod");
    }

    @Test
    void unsupportedOrMissingContentTypeIs400() throws Exception {
        HttpResponse<String> missing = post(null, "x");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(missing.headers().firstValue("Pod")).hasValue("infra-backend-echo-body-v1-abc-def");
        assertThat(JSON.readTree(missing.body()).get("message").asText()).isEqualTo("Content-Type is not specified");

        HttpResponse<String> withCharset = post("text/plain; charset=utf-8", "x");
        assertThat(withCharset.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(withCharset.body()).get("message").asText())
                .isEqualTo("Content-Type invalid or not support: \"text/plain; charset=utf-8\"");

        HttpResponse<String> html = post("text/html", "x");
        assertThat(JSON.readTree(html.body()).get("message").asText())
                .isEqualTo("Content-Type invalid or not support: \"text/html\"");
    }

    @Test
    void unparsableJsonIs400() throws Exception {
        for (String body : new String[] {"{broken", "[1,2]", "\"text\"", "{} {}"}) {
            HttpResponse<String> response = post("application/json", body);
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            assertThat(JSON.readTree(response.body()).get("message").asText())
                    .startsWith("body unmarshall fail, please check your body format: ");
        }
    }

    @Test
    void xEchoSetHeaderIsNotInterpreted() throws Exception {
        HttpResponse<String> response = post("text/plain", "x", "X-Echo-Set-Header", "X-Foo:bar");
        assertThat(response.headers().firstValue("X-Foo")).isEmpty();
    }
}
