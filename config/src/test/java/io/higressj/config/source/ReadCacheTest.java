package io.higressj.config.source;

import static io.higressj.config.source.DirectoryConfigSourceTest.age;
import static io.higressj.config.source.DirectoryConfigSourceTest.port;
import static io.higressj.config.source.DirectoryConfigSourceTest.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.higressj.config.resource.Resource;
import io.higressj.config.resource.ResourceSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read cache: its format, and a start that takes unchanged files from it. */
class ReadCacheTest {
  @TempDir Path dir;
  @TempDir Path cacheDir;

  private static final String EVERY_KIND = """
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata:
        name: every-kind
        namespace: prod
        annotations:
          "a/quoted": "x: y"
      spec:
        text: plain
        unicode: "größe ✓"
        int: 42
        negative: -7
        long: 9876543210
        big: 123456789012345678901234567890
        double: 2.5
        t: true
        f: false
        nothing: null
        empty: {}
        list: [1, "two", [3], {four: 4}]
        long text: %s
      """.formatted("z".repeat(300));

  private static Map<Path, ReadCache.Entry> entriesOf(Path root, Map<String, String> files) {
    Map<Path, ReadCache.Entry> entries = new LinkedHashMap<>();
    long t = 1_000_000_000L;
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path p = root.resolve(f.getKey());
      YamlResources.Parsed parsed = YamlResources.parse(f.getValue(), p.toString());
      assertThat(parsed.problems()).isEmpty();
      entries.put(p, new ReadCache.Entry(new DirectoryConfigSource.Stamp("(dev=803,ino=" + t + ")", f.getValue().length(), t++),
          parsed.resources()));
    }
    return entries;
  }

  @Test
  void everyNodeTheReadersMakeComesBackEqualAndOfTheSameType() throws ReadCache.Unusable {
    Map<Path, ReadCache.Entry> entries = entriesOf(dir, Map.of(
        "ingresses/every-kind.yaml", EVERY_KIND, // through Jackson's YAML reader (flow style, numbers)
        "services/a.yaml", service("a", 80), // through the block reader
        "two.yaml", service("b", 81) + "---\n" + service("c", 82)));
    ObjectNode every = (ObjectNode) entries.get(dir.resolve("ingresses/every-kind.yaml")).resources().get(0).spec();
    every.set("decimal", com.fasterxml.jackson.databind.node.DecimalNode.valueOf(new java.math.BigDecimal("1.50")));
    every.set("longNode", com.fasterxml.jackson.databind.node.LongNode.valueOf(-5L));
    byte[] bytes = ReadCache.encode(dir, entries);
    Map<String, ReadCache.Entry> back = ReadCache.decode(bytes, dir);

    assertThat(back).hasSize(3);
    for (Map.Entry<Path, ReadCache.Entry> e : entries.entrySet()) {
      ReadCache.Entry got = back.get(e.getKey().toString());
      assertThat(got.stamp()).isEqualTo(e.getValue().stamp());
      assertThat(got.resources()).isEqualTo(e.getValue().resources());
      for (int i = 0; i < got.resources().size(); i++) {
        assertThat(got.resources().get(i).body().toString()).isEqualTo(e.getValue().resources().get(i).body().toString());
        assertSameTypes(got.resources().get(i).body(), e.getValue().resources().get(i).body());
      }
    }
    ObjectNode spec = (ObjectNode) back.get(dir.resolve("ingresses/every-kind.yaml").toString()).resources().get(0).spec();
    assertThat(spec.get("big").bigIntegerValue()).hasToString("123456789012345678901234567890");
    assertThat(spec.get("unicode").textValue()).isEqualTo("größe ✓");
    assertThat(spec.get("decimal").decimalValue()).hasToString("1.50");
    assertThat(spec.get("double").doubleValue()).isEqualTo(2.5);
    assertThat(back.get(dir.resolve("services/a.yaml").toString()).resources().get(0).origin())
        .isEqualTo(dir.resolve("services/a.yaml").toString());
  }

  private static void assertSameTypes(com.fasterxml.jackson.databind.JsonNode a, com.fasterxml.jackson.databind.JsonNode b) {
    assertThat(a.getClass()).isEqualTo(b.getClass());
    if (a.isContainerNode()) {
      List<String> names = new ArrayList<>();
      a.fieldNames().forEachRemaining(names::add);
      if (a.isObject()) {
        for (String n : names) assertSameTypes(a.get(n), b.get(n));
      } else {
        for (int i = 0; i < a.size(); i++) assertSameTypes(a.get(i), b.get(i));
      }
    }
  }

  @Test
  void anEntryWithANodeTheFormatDoesNotWriteIsLeftOut() throws ReadCache.Unusable {
    Map<Path, ReadCache.Entry> entries = entriesOf(dir, Map.of("a.yaml", service("a", 80), "b.yaml", service("b", 81)));
    ((ObjectNode) entries.get(dir.resolve("b.yaml")).resources().get(0).body()).set("odd", BinaryNode.valueOf(new byte[] {1}));
    Map<String, ReadCache.Entry> back = ReadCache.decode(ReadCache.encode(dir, entries), dir);
    assertThat(back).containsOnlyKeys(dir.resolve("a.yaml").toString());
  }

  @Test
  void aDamagedTruncatedForeignOrOtherDirectorysFileIsNotUsed() throws IOException {
    Path file = cacheDir.resolve("c.cache");
    ReadCache.write(file, dir, entriesOf(dir, Map.of("a.yaml", service("a", 80))));
    assertThat(ReadCache.load(file, dir)).hasSize(1);
    byte[] good = Files.readAllBytes(file);

    for (int at : new int[] {5, good.length / 2, good.length - 1}) {
      byte[] bad = good.clone();
      bad[at] ^= 0x20;
      Files.write(file, bad);
      assertThat(ReadCache.load(file, dir)).as("byte %d flipped", at).isEmpty();
    }
    Files.write(file, java.util.Arrays.copyOf(good, good.length - 7));
    assertThat(ReadCache.load(file, dir)).as("truncated").isEmpty();
    Files.writeString(file, "apiVersion: v1\n");
    assertThat(ReadCache.load(file, dir)).as("not a cache").isEmpty();
    Files.write(file, good);
    assertThat(ReadCache.load(file, dir.resolve("other"))).as("another directory").isEmpty();
    assertThat(ReadCache.load(cacheDir.resolve("missing.cache"), dir)).isEmpty();
  }

  @Test
  void onlyItsOwnerMayReadIt() throws IOException {
    Path file = cacheDir.resolve("new/dir/c.cache");
    ReadCache.write(file, dir, entriesOf(dir, Map.of("a.yaml", service("a", 80))));
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
        .isEqualTo("rwx------");
  }

  @Test
  void aCacheDirectoryKeepsTheFilesOfTheDirectoriesWrittenLast() throws IOException {
    Map<Path, ReadCache.Entry> entries = entriesOf(dir, Map.of("a.yaml", service("a", 80)));
    List<Path> written = new ArrayList<>();
    for (int i = 0; i < ReadCache.KEEP + 3; i++) {
      Path root = dir.resolve("d" + i);
      Path file = ReadCache.fileFor(cacheDir, root);
      ReadCache.write(file, root, Map.of());
      Files.setLastModifiedTime(file, FileTime.fromMillis(1_000_000L * (i + 1)));
      written.add(file);
    }
    Path leftOver = cacheDir.resolve(written.get(1).getFileName() + ".4242.tmp");
    Path writing = cacheDir.resolve(written.get(2).getFileName() + ".4343.tmp");
    Files.writeString(leftOver, "half");
    Files.setLastModifiedTime(leftOver, FileTime.fromMillis(System.currentTimeMillis() - 7_200_000));
    Files.writeString(writing, "half");
    ReadCache.write(written.get(0), dir.resolve("d0"), entries); // the oldest, written again: now the newest
    assertThat(leftOver).as("a temporary file two hours old").doesNotExist();
    assertThat(writing).as("one being written").exists();
    Files.delete(writing);
    try (var files = Files.list(cacheDir)) {
      assertThat(files.toList()).hasSize(ReadCache.KEEP).contains(written.get(0), written.get(ReadCache.KEEP + 2))
          .doesNotContain(written.get(1), written.get(2), written.get(3));
    }
  }

  // --- the source with a read cache

  private DirectoryConfigSource started(AtomicReference<ResourceSet> got, int minFiles) throws IOException {
    DirectoryConfigSource s = new DirectoryConfigSource(dir, cacheDir, minFiles);
    s.start(got::set);
    return s;
  }

  private Path write(String relative, String content) throws IOException {
    Path f = dir.resolve(relative);
    Files.createDirectories(f.getParent());
    Files.writeString(f, content);
    return f;
  }

  @Test
  void aRestartTakesUnchangedFilesFromTheCacheAndReadsTheOthers() throws IOException {
    Path a = write("services/a.yaml", service("a", 80));
    Path b = write("services/b.yaml", service("b", 81));
    Path c = write("services/c.yaml", service("c", 82));
    Path d = write("services/d.yaml", service("d", 83));
    for (Path f : List.of(a, b, c, d)) age(f);
    AtomicReference<ResourceSet> first = new AtomicReference<>();
    DirectoryConfigSource s1 = started(first, 1);
    assertThat(s1.filesParsed).isEqualTo(4);
    s1.close(); // writes the cache: it was stale
    assertThat(s1.cacheFile()).exists();

    AtomicReference<ResourceSet> second = new AtomicReference<>();
    DirectoryConfigSource s2 = started(second, 1);
    s2.close();
    assertThat(s2.filesParsed).isZero();
    assertThat(s2.filesFromCache).isEqualTo(4);
    assertThat(second.get()).isEqualTo(first.get()).isEqualTo(DirectoryConfigSource.readOnce(dir));

    // while stopped: b edited in place, c replaced by a file of the same size and time (a new inode),
    // d deleted, e added; a unchanged
    Files.writeString(b, service("b", 9191));
    age(b);
    Path tmp = dir.resolve("services/.c.tmp");
    Files.writeString(tmp, service("c", 92));
    Files.setLastModifiedTime(tmp, Files.getLastModifiedTime(c));
    Files.move(tmp, c, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    Files.delete(d);
    age(write("services/e.yaml", service("e", 94)));
    AtomicReference<ResourceSet> third = new AtomicReference<>();
    DirectoryConfigSource s3 = started(third, 1);
    s3.close();
    assertThat(s3.filesFromCache).as("a").isEqualTo(1);
    assertThat(s3.filesParsed).as("b, c, e").isEqualTo(3);
    assertThat(port(third.get(), "a")).isEqualTo(80);
    assertThat(port(third.get(), "b")).isEqualTo(9191);
    assertThat(port(third.get(), "c")).isEqualTo(92);
    assertThat(port(third.get(), "d")).isEqualTo(-1);
    assertThat(port(third.get(), "e")).isEqualTo(94);
    assertThat(third.get()).isEqualTo(DirectoryConfigSource.readOnce(dir));

    AtomicReference<ResourceSet> fourth = new AtomicReference<>();
    DirectoryConfigSource s4 = started(fourth, 1);
    s4.close();
    assertThat(s4.filesParsed).as("the cache was written again at the last stop").isZero();
    assertThat(fourth.get()).isEqualTo(third.get());
  }

  @Test
  void filesWrittenJustBeforeTheReadOrWithProblemsAreNotCached() throws IOException {
    age(write("a.yaml", service("a", 80)));
    write("fresh.yaml", service("fresh", 81)); // too recent to be told from a later write by its time
    age(write("broken.yaml", "apiVersion: v1\nkind: Service\nmetadata: [\n"));
    age(write("twice.yaml", service("t", 1) + "---\n" + service("t", 2))); // a warning
    AtomicReference<ResourceSet> got = new AtomicReference<>();
    DirectoryConfigSource s1 = started(got, 1);
    s1.close();
    DirectoryConfigSource s2 = started(new AtomicReference<>(), 1);
    s2.close();
    assertThat(s2.filesFromCache).isEqualTo(1);
    assertThat(s2.filesParsed).isEqualTo(3);
  }

  @Test
  void aFileReadJustAfterItsWriteIsCachedOnceItHasStayedUnchangedForFourSeconds() throws Exception {
    age(write("a.yaml", service("a", 80)));
    Path recent = write("recent.yaml", service("recent", 81));
    Files.setLastModifiedTime(recent, FileTime.fromMillis(System.currentTimeMillis() - 1_500)); // read unsettled
    Path fresh = write("fresh.yaml", service("fresh", 82));
    Files.setLastModifiedTime(fresh, FileTime.fromMillis(System.currentTimeMillis() + 60_000)); // never old enough here
    DirectoryConfigSource s1 = started(new AtomicReference<>(), 1);
    Thread.sleep(2_700); // recent.yaml was last written more than 4 s ago now
    s1.close();
    DirectoryConfigSource s2 = started(new AtomicReference<>(), 1);
    s2.close();
    assertThat(s2.filesFromCache).as("a and recent").isEqualTo(2);
    assertThat(s2.filesParsed).as("fresh").isEqualTo(1);
  }

  @Test
  void aCacheThatCannotBeWrittenChangesNothingElse() throws IOException {
    age(write("a.yaml", service("a", 80)));
    Path notADirectory = Files.writeString(cacheDir.resolve("file"), "x");
    for (int run = 0; run < 2; run++) {
      AtomicReference<ResourceSet> got = new AtomicReference<>();
      DirectoryConfigSource s = new DirectoryConfigSource(dir, notADirectory.resolve("cache"), 1);
      s.start(got::set);
      s.close(); // the write fails (its directory cannot be made): logged, nothing thrown
      assertThat(port(got.get(), "a")).isEqualTo(80);
      assertThat(s.filesParsed).isEqualTo(1);
      assertThat(s.cacheFile()).doesNotExist();
    }
  }

  @Test
  void aDirectoryWithFewerFilesThanTheThresholdHasNoCache() throws IOException {
    age(write("a.yaml", service("a", 80)));
    age(write("b.yaml", service("b", 81)));
    DirectoryConfigSource s1 = started(new AtomicReference<>(), 2);
    s1.close();
    assertThat(s1.cacheFile()).exists();
    Files.delete(dir.resolve("b.yaml"));
    DirectoryConfigSource s2 = started(new AtomicReference<>(), 2);
    s2.close();
    assertThat(s2.filesFromCache).isEqualTo(1);
    assertThat(s2.cacheFile()).as("removed: one file is below the threshold").doesNotExist();
  }

  @Test
  void aDamagedCacheMeansReadingEveryFile() throws IOException {
    for (String n : List.of("a", "b", "c")) age(write(n + ".yaml", service(n, 80)));
    DirectoryConfigSource s1 = started(new AtomicReference<>(), 1);
    s1.close();
    byte[] bytes = Files.readAllBytes(s1.cacheFile());
    bytes[bytes.length / 2] ^= 1;
    Files.write(s1.cacheFile(), bytes);
    AtomicReference<ResourceSet> got = new AtomicReference<>();
    DirectoryConfigSource s2 = started(got, 1);
    s2.close();
    assertThat(s2.filesFromCache).isZero();
    assertThat(s2.filesParsed).isEqualTo(3);
    assertThat(got.get()).isEqualTo(DirectoryConfigSource.readOnce(dir));
    assertThat(ReadCache.load(s2.cacheFile(), dir)).as("replaced by a good one").hasSize(3);
  }

  @Test
  void aRunningSourceWritesTheCacheSoonAfterItsStart() throws Exception {
    for (String n : List.of("a", "b")) age(write(n + ".yaml", service(n, 80)));
    DirectoryConfigSource s = started(new AtomicReference<>(), 1);
    try {
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!(Files.exists(s.cacheFile()) && ReadCache.load(s.cacheFile(), dir).size() == 2)) {
        assertThat(System.nanoTime()).as("the cache written about 2 s after the start").isLessThan(deadline);
        Thread.sleep(50);
      }
    } finally {
      s.close();
    }
    Resource a = ReadCache.load(s.cacheFile(), dir).get(dir.resolve("a.yaml").toString()).resources().get(0);
    assertThat(a.spec().at("/ports/0/port").asInt()).isEqualTo(80);
  }

  @Test
  void whileChangesComeTheCacheIsWrittenOnlyOnceTheyStopOrAtTheLatestBound() throws Exception {
    for (String n : List.of("a", "b")) age(write(n + ".yaml", service(n, 80)));
    // written 100 ms after the start, then once 1.5 s pass without a change, at the latest 3 s after a change
    // (the margins are wide: a change every 150 ms, so only a stall of the test of 1.5 s could let one through)
    var timing = new DirectoryConfigSource.CacheTiming(Duration.ofMillis(100), Duration.ofMillis(1_500), Duration.ZERO,
        Duration.ofSeconds(3));
    AtomicReference<ResourceSet> got = new AtomicReference<>();
    DirectoryConfigSource s = new DirectoryConfigSource(dir, cacheDir, 1, timing);
    s.start(got::set);
    try {
      awaitWrites(s, 1, 5_000);
      // a change every 150 ms: never 1.5 s without one
      long t0 = System.nanoTime();
      int port = 1000;
      while (System.nanoTime() - t0 < 2_000_000_000L) {
        write("c.yaml", service("c", ++port));
        Thread.sleep(150);
      }
      assertThat(s.cacheWrites).as("no write while changes keep coming (before the latest bound)").isEqualTo(1);
      while (System.nanoTime() - t0 < 4_500_000_000L) {
        write("c.yaml", service("c", ++port));
        Thread.sleep(150);
      }
      assertThat(s.cacheWrites).as("written at the latest 3 s after the changes began").isGreaterThanOrEqualTo(2);
      // the changes stop; c.yaml, dated back, can be cached: the next write (after 1.5 quiet seconds) has it
      int before = s.cacheWrites;
      int last = port;
      age(dir.resolve("c.yaml"));
      awaitWrites(s, before + 1, 6_000);
      long deadline = System.nanoTime() + 6_000_000_000L;
      while (true) {
        Map<String, ReadCache.Entry> cached = ReadCache.load(s.cacheFile(), dir);
        ReadCache.Entry c = cached.get(dir.resolve("c.yaml").toString());
        if (c != null && c.resources().get(0).spec().at("/ports/0/port").asInt() == last) break;
        assertThat(System.nanoTime()).as("the cache holds c.yaml as last written").isLessThan(deadline);
        Thread.sleep(50);
      }
      assertThat(port(got.get(), "c")).isEqualTo(last);
    } finally {
      s.close();
    }
  }

  private static void awaitWrites(DirectoryConfigSource s, int writes, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (s.cacheWrites < writes) {
      assertThat(System.nanoTime()).as("%d read cache writes within %d ms", writes, millis).isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
