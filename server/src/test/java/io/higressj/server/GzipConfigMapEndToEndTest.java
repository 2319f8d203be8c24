package io.higressj.server;

import static io.higressj.server.GatewayFixture.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.higressj.testing.echo.EchoServer;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.zip.DataFormatException;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code gzip} settings of ConfigMap {@code higress-system/higress-config}, end to end: they apply and
 * un-apply live under load without a failed request, a compressed body is exactly the upstream's bytes,
 * bodies stream through the compressor chunk by chunk (HTTP/1.1 and HTTP/2), an invalid edit keeps the
 * last good settings, and {@code /config_dump} shows them.
 */
@Timeout(120) // a stuck exchange fails the class instead of hanging the build
class GzipConfigMapEndToEndTest {
  @TempDir Path dir;
  GatewayFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new GatewayFixture(dir);
    EchoServer echo = f.echo("ns1", "echo");
    EchoServer body = EchoServer.start(EchoServer.Options.of(EchoServer.Kind.ECHO_BODY, "ns1", "body-pod"));
    f.closeables.add(body);
    f.write("services/echo.yaml", service("ns1", "echo", echo.port()));
    f.write("services/body.yaml", service("ns1", "body", body.port()));
    f.write("ingresses/foo.yaml", """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: foo, namespace: ns1}
        spec:
          rules:
          - host: foo.com
            http:
              paths:
              - {path: /body, pathType: Prefix, backend: {service: {name: body, port: {number: 8080}}}}
              - {path: /, pathType: Prefix, backend: {service: {name: echo, port: {number: 8080}}}}
        """);
    f.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  /** Writes {@code higress-config} with this {@code higress} value. */
  void higressConfig(String higress) throws IOException {
    f.write("configmaps/higress-config.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: higress-config,"
        + " namespace: higress-system}\ndata:\n  higress: |\n" + higress.indent(4));
  }

  /** A gzip section: minContentLength 100 unless {@code more} sets it. */
  static String gzip(boolean enable, String more) {
    return "gzip:\n  enable: " + enable + "\n" + (more.contains("minContentLength") ? "" : "  minContentLength: 100\n")
        + more.indent(2);
  }

