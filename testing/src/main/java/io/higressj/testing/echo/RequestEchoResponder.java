package io.higressj.testing.echo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.higressj.testing.echo.EchoServer.Kind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON-describing backends: Higress {@code echo-server} (and {@code echo-server-v1.0}) and
 * Gateway API {@code echo-basic} in HTTP mode, plus the test-only extension headers documented
 * on {@link EchoServer}.
 */
final class RequestEchoResponder implements Responder {

    private static final Pattern STATUS_TARGET = Pattern.compile("/status/(\\d{3})");
    private static final String NOSNIFF = "nosniff";
    private static final String X_CONTENT_TYPE_OPTIONS = "X-Content-Type-Options";

    private final EchoContext context;
    private final Kind kind;
    private final boolean h2cOnly;
    private final ObjectMapper bodyParser = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    /**
     * @param h2cOnly true for echo-basic's h2c listener: no path routing, and plain HTTP/1.x
     *     requests get 400 {@code Expected h2c request}
     */
    RequestEchoResponder(EchoContext context, boolean h2cOnly) {
        this.context = context;
        this.kind = context.options.kind();
        this.h2cOnly = h2cOnly;
    }

    @Override
    public BodyListener start(Exchange exchange) {
        EchoRequest request = exchange.request();
        context.record(request);
        if (h2cOnly) {
            if (!request.proto().equals("HTTP/2.0")) {
                return atEnd(() -> plain(exchange, 400, "Expected h2c request"));
            }
            return collect(body -> echoAfterDelay(exchange, body));
        }
        if (kind == Kind.GATEWAY_API) {
            String route = routePath(request.target());
            if (route.equals("/health")) {
                return atEnd(() -> plain(exchange, 200, "OK"));
            }
            if (route.startsWith("/status/")) {
                return atEnd(() -> status(exchange));
            }
            if (route.startsWith("/retry/")) {
                return collect(body -> retry(exchange, body));
            }
            if (route.equals("/ws")) {
                // WebSocket upgrades never get here (the HTTP/1 handler takes them).
                return atEnd(() -> plain(exchange, 400, "Bad Request\n"));
            }
        }
        return collect(body -> echoAfterDelay(exchange, body));
    }

    /** echo-basic's routing key: the path without query, {@code //} collapsed to {@code /}. */
    static String routePath(String target) {
        int query = target.indexOf('?');
        String path = query < 0 ? target : target.substring(0, query);
        while (path.contains("//")) {
            path = path.replace("//", "/");
        }
        return path;
    }

    private void status(Exchange exchange) {
        Matcher matcher = STATUS_TARGET.matcher(exchange.request().target());
        if (!matcher.matches()) {
            exchange.respond(400, new DefaultHttpHeaders(), Unpooled.EMPTY_BUFFER);
            return;
        }
        int code = Integer.parseInt(matcher.group(1));
        if (code < 200) {
            // Informational codes cannot be a final response.
            exchange.respond(400, new DefaultHttpHeaders(), Unpooled.EMPTY_BUFFER);
            return;
        }
        exchange.respond(code, new DefaultHttpHeaders(), Unpooled.EMPTY_BUFFER);
    }

    private void retry(Exchange exchange, BodyCollector body) {
        Map<String, List<String>> query = queryParameters(exchange.request().target());
        String uuid = first(query, "uuid");
        if (uuid == null || uuid.isEmpty()) {
            plain(exchange, 400, "uuid is required\n");
            return;
        }
        int succeedAfter;
        try {
            succeedAfter = Integer.parseInt(first(query, "succeedAfter"));
        } catch (NumberFormatException e) {
            plain(exchange, 400, "succeedAfter is required\n");
            return;
        }
        Integer responseCode = null;
        String code = first(query, "responseCode");
        if (code != null && !code.isEmpty()) {
            try {
                responseCode = Integer.parseInt(code);
            } catch (NumberFormatException e) {
                responseCode = -1;
            }
            if (responseCode < 200 || responseCode > 999) {
                plain(exchange, 400, "responseCode must be an integer in 200..999\n");
                return;
            }
        }
        Duration delayRetry = Duration.ZERO;
        String delay = first(query, "delayRetry");
        if (delay != null && !delay.isEmpty()) {
            try {
                delayRetry = GoHttp.parseDuration(delay);
            } catch (IllegalArgumentException e) {
                plain(exchange, 400, e.getMessage() + "\n");
                return;
            }
        }
        boolean fail;
        synchronized (context.retryAttempts) {
            int attempts = context.retryAttempts.getOrDefault(uuid, 0);
            fail = attempts < succeedAfter;
            if (fail) {
                context.retryAttempts.put(uuid, attempts + 1);
            }
        }
        if (!fail) {
            echoAfterDelay(exchange, body);
            return;
        }
        Integer failWith = responseCode;
        later(exchange, delayRetry, () -> {
            if (failWith != null) {
                exchange.respond(failWith, new DefaultHttpHeaders(), Unpooled.EMPTY_BUFFER);
            } else {
                exchange.reset();
            }
        });
    }

