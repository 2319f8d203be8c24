package io.higressj.proxy.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log's lines (exact bytes, escapes, time) and its writer: every entry written, promptly, busy or idle. */
class AccessLogTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private static AccessLogEntry entry(long millis, String path, String id) {
    return new AccessLogEntry(millis, "GET", "foo.com", path, "HTTP/1.1", 200, 0, 6, 1770, "127.0.0.1:9001",
        "default/bench/rule0/path0", "-", "127.0.0.1", id);
  }

  @Test
  void aLineIsTheJsonOfTheEntry() {
    assertThat(entry(1_796_665_207_240L, "/a?b=c", "c53f04bf").toJson()).isEqualTo("{\"time\":\"2026-12-07T17:40:07.240Z\","
        + "\"method\":\"GET\",\"authority\":\"foo.com\",\"path\":\"/a?b=c\",\"protocol\":\"HTTP/1.1\",\"status\":200,"
        + "\"bytes_in\":0,\"bytes_out\":6,\"duration_us\":1770,\"upstream\":\"127.0.0.1:9001\","
        + "\"route\":\"default/bench/rule0/path0\",\"flags\":\"-\",\"client\":\"127.0.0.1\",\"request_id\":\"c53f04bf\"}");
    // a whole second has no fraction (as Instant prints it); the milliseconds keep their zeros
    assertThat(entry(1_796_665_207_000L, "/", null).toJson()).startsWith("{\"time\":\"2026-12-07T17:40:07Z\"")
        .endsWith("\"request_id\":\"-\"}");
    assertThat(entry(1_796_665_207_005L, "/", "x").toJson()).startsWith("{\"time\":\"2026-12-07T17:40:07.005Z\"");
    assertThat(entry(1_796_665_207_050L, "/", "x").toJson()).startsWith("{\"time\":\"2026-12-07T17:40:07.050Z\"");
  }

  @Test
  void valuesAreEscapedAndUtf8() throws Exception {
    String path = "/q\"uote\\back\nline\r\ttab\u0001ctl/é/€/\uD83D\uDE00/\uD800lone/\u007f";
    String line = entry(0, path, "id").toJson();
    assertThat(line).contains("\"path\":\"/q\\\"uote\\\\back\\nline\\r\\ttab\\u0001ctl/é/€/\uD83D\uDE00/?lone/\u007f\"");
    assertThat(line).startsWith("{\"time\":\"1970-01-01T00:00:00Z\"");
    JsonNode n = JSON.readTree(line);
    assertThat(n.path("path").asText()).isEqualTo(path.replace('\uD800', '?'));
  }

  /** The lines as the log wrote them before it formatted to bytes itself: a string, then UTF-8. */
  private static String reference(AccessLogEntry e) {
    StringBuilder b = new StringBuilder("{\"time\":\"").append(Instant.ofEpochMilli(e.startMillis())).append('"');
    ref(b, "method", e.method());
    ref(b, "authority", e.authority());
    ref(b, "path", e.path());
    ref(b, "protocol", e.protocol());
    b.append(",\"status\":").append(e.status()).append(",\"bytes_in\":").append(e.bytesIn())
        .append(",\"bytes_out\":").append(e.bytesOut()).append(",\"duration_us\":").append(e.durationMicros());
    ref(b, "upstream", e.upstream());
    ref(b, "route", e.route());
    ref(b, "flags", e.flags());
    ref(b, "client", e.clientAddress());
    ref(b, "request_id", e.requestId());
    return new String(b.append('}').toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
  }

  private static void ref(StringBuilder b, String name, String v) {
    b.append(",\"").append(name).append("\":\"");
    for (char c : (v == null ? "-" : v).toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> b.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
      }
    }
    b.append('"');
  }

  @Test
  void randomEntriesGiveTheSameBytesAsTheStringFormatting() {
    Random rnd = new Random(7);
    char[] alphabet = "abc/?=&%-_.~ \"\\\n\r\t\u0000\u001f\u007fé€\uD83D\uDE00\uD800\uDC00".toCharArray();
    for (int i = 0; i < 5000; i++) {
      StringBuilder s = new StringBuilder();
      for (int k = rnd.nextInt(40); k > 0; k--) s.append(alphabet[rnd.nextInt(alphabet.length)]);
      long millis = rnd.nextInt(4) == 0 ? rnd.nextLong(-100_000_000_000_000L, 100_000_000_000_000L) / 1000 * 1000
          : rnd.nextLong(-100_000_000_000_000L, 100_000_000_000_000L);
      AccessLogEntry e = new AccessLogEntry(millis, rnd.nextBoolean() ? "GET" : s.toString(), s.toString(), "/" + s,
          "HTTP/2", rnd.nextInt(600), rnd.nextLong(Long.MAX_VALUE), rnd.nextInt(3) == 0 ? -1 : rnd.nextLong(1 << 40),
          rnd.nextLong(100_000_000), rnd.nextBoolean() ? null : s.toString(), "r", "UF", "::1", s.toString());
      String ours = new String(bytes(e), StandardCharsets.UTF_8);
      assertThat(ours).as("entry %d", i).isEqualTo(reference(e));
    }
  }

  private static byte[] bytes(AccessLogEntry e) {
    AccessLogEntry.Line line = new AccessLogEntry.Line(16); // grows as it must
    e.appendJson(line);
    return java.util.Arrays.copyOf(line.bytes(), line.size());
  }

  @Test
  void everyEntryFromManyThreadsIsWrittenOnce() throws Exception {
    Path file = dir.resolve("access.log");
    int threads = 4;
    int each = 10_000;
    try (AccessLog log = AccessLog.toFile(file)) {
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> ts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        ts.add(Thread.ofPlatform().start(() -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            return;
          }
          for (int i = 0; i < each; i++) {
            log.log(entry(System.currentTimeMillis(), "/" + id + "/" + i, id + "-" + i));
            if (i % 1000 == 0) Thread.onSpinWait();
          }
        }));
      }
      go.countDown();
      for (Thread t : ts) t.join();
      assertThat(await(() -> lines(file).size() >= threads * each - (int) log.dropped())).isTrue();
      assertThat(log.dropped()).isZero(); // the queue holds 65,536: four threads of 10,000 fit even unread
    }
    List<String> lines = lines(file);
    assertThat(lines).hasSize(threads * each).doesNotHaveDuplicates();
    for (String l : lines.subList(0, 100)) assertThat(JSON.readTree(l).path("status").asInt()).isEqualTo(200);
  }

  @Test
  void aLineAfterAQuietSpellIsWrittenAtOnce() throws Exception {
    Path file = dir.resolve("quiet.log");
    try (AccessLog log = AccessLog.toFile(file)) {
      log.log(entry(System.currentTimeMillis(), "/first", "1"));
      assertThat(await(() -> lines(file).size() == 1)).isTrue();
      // long enough for the writer to go to sleep (QUIET_ROUNDS empty rounds), shorter than its longest sleep
      Thread.sleep(AccessLog.BUSY_PARK_MILLIS * AccessLog.QUIET_ROUNDS * 3);
      long t0 = System.nanoTime();
      log.log(entry(System.currentTimeMillis(), "/second", "2"));
      assertThat(await(() -> lines(file).size() == 2)).isTrue();
      // woken by the entry, not by its timeout
      assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(AccessLog.IDLE_PARK_MILLIS / 2);
    }
  }

  @Test
  void closingWritesWhatWasLogged() throws Exception {
    Path file = dir.resolve("close.log");
    AccessLog log = AccessLog.toFile(file);
    for (int i = 0; i < 500; i++) log.log(entry(0, "/" + i, "x"));
    log.close();
    assertThat(lines(file)).hasSize(500);
    log.log(entry(0, "/late", "x")); // after close: not written, no failure
  }

  @Test
  void aDisabledLogTakesNothing() {
    AccessLog off = AccessLog.disabled();
    assertThat(off.enabled()).isFalse();
    off.log(entry(0, "/", "x"));
    off.close();
    assertThat(off.dropped()).isZero();
  }

  private static List<String> lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file) : List.of();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static boolean await(java.util.function.BooleanSupplier c) throws InterruptedException {
    long end = System.nanoTime() + 5_000_000_000L;
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > end) return false;
      Thread.sleep(5);
    }
    return true;
  }
}
