package io.higressj.testing.echo;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A received request as the echo logic sees it, whatever the HTTP version.
 *
 * @param method the request method
 * @param target the request target exactly as received (path and query; HTTP/2 {@code :path})
 * @param host the Host header or {@code :authority}, as received; {@code ""} when absent
 * @param proto {@code HTTP/1.1}, {@code HTTP/1.0} or {@code HTTP/2.0}
 * @param headers every header field line in arrival order, names as received; no pseudo-headers
 * @param remoteAddress the client address, {@code ip:port}
 */
record EchoRequest(
        String method,
        String target,
        String host,
        String proto,
        List<Map.Entry<String, String>> headers,
        String remoteAddress) {

    EchoRequest {
        requireNonNull(method, "method");
        requireNonNull(target, "target");
        requireNonNull(host, "host");
        requireNonNull(proto, "proto");
        headers = List.copyOf(headers);
        requireNonNull(remoteAddress, "remoteAddress");
    }

    /** All values of the header {@code name} (case-insensitive), in arrival order. */
    List<String> headerValues(String name) {
        List<String> values = new ArrayList<>(1);
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase(name)) {
                values.add(header.getValue());
            }
        }
        return values;
    }

    /** The first value of the header {@code name}, or {@code null}. */
    String header(String name) {
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return null;
    }

    /** The path part of the target (before {@code ?}). */
    String path() {
        int query = target.indexOf('?');
        return query < 0 ? target : target.substring(0, query);
    }

    /** The raw query (after {@code ?}), or {@code ""}. */
    String rawQuery() {
        int query = target.indexOf('?');
        return query < 0 ? "" : target.substring(query + 1);
    }
}