    private void echoAfterDelay(Exchange exchange, BodyCollector body) {
        EchoRequest request = exchange.request();
        Duration delay = Duration.ZERO;
        if (kind == Kind.GATEWAY_API) {
            String value = formValue(request, body, "delay");
            if (value != null && !value.isEmpty()) {
                try {
                    delay = GoHttp.parseDuration(value);
                } catch (IllegalArgumentException e) {
                    respondJson(exchange, 500, new DefaultHttpHeaders(), Map.of("message", e.getMessage()));
                    return;
                }
            }
        } else {
            String value = request.header("X-Delay");
            if (value != null) {
                try {
                    delay = Duration.ofMillis(Math.max(0, Long.parseLong(value.trim())));
                } catch (NumberFormatException e) {
                    // Not an integer: no delay, as upstream.
                }
            }
        }
        later(exchange, delay, () -> reply(exchange, body));
    }

    private void reply(Exchange exchange, BodyCollector body) {
        EchoRequest request = exchange.request();
        HttpHeaders headers = new DefaultHttpHeaders();
        applyEchoSetHeader(request, headers);
        int status = 200;
        String statusValue = request.header("X-Echo-Status");
        if (statusValue != null) {
            try {
                status = Integer.parseInt(statusValue.trim());
            } catch (NumberFormatException e) {
                status = -1;
            }
            if (status < 200 || status > 599) {
                badExtension(exchange, "X-Echo-Status", statusValue);
                return;
            }
        }
        String sse = request.header("X-Echo-SSE");
        if (sse != null) {
            String[] parts = sse.split(",", -1);
            int count;
            long intervalMs;
            try {
                count = Integer.parseInt(parts[0].trim());
                intervalMs = parts.length == 2 ? Long.parseLong(parts[1].trim()) : -1;
            } catch (NumberFormatException e) {
                count = -1;
                intervalMs = -1;
            }
            if (count < 0 || intervalMs < 0) {
                badExtension(exchange, "X-Echo-SSE", sse);
                return;
            }
            headers.set("Content-Type", "text/event-stream");
            headers.set("Cache-Control", "no-cache");
            headers.set(X_CONTENT_TYPE_OPTIONS, NOSNIFF);
            exchange.respondHead(status, headers);
            sendEvent(exchange, 0, count, intervalMs);
            return;
        }
        String size = request.header("X-Echo-Response-Size");
        if (size != null) {
            long length;
            try {
                length = Long.parseLong(size.trim());
            } catch (NumberFormatException e) {
                length = -1;
            }
            if (length < 0) {
                badExtension(exchange, "X-Echo-Response-Size", size);
                return;
            }
            headers.set("Content-Type", "application/octet-stream");
            headers.set(X_CONTENT_TYPE_OPTIONS, NOSNIFF);
            headers.set("Content-Length", length);
            exchange.respondStream(status, headers, new PatternChunkedInput(length));
            return;
        }
        respondJson(exchange, status, headers, describe(request, body));
    }

    private void sendEvent(Exchange exchange, int index, int count, long intervalMs) {
        if (!exchange.isActive()) {
            return;
        }
        if (index < count) {
            exchange.respondContent(Unpooled.copiedBuffer("data: event " + index + "\n\n", StandardCharsets.UTF_8));
        }
        if (index + 1 >= count) {
            exchange.respondEnd();
            return;
        }
        exchange.eventLoop().schedule(() -> sendEvent(exchange, index + 1, count, intervalMs),
                intervalMs, TimeUnit.MILLISECONDS);
    }

