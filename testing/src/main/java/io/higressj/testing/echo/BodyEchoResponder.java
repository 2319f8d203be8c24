package io.higressj.testing.echo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Higress {@code echo-body}: replies with the request body, selected by the exact
 * {@code Content-Type}. A {@code text/plain} body streams back as it arrives, so its size is not
 * limited; the JSON modes parse at most {@link BodyCollector#MAX_BUFFERED} bytes (413 above).
 */
final class BodyEchoResponder implements Responder {

    private final EchoContext context;
    private final ObjectMapper parser = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    BodyEchoResponder(EchoContext context) {
        this.context = context;
    }

    @Override
    public BodyListener start(Exchange exchange) {
        EchoRequest request = exchange.request();
        context.record(request);
        String contentType = request.header("Content-Type");
        if (contentType == null || contentType.isEmpty()) {
            return RequestEchoResponder.atEnd(() -> error(exchange, 400, "Content-Type is not specified"));
        }
        return switch (contentType) {
            case "text/plain" -> streamBack(exchange, contentType);
            case "application/json", "application/x-www-form-urlencoded", "multipart/form-data" ->
                    RequestEchoResponder.collect(body -> jsonReply(exchange, contentType, body));
            default -> RequestEchoResponder.atEnd(() -> error(exchange, 400,
                    "Content-Type invalid or not support: " + GoHttp.quote(contentType)));
        };
    }

    private BodyListener streamBack(Exchange exchange, String contentType) {
        HttpHeaders headers = replyHeaders(contentType);
        String length = exchange.request().header("Content-Length");
        if (length != null) {
            headers.set("Content-Length", length);
        }
        exchange.respondHead(200, headers);
        return new BodyListener() {
            @Override
            public void onContent(ByteBuf content) {
                if (content.isReadable()) {
                    exchange.respondContent(content.retainedDuplicate());
                }
            }

            @Override
            public void onEnd() {
                exchange.respondEnd();
            }
        };
    }

    private void jsonReply(Exchange exchange, String contentType, BodyCollector body) {
        if (body.truncated()) {
            error(exchange, 413, "body of " + body.length() + " bytes is larger than the " + BodyCollector.MAX_BUFFERED
                    + " bytes this echo-body parses");
            return;
        }
        byte[] bytes = body.bytes();
        ObjectNode object;
        if (bytes.length == 0) {
            object = parser.createObjectNode();
        } else {
            JsonNode parsed;
            try {
                parsed = parser.readTree(bytes);
            } catch (JsonProcessingException e) {
                error(exchange, 400, unmarshallFailure(e.getOriginalMessage()));
                return;
            } catch (java.io.IOException e) {
                throw new UncheckedIOException(e);
            }
            if (parsed == null || parsed.isMissingNode()) {
                error(exchange, 400, unmarshallFailure("unexpected end of JSON input"));
                return;
            }
            if (parsed.isNull()) {
                object = parser.createObjectNode();
            } else if (parsed instanceof ObjectNode node) {
                object = node;
            } else {
                error(exchange, 400, unmarshallFailure("json: cannot unmarshal " + goType(parsed)
                        + " into Go value of type map[string]interface {}"));
                return;
            }
        }
        EchoRequest request = exchange.request();
        if ("true".equals(request.header("X-Echo-Ingress-Info"))) {
            Map<String, String> info = new LinkedHashMap<>();
            info.put("namespace", context.options.namespace());
            info.put("ingress", context.options.ingressName());
            info.put("service", context.options.serviceName());
            info.put("pod", context.options.podName());
            for (Map.Entry<String, String> entry : info.entrySet()) {
                if (object.has(entry.getKey())) {
                    error(exchange, 400, "key " + GoHttp.quote(entry.getKey()) + " already exists in body");
                    return;
                }
                object.put(entry.getKey(), entry.getValue());
            }
        }
        Map<String, List<String>> setBody = new LinkedHashMap<>();
        for (String value : request.headerValues("X-Echo-Set-Body")) {
            for (String piece : value.split(",", -1)) {
                String pair = piece.trim();
                int colon = pair.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                setBody.computeIfAbsent(pair.substring(0, colon), k -> new ArrayList<>(1)).add(pair.substring(colon + 1));
            }
        }
        setBody.forEach((key, values) -> {
            if (!object.has(key)) {
                ArrayNode array = object.putArray(key);
                values.forEach(array::add);
            }
        });
        exchange.respond(200, replyHeaders(contentType),
                Unpooled.copiedBuffer(GoJson.marshalIndent(object), StandardCharsets.UTF_8));
    }

    private static String unmarshallFailure(String reason) {
        return "body unmarshall fail, please check your body format: " + reason;
    }

    private static String goType(JsonNode node) {
        if (node.isArray()) {
            return "array";
        }
        if (node.isTextual()) {
            return "string";
        }
        if (node.isNumber()) {
            return "number";
        }
        return "bool";
    }

    private HttpHeaders replyHeaders(String contentType) {
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.set("Content-Type", contentType);
        headers.set("X-Content-Type-Options", "nosniff");
        // The corpus reads the backend's identity from these, because the body is the payload.
        headers.set("Namespace", context.options.namespace());
        headers.set("Pod", context.options.podName());
        return headers;
    }

    private void error(Exchange exchange, int status, String message) {
        HttpHeaders headers = replyHeaders("application/json");
        headers.remove("X-Content-Type-Options");
        byte[] json;
        try {
            json = context.json.writeValueAsBytes(Map.of("message", message));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        exchange.respond(status, headers, Unpooled.wrappedBuffer(json));
    }
}
