package io.higressj.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.testing.echo.EchoServer;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bodies stream through without aggregation: 200 MB each way with bounded buffer memory, and SSE
 * events arrive one by one.
 */
class StreamingTest {
  static final long SIZE = 200L * 1024 * 1024;
  /** far below the 200 MB that aggregation would need */
  static final long MAX_BUFFERED = 48L * 1024 * 1024;

  @TempDir Path dir;
  GatewayFixture f;
  EchoServer echo;

  @BeforeEach
  void setUp() throws Exception {
    f = new GatewayFixture(dir);
    echo = f.fooToEcho();
    f.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  /** Samples the pooled direct memory (gateway and echo server share the JVM) while {@code work} runs. */
  static long peakDirectMemoryDuring(ThrowingRunnable work) throws Exception {
    AtomicLong peak = new AtomicLong();
    AtomicBoolean running = new AtomicBoolean(true);
    Thread sampler = Thread.ofPlatform().daemon().start(() -> {
      while (running.get()) {
        peak.accumulateAndGet(PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory(), Math::max);
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    long heapBefore = usedHeapAfterGc();
    try {
      work.run();
    } finally {
      running.set(false);
      sampler.join();
    }
    long heapGrowth = usedHeapAfterGc() - heapBefore;
    assertThat(heapGrowth).as("heap retained after the transfer").isLessThan(MAX_BUFFERED);
    return peak.get();
  }

  static long usedHeapAfterGc() {
    System.gc();
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void uploads200MegabytesStreaming() throws Exception {
    MessageDigest sent = MessageDigest.getInstance("SHA-256");
    HttpResponse<String>[] holder = new HttpResponse[1];
    long peak = peakDirectMemoryDuring(() -> {
      HttpRequest req = GatewayFixture.withHost(HttpRequest.newBuilder(URI.create(f.base() + "/upload")), "foo.com")
          .header("Content-Type", "application/octet-stream")
          .POST(HttpRequest.BodyPublishers.fromPublisher(
              HttpRequest.BodyPublishers.ofInputStream(() -> new PatternStream(SIZE, sent)), SIZE))
          .build();
      holder[0] = f.client.send(req, HttpResponse.BodyHandlers.ofString());
    });
    assertThat(holder[0].statusCode()).isEqualTo(200);
    var j = f.json(holder[0]);
    assertThat(j.path("bodyLength").asLong()).isEqualTo(SIZE);
    assertThat(j.path("bodySha256").asText()).isEqualTo(HexFormat.of().formatHex(sent.digest()));
    assertThat(peak).as("peak pooled direct memory").isLessThan(MAX_BUFFERED);
  }

  @Test
  void downloads200MegabytesStreaming() throws Exception {
    long[] received = new long[1];
    long peak = peakDirectMemoryDuring(() -> {
      HttpRequest req = GatewayFixture.withHost(HttpRequest.newBuilder(URI.create(f.base() + "/download")), "foo.com")
          .header("X-Echo-Response-Size", Long.toString(SIZE)).build();
      HttpResponse<InputStream> r = f.client.send(req, HttpResponse.BodyHandlers.ofInputStream());
      assertThat(r.statusCode()).isEqualTo(200);
      byte[] buf = new byte[256 * 1024];
      try (InputStream in = r.body()) {
        for (int n; (n = in.read(buf)) > 0; ) {
          received[0] += n;
          if (received[0] < 64L * 1024 * 1024) Thread.onSpinWait(); // a slower reader early on exercises back-pressure
        }
      }
    });
    assertThat(received[0]).isEqualTo(SIZE);
    assertThat(peak).as("peak pooled direct memory").isLessThan(MAX_BUFFERED);
  }

  @Test
  void serverSentEventsArriveOneByOne() throws Exception {
    HttpRequest req = GatewayFixture.withHost(HttpRequest.newBuilder(URI.create(f.base() + "/events")), "foo.com")
        .header("X-Echo-SSE", "5,150").build();
    long start = System.nanoTime();
    HttpResponse<InputStream> r = f.client.send(req, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    List<Long> arrivals = new ArrayList<>();
    List<String> events = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        if (line.startsWith("data:")) {
          events.add(line);
          arrivals.add((System.nanoTime() - start) / 1_000_000);
        }
      }
    }
    assertThat(events).hasSize(5);
    // each event is delivered when it is produced, not when the stream ends
    for (int i = 1; i < arrivals.size(); i++) {
      assertThat(arrivals.get(i) - arrivals.get(i - 1)).as("gap before event %d (ms), arrivals %s", i, arrivals).isGreaterThanOrEqualTo(75);
    }
  }

  /** 0..255 repeating, digested as it is read. */
  static final class PatternStream extends InputStream {
    private long remaining;
    private final MessageDigest digest;
    private int next;

    PatternStream(long size, MessageDigest digest) {
      this.remaining = size;
      this.digest = digest;
    }

    @Override
    public int read() {
      byte[] b = new byte[1];
      return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (remaining == 0) return -1;
      int n = (int) Math.min(len, remaining);
      for (int i = 0; i < n; i++) b[off + i] = (byte) (next++);
      digest.update(b, off, n);
      remaining -= n;
      return n;
    }
  }
}