    /** The reply object: upstream's fields and order; Go writes the header map key-sorted. */
    private Map<String, Object> describe(EchoRequest request, BodyCollector body) {
        Map<String, List<String>> headers = new TreeMap<>();
        for (Map.Entry<String, String> header : request.headers()) {
            String name = header.getKey();
            if (name.equalsIgnoreCase("Host") || name.equalsIgnoreCase("Transfer-Encoding")) {
                continue;
            }
            headers.computeIfAbsent(GoHttp.canonicalHeaderKey(name), k -> new ArrayList<>(1)).add(header.getValue());
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("path", request.target());
        reply.put("host", request.host());
        reply.put("method", request.method());
        reply.put("proto", request.proto());
        reply.put("headers", headers);
        if (kind != Kind.GATEWAY_API) {
            reply.put("body", bodyValue(request, body));
        }
        if (body.truncated()) {
            reply.put("bodyLength", body.length());
            reply.put("bodySha256", body.sha256Hex());
        }
        if (kind == Kind.GATEWAY_API) {
            reply.put("httpPort", Integer.toString(context.httpPort));
        }
        reply.put("namespace", context.options.namespace());
        reply.put("ingress", context.options.ingressName());
        reply.put("service", context.options.serviceName());
        reply.put("pod", context.options.podName());
        return reply;
    }

    /** {@code null} without a body, the parsed value for JSON, otherwise the text. */
    private Object bodyValue(EchoRequest request, BodyCollector body) {
        if (body.length() == 0 || body.truncated()) {
            return null;
        }
        byte[] bytes = body.bytes();
        if (mediaType(request.header("Content-Type")).equals("application/json")) {
            try {
                JsonNode parsed = bodyParser.readTree(bytes);
                if (parsed != null && !parsed.isMissingNode()) {
                    return parsed;
                }
            } catch (IOException e) {
                // Not JSON after all: echoed as a string.
            }
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
        return type.trim().toLowerCase(Locale.ROOT);
    }

    /**
     * {@code X-Echo-Set-Header}: {@code name:value} pairs separated by {@code ,}; the name keeps
     * its case; a repeated name gets its values joined with {@code ,} on one line.
     */
    static void applyEchoSetHeader(EchoRequest request, HttpHeaders headers) {
        Map<String, String> set = new LinkedHashMap<>();
        for (String value : request.headerValues("X-Echo-Set-Header")) {
            for (String piece : value.split(",", -1)) {
                String pair = piece.trim();
                int colon = pair.indexOf(':');
                String name = colon < 0 ? pair : pair.substring(0, colon);
                String headerValue = colon < 0 ? "" : pair.substring(colon + 1).trim();
                // An empty or malformed name is dropped, as Go's server drops it on the wire; the
                // framing headers stay ours.
                if (!GoHttp.isToken(name) || name.equalsIgnoreCase("Content-Length")
                        || name.equalsIgnoreCase("Transfer-Encoding")) {
                    continue;
                }
                set.merge(name, headerValue, (first, later) -> first + "," + later);
            }
        }
        set.forEach(headers::add);
    }

    private void respondJson(Exchange exchange, int status, HttpHeaders headers, Map<String, Object> reply) {
        byte[] json;
        try {
            json = context.json.writeValueAsBytes(reply);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        headers.set("Content-Type", "application/json");
        headers.set(X_CONTENT_TYPE_OPTIONS, NOSNIFF);
        exchange.respond(status, headers, Unpooled.wrappedBuffer(json));
    }

    private void badExtension(Exchange exchange, String header, String value) {
        plain(exchange, 400, "invalid " + header + ": " + GoHttp.quote(value) + "\n");
    }

    /** A text reply as Go's {@code http.Error} writes it (callers add the newline it adds). */
    static void plain(Exchange exchange, int status, String text) {
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.set("Content-Type", "text/plain; charset=utf-8");
        headers.set(X_CONTENT_TYPE_OPTIONS, NOSNIFF);
        exchange.respond(status, headers, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    /** Runs {@code task} on the exchange's event loop after {@code delay}, without blocking it. */
    private static void later(Exchange exchange, Duration delay, Runnable task) {
        if (delay.isZero() || delay.isNegative()) {
            task.run();
            return;
        }
        exchange.eventLoop().schedule(() -> {
            if (exchange.isActive()) {
                task.run();
            }
        }, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Go's {@code r.FormValue}: the url-encoded form body first, then the query. */
    private static String formValue(EchoRequest request, BodyCollector body, String name) {
        String method = request.method();
        if ((method.equals("POST") || method.equals("PUT") || method.equals("PATCH"))
                && mediaType(request.header("Content-Type")).equals("application/x-www-form-urlencoded")
                && !body.truncated() && body.length() > 0) {
            String form = new String(body.bytes(), StandardCharsets.UTF_8);
            String value = first(new QueryStringDecoder(form, StandardCharsets.UTF_8, false, 1024, true)
                    .parameters(), name);
            if (value != null) {
                return value;
            }
        }
        return first(queryParameters(request.target()), name);
    }

    private static Map<String, List<String>> queryParameters(String target) {
        return new QueryStringDecoder(target, StandardCharsets.UTF_8, true, 1024, true).parameters();
    }

    private static String first(Map<String, List<String>> parameters, String name) {
        List<String> values = parameters.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    static BodyListener atEnd(Runnable onEnd) {
        return new BodyListener() {
            @Override
            public void onContent(ByteBuf content) {
                // Consumed and dropped.
            }

            @Override
            public void onEnd() {
                onEnd.run();
            }
        };
    }

    static BodyListener collect(Consumer<BodyCollector> onEnd) {
        BodyCollector collector = new BodyCollector();
        return new BodyListener() {
            @Override
            public void onContent(ByteBuf content) {
                collector.add(content);
            }

            @Override
            public void onEnd() {
                onEnd.accept(collector);
            }
        };
    }
}