  HttpResponse<byte[]> get(HttpClient client, String path, String acceptEncoding) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(f.base() + path)).timeout(Duration.ofSeconds(10))
        .header("Host", "foo.com");
    if (acceptEncoding != null) b.header("Accept-Encoding", acceptEncoding);
    return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static boolean gzipped(HttpResponse<?> r) {
    return r.headers().firstValue("content-encoding").map(v -> v.equals("gzip")).orElse(false);
  }

  static byte[] gunzip(byte[] b) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(b))) {
      return in.readAllBytes();
    }
  }

  /** The echo's JSON, decompressed when it came compressed. */
  static JsonNode echoJson(HttpResponse<byte[]> r) throws IOException {
    return GatewayFixture.JSON.readTree(gzipped(r) ? gunzip(r.body()) : r.body());
  }

  HttpResponse<byte[]> await(String path, Predicate<HttpResponse<byte[]>> ok) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    HttpResponse<byte[]> last = null;
    while (System.nanoTime() < deadline) {
      last = get(f.client, path, "gzip");
      if (ok.test(last)) return last;
      Thread.sleep(5);
    }
    throw new AssertionError("condition not met for " + path + "; last: " + (last == null ? null : last.headers().map()));
  }

  /** Waits until {@code /config_dump}'s settings satisfy {@code ok}; returns the dump. */
  JsonNode awaitSettings(Predicate<JsonNode> ok) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    JsonNode dump;
    do {
      dump = GatewayFixture.JSON.readTree(f.adminGet("/config_dump"));
      if (ok.test(dump.path("settings"))) return dump;
      Thread.sleep(5);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("settings not applied: " + dump.path("settings"));
  }

  @Test
  void appliesAndUnappliesLiveWithoutAFailedRequest() throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger plain = new AtomicInteger();
    AtomicInteger compressed = new AtomicInteger();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    List<Thread> workers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      int id = w;
      workers.add(Thread.ofPlatform().start(() -> {
        HttpClient own = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(); // one kept-alive connection
        int n = 0;
        while (running.get()) {
          String path = "/load/" + id + "/" + n++;
          try {
            HttpResponse<byte[]> r = get(own, path, "gzip");
            if (r.statusCode() != 200) {
              failures.add(path + ": status " + r.statusCode());
              continue;
            }
            JsonNode j = echoJson(r);
            if (!j.path("path").asText().equals(path)) failures.add(path + ": echo says " + j.path("path"));
            if (gzipped(r)) {
              if (!r.headers().firstValue("vary").orElse("").equals("Accept-Encoding")) failures.add(path + ": no Vary");
              compressed.incrementAndGet();
            } else {
              plain.incrementAndGet();
            }
          } catch (Exception e) {
            failures.add(path + ": " + e);
          }
        }
      }));
    }
    try {
      for (int round = 0; round < 3; round++) {
        higressConfig(gzip(true, ""));
        await("/probe", GzipConfigMapEndToEndTest::gzipped);
        higressConfig(gzip(false, ""));
        await("/probe", r -> !gzipped(r));
      }
      higressConfig(gzip(true, ""));
      await("/probe", GzipConfigMapEndToEndTest::gzipped);
      f.delete("configmaps/higress-config.yaml"); // back to the defaults: disabled
      await("/probe", r -> !gzipped(r));
    } finally {
      running.set(false);
      for (Thread t : workers) t.join();
    }
    assertThat(failures).isEmpty();
    assertThat(compressed.get()).isPositive();
    assertThat(plain.get()).isPositive();
  }

  @Test
  void compressedBodyIsExactlyTheUpstreamsBytes() throws Exception {
    higressConfig(gzip(true, "compressionLevel: BEST_SPEED\ncontentType: [text/plain]"));
    awaitSettings(s -> s.at("/gzip/compressionLevel").asText().equals("BEST_SPEED"));
    byte[] text = ("A line of text that compresses well, number " + "0123456789 ".repeat(3) + "\n").repeat(2000)
        .getBytes(StandardCharsets.UTF_8);
    HttpResponse<byte[]> r = null;
    for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); System.nanoTime() < deadline; Thread.sleep(5)) {
      r = f.client.send(HttpRequest.newBuilder(URI.create(f.base() + "/body")).timeout(Duration.ofSeconds(10))
          .header("Host", "foo.com").header("Content-Type", "text/plain").header("Accept-Encoding", "gzip")
          .POST(HttpRequest.BodyPublishers.ofByteArray(text)).build(), HttpResponse.BodyHandlers.ofByteArray());
      if (gzipped(r)) break;
    }
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(gzipped(r)).isTrue();
    assertThat(r.headers().firstValue("content-length")).isEmpty(); // the upstream's length no longer applies
    assertThat(r.body().length).isLessThan(text.length / 10);
    assertThat(gunzip(r.body())).isEqualTo(text);

    // the same upstream response for a client that does not accept gzip: untouched, with its length
    HttpResponse<byte[]> identity = f.client.send(HttpRequest.newBuilder(URI.create(f.base() + "/body")).timeout(Duration.ofSeconds(10))
        .header("Host", "foo.com").header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofByteArray(text)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(gzipped(identity)).isFalse();
    assertThat(identity.headers().firstValue("content-length")).hasValue(Integer.toString(text.length));
    assertThat(identity.headers().firstValue("vary")).hasValue("Accept-Encoding");
    assertThat(identity.body()).isEqualTo(text);
  }

  @Test
  void conditionsOfTheConfigMapApply() throws Exception {
    higressConfig(gzip(true, "contentType: [text/html]"));
    awaitSettings(s -> s.at("/gzip/contentType").toString().equals("[\"text/html\"]"));
    // application/json is not listed now; the echo answers JSON
    HttpResponse<byte[]> json = get(f.client, "/json", "gzip");
    assertThat(gzipped(json)).isFalse();
    higressConfig(gzip(true, "minContentLength: 100000"));
    awaitSettings(s -> s.at("/gzip/minContentLength").asInt() == 100000);
    assertThat(gzipped(get(f.client, "/small", "gzip"))).isFalse();
    higressConfig(gzip(true, ""));
    await("/probe", GzipConfigMapEndToEndTest::gzipped);
    assertThat(gzipped(get(f.client, "/star", "*"))).isTrue();
    assertThat(gzipped(get(f.client, "/none", null))).isFalse();
    assertThat(gzipped(get(f.client, "/q0", "gzip;q=0, *"))).isFalse();
    // a response the upstream encoded itself is left alone
    HttpResponse<byte[]> encoded = f.client.send(HttpRequest.newBuilder(URI.create(f.base() + "/encoded")).timeout(Duration.ofSeconds(10))
        .header("Host", "foo.com").header("Accept-Encoding", "*").header("X-Echo-Set-Header", "content-encoding:gzip")
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(encoded.headers().allValues("content-encoding")).containsExactly("gzip");
    assertThat(GatewayFixture.JSON.readTree(encoded.body()).path("path").asText()).isEqualTo("/encoded");
    HttpResponse<byte[]> head = f.client.send(HttpRequest.newBuilder(URI.create(f.base() + "/head")).timeout(Duration.ofSeconds(10))
        .header("Host", "foo.com").header("Accept-Encoding", "gzip").method("HEAD", HttpRequest.BodyPublishers.noBody())
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(gzipped(head)).isFalse();
  }

  @Test
  void anInvalidEditKeepsTheLastGoodSettings() throws Exception {
    higressConfig(gzip(true, ""));
    await("/probe", GzipConfigMapEndToEndTest::gzipped);
    higressConfig(gzip(false, "memoryLevel: 0"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    JsonNode dump;
    do {
      Thread.sleep(5);
      dump = GatewayFixture.JSON.readTree(f.adminGet("/config_dump"));
    } while (!dump.path("problems").toString().contains("memoryLevel") && System.nanoTime() < deadline);
    assertThat(dump.path("problems").toString()).contains("memoryLevel");
    assertThat(dump.path("problems").toString())
        .contains("\"severity\":\"ERROR\",\"object\":\"ConfigMap higress-system/higress-config\","
            + "\"field\":\"data.higress.gzip.memoryLevel\",\"message\":\"0 (expected: an integer from 1 to 9)\"")
        .contains("still serving its last good version");
    assertThat(dump.at("/settings/gzip/enable").asBoolean()).isTrue();
    assertThat(gzipped(get(f.client, "/still", "gzip"))).isTrue();

    higressConfig(gzip(false, "memoryLevel: 9"));
    await("/probe", r -> !gzipped(r));
    dump = GatewayFixture.JSON.readTree(f.adminGet("/config_dump"));
    assertThat(dump.path("problems").toString()).doesNotContain("higress-config");
    assertThat(dump.at("/settings/gzip/memoryLevel").asInt()).isEqualTo(9);
    assertThat(dump.at("/settings/downstream/idleTimeout").asInt()).isEqualTo(180);
    assertThat(dump.at("/settings/https/automaticHttps").asBoolean()).isTrue();
  }

  /** Reads an HTTP/1.1 chunked body one chunk at a time. */
  static final class ChunkedReader {
    final InputStream in;

    ChunkedReader(InputStream in) {
      this.in = in;
    }

    String line() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (int c; (c = in.read()) != '\n'; ) {
        if (c < 0) throw new IOException("connection closed");
        if (c != '\r') b.write(c);
      }
      return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** The next chunk's bytes; null after the last chunk (and its trailers). */
    byte[] chunk() throws IOException {
      int size = Integer.parseInt(line().split(";")[0].trim(), 16);
      if (size == 0) {
        while (!line().isEmpty()) { /* trailers */ }
        return null;
      }
      byte[] data = in.readNBytes(size);
      line();
      return data;
    }
  }

  @Test
  void aChunkedBodyStreamsThroughTheCompressorChunkByChunk() throws Exception {
    higressConfig(gzip(true, "contentType: [text/plain]"));
    awaitSettings(s -> s.at("/gzip/enable").asBoolean() && s.at("/gzip/contentType").size() == 1);
    try (Socket s = new Socket("127.0.0.1", f.gateway.httpPort())) {
      s.setSoTimeout(10_000);
      s.setTcpNoDelay(true);
      OutputStream out = s.getOutputStream();
      ChunkedReader in = new ChunkedReader(new BufferedInputStream(s.getInputStream()));
      out.write(("POST /body HTTP/1.1\r\nHost: foo.com\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n"
          + "Accept-Encoding: gzip\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String status = in.line();
      assertThat(status).startsWith("HTTP/1.1 200");
      List<String> headers = new ArrayList<>();
      for (String l; !(l = in.line()).isEmpty(); ) headers.add(l.toLowerCase(Locale.ROOT));
      assertThat(headers).contains("content-encoding: gzip", "transfer-encoding: chunked", "vary: accept-encoding");

      ByteArrayOutputStream wire = new ByteArrayOutputStream();
      ByteArrayOutputStream sent = new ByteArrayOutputStream();
      Inflater inflater = new Inflater(true);
      StringBuilder decoded = new StringBuilder();
      int headerLeft = 10;
      try {
        for (int i = 0; i < 20; i++) {
          // each piece is sent only after the previous one came back, compressed: nothing waits for the end
          String piece = ("piece " + i + " of a streamed body; ").repeat(20) + "\n";
          byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
          sent.writeBytes(bytes);
          ByteArrayOutputStream chunk = new ByteArrayOutputStream();
          chunk.writeBytes((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          chunk.writeBytes(bytes);
          chunk.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
          out.write(chunk.toByteArray()); // one write: no Nagle delay between the pieces of a chunk
          out.flush();
          while (!decoded.toString().endsWith(piece)) {
            byte[] c = in.chunk();
            assertThat(c).as("response ended early, before piece %d", i).isNotNull();
            wire.writeBytes(c);
            int skip = Math.min(headerLeft, c.length);
            headerLeft -= skip;
            inflater.setInput(c, skip, c.length - skip);
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = inflater.inflate(buf)) > 0; ) decoded.append(new String(buf, 0, n, StandardCharsets.UTF_8));
          }
        }
      } catch (DataFormatException e) {
        throw new AssertionError(e);
      } finally {
        inflater.end();
      }
      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      for (byte[] c; (c = in.chunk()) != null; ) wire.writeBytes(c);
      assertThat(gunzip(wire.toByteArray())).isEqualTo(sent.toByteArray()); // trailer: CRC and length right
    }
  }

  @Test
  void aLargeChunkedBodyStreamsWithBoundedMemory() throws Exception {
    higressConfig(gzip(true, "compressionLevel: BEST_SPEED\ncontentType: [text/plain]"));
    awaitSettings(s -> s.at("/gzip/compressionLevel").asText().equals("BEST_SPEED"));
    long size = 24L * 1024 * 1024;
    MessageDigest sentDigest = MessageDigest.getInstance("SHA-256");
    MessageDigest receivedDigest = MessageDigest.getInstance("SHA-256");
    long[] received = new long[1];
    long[] wireBytes = new long[1];
    long peak = peakDirectMemoryDuring(() -> {
      HttpRequest req = HttpRequest.newBuilder(URI.create(f.base() + "/body")).timeout(Duration.ofSeconds(10))
          .header("Host", "foo.com")
          .header("Content-Type", "text/plain").header("Accept-Encoding", "gzip")
          .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new TextStream(size, sentDigest))) // chunked
          .build();
      HttpResponse<InputStream> r = f.client.send(req, HttpResponse.BodyHandlers.ofInputStream());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(gzipped(r)).isTrue();
      CountingStream counting = new CountingStream(r.body());
      try (InputStream in = new GZIPInputStream(counting, 64 * 1024)) {
        byte[] buf = new byte[256 * 1024];
        for (int n; (n = in.read(buf)) > 0; ) {
          receivedDigest.update(buf, 0, n);
          received[0] += n;
        }
      }
      wireBytes[0] = counting.count;
    });
    assertThat(received[0]).isEqualTo(size);
    assertThat(HexFormat.of().formatHex(receivedDigest.digest())).isEqualTo(HexFormat.of().formatHex(sentDigest.digest()));
    assertThat(wireBytes[0]).isLessThan(size / 20);
    assertThat(peak).as("rise of direct memory (at most a third of the body)").isLessThan(size / 3);
  }

  @Test
  void http2ResponsesAreCompressedToo() throws Exception {
    higressConfig(gzip(true, ""));
    await("/probe", GzipConfigMapEndToEndTest::gzipped);
    // h2c with prior knowledge (curl): a stream pipeline of its own
    Path bodyFile = dir.resolve("h2.body");
    Process p = new ProcessBuilder("curl", "-s", "--max-time", "10", "--http2-prior-knowledge", "-H", "Host: foo.com",
        "-H", "Accept-Encoding: gzip",
        "-D", "-", "-o", bodyFile.toString(), f.base() + "/h2").redirectErrorStream(true).start();
    String headers = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
    assertThat(p.waitFor()).isZero();
    assertThat(headers).startsWith("http/2 200").contains("content-encoding: gzip").contains("vary: accept-encoding")
        .doesNotContain("content-length");
    JsonNode j = GatewayFixture.JSON.readTree(gunzip(Files.readAllBytes(bodyFile)));
    assertThat(j.path("path").asText()).isEqualTo("/h2");

    // h2c by Upgrade (the JDK client): the HTTP/1.1 handler leaves, the stream gets its own. The JDK client
    // would send a Host header differing from :authority (malformed in HTTP/2): a catch-all host serves it
    f.write("ingresses/any.yaml", GatewayFixture.ingress("ns1", "any", null, "Prefix", "/upgraded", "echo"));
    f.await(null, "/upgraded", r -> r.statusCode() == 200);
    HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    for (int i = 0; i < 3; i++) { // the first request upgrades, the next ones are plain streams
      HttpResponse<byte[]> r = h2.send(HttpRequest.newBuilder(URI.create(f.base() + "/upgraded/" + i)).timeout(Duration.ofSeconds(10))
          .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
      if (i > 0) assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(gzipped(r)).as("request %d", i).isTrue();
      assertThat(echoJson(r).path("path").asText()).isEqualTo("/upgraded/" + i);
    }

    // a stream gets the compressor as the settings are when it starts: on the same HTTP/2 connection,
    // streams after gzip is turned off go plain, and after it is turned on again compressed
    higressConfig(gzip(false, ""));
    await("/probe", r -> !gzipped(r));
    HttpResponse<byte[]> off = h2.send(HttpRequest.newBuilder(URI.create(f.base() + "/upgraded/off")).timeout(Duration.ofSeconds(10))
        .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(off.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(gzipped(off)).isFalse();
    assertThat(off.headers().firstValue("vary")).isEmpty();
    assertThat(echoJson(off).path("path").asText()).isEqualTo("/upgraded/off");
    higressConfig(gzip(true, ""));
    await("/probe", GzipConfigMapEndToEndTest::gzipped);
    HttpResponse<byte[]> on = h2.send(HttpRequest.newBuilder(URI.create(f.base() + "/upgraded/on")).timeout(Duration.ofSeconds(10))
        .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(on.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(gzipped(on)).isTrue();
    assertThat(echoJson(on).path("path").asText()).isEqualTo("/upgraded/on");
  }

  /**
   * How far the direct memory of the default allocator (gateway and echo server share the JVM; Netty 4.2's
   * default is the adaptive allocator) rises above what it held before while {@code work} runs.
   */
  static long peakDirectMemoryDuring(StreamingTest.ThrowingRunnable work) throws Exception {
    ByteBufAllocatorMetric metric = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
    long before = metric.usedDirectMemory(); // chunks earlier tests left in the allocator count as baseline
    AtomicLong peak = new AtomicLong(before);
    AtomicBoolean sampling = new AtomicBoolean(true);
    Thread sampler = Thread.ofPlatform().daemon().start(() -> {
      while (sampling.get()) {
        peak.accumulateAndGet(metric.usedDirectMemory(), Math::max);
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    try {
      work.run();
    } finally {
      sampling.set(false);
      sampler.join();
    }
    return Math.max(0, peak.get() - before);
  }

  /** Text lines, digested as they are read. */
  static final class TextStream extends InputStream {
    private static final byte[] LINE = "the quick brown fox jumps over the lazy dog, again and again and again\n"
        .getBytes(StandardCharsets.US_ASCII);
    private long remaining;
    private final MessageDigest digest;
    private int pos;

    TextStream(long size, MessageDigest digest) {
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
      for (int i = 0; i < n; i++) {
        b[off + i] = LINE[pos];
        pos = (pos + 1) % LINE.length;
      }
      digest.update(b, off, n);
      remaining -= n;
      return n;
    }
  }

  static final class CountingStream extends InputStream {
    final InputStream in;
    long count;

    CountingStream(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      int c = in.read();
      if (c >= 0) count++;
      return c;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) count += n;
      return n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
