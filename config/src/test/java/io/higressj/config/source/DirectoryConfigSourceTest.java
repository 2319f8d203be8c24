package io.higressj.config.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.higressj.config.ingress.IngressTranslator;
import io.higressj.config.model.ClusterConfig;
import io.higressj.config.model.Endpoint;
import io.higressj.config.model.Route;
import io.higressj.config.model.Snapshot;
import io.higressj.config.resource.Problem;
import io.higressj.config.resource.Resource;
import io.higressj.config.resource.ResourceKey;
import io.higressj.config.resource.ResourceSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryConfigSourceTest {
  @TempDir Path dir;
  @TempDir Path outside;
  DirectoryConfigSource source;
  final Recorder recorder = new Recorder();

  @AfterEach
  void close() {
    if (source != null) source.close();
  }

  /** Keeps every set the source emits; {@link #await} waits for one that satisfies a condition. */
  static final class Recorder implements Consumer<ResourceSet> {
    final LinkedBlockingQueue<ResourceSet> queue = new LinkedBlockingQueue<>();
    volatile ResourceSet last;
    volatile String lastThread;

    @Override
    public void accept(ResourceSet set) {
      last = set;
      lastThread = Thread.currentThread().getName();
      queue.add(set);
    }

    ResourceSet await(String what, Duration timeout, Predicate<ResourceSet> condition) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      ResourceSet set = last;
      while (set == null || !condition.test(set)) {
        long left = deadline - System.nanoTime();
        set = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
        if (set == null) fail("within " + timeout + ": " + what + "; last set: " + describe(last));
      }
      return set;
    }
  }

  static final Duration SOON = Duration.ofSeconds(2);
  static final Duration PATIENT = Duration.ofSeconds(10);

  static String describe(ResourceSet set) {
    if (set == null) return "none";
    return set.resources().keySet() + " problems " + set.problems();
  }

  static String service(String name, int port) {
    return "apiVersion: v1\nkind: Service\nmetadata:\n  name: " + name + "\nspec:\n  ports:\n  - port: " + port + "\n";
  }

  static ResourceKey serviceKey(String name) {
    return new ResourceKey("", "Service", "default", name);
  }

  static int port(ResourceSet set, String service) {
    Resource r = set.resources().get(serviceKey(service));
    return r == null ? -1 : r.spec().at("/ports/0/port").asInt();
  }

  Path write(String relative, String content) throws IOException {
    Path f = dir.resolve(relative);
    Files.createDirectories(f.getParent());
    Files.writeString(f, content);
    return f;
  }

  void start() throws IOException {
    source = new DirectoryConfigSource(dir);
    source.start(recorder);
  }

  @Test
  void readsEveryYamlFileInAnyLayout() throws IOException {
    write("services/a.yaml", service("a", 1));
    write("b.yml", service("b", 2));
    write("deep/er/and/deeper/c.yaml", service("c", 3));
    write("multi.yaml", service("d", 4) + "---\n" + service("e", 5) + "---\n");
    write(".hidden/x.yaml", service("hidden-dir", 6));
    write("services/.x.yaml", service("hidden-file", 7));
    write("services/a.yaml~", service("backup", 8));
    write("services/.a.yaml.swp", service("swap", 9));
    write("services/notes.txt", service("text", 10));

    start();

    // start() hands the first set over before it returns
    ResourceSet set = recorder.last;
    assertThat(set).isNotNull();
    assertThat(set.resources().keySet()).extracting(ResourceKey::name).containsExactlyInAnyOrder("a", "b", "c", "d", "e");
    assertThat(set.problems()).isEmpty();
    assertThat(port(set, "e")).isEqualTo(5);
    assertThat(set.resources().get(serviceKey("c")).origin()).endsWith("deep/er/and/deeper/c.yaml");
    assertThat(DirectoryConfigSource.readOnce(dir)).isEqualTo(set);
  }

  /**
   * A first read of many files (several of the readers' batches, which start while the walk goes on,
   * and a remainder): every object, the problem of a broken file and the later of two files defining
   * one object, exactly as a read of one file at a time would give.
   */
  @Test
  void aLargeFirstReadGivesWhatReadingTheFilesOneByOneGives() throws IOException {
    for (String d : List.of("a", "b", "c")) {
      for (int i = 0; i < 400; i++) write(d + "/svc-" + i + ".yaml", service(d + "-" + i, 1000 + i));
    }
    write("b/svc-7.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: [unclosed\n");
    write("a/z-dup.yaml", service("shared", 1));
    write("c/z-dup.yaml", service("shared", 2));

    start();

    ResourceSet set = recorder.last;
    assertThat(set.resources()).hasSize(1199 + 1);
    assertThat(port(set, "c-399")).isEqualTo(1399);
    assertThat(port(set, "a-0")).isEqualTo(1000);
    assertThat(port(set, "shared")).isEqualTo(2);
    assertThat(set.resources().get(serviceKey("b-7"))).isNull();
    assertThat(set.problems()).hasSize(2).anySatisfy(p -> assertThat(p.origin()).endsWith("b/svc-7.yaml"))
        .anySatisfy(p -> assertThat(p.object()).isEqualTo("Service default/shared"));
    java.util.Map<ResourceKey, Resource> objects = new java.util.TreeMap<>();
    List<Problem> problems = new java.util.ArrayList<>();
    List<Path> all;
    try (var walk = Files.walk(dir)) {
      all = walk.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path f : all) {
      YamlResources.Parsed parsed = YamlResources.read(f);
      for (Resource r : parsed.resources()) objects.put(r.key(), r);
      problems.addAll(parsed.problems());
    }
    assertThat(new java.util.TreeMap<>(set.resources())).isEqualTo(objects);
    assertThat(problems).hasSize(1); // the broken file; the duplicate is the merge's
  }

  @Test
  void theFileThatSortsLastWins() throws IOException {
    write("a/svc.yaml", service("web", 1));
    write("b/svc.yaml", service("web", 2));

    ResourceSet set = DirectoryConfigSource.readOnce(dir);

    assertThat(port(set, "web")).isEqualTo(2);
    assertThat(set.problems()).singleElement().satisfies(p -> {
      assertThat(p.severity()).isEqualTo(Problem.Severity.WARNING);
      assertThat(p.origin()).endsWith("a/svc.yaml");
      assertThat(p.message()).contains("b/svc.yaml");
      assertThat(p.object()).isEqualTo("Service default/web");
    });
  }

  /** Sets a file's modification time an hour back: written long before it is read, so its stamp is trusted. */
  static void age(Path f) throws IOException {
    Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
  }

  @Test
  void aRescanReadsOnlyTheFilesThatChanged() throws IOException {
    Path a = write("services/a.yaml", service("a", 80));
    Path b = write("services/b.yaml", service("b", 81));
    Path c = write("services/c.yaml", service("c", 82));
    Path fresh = write("services/fresh.yaml", service("fresh", 83)); // just written: its stamp is not trusted
    for (Path f : List.of(a, b, c)) age(f);
    DirectoryConfigSource s = new DirectoryConfigSource(dir);
    ResourceSet first = s.scan();
    assertThat(s.filesParsed).isEqualTo(4);

    // replaced by rename with the same size and time (a new inode), edited in place, deleted, added
    Path tmp = dir.resolve("services/.a.tmp");
    Files.writeString(tmp, service("a", 90));
    Files.setLastModifiedTime(tmp, Files.getLastModifiedTime(a));
    Files.move(tmp, a, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    Files.writeString(b, service("b", 91));
    Files.delete(c);
    write("services/d.yaml", service("d", 93));
    ResourceSet second = s.scan();
    assertThat(s.filesParsed - 4).as("a, b, d and the unsettled fresh.yaml").isEqualTo(4);
    assertThat(port(second, "a")).isEqualTo(90);
    assertThat(port(second, "b")).isEqualTo(91);
    assertThat(port(second, "c")).isEqualTo(-1);
    assertThat(port(second, "d")).isEqualTo(93);
    assertThat(port(second, "fresh")).isEqualTo(83);
    assertThat(second.resources().get(serviceKey("fresh"))).as("read again with the same content: the same object")
        .isSameAs(first.resources().get(serviceKey("fresh")));

    // nothing written since: only what was too fresh to trust is read again
    for (Path f : List.of(a, b, fresh, dir.resolve("services/d.yaml"))) age(f);
    s.scan();
    int before = s.filesParsed;
    assertThat(s.scan()).isEqualTo(DirectoryConfigSource.readOnce(dir));
    assertThat(s.filesParsed).isEqualTo(before);
  }

  @Test
  void readOnceOfAMissingDirectory() {
    ResourceSet set = DirectoryConfigSource.readOnce(dir.resolve("nope"));
    assertThat(set.resources()).isEmpty();
    assertThat(set.problems()).singleElement().extracting(Problem::message).isEqualTo("not a directory");
  }

  @Test
  void anEditIsSeenQuickly() throws Exception {
    Path f = write("services/web.yaml", service("web", 1));
    start();
    assertThat(port(recorder.last, "web")).isEqualTo(1);

    Files.writeString(f, service("web", 2));

    recorder.await("port 2", SOON, s -> port(s, "web") == 2);
    assertThat(recorder.lastThread).isEqualTo("config-dir-watch");
  }

  @Test
  void aStreamOfWritesEndsInTheLastContent() throws Exception {
    Path f = write("web.yaml", service("web", 1));
    start();
    for (int i = 2; i <= 60; i++) Files.writeString(f, service("web", i));
    recorder.await("port 60", PATIENT, s -> port(s, "web") == 60);
  }

  @Test
  void aBrokenFileKeepsItsLastGoodObjects() throws Exception {
    Path f = write("services/web.yaml", service("web", 1) + "---\n" + service("api", 2));
    write("services/other.yaml", service("other", 3));
    start();

    Files.writeString(f, "apiVersion: v1\nkind: Service\nmetadata: {name: web\n");

    ResourceSet set = recorder.await("a problem for web.yaml", PATIENT, s -> !s.problems().isEmpty());
    assertThat(set.resources().keySet()).extracting(ResourceKey::name).containsExactlyInAnyOrder("web", "api", "other");
    assertThat(port(set, "web")).isEqualTo(1);
    assertThat(set.problems()).singleElement().satisfies(p -> {
      assertThat(p.severity()).isEqualTo(Problem.Severity.ERROR);
      assertThat(p.origin()).endsWith("services/web.yaml");
      assertThat(p.message()).startsWith("not valid YAML").contains("line ").contains("2 object(s) last read");
    });

    // fixed: the problem goes, the new content applies
    Files.writeString(f, service("web", 4));
    set = recorder.await("web.yaml fixed", PATIENT, s -> s.problems().isEmpty());
    assertThat(set.resources().keySet()).extracting(ResourceKey::name).containsExactlyInAnyOrder("web", "other");
    assertThat(port(set, "web")).isEqualTo(4);
  }

  @Test
  void aFileBrokenFromTheStartHasNoObjectsAndAProblem() throws Exception {
    write("bad.yaml", "a: [1\n");
    start();
    assertThat(recorder.last.resources()).isEmpty();
    assertThat(recorder.last.problems()).singleElement().extracting(Problem::message).asString().contains("line 2, column 1");
  }

  @Test
  void deletingAFileRemovesItsObjects() throws Exception {
    Path f = write("services/web.yaml", service("web", 1));
    write("services/api.yaml", service("api", 2));
    start();

    Files.delete(f);

    ResourceSet set = recorder.await("web gone", PATIENT, s -> !s.resources().containsKey(serviceKey("web")));
    assertThat(set.resources().keySet()).extracting(ResourceKey::name).containsExactly("api");
  }

  /** Starts on web.yaml (web, port 1) and api.yaml (api, port 2); returns web.yaml. */
  private Path startWithWebAndApi() throws IOException {
    Path f = write("services/web.yaml", service("web", 1));
    write("services/api.yaml", service("api", 2));
    start();
    return f;
  }

  @Test
  void aFileTruncatedAndWrittenLaterKeepsItsObjectsMeanwhile() throws Exception {
    // as `kubectl get ... -o yaml > web.yaml` does: the shell empties the file, the program writes it later
    Path f = startWithWebAndApi();

    Files.write(f, new byte[0]);
    Thread.sleep(300); // the empty file is seen (the debounce is 20 ms)
    write("services/api.yaml", service("api", 3)); // a later change is applied meanwhile
    ResourceSet set = recorder.await("api 3", PATIENT, s -> port(s, "api") == 3);
    assertThat(port(set, "web")).as("web, its file empty for a moment").isEqualTo(1);
    Thread.sleep(200);
    assertThat(port(recorder.last, "web")).isEqualTo(1);

    Files.writeString(f, service("web", 7));
    set = recorder.await("web 7", PATIENT, s -> port(s, "web") == 7);
    for (ResourceSet seen : recorder.queue) {
      assertThat(seen.resources()).as("web never went away").containsKey(serviceKey("web"));
    }
  }

  @Test
  void aFileLeftEmptyLosesItsObjectsAfterTheGrace() throws Exception {
    Path f = startWithWebAndApi();

    long t0 = System.nanoTime();
    Files.write(f, new byte[0]);
    ResourceSet set = recorder.await("web gone", PATIENT, s -> !s.resources().containsKey(serviceKey("web")));
    assertThat(System.nanoTime() - t0).as("not before the grace").isGreaterThanOrEqualTo(DirectoryConfigSource.EMPTY_GRACE_NANOS);
    assertThat(names(set)).containsExactly("api");
    assertThat(set.problems()).isEmpty();

    // a file that holds only comments, or one that held nothing, is applied at once as before
    write("services/web.yaml", service("web", 4));
    recorder.await("web back", PATIENT, s -> port(s, "web") == 4);
    long t1 = System.nanoTime();
    Files.writeString(f, "# nothing here\n");
    recorder.await("web gone again", PATIENT, s -> !s.resources().containsKey(serviceKey("web")));
    assertThat(System.nanoTime() - t1).as("a file of comments is not held back").isLessThan(DirectoryConfigSource.EMPTY_GRACE_NANOS);
  }

  @Test
  void aFileEmptiedThenDeletedIsGoneAtOnce() throws Exception {
    Path f = startWithWebAndApi();

    long t0 = System.nanoTime();
    Files.write(f, new byte[0]);
    Thread.sleep(100); // seen empty, and held back
    Files.delete(f);
    recorder.await("web gone", PATIENT, s -> !s.resources().containsKey(serviceKey("web")));
    assertThat(System.nanoTime() - t0).as("gone with the delete, not at the end of the grace")
        .isLessThan(DirectoryConfigSource.EMPTY_GRACE_NANOS * 3 / 4);
  }

  @Test
  void deletingADirectoryRemovesItsObjects() throws Exception {
    Path f = write("team/a/web.yaml", service("web", 1));
    write("api.yaml", service("api", 2));
    start();

    Files.delete(f);
    Files.delete(f.getParent());
    Files.delete(f.getParent().getParent());

    recorder.await("web gone", PATIENT, s -> s.resources().keySet().stream().map(ResourceKey::name).toList().equals(List.of("api")));
  }

  private static List<String> names(ResourceSet set) {
    return set.resources().keySet().stream().map(ResourceKey::name).sorted().toList();
  }

  /**
   * A vanished path that was never a file we read (sed's or an editor's temporary file, renamed over
   * the YAML file) costs nothing and removes nothing; a directory moved out of the tree (its watch stays
   * valid: the same directory under a name we no longer know) takes every file we read below it.
   */
  @Test
  void aTemporaryFileRenamedOverAFileAndADirectoryMovedOut() throws Exception {
    write("team/a/web.yaml", service("web", 1));
    write("team/a/deep/db.yaml", service("db", 3));
    write("teamwork.yaml", service("tw", 6)); // its name starts like the directory's: it stays
    Path api = write("api.yaml", service("api", 2));
    start();

    Path tmp = dir.resolve("sedAb12Cd");
    Files.writeString(tmp, service("api", 5));
    Files.move(tmp, api, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    recorder.await("api 5", PATIENT, s -> port(s, "api") == 5);
    assertThat(names(recorder.last)).containsExactly("api", "db", "tw", "web");

    Files.move(dir.resolve("team"), outside.resolve("team"));
    recorder.await("web and db gone", PATIENT, s -> names(s).equals(List.of("api", "tw")));

    // a write in the moved directory no longer counts; one in the tree does
    Files.writeString(outside.resolve("team/a/web.yaml"), service("web", 9));
    write("other.yaml", service("other", 4));
    recorder.await("other", PATIENT, s -> port(s, "other") == 4);
    assertThat(names(recorder.last)).containsExactly("api", "other", "tw");
  }

  @Test
  void renamingAwayFromYamlRemovesItsObjects() throws Exception {
    Path f = write("web.yaml", service("web", 1));
    start();
    Files.move(f, dir.resolve("web.yaml.disabled"));
    recorder.await("web gone", PATIENT, s -> s.resources().isEmpty());
  }

  @Test
  void newSubdirectoriesAreWatched() throws Exception {
    start();
    assertThat(recorder.last.resources()).isEmpty();

    // created together with its first file: the walk of the new directory finds it
    write("new/sub/a.yaml", service("a", 1));
    recorder.await("a", PATIENT, s -> port(s, "a") == 1);

    // written after the directory is known: its own watch reports it
    write("new/sub/b.yaml", service("b", 2));
    recorder.await("b", PATIENT, s -> port(s, "b") == 2);
    Files.writeString(dir.resolve("new/sub/a.yaml"), service("a", 3));
    recorder.await("a edited", PATIENT, s -> port(s, "a") == 3);

    // a whole tree moved in at once
    Path staging = outside;
    Files.createDirectories(staging.resolve("x/y"));
    Files.writeString(staging.resolve("x/y/c.yaml"), service("c", 4));
    Files.move(staging.resolve("x"), dir.resolve("moved"));
    recorder.await("c", PATIENT, s -> port(s, "c") == 4);
    Files.writeString(dir.resolve("moved/y/c.yaml"), service("c", 5));
    recorder.await("c edited", PATIENT, s -> port(s, "c") == 5);
  }

  /**
   * The first read's walk leaves the attributes of YAML-named entries to the readers: such an entry that is
   * a directory is still walked (and watched), one that is neither a file nor a directory (a pipe) is not
   * read (reading it would wait forever), a symbolic link named like a file that leads back up the tree is
   * skipped, and a link to a file is read as that file.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "with a read cache: {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void entriesNamedLikeYamlFilesThatAreNotFiles(boolean withReadCache) throws Exception {
    write("conf.d.yaml/inner.yaml", service("inner", 1));
    write("conf.d.yaml/deeper.yml/deepest.yaml", service("deepest", 2));
    write("plain.yaml", service("plain", 3));
    Files.createSymbolicLink(dir.resolve("loop.yaml"), dir);
    Files.createSymbolicLink(dir.resolve("conf.d.yaml/up.yaml"), dir);
    Files.createSymbolicLink(dir.resolve("link.yaml"), outside.resolve("target.yaml"));
    Files.writeString(outside.resolve("target.yaml"), service("linked", 4));
    boolean pipe = new ProcessBuilder("mkfifo", dir.resolve("pipe.yaml").toString()).start().waitFor() == 0;

    if (withReadCache) { // the walk leaves the YAML entries' attributes to the readers when there is a cache
      Path cache = outside.resolve("cache");
      DirectoryConfigSource first = new DirectoryConfigSource(dir, cache, 1);
      first.start(set -> { });
      first.close();
      assertThat(first.cacheFile()).exists();
      source = new DirectoryConfigSource(dir, cache, 1);
      source.start(recorder);
    } else {
      start();
    }

    ResourceSet set = recorder.last;
    assertThat(set.resources().keySet()).extracting(ResourceKey::name)
        .containsExactlyInAnyOrder("inner", "deepest", "plain", "linked");
    assertThat(set.resources().get(serviceKey("inner")).origin()).endsWith("conf.d.yaml/inner.yaml");
    assertThat(set.problems()).isEmpty();
    if (pipe) assertThat(Files.exists(dir.resolve("pipe.yaml"))).isTrue();

    // the directory found by its reader is watched like any other
    write("conf.d.yaml/deeper.yml/later.yaml", service("later", 5));
    recorder.await("later", PATIENT, s -> port(s, "later") == 5);

    // a pipe created later is not read either: the watch goes on (reading it would block the applying thread)
    if (pipe && new ProcessBuilder("mkfifo", dir.resolve("pipe2.yaml").toString()).start().waitFor() == 0) {
      write("after-pipe.yaml", service("after-pipe", 6));
      recorder.await("after-pipe", PATIENT, s -> port(s, "after-pipe") == 6);
    }
  }

  @Test
  void firstStartCreatesACommentedExample() throws Exception {
    Path root = dir.resolve("config");
    source = new DirectoryConfigSource(root);
    source.start(recorder);

    Path example = root.resolve("ingresses/example.yaml");
    assertThat(example).isRegularFile();
    List<String> lines = Files.readAllLines(example);
    assertThat(lines).isNotEmpty().allMatch(l -> l.startsWith("#"));
    assertThat(recorder.last.resources()).isEmpty();
    assertThat(recorder.last.problems()).isEmpty();

    // the lines with a single "# " are a working configuration
    String uncommented = lines.stream().filter(l -> !l.startsWith("##")).map(l -> l.substring(2))
        .collect(Collectors.joining("\n", "", "\n"));
    YamlResources.Parsed parsed = YamlResources.parse(uncommented, "example.yaml");
    assertThat(parsed.problems()).isEmpty();
    Snapshot snapshot = IngressTranslator.translate(ResourceSet.of(parsed.resources(), parsed.problems()),
        IngressTranslator.Options.defaults());
    assertThat(snapshot.problems()).isEmpty();
    Route route = snapshot.routes().select("example.local").match("/anything");
    ClusterConfig cluster = snapshot.clusters().get(route.cluster());
    assertThat(cluster.endpoints()).containsExactly(new Endpoint("127.0.0.1", 9001));

    // and writing it for real is picked up
    Files.writeString(example, uncommented);
    recorder.await("the example", PATIENT, s -> s.resources().size() == 3);
  }

  @Test
  void anExistingDirectoryGetsNoExample() throws IOException {
    start();
    assertThat(dir.resolve("ingresses")).doesNotExist();
  }

  @Test
  void closeStopsTheWatcher() throws Exception {
    start();
    assertThat(source.watching()).isTrue();
    source.close();
    assertThat(source.watching()).isFalse();
    source.close(); // twice is fine
  }
}
