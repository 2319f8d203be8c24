package io.higressj.testing.echo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.higressj.testing.echo.EchoServer.Options;
import io.higressj.testing.echo.EchoServer.RecordedRequest;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** What every connection of one echo server shares: its settings, its request log, its state. */
final class EchoContext {

    final Options options;
    final RequestLog log = new RequestLog();
    final ObjectMapper json = new ObjectMapper();
    /** Attempts per {@code uuid} of the Gateway API retry simulator; guarded by itself. */
    final Map<String, Integer> retryAttempts = new HashMap<>();
    /** The port reported as {@code httpPort}; set once the main listener is bound. */
    volatile int httpPort;

    EchoContext(Options options) {
        this.options = options;
    }

    void record(EchoRequest request) {
        log.record(new RecordedRequest(Instant.now(), request.method(), request.target(), request.proto(),
                request.remoteAddress()));
    }
}
