package io.higressj.testing.echo;

import io.higressj.testing.echo.EchoServer.RecordedRequest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Predicate;

/**
 * The requests a backend received: a total count and the most recent {@link #CAPACITY}
 * entries. This is the "per-backend record of received request-URIs" that the mirroring
 * assertions of both corpora read (upstream greps the backend's log line instead).
 */
final class RequestLog {

    static final int CAPACITY = 10_000;

    private static final System.Logger LOG = System.getLogger(EchoServer.class.getName());

    private final ArrayDeque<RecordedRequest> entries = new ArrayDeque<>();
    private long count;

    void record(RecordedRequest request) {
        // Upstream's log line, which the upstream mirror tests searched for.
        LOG.log(System.Logger.Level.DEBUG, () -> "Echoing back request made to " + request.path()
                + " to client (" + request.remoteAddress() + ")");
        synchronized (this) {
            count++;
            if (entries.size() == CAPACITY) {
                entries.removeFirst();
            }
            entries.addLast(request);
            notifyAll();
        }
    }

    synchronized long count() {
        return count;
    }

    synchronized List<RecordedRequest> snapshot() {
        return List.copyOf(entries);
    }

    synchronized void clear() {
        entries.clear();
        count = 0;
    }

    /** Waits until a recorded request matches; true if one did within {@code timeout}. */
    synchronized boolean await(Predicate<RecordedRequest> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (RecordedRequest entry : entries) {
                if (match.test(entry)) {
                    return true;
                }
            }
            long remainingNanos = deadline - System.nanoTime();
            if (remainingNanos <= 0) {
                return false;
            }
            long millis = Math.max(1, remainingNanos / 1_000_000);
            wait(millis);
        }
    }
}
