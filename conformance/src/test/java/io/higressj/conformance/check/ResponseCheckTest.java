package io.higressj.conformance.check;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.higressj.conformance.client.Headers;
import io.higressj.conformance.client.Url;
import io.higressj.conformance.client.WireResponse;
import io.higressj.conformance.corpus.CorpusReader;
import io.higressj.conformance.corpus.Expect;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseCheckTest {
  static final Url URL = Url.of("http", "localhost", "/foo?x=1");

  static Expect expect(String yaml) throws Exception {
    return CorpusReader.readValue(yaml, Expect.class, "test");
  }

  static WireResponse response(int status, Headers headers, String body) {
    return new WireResponse(status, headers, body.getBytes(StandardCharsets.UTF_8), Headers.EMPTY, "HTTP/1.1");
  }

  static WireResponse echo(String json, String... extraHeaders) {
    Headers h = Headers.of("Content-Type", "application/json", "X-Content-Type-Options", "nosniff");
    for (int i = 0; i < extraHeaders.length; i += 2) h = h.with(extraHeaders[i], extraHeaders[i + 1]);
    return response(200, h, json);
  }

  static final String ECHO = """
      {"path": "/foo?x=1", "host": "foo.com", "method": "GET", "proto": "HTTP/1.1",
       "headers": {"User-Agent": ["Go-http-client/1.1"], "X-Multi": ["a", "b"], "X-Empty": [""],
                   "Content-Type": ["application/json"]},
       "body": {"n": 1, "list": [1, "x"]},
       "namespace": "ns", "pod": "infra-backend-v1-abc-def"}
      """;

  @Test
  void statusIsAlwaysChecked() throws Exception {
    List<String> f = ResponseCheck.evaluate(expect("response: {status: 200}"), response(404, Headers.EMPTY, "route not found\n"), URL);
    assertThat(f).containsExactly("expected status 200, received 404 (body \"route not found\\n\")");
    assertThat(ResponseCheck.evaluate(expect("status: [200, 204]"), response(204, Headers.EMPTY, ""), URL)).isEmpty();
    assertThat(ResponseCheck.evaluate(expect("status: any"), response(503, Headers.EMPTY, ""), URL)).isEmpty();
  }

  @Test
  void theEchoedRequestIsCompared() throws Exception {
    Expect e = expect("""
        backend: infra-backend-v1
        namespace: ns
        request:
          method: GET
          path: /foo?x=1
          host: foo.com
          headers: {x-multi: 'a,b', X-Empty: '', user-agent: Go-http-client/1.1}
          absentHeaders: [X-Absent]
          contentType: application/json
          jsonBody: {n: 1.0, list: [1, x]}
        response: {status: 200}
        """);
    assertThat(ResponseCheck.evaluate(e, echo(ECHO), URL)).isEmpty();
  }

  @Test
  void eachEchoMismatchIsReportedWithExpectedAndReceived() throws Exception {
    Expect e = expect("""
        backend: infra-backend-v2
        namespace: other
        request:
          method: POST
          path: /bar
          headers: {X-Multi: 'a, b', X-Missing: v}
          absentHeaders: [x-empty]
          jsonBody: {n: 2}
        response: {status: 200}
        """);
    assertThat(ResponseCheck.evaluate(e, echo(ECHO), URL)).containsExactly(
        "expected the backend to receive method POST, received \"GET\"",
        "expected the backend to receive path \"/bar\", received \"/foo?x=1\"",
        "expected the backend to receive header X-Multi: \"a, b\", received \"a,b\"",
        "expected the backend to receive header X-Missing: \"v\", it was absent (received [User-Agent, X-Multi, X-Empty, Content-Type])",
        "expected the backend not to receive header x-empty, received \"\"",
        "expected the backend to receive the JSON body {\"n\":2}, received {\"n\":1,\"list\":[1,\"x\"]}",
        "expected the reply from namespace other, received \"ns\"",
        "expected the reply from backend infra-backend-v2, received pod \"infra-backend-v1-abc-def\"");
  }

  @Test
  void anEchoExpectationNeedsExactlyApplicationJson() throws Exception {
    Expect e = expect("{namespace: ns, request: {method: GET, path: /}, response: {status: 200}}");
    assertThat(ResponseCheck.evaluate(e, response(200, Headers.of("Content-Type", "application/json; charset=utf-8"), ECHO), URL))
        .singleElement().asString().startsWith("expected an echo reply (Content-Type application/json), received Content-Type \"application/json; charset=utf-8\"");
  }

  @Test
  void aJsonResponseThatIsNotAnEchoReplyFailsWhateverTheExpectation() throws Exception {
    assertThat(ResponseCheck.evaluate(expect("response: {status: 200}"), echo("[1, 2]"), URL))
        .containsExactly("response has Content-Type application/json but is not an echo reply: not a JSON object: array; body \"[1, 2]\"");
    assertThat(ResponseCheck.evaluate(expect("response: {status: 200}"), echo("{\"path\": 3}"), URL))
        .singleElement().asString().contains("field path is a number (expected: a string)");
    assertThat(ResponseCheck.evaluate(expect("response: {status: 200}"), echo("{\"choices\": [], \"path\": null}"), URL)).isEmpty();
  }

  @Test
  void responseHeadersAreJoinedWithCommas() throws Exception {
    WireResponse r = response(200, Headers.of("X-A", "1", "x-a", "2", "Access-Control-Allow-Methods", "GET, POST"), "");
    assertThat(ResponseCheck.evaluate(expect("response: {status: 200, headers: {x-A: '1,2'}, absentHeaders: [X-B]}"), r, URL)).isEmpty();
    assertThat(ResponseCheck.evaluate(expect("response: {status: 200, headers: {X-A: '1, 2'}}"), r, URL))
        .containsExactly("expected response header X-A: \"1, 2\", received \"1,2\"");
    assertThat(ResponseCheck.evaluate(expect(
        "status: 200\nresponse: {ignoreWhitespace: true, headersOneOf: {access-control-allow-methods: ['GET,PUT', 'GET,POST']}}"), r, URL)).isEmpty();
    assertThat(ResponseCheck.evaluate(expect("response: {status: 200, absentHeaders: [x-a]}"), r, URL))
        .containsExactly("expected no response header x-a, received \"1,2\"");
  }

  @Test
  void contentTypeComparesMediaTypesAndPassesWhenAbsent() throws Exception {
    Expect e = expect("response: {status: 200, contentType: 'text/plain; charset=utf-8'}");
    assertThat(ResponseCheck.evaluate(e, response(200, Headers.of("Content-Type", "TEXT/plain"), "x"), URL)).isEmpty();
    assertThat(ResponseCheck.evaluate(e, response(200, Headers.EMPTY, "x"), URL)).isEmpty();
    assertThat(ResponseCheck.evaluate(e, response(200, Headers.of("Content-Type", "text/html"), "x"), URL))
        .containsExactly("expected response Content-Type \"text/plain; charset=utf-8\", received \"text/html\"");
  }

  @Test
  void jsonBodyIsComparedBothWaysExceptIgnoredFields() throws Exception {
    Expect e = expect("response: {status: 200, jsonBody: {id: x, n: 1}, ignoreFields: [created]}");
    WireResponse ok = response(200, Headers.of("Content-Type", "application/json; charset=utf-8"), "{\"id\":\"x\",\"n\":1.0,\"created\":5}");
    assertThat(ResponseCheck.evaluate(e, ok, URL)).isEmpty();
    WireResponse extra = response(200, Headers.of("Content-Type", "text/plain"), "{\"id\":\"x\",\"n\":1,\"more\":true}");
    assertThat(ResponseCheck.evaluate(e, extra, URL)).singleElement().asString().startsWith("expected the JSON body");
  }

  @Test
  void bodiesCompareExactlyOrAsForms() throws Exception {
    assertThat(ResponseCheck.evaluate(expect("response: {status: 200, body: \"data: 1\\n\\n\", bodyMatch: exact}"),
        response(200, Headers.EMPTY, "data: 1\n\n"), URL)).isEmpty();
    assertThat(ResponseCheck.evaluate(expect("response: {status: 200, body: 'a=1&b=2&a=3', bodyMatch: form}"),
        response(200, Headers.EMPTY, "b=2&a=1&a=3"), URL)).isEmpty();
    String multipart = "--XX\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--XX--\r\n";
    assertThat(ResponseCheck.evaluate(expect("response: {status: 200, bodyMatch: multipart, body: \"--YY\\nContent-Disposition: form-data; name=\\\"a\\\"\\n\\n1\\n--YY--\\n\"}"),
        response(200, Headers.EMPTY, multipart), URL)).isEmpty();
    assertThat(ResponseCheck.evaluate(expect("response: {status: 200, bodyMatch: multipart, body: \"--YY\\nContent-Disposition: form-data; name=\\\"a\\\"\\n\\n2\\n--YY--\\n\"}"),
        response(200, Headers.EMPTY, multipart), URL)).hasSize(1);
  }

  @Test
  void namespaceAndBackendWithoutRequestComeFromHeadersOrAnEchoReply() throws Exception {
    Expect e = expect("{backend: infra-backend-echo-body, namespace: ns, response: {status: 200}}");
    assertThat(ResponseCheck.evaluate(e, response(200, Headers.of("Namespace", "ns", "Pod", "infra-backend-echo-body-v1-x"), "hi"), URL)).isEmpty();
    assertThat(ResponseCheck.evaluate(expect("{backend: infra-backend-v1, namespace: ns, response: {status: 200}}"), echo(ECHO), URL)).isEmpty();
    assertThat(ResponseCheck.evaluate(e, response(200, Headers.EMPTY, "hi"), URL)).containsExactly(
        "expected the reply from namespace ns, received none (no Namespace header, no echo reply)",
        "expected the reply from backend infra-backend-echo-body, received none (no Pod header, no echo reply)");
  }

  @Test
  void onlyTheStatusIsCheckedForOtherStatuses() throws Exception {
    Expect e = expect("{backend: b, namespace: n, request: {method: GET, path: /}, response: {status: 403, headers: {X: y}}}");
    assertThat(ResponseCheck.evaluate(e, response(403, Headers.of("Content-Type", "text/plain"), "denied"), URL)).isEmpty();
  }

  @Test
  void aRedirectIsResolvedAgainstTheRequestUrl() throws Exception {
    Expect e = expect("{response: {status: 302}, redirect: {scheme: http, host: localhost, port: '', path: /foo/bar}}");
    assertThat(ResponseCheck.evaluate(e, response(302, Headers.of("Location", "bar"), ""), Url.of("http", "localhost", "/foo/x"))).isEmpty();
    Expect ports = expect("{status: 302, redirect: {scheme: https, host: example.org, port: ['', '443'], path: /p}}");
    assertThat(ResponseCheck.evaluate(ports, response(302, Headers.of("Location", "https://example.org:443/p?q"), ""), URL)).isEmpty();
    assertThat(ResponseCheck.evaluate(ports, response(302, Headers.of("Location", "https://example.org:8443/p"), ""), URL))
        .containsExactly("expected a redirect to port one of [, 443], received \"8443\" (https://example.org:8443/p)");
    assertThat(ResponseCheck.evaluate(ports, response(302, Headers.EMPTY, ""), URL)).containsExactly("received 302 without a Location header");
  }

  @Test
  void nonEchoResponseAndBackendFromRequestHeader() throws Exception {
    assertThat(ResponseCheck.evaluate(expect("{status: 200, nonEchoResponse: true}"), echo(ECHO), URL))
        .containsExactly("expected a response from the gateway itself, received an echo reply (Content-Type application/json)");
    assertThat(ResponseCheck.evaluate(expect("{status: 200, nonEchoResponse: true}"), response(200, Headers.EMPTY, ""), URL)).isEmpty();
    String echo = ECHO.replace("\"X-Empty\": [\"\"]", "\"Backend\": [\"infra-backend-v1\"]");
    assertThat(ResponseCheck.evaluate(expect("{status: 200, namespace: ns, backendFromRequestHeader: Backend, request: {method: GET, path: '/foo?x=1'}}"),
        echo(echo), URL)).isEmpty();
  }

  @Test
  void jsonNumbersCompareAsDoubles() throws Exception {
    ObjectMapper json = new ObjectMapper();
    JsonNode a = json.readTree("{\"a\": [1, 2.0, {\"b\": null}]}");
    assertThat(JsonCompare.equal(a, json.readTree("{\"a\": [1.0, 2, {\"b\": null}]}"))).isTrue();
    assertThat(JsonCompare.equal(a, json.readTree("{\"a\": [2, 1, {\"b\": null}]}"))).isFalse();
    assertThat(JsonCompare.equal(a, json.readTree("{\"a\": [1, 2, {}]}"))).isFalse();
  }
}
