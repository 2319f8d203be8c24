package io.higressj.config.source;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;
import static java.util.Objects.requireNonNull;

import io.higressj.config.resource.Problem;
import io.higressj.config.resource.Resource;
import io.higressj.config.resource.ResourceKey;
import io.higressj.config.resource.ResourceSet;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The standalone configuration: every {@code *.yaml} / {@code *.yml} file below a root directory, in
 * any layout (by convention {@code <root>/<plural>/<name>.yaml}), watched for changes.
 *
 * <ul>
 *   <li>Hidden files and directories (name starting with {@code .}) and editor leftovers ({@code
 *       *~}, {@code *.swp}, {@code #...#}) are ignored.
 *   <li>Objects are identified by {@link ResourceKey}. When two files define the same object, the
 *       file whose path sorts last wins, and a WARNING names both.
 *   <li>Changes are debounced: events are collected until 20 ms pass without one, but never longer
 *       than 200 ms after the first, so a stream of writes is still applied. Only the changed files are
 *       read again (many files are read and parsed on several threads); the merged set is kept up to
 *       date from what changed, so a change costs in proportion to it plus one copy of the set's
 *       arrays; objects read again with the same content keep their identity. Events are drained by
 *       one (virtual) thread while another applies the previous batch, so that a burst of thousands
 *       of writes does not overflow the watch service. The listener receives the complete set on the
 *       applying thread ({@code config-dir-watch}), and is not called when a change leaves the set as
 *       it was.
 *   <li>When events were lost all the same, the tree is walked again, and only files whose inode,
 *       size or modification time changed since they were read are read again.
 *   <li>With a cache directory, a directory of 1,000 files or more keeps a {@link ReadCache read cache}:
 *       at start, files whose stamp is the one the cache recorded are taken from it instead of being
 *       read and parsed.
 *   <li>A file that does not parse keeps the objects it last held (a bad edit never takes the running
 *       configuration away) and its problem is reported; a deleted file takes its objects with it. A
 *       file caught half-written is simply read again on the next event. A file that held objects and
 *       is found empty keeps them for {@link #EMPTY_GRACE_NANOS} (a writer may be about to fill it).
 * </ul>
 */
public final class DirectoryConfigSource implements ConfigSource {
  private static final System.Logger LOG = System.getLogger(DirectoryConfigSource.class.getName());
  private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private static final long MAX_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  static {
    // the JDK reports an overflow (and we walk the whole tree) once 512 events wait for one directory; a
    // tool rewriting thousands of files gets there while a batch is read, so allow as many as the kernel
    // queues by default (read when the first watch key is made; a value set by the user stays)
    if (System.getProperty("jdk.nio.file.WatchService.maxEventsPerPoll") == null) {
      System.setProperty("jdk.nio.file.WatchService.maxEventsPerPoll", "16384");
    }
  }

  /** below this many files, reading on several threads is not worth starting them */
  private static final int PARALLEL_READ_THRESHOLD = 64;
  /** files handed to a reader at a time during the first read */
  private static final int READ_BATCH = 256;
  static final String EXAMPLE_FILE = "ingresses/example.yaml";

  private final Path root;
  /** What each file holds, by path (which file wins a key defined twice is {@link #conflicts}' business). */
  private final HashMap<Path, FileState> files = new HashMap<>();
  /** registered by the applying thread (walks), dropped by either thread */
  private final Map<WatchKey, Path> watchedDirs = new java.util.concurrent.ConcurrentHashMap<>();
  /** files whose last read reported problems */
  private final TreeSet<Path> troubled = new TreeSet<>();
  /** the objects as of the last merge (every file's objects, the last definition of each key winning) */
  private ResourceSet merged = ResourceSet.empty();
  /** what changed in {@link #merged} since: a null value is a removal */
  private HashMap<ResourceKey, Resource> pending = new HashMap<>(); // merge() sorts what it takes from it
  /** every file that defines a key, for the keys that more than one file defines */
  private final Map<ResourceKey, TreeMap<Path, Resource>> conflicts = new HashMap<>();
  private WatchService watcher;
  /** what the events named since the last batch was taken; guarded by its own lock */
  private final Batch batch = new Batch();
  private volatile Thread thread;
  private volatile Thread collector;
  private Consumer<ResourceSet> listener;
  private ResourceSet last;
  private volatile boolean closed;

  /** a file last written longer ago than this is trusted to be unchanged while its {@link Stamp} is */
  private static final long SETTLED_MILLIS = 2_000;

  /**
   * @param objects the last good objects
   * @param problems what reading the file reported this time
   * @param stamp the file as it was when read (null: it could not be read)
   * @param settled whether it had been written long enough before it was read for a later write to
   *     change its stamp (see {@link Stamp#settled})
   */
  private record FileState(List<Resource> objects, List<Problem> problems, Stamp stamp, boolean settled) {}

  /**
   * A file's identity (device and inode), size and modification time: a file written since it was read
   * differs in one of them (a rename puts a new inode in place, an edit in place changes the time),
   * unless it was written within the file system's timestamp granularity of the read, which {@link
   * #settled} rules out, or someone set the time back by hand on a file of the same size.
   */
  record Stamp(Object fileKey, long size, long modifiedNanos) {
    Stamp {
      requireNonNull(fileKey, "fileKey");
    }

    /**
     * Whether this stamp (of a file now) is {@code cached}, a stamp from the read cache, whose file key is
     * the text of the key it had: kept as the file system's object in memory (smaller than its text).
     */
    boolean matches(Stamp cached) {
      return size == cached.size && modifiedNanos == cached.modifiedNanos && fileKey.toString().equals(cached.fileKey);
    }

    /** The stamp of a file, or null when the file system gives no identity for it. */
    static Stamp ofFile(BasicFileAttributes a) {
      if (a == null || a.fileKey() == null) return null;
      return new Stamp(a.fileKey(), a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS));
    }

    /** Milliseconds from the file's last write to {@code nowMillis} (negative for a time in the future). */
    long ageMillis(long nowMillis) {
      return nowMillis - TimeUnit.NANOSECONDS.toMillis(modifiedNanos);
    }

    /** Whether the file was last written more than two seconds before {@code nowMillis}. */
    boolean settled(long nowMillis) {
      return ageMillis(nowMillis) > SETTLED_MILLIS;
    }
  }

  /**
   * What reading a file gave: a {@link YamlResources.Parsed} or an IOException, and its stamp (or null);
   * {@code cached}: taken from the read cache instead of the file.
   */
  private record Read(Object result, Stamp stamp, boolean settled, boolean cached) {}

  /** {@link Read#result} of a path that is a directory */
  private static final Object DIRECTORY = new Object();

  /** Changed paths (true: seen created, so a directory must be walked) and whether to walk everything. */
  private static final class Batch {
    Map<Path, Boolean> paths = new LinkedHashMap<>();
    boolean rescan;
    long firstEvent;
    long lastEvent;
  }

  /** files parsed so far (for tests: a rescan reads only the files that changed) */
  int filesParsed;
  /** files whose objects were taken from the read cache so far */
  int filesFromCache;

  /** the read cache of this directory, or null: see {@link ReadCache} */
  private final Path cacheFile;
  /** a directory with fewer YAML files than this gets no read cache: reading them is as fast */
  private final int cacheMinFiles;
  /** the read cache's entries while the first walk reads the directory, empty after it */
  private Map<String, ReadCache.Entry> cached = Map.of();
  /**
   * (applying thread) Files that held objects and have been found empty (0 bytes) since, with the time
   * ({@code System.nanoTime()}) each was first found so: see {@link #EMPTY_GRACE_NANOS}.
   */
  private final Map<Path, Long> emptySince = new HashMap<>();
  /**
   * A file that held objects and is found empty keeps them this long before its emptiness is applied,
   * unless content comes first. A writer that truncates a file and writes it afterwards leaves it empty
   * meanwhile, for longer than the debounce when the content comes from a program that has to start
   * first ({@code kubectl get ... -o yaml > file}, {@code helm template > file}: 0.1-1 s); applying the
   * empty file would remove its routes until then. A file emptied on purpose is applied after this
   * delay; a deleted file at once.
   */
  static final long EMPTY_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);

  /** (applying thread) the first read is over: from now on each change makes the read cache stale */
  private boolean firstReadDone;
  /** (applying thread) files changed since the read cache was last written; since when; when to write it next */
  private boolean cacheStale;
  private long cacheStaleSinceNanos;
  private long cacheDueNanos;
  private final CacheTiming cacheTiming;
  private long cacheWrittenNanos;
  private final Object cacheWriteLock = new Object();
  /** (under cacheWriteLock) a write failed already: later failures are not warned about again */
  private boolean cacheWriteFailed;
  /** read cache writes done so far (for tests) */
  volatile int cacheWrites;

  /**
   * When the read cache is written while the gateway runs (it is written at a stop as well). A write
   * encodes every file's objects again: on 20,000 Ingresses (60,000 files) 0.5-0.8 s of CPU and a few
   * hundred MB of allocation, which on two cores slowed the changes applied meanwhile (young collections
   * every 70 ms; the second to fourth changes after a restart took 45-113 ms instead of 29-42). So it
   * waits until changes stop.
   *
   * @param first after a start that did not find every file in the cache (the JIT and the collector are
   *     busiest until then)
   * @param quiet after a change, once no file has changed for this long (a file changed less than four
   *     seconds before a write is left out of it anyway; see {@link #QUIET_AFTER_WRITE_MILLIS})
   * @param interval at least this long after the last write
   * @param latest at most this long after the cache went stale, should the changes never stop for
   *     {@code quiet} (but never before {@code interval})
   */
  record CacheTiming(Duration first, Duration quiet, Duration interval, Duration latest) {
    static final CacheTiming DEFAULT = new CacheTiming(Duration.ofSeconds(2), Duration.ofSeconds(5),
        Duration.ofSeconds(30), Duration.ofMinutes(2));
  }

  static final int CACHE_MIN_FILES = 1000;

  public DirectoryConfigSource(Path root) {
    this(root, null);
  }

  /**
   * @param cacheDir where to keep the {@link ReadCache read cache} of this directory between runs, or
   *     null for none; used only when the directory holds at least 1,000 YAML files
   */
  public DirectoryConfigSource(Path root, Path cacheDir) {
    this(root, cacheDir, CACHE_MIN_FILES);
  }

  DirectoryConfigSource(Path root, Path cacheDir, int cacheMinFiles) {
    this(root, cacheDir, cacheMinFiles, CacheTiming.DEFAULT);
  }

  DirectoryConfigSource(Path root, Path cacheDir, int cacheMinFiles, CacheTiming cacheTiming) {
    this.root = requireNonNull(root, "root").toAbsolutePath().normalize();
    this.cacheFile = cacheDir == null ? null : ReadCache.fileFor(cacheDir.toAbsolutePath(), this.root);
    this.cacheMinFiles = cacheMinFiles;
    this.cacheTiming = requireNonNull(cacheTiming, "cacheTiming");
    this.cacheWrittenNanos = System.nanoTime() - cacheTiming.interval().toNanos();
  }

  /** The read cache file of this directory, or null when there is none. */
  public Path cacheFile() {
    return cacheFile;
  }

  public Path root() {
    return root;
  }

  /** Reads the directory once, without watching: for tests and for a {@code validate} command. */
  public static ResourceSet readOnce(Path root) {
    DirectoryConfigSource source = new DirectoryConfigSource(root);
    if (!Files.isDirectory(source.root)) {
      return ResourceSet.of(List.of(), List.of(new Problem(source.root.toString(), "", "",
          "not a directory", Problem.Severity.ERROR)));
    }
    return source.scan();
  }

  /** Walks the directory and merges what changed: the start of {@link #readOnce}, and repeated by tests. */
  ResourceSet scan() {
    rescan(null);
    return merge();
  }

  @Override
  public synchronized void start(Consumer<ResourceSet> listener) throws IOException {
    requireNonNull(listener, "listener");
    if (this.listener != null) throw new IllegalStateException("already started");
    if (closed) throw new IllegalStateException("closed");
    this.listener = listener;
    if (!Files.exists(root)) writeExample();
    watcher = root.getFileSystem().newWatchService();
    // register before the first read so that no change slips between reading and watching
    long t0 = System.nanoTime();
    // the read cache is decoded while the tree is walked
    FutureTask<Map<String, ReadCache.Entry>> loading = null;
    if (cacheFile != null) {
      loading = new FutureTask<>(() -> ReadCache.load(cacheFile, root));
      Thread.ofPlatform().daemon().name("config-read-cache").start(loading);
    }
    rescan(loading);
    int offered = cached.size();
    cached = Map.of();
    if (cacheFile == null || offered == 0 && files.size() < cacheMinFiles) {
      LOG.log(Level.INFO, "config directory {0}: {1} files read in {2} ms, watching for changes", root, files.size(),
          (System.nanoTime() - t0) / 1_000_000);
    } else {
      LOG.log(Level.INFO, "config directory {0}: {1} files read in {2} ms ({3} unchanged since the read cache {4}),"
          + " watching for changes", root, files.size(), (System.nanoTime() - t0) / 1_000_000, filesFromCache, cacheFile);
    }
    firstReadDone = true;
    if (cacheFile != null) {
      // written again when it did not give every file, or gave files that are gone
      cacheStale = filesParsed > 0 || offered != filesFromCache;
      cacheStaleSinceNanos = System.nanoTime();
      cacheDueNanos = cacheStaleSinceNanos + cacheTiming.first().toNanos();
    }
    emit();
    thread = Thread.ofVirtual().name("config-dir-watch").start(this::applyLoop);
    collector = Thread.ofVirtual().name("config-dir-events").start(this::collectLoop);
  }

  @Override
  public void close() {
    Thread t;
    Thread c;
    synchronized (this) {
      if (closed) return;
      closed = true;
      t = thread;
      c = collector;
    }
    if (watcher != null) {
      try {
        watcher.close(); // wakes the watcher thread out of take()
      } catch (IOException e) {
        LOG.log(Level.DEBUG, "closing watch service", e);
      }
    }
    for (Thread x : new Thread[] {c, t}) {
      if (x == null) continue;
      x.interrupt();
      try {
        x.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (t != null && !t.isAlive() && cacheStale) {
      boolean quiet;
      synchronized (batch) {
        quiet = batch.paths.isEmpty() && !batch.rescan;
      }
      writeCache(cacheEntries(quiet)); // the applying thread is gone: its state is ours to read
    } else {
      synchronized (cacheWriteLock) {} // let a write in progress finish rather than leave a temporary file
    }
  }

  /** True while the watching and applying threads run. */
  boolean watching() {
    Thread t = thread;
    Thread c = collector;
    return t != null && t.isAlive() && c != null && c.isAlive();
  }

  /**
   * The watch service's events, drained as they come into {@link #batch} by their own thread: the JDK
   * keeps at most 512 events per directory before it reports an overflow, and a tool rewriting
   * thousands of files produces that many while a change is being applied. Drained here, they are
   * applied as changes of the files they name instead of a walk of the whole tree.
   */
  private void collectLoop() {
    while (!closed) {
      try {
        WatchKey key = watcher.take();
        synchronized (batch) {
          collect(key);
          long now = System.nanoTime();
          if (batch.firstEvent == 0) batch.firstEvent = now;
          batch.lastEvent = now;
          batch.notifyAll();
        }
      } catch (ClosedWatchServiceException | InterruptedException e) {
        return; // close() was called
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "config directory " + root + ": reading change events failed", e);
      }
    }
  }

  /** Applies what {@link #collectLoop} collected, in batches separated by 20 ms without events (200 ms at most). */
  private void applyLoop() {
    while (!closed) {
      try {
        Map<Path, Boolean> paths;
        boolean walkAll;
        boolean emptyRecheck = false;
        synchronized (batch) {
          long emptyDue = emptyDueNanos();
          while (batch.paths.isEmpty() && !batch.rescan) {
            long wake = Math.min(emptyDue, cacheStale ? cacheDueNanos : Long.MAX_VALUE);
            if (wake == Long.MAX_VALUE) {
              batch.wait();
              continue;
            }
            long due = wake - System.nanoTime();
            if (due <= 0) break;
            TimeUnit.NANOSECONDS.timedWait(batch, due);
          }
          if (batch.paths.isEmpty() && !batch.rescan && emptyDue != Long.MAX_VALUE && emptyDue - System.nanoTime() <= 0) {
            // files empty for the whole grace: read again, their emptiness is applied now
            paths = new LinkedHashMap<>();
            long now = System.nanoTime();
            for (Map.Entry<Path, Long> e : emptySince.entrySet()) {
              if (now - e.getValue() >= EMPTY_GRACE_NANOS) paths.put(e.getKey(), false);
            }
            walkAll = false;
            emptyRecheck = true;
          } else if (batch.paths.isEmpty() && !batch.rescan) {
            paths = null; // nothing changed for a while: time to write the read cache
            walkAll = false;
          } else {
            while (true) {
              long wait = Math.min(batch.lastEvent + QUIET_NANOS, batch.firstEvent + MAX_DELAY_NANOS) - System.nanoTime();
              if (wait <= 0) break;
              TimeUnit.NANOSECONDS.timedWait(batch, wait);
            }
            paths = batch.paths;
            walkAll = batch.rescan;
            batch.paths = new LinkedHashMap<>();
            batch.rescan = false;
            batch.firstEvent = 0;
          }
        }
        if (paths == null) {
          Map<Path, FileState> states = cacheEntries(true);
          Thread.ofVirtual().name("config-read-cache-write").start(() -> writeCache(states));
          continue;
        }
        if (walkAll) rescan(null);
        else apply(paths);
        if (emptyRecheck) emptySince.keySet().removeAll(paths.keySet()); // read or gone: no longer waited for
        if (watchedDirs.isEmpty()) {
          LOG.log(Level.WARNING, "config directory {0} was removed; no longer watching it", root);
        }
        emit();
      } catch (InterruptedException e) {
        return; // close() was called
      } catch (RuntimeException e) {
        // keep watching: the next change may well be readable, and a dead watcher would freeze the config
        LOG.log(Level.ERROR, "config directory " + root + ": applying a change failed", e);
      }
    }
  }

  /** Adds a key's events to {@link #batch} (the caller holds its lock). */
  private void collect(WatchKey key) {
    Path dir = (Path) key.watchable(); // the directory as registered, even before the walk recorded the key
    for (WatchEvent<?> event : key.pollEvents()) {
      if (event.kind() == OVERFLOW) {
        batch.rescan = true;
        continue;
      }
      Path child = dir.resolve((Path) event.context());
      String name = child.getFileName().toString();
      if (name.startsWith("..")) { // a Kubernetes ConfigMap volume swaps its "..data" link
        batch.rescan = true;
        continue;
      }
      if (ignored(name)) continue;
      batch.paths.merge(child, event.kind() == ENTRY_CREATE, Boolean::logicalOr);
    }
    if (!key.reset()) watchedDirs.remove(key); // the directory is gone
  }

  /** Reads what changed: new directories are walked (and watched), files read, vanished paths dropped. */
  private void apply(Map<Path, Boolean> dirty) {
    java.util.LinkedHashSet<Path> read = new java.util.LinkedHashSet<>(); // read last, together: in parallel when many
    for (Map.Entry<Path, Boolean> e : dirty.entrySet()) {
      Path p = e.getKey();
      if (Files.isDirectory(p)) {
        // a modified directory says nothing about its files; a created (or moved-in) one is new to us
        if (e.getValue()) {
          forgetUnder(p);
          read.addAll(walk(p, null));
        }
      } else if (Files.exists(p)) {
        if (isYaml(p.getFileName().toString())) read.add(p);
      } else {
        forgetUnder(p);
      }
    }
    readFiles(new ArrayList<>(read), null);
  }

  /**
   * Walks the whole tree again: at start, and when the watch service lost events (it does when more
   * than 512 events pile up for one directory while a change is applied, as a tool rewriting thousands
   * of files causes). Files whose stamp is the one they had when last read are not read again, so that
   * such a rescan costs a walk plus the files that really changed.
   */
  private void rescan(FutureTask<Map<String, ReadCache.Entry>> loading) {
    if (files.isEmpty() && Files.isDirectory(root)) {
      firstRead(loading);
      return;
    }
    Map<Path, BasicFileAttributes> attributes = new HashMap<>();
    List<Path> found = Files.isDirectory(root) ? walk(root, attributes) : List.of();
    if (loading != null) cached = loadCache(loading);
    for (Path f : new ArrayList<>(files.keySet())) {
      if (!attributes.containsKey(f)) setFile(f, null); // the walk put every file it found there
    }
    List<Path> changed = new ArrayList<>(files.isEmpty() ? found.size() : 16);
    for (Path f : found) {
      FileState known = files.get(f);
      if (known != null && known.settled() && known.stamp().equals(Stamp.ofFile(attributes.get(f)))) continue;
      changed.add(f);
    }
    if (!files.isEmpty()) {
      LOG.log(Level.INFO, "config directory {0}: rescanned {1} files, {2} changed", root, found.size(), changed.size());
    }
    readFiles(changed, attributes);
  }

  /**
   * The first read of the tree: the readers start on the files while the walk is still finding the
   * rest (batches of {@link #READ_BATCH}), so that walking, reading and parsing overlap; the results
   * are applied in the walk's order, as {@link #readFiles} does.
   *
   * <p>With a read cache, most files will not be read, only their attributes compared with the cache's:
   * the walk ({@link #walk(Path, boolean, BiConsumer)}) then leaves those to the readers, who take them on many threads. Without
   * one, every file is read: the walk takes each file's attributes as it goes, which keeps it ahead of the
   * readers. With the page cache dropped, on 60,000 files, leaving the attributes to the readers made
   * restarts with the read cache 0.3-0.5 s faster and first starts 0.1-0.7 s slower.
   */
  private void firstRead(FutureTask<Map<String, ReadCache.Entry>> loading) {
    List<Path> paths = new ArrayList<>();
    List<BasicFileAttributes> attrs = new ArrayList<>(); // null where the readers are to take them
    List<Future<Read[]>> batches = new ArrayList<>();
    // the pool starts its threads with the first batch: a small directory is read on this thread alone
    try (ExecutorService pool = readers()) {
      walk(root, loading == null || !Files.exists(cacheFile), (f, a) -> {
        paths.add(f);
        attrs.add(a);
        if (paths.size() % READ_BATCH == 0) {
          int from = paths.size() - READ_BATCH;
          batches.add(pool.submit(batch(List.copyOf(paths.subList(from, paths.size())),
              new ArrayList<>(attrs.subList(from, attrs.size())), loading)));
        }
      });
      if (loading != null) cached = loadCache(loading);
      int rest = batches.size() * READ_BATCH;
      List<Read[]> results = new ArrayList<>(batches.size() + 1);
      for (Future<Read[]> b : batches) results.add(b.get());
      results.add(parseAll(paths.subList(rest, paths.size()), attrs.subList(rest, attrs.size()), cached));
      int i = 0;
      List<Path> directories = new ArrayList<>(0);
      for (Read[] batch : results) {
        for (Read r : batch) readFile(paths.get(i++), r, directories);
      }
      for (Path d : directories) readDirectoryNamedLikeAFile(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
  }

  /**
   * A directory that a walk took for a file by its name (such as {@code conf.d.yaml}) and its reader found
   * to be one: walked and read now.
   */
  private void readDirectoryNamedLikeAFile(Path d) {
    Map<Path, BasicFileAttributes> attributes = new HashMap<>();
    readFiles(walk(d, attributes), attributes);
  }

  /** Parses one batch of the first read (the read cache, if any, is waited for first). */
  private static Callable<Read[]> batch(List<Path> paths, List<BasicFileAttributes> attrs,
      FutureTask<Map<String, ReadCache.Entry>> loading) {
    return () -> parseAll(paths, attrs, awaitCache(loading));
  }

  /** Each of {@code paths} parsed; {@code attrs}: their attributes, or null where they are yet to be read. */
  private static Read[] parseAll(List<Path> paths, List<BasicFileAttributes> attrs, Map<String, ReadCache.Entry> cache) {
    Read[] out = new Read[paths.size()];
    for (int i = 0; i < out.length; i++) out[i] = parse(paths.get(i), attrs.get(i), cache);
    return out;
  }

  /** What the read cache holds, once decoded; a cache that cannot be read is reported and not used. */
  private Map<String, ReadCache.Entry> loadCache(FutureTask<Map<String, ReadCache.Entry>> loading) {
    Map<String, ReadCache.Entry> c = awaitCache(loading);
    if (loading.state() == Future.State.FAILED) {
      LOG.log(Level.WARNING, "config read cache " + cacheFile + " not used", loading.exceptionNow());
    }
    return c;
  }

  /** What the read cache holds (nothing when there is none or it cannot be read: {@link #loadCache} says so). */
  private static Map<String, ReadCache.Entry> awaitCache(FutureTask<Map<String, ReadCache.Entry>> loading) {
    if (loading == null) return Map.of();
    try {
      return loading.get();
    } catch (ExecutionException e) {
      return Map.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of();
    }
  }

  /**
   * Threads reading files in a large read. Their work is I/O as much as parsing: when the files are not in
   * the page cache (a gateway's first start after its node booted), each read waits for the disk, and
   * only as many reads are in flight as there are readers. On 60,000 files not cached, a first start read
   * them in 4.1-4.5 s with two readers and 2.1-3.1 s with sixteen; with the files cached, sixteen readers
   * on two cores were no slower than two. At least one per core.
   */
  static final int READERS = Math.max(16, Runtime.getRuntime().availableProcessors());

  /** File readers for a large read ({@link #READERS} of them). */
  private static ExecutorService readers() {
    return Executors.newFixedThreadPool(READERS,
        Thread.ofPlatform().daemon().name("config-dir-read-", 0).factory());
  }

  /**
   * Reads and parses {@code paths} (on several threads when there are many: parsing is most of the time
   * a large directory takes), then applies the results in order.
   */
  private void readFiles(List<Path> paths, Map<Path, BasicFileAttributes> attributes) {
    Map<String, ReadCache.Entry> cache = cached;
    List<Path> directories = new ArrayList<>(0);
    if (paths.size() < PARALLEL_READ_THRESHOLD) {
      for (Path f : paths) readFile(f, parse(f, attributes, cache), directories);
      for (Path d : directories) readDirectoryNamedLikeAFile(d);
      return;
    }
    Read[] results = new Read[paths.size()];
    int chunks = READERS * 2;
    int per = (paths.size() + chunks - 1) / chunks;
    try (ExecutorService pool = readers()) {
      for (int c = 0; c < chunks; c++) {
        int from = c * per;
        int to = Math.min(paths.size(), from + per);
        if (from >= to) break;
        pool.execute(() -> {
          for (int i = from; i < to; i++) results[i] = parse(paths.get(i), attributes, cache);
        });
      }
    } // close() waits for every task
    for (int i = 0; i < results.length; i++) readFile(paths.get(i), results[i], directories);
    for (Path d : directories) readDirectoryNamedLikeAFile(d);
  }

  /**
   * The YAML files below {@code dir}, registering every directory with the watcher (if any); their
   * attributes (as the walk read them anyway) go to {@code attributes} if not null.
   */
  private List<Path> walk(Path dir, Map<Path, BasicFileAttributes> attributes) {
    List<Path> found = new ArrayList<>();
    walk(dir, true, (f, a) -> {
      found.add(f);
      if (attributes != null) attributes.put(f, a);
    });
    return found;
  }

  /**
   * Walks {@code dir} (symbolic links followed; hidden entries and scratch files skipped, and so is a link
   * back to a directory above it), registering every directory with the watcher (if any) and telling
   * {@code sink} of each YAML file in the order the directories list them.
   *
   * <p>{@code withAttributes} false leaves the attributes of the entries named as YAML files to whoever
   * reads them ({@code sink} gets null), which the first read with a read cache does: its readers take
   * them on many threads, where one walk reading them one after the other, with the files out of the page
   * cache as after a boot, took 0.6 s for 60,000 files. Such an entry may turn out to be a directory
   * ({@link #DIRECTORY}): it is walked then ({@link #readDirectoryNamedLikeAFile}).
   */
  private void walk(Path dir, boolean withAttributes, BiConsumer<Path, BasicFileAttributes> sink) {
    // the root itself may well be hidden (~/.higress); only what is below it is filtered
    if (!dir.equals(root) && ignored(dir.getFileName().toString())) return;
    List<Object> keys = new ArrayList<>(); // of dir and the directories above it, for finding link loops
    try {
      for (Path up = dir; up != null && up.startsWith(root); up = up.getParent()) {
        keys.addFirst(Files.readAttributes(up, BasicFileAttributes.class).fileKey());
      }
    } catch (NoSuchFileException e) {
      return; // removed before we got to it: its DELETE event follows
    } catch (IOException e) {
      LOG.log(Level.WARNING, "config directory: cannot read " + dir, e);
      return;
    }
    Object key = keys.getLast();
    if (key != null && keys.indexOf(key) < keys.size() - 1) {
      LOG.log(Level.WARNING, "config directory: skipping {0}: {1}", dir, "symbolic link loop");
      return;
    }
    walk(dir, keys, withAttributes, sink);
  }

  /** {@link #walk(Path, boolean, BiConsumer)} below {@code dir}, whose file key and its parents' are {@code keys}. */
  private void walk(Path dir, List<Object> keys, boolean withAttributes, BiConsumer<Path, BasicFileAttributes> sink) {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      if (watcher != null) watchedDirs.put(dir.register(watcher, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE), dir);
      for (Path p : entries) {
        String name = p.getFileName().toString();
        if (ignored(name)) continue;
        if (!withAttributes && isYaml(name)) {
          sink.accept(p, null);
          continue;
        }
        BasicFileAttributes a;
        try {
          a = Files.readAttributes(p, BasicFileAttributes.class); // through symbolic links
        } catch (NoSuchFileException e) {
          continue; // vanished, or a link to nothing
        } catch (IOException e) {
          if (!Files.isSymbolicLink(p)) { // a link that cannot be followed is skipped quietly, like one to nothing
            LOG.log(Level.WARNING, "config directory: skipping {0}: {1}", p, e.toString());
          }
          continue;
        }
        if (a.isRegularFile()) {
          if (isYaml(name)) sink.accept(p, a);
        } else if (a.isDirectory()) {
          if (a.fileKey() != null && keys.contains(a.fileKey())) {
            LOG.log(Level.WARNING, "config directory: skipping {0}: {1}", p, "symbolic link loop");
            continue;
          }
          keys.add(a.fileKey());
          walk(p, keys, withAttributes, sink);
          keys.removeLast();
        }
      }
    } catch (NoSuchFileException e) {
      // removed before we got to it: its DELETE event follows
    } catch (IOException e) {
      LOG.log(Level.WARNING, "config directory: cannot read " + dir, e);
    }
  }

  /**
   * The parsed file, or a NoSuchFileException / IOException: what {@link #readFile} makes of it; with
   * the file's stamp, taken before reading (from {@code attributes} when the walk just read them).
   */
  private static Read parse(Path f, Map<Path, BasicFileAttributes> attributes, Map<String, ReadCache.Entry> cache) {
    return parse(f, attributes == null ? null : attributes.get(f), cache);
  }

  /**
   * {@link #parse(Path, Map, Map)} with the attributes the walk read ({@code a}; null: read them now).
   * What is not a regular file is not read: a directory gives {@link #DIRECTORY}, anything else (a pipe,
   * a socket) is treated as absent.
   */
  private static Read parse(Path f, BasicFileAttributes a, Map<String, ReadCache.Entry> cache) {
    try {
      if (a == null) a = Files.readAttributes(f, BasicFileAttributes.class);
      if (a.isDirectory()) return new Read(DIRECTORY, null, false, false);
      if (!a.isRegularFile()) return new Read(new NoSuchFileException(f.toString(), null, "not a regular file"), null, false, false);
      Stamp stamp = Stamp.ofFile(a);
      boolean settled = stamp != null && stamp.settled(System.currentTimeMillis());
      if (settled && !cache.isEmpty()) {
        ReadCache.Entry e = cache.get(f.toString());
        if (e != null && stamp.matches(e.stamp())) {
          return new Read(new YamlResources.Parsed(e.resources(), List.of(), false), stamp, true, true);
        }
      }
      return new Read(YamlResources.read(f), stamp, settled, false);
    } catch (IOException e) {
      return new Read(e, null, false, false);
    }
  }

  /** Takes in what reading file {@code f} gave; a path that turned out to be a directory goes to {@code directories}. */
  private void readFile(Path f, Read read, List<Path> directories) {
    if (read.result() == DIRECTORY) {
      setFile(f, null); // a file we knew, replaced by a directory
      directories.add(f);
      return;
    }
    if (read.cached()) filesFromCache++;
    else filesParsed++;
    Object result = read.result();
    FileState previous = files.get(f);
    YamlResources.Parsed parsed;
    if (result instanceof NoSuchFileException) {
      setFile(f, null);
      return;
    } else if (result instanceof IOException e) { // no permission, not UTF-8...: like a syntax error, keep what we had
      parsed = new YamlResources.Parsed(List.of(), List.of(new Problem(f.toString(), "", "",
          "cannot read: " + e, Problem.Severity.ERROR)), true);
    } else {
      parsed = (YamlResources.Parsed) result;
    }
    if (holdBackEmpty(f, read, parsed, previous)) return;
    if (!parsed.syntaxError()) {
      if (previous != null && previous.objects().equals(parsed.resources())
          && previous.problems().equals(parsed.problems())) {
        // the same content: keep the objects we have, so that they keep their identity
        files.put(f, new FileState(previous.objects(), previous.problems(), read.stamp(), read.settled()));
        staleCache();
        return;
      }
      setFile(f, new FileState(parsed.resources(), parsed.problems(), read.stamp(), read.settled()));
      return;
    }
    List<Resource> kept = previous == null ? List.of() : previous.objects();
    List<Problem> problems = new ArrayList<>();
    for (Problem p : parsed.problems()) {
      problems.add(kept.isEmpty() ? p : new Problem(p.origin(), p.object(), p.field(), p.message() + "; the "
          + kept.size() + " object(s) last read from this file stay in effect", p.severity()));
    }
    setFile(f, new FileState(kept, problems, read.stamp(), read.settled()));
  }

  /**
   * Whether {@code f}, read as {@code parsed}, is a file that held objects and is now empty (0 bytes)
   * for less than {@link #EMPTY_GRACE_NANOS}: it keeps its objects meanwhile (applying thread). Its
   * emptiness is applied when it is read again after the grace ({@link #applyLoop} does so unless an
   * event came first); any other read of it ends the grace.
   */
  private boolean holdBackEmpty(Path f, Read read, YamlResources.Parsed parsed, FileState previous) {
    boolean empty = firstReadDone && read.stamp() != null && read.stamp().size() == 0 && !parsed.syntaxError()
        && parsed.resources().isEmpty() && previous != null && !previous.objects().isEmpty();
    if (!empty) {
      emptySince.remove(f);
      return false;
    }
    long now = System.nanoTime();
    Long since = emptySince.putIfAbsent(f, now);
    if (since == null) {
      LOG.log(Level.INFO, "config file {0} is empty: its {1} object(s) stay until it has been empty for {2} s"
          + " (a writer may be about to fill it)", f, previous.objects().size(), EMPTY_GRACE_NANOS / 1_000_000_000);
      return true;
    }
    if (now - since < EMPTY_GRACE_NANOS) return true;
    emptySince.remove(f);
    return false;
  }

  /** When the first file held back by {@link #holdBackEmpty} is due, or {@code Long.MAX_VALUE}. */
  private long emptyDueNanos() {
    long due = Long.MAX_VALUE;
    for (long since : emptySince.values()) due = Math.min(due, since + EMPTY_GRACE_NANOS);
    return due;
  }

  /** Replaces what file {@code f} holds ({@code state} null: the file is gone), updating the merged objects. */
  private void setFile(Path f, FileState state) {
    if (state == null) emptySince.remove(f);
    FileState old = state == null ? files.remove(f) : files.put(f, state);
    if (old != null || state != null) staleCache();
    if (old != null) {
      for (Resource r : old.objects()) undefine(f, r.key());
    }
    if (state != null) {
      for (Resource r : state.objects()) define(f, r);
    }
    if (state != null && !state.problems().isEmpty()) troubled.add(f);
    else troubled.remove(f);
  }

  private Resource current(ResourceKey k) {
    Resource r = pending.get(k);
    if (r != null || pending.containsKey(k)) return r; // a null value: removed since the last merge
    return merged.resources().get(k);
  }

  private void define(Path f, Resource r) {
    ResourceKey k = r.key();
    TreeMap<Path, Resource> defs = conflicts.get(k);
    if (defs == null) {
      Resource other = current(k);
      if (other == null) {
        pending.put(k, r);
        return;
      }
      defs = new TreeMap<>();
      defs.put(Path.of(other.origin()), other);
      conflicts.put(k, defs);
    }
    defs.put(f, r);
    pending.put(k, defs.lastEntry().getValue()); // the file that sorts last wins
  }

  private void undefine(Path f, ResourceKey k) {
    TreeMap<Path, Resource> defs = conflicts.get(k);
    if (defs == null) {
      pending.put(k, null);
      return;
    }
    defs.remove(f);
    if (defs.size() <= 1) conflicts.remove(k);
    pending.put(k, defs.isEmpty() ? null : defs.lastEntry().getValue());
  }

  /** Drops the file {@code p}, or every file below the directory {@code p}, and stops watching there. */
  private void forgetUnder(Path p) {
    // the watched directories are few: find those at or below p (a directory moved away keeps its
    // watch, under a name we no longer know, so it is cancelled)
    boolean directory = false;
    for (Iterator<Map.Entry<WatchKey, Path>> it = watchedDirs.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<WatchKey, Path> e = it.next();
      if (!e.getValue().startsWith(p)) continue;
      directory = true;
      if (!e.getValue().equals(root)) {
        e.getKey().cancel();
        it.remove();
      }
    }
    if (files.containsKey(p)) {
      setFile(p, null); // a file: the usual case
    } else if (directory) { // a directory we walked: the files we read below it go
      // compared as text (a path caches its string): Path.startsWith on every known file cost
      // milliseconds per change on 60,000 files
      String dir = p.toString();
      String sep = p.getFileSystem().getSeparator();
      String prefix = dir.endsWith(sep) ? dir : dir + sep;
      List<Path> gone = new ArrayList<>();
      for (Path f : files.keySet()) {
        if (f.toString().startsWith(prefix)) gone.add(f);
      }
      for (Path f : gone) setFile(f, null);
    }
    // else a path we never knew as a file or a directory, such as an editor's or sed's temporary file
    // renamed over a YAML file: nothing we read can be below it (every directory walked is watched)
  }

  /**
   * The merged objects with what changed since the last merge, and the problems of every file. Costs a
   * copy of the object arrays plus work in proportion to the change and to the files with problems.
   */
  private ResourceSet merge() {
    TreeMap<ResourceKey, Resource> changes = new TreeMap<>();
    for (Map.Entry<ResourceKey, Resource> e : pending.entrySet()) {
      Resource before = merged.resources().get(e.getKey());
      Resource after = e.getValue();
      if (before == after) continue;
      changes.put(e.getKey(), after);
    }
    // a HashMap keeps the table it grew to, and iterating or clearing it walks the whole table: after the
    // first read (60,000 objects on 20,000 Ingresses) that was 131,072 slots at every later change
    if (pending.size() > 1024) pending = new HashMap<>();
    else pending.clear();
    List<Problem> problems = problems();
    if (!changes.isEmpty() || !problems.equals(merged.problems())) merged = merged.with(changes, problems);
    return merged;
  }

  /**
   * In file order: each file's problems, then a warning for each of its objects that an earlier file
   * defines too (the earlier one is ignored).
   */
  private List<Problem> problems() {
    if (troubled.isEmpty() && conflicts.isEmpty()) return List.of();
    TreeSet<Path> involved = new TreeSet<>(troubled);
    for (TreeMap<Path, Resource> defs : conflicts.values()) involved.addAll(defs.tailMap(defs.firstKey(), false).keySet());
    List<Problem> problems = new ArrayList<>();
    for (Path f : involved) {
      FileState state = files.get(f);
      problems.addAll(state.problems());
      for (Resource r : state.objects()) {
        TreeMap<Path, Resource> defs = conflicts.get(r.key());
        Map.Entry<Path, Resource> loser = defs == null ? null : defs.lowerEntry(f);
        if (loser != null) {
          problems.add(new Problem(loser.getValue().origin(), r.describe(), "", "ignored: also defined in " + r.origin()
              + ", which sorts later and wins", Problem.Severity.WARNING));
        }
      }
    }
    return problems;
  }

  private void emit() {
    ResourceSet set = merge();
    if (set == last) return; // touched or rewritten identically
    Set<Problem> known = last == null ? Set.of() : new HashSet<>(last.problems());
    for (Problem p : set.problems()) {
      if (!known.contains(p)) LOG.log(p.severity() == Problem.Severity.ERROR ? Level.ERROR : Level.WARNING, p.toString());
    }
    LOG.log(Level.DEBUG, "config directory {0}: {1} objects from {2} files", root, set.resources().size(), files.size());
    last = set;
    try {
      listener.accept(set);
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "config listener failed", e);
    }
  }

  /**
   * Notes that the read cache no longer tells every file as it is now (applying thread), and when to
   * write it: see {@link CacheTiming}. Each change puts the write off again.
   */
  private void staleCache() {
    if (cacheFile == null || !firstReadDone) return; // the first read decides at its end
    long now = System.nanoTime();
    if (!cacheStale) {
      cacheStale = true;
      cacheStaleSinceNanos = now;
    }
    long quiet = Math.min(now + cacheTiming.quiet().toNanos(), cacheStaleSinceNanos + cacheTiming.latest().toNanos());
    cacheDueNanos = Math.max(quiet, cacheWrittenNanos + cacheTiming.interval().toNanos());
  }

  /**
   * What the read cache should hold now: the state of every file read without problems whose stamp was
   * settled when read or may be by the time it is written (see {@link #writeCache}); null (the cache is
   * removed) when the directory holds too few files for a cache to be worth it. Called by the applying
   * thread, which owns {@link #files}, while no change waits to be applied; marks the cache as written,
   * or as due again after the interval when files were written too recently to be kept yet.
   *
   * @param recent whether files read within two seconds of their last write may be kept (not when changes
   *     wait unapplied: one of them may be a write that their stamp does not show)
   */
  private Map<Path, FileState> cacheEntries(boolean recent) {
    cacheStale = false;
    cacheWrittenNanos = System.nanoTime();
    if (files.size() < cacheMinFiles) return null;
    long now = System.currentTimeMillis();
    Map<Path, FileState> states = HashMap.newHashMap(files.size());
    boolean later = false;
    for (Map.Entry<Path, FileState> e : files.entrySet()) {
      FileState s = e.getValue();
      if (s.stamp() == null || !s.problems().isEmpty()) continue;
      if (!s.settled()) {
        long age = s.stamp().ageMillis(now);
        if (!recent || age <= QUIET_AFTER_WRITE_MILLIS) {
          later |= recent && age >= 0; // a time in the future (a skewed clock) never qualifies: no retries for it
          continue;
        }
      }
      states.put(e.getKey(), s);
    }
    if (later) {
      cacheStale = true;
      cacheStaleSinceNanos = cacheWrittenNanos;
      cacheDueNanos = cacheWrittenNanos + Math.max(cacheTiming.interval().toNanos(),
          TimeUnit.MILLISECONDS.toNanos(QUIET_AFTER_WRITE_MILLIS));
    }
    return states;
  }

  /**
   * A file read within two seconds of its last write is cached once it was last written this long ago
   * and its stamp is still the one it had when read: a later write in the same tick of a coarse file
   * system clock would not show in its stamp, but the watch service would have announced it (and the
   * file would have been read again) well before.
   */
  private static final long QUIET_AFTER_WRITE_MILLIS = 4_000;

  /** Writes the read cache of {@code states} (null: removes it); one write at a time. */
  private void writeCache(Map<Path, FileState> states) {
    synchronized (cacheWriteLock) {
      try {
        if (states == null) {
          Files.deleteIfExists(cacheFile);
          return;
        }
        long t0 = System.nanoTime();
        Map<Path, ReadCache.Entry> entries = HashMap.newHashMap(states.size());
        for (Map.Entry<Path, FileState> e : states.entrySet()) {
          FileState s = e.getValue();
          if (s.settled() || s.stamp().equals(currentStamp(e.getKey()))) {
            entries.put(e.getKey(), new ReadCache.Entry(s.stamp(), s.objects()));
          }
        }
        ReadCache.write(cacheFile, root, entries);
        cacheWrites++; // one writer at a time (cacheWriteLock)
        LOG.log(Level.DEBUG, "config read cache {0}: {1} files written in {2} ms", cacheFile, entries.size(),
            (System.nanoTime() - t0) / 1_000_000);
      } catch (IOException | RuntimeException e) {
        // said once (a read-only home directory would say it at every write); restarts just read every file
        LOG.log(cacheWriteFailed ? Level.DEBUG : Level.WARNING, "config read cache " + cacheFile + " not written: " + e
            + " (restarts read every file; --read-cache sets another directory, off none)");
        cacheWriteFailed = true;
      }
    }
  }

  /** The stamp of file {@code f} now, or null when it cannot be read. */
  private static Stamp currentStamp(Path f) {
    try {
      return Stamp.ofFile(Files.readAttributes(f, BasicFileAttributes.class));
    } catch (IOException e) {
      return null;
    }
  }

  static boolean isYaml(String name) {
    return name.endsWith(".yaml") || name.endsWith(".yml");
  }

  /** Hidden entries and editor scratch files: never configuration. */
  static boolean ignored(String name) {
    return name.startsWith(".") || name.endsWith("~") || name.endsWith(".swp") || name.endsWith(".swo")
        || name.endsWith(".swx") || name.startsWith("#") || name.endsWith(".tmp");
  }

  private void writeExample() throws IOException {
    Path file = root.resolve(EXAMPLE_FILE);
    Files.createDirectories(file.getParent());
    Files.writeString(file, EXAMPLE);
    LOG.log(Level.INFO, "created config directory {0} with a commented example in {1}", root, file);
  }

  /**
   * Written on first start. Every line is a comment, so it configures nothing; the lines starting with
   * a single {@code "# "} form a working example once that prefix is removed.
   */
  static final String EXAMPLE = """
      ## Higress-J configuration directory.
      ##
      ## Every *.yaml or *.yml file below this directory is read, in any layout; a file may hold several
      ## objects separated by "---". By convention each object has its own file:
      ##   <root>/<plural>/<name>.yaml, e.g. ingresses/example.yaml, services/echo.yaml,
      ##   endpoints/echo.yaml, secrets/example-tls.yaml
      ## Objects are Kubernetes objects, identified by apiVersion, kind, namespace and name as with
      ## "kubectl apply"; the namespace defaults to "default". Hidden files and editor backups are
      ## ignored. Changes apply within milliseconds, without a restart; a file with an error keeps its
      ## previous objects in effect, and the error is logged.
      ##
      ## This file is all comments, so the gateway serves nothing yet. Remove the leading "# " from the
      ## lines below that start with a single "#" to send http://example.local:8080/ to a server
      ## listening on 127.0.0.1:9001:
      ##   curl -H 'Host: example.local' http://127.0.0.1:8080/
      ##
      # apiVersion: networking.k8s.io/v1
      # kind: Ingress
      # metadata:
      #   name: example
      #   namespace: default
      # spec:
      #   ingressClassName: higress
      #   rules:
      #   - host: example.local
      #     http:
      #       paths:
      #       - path: /
      #         pathType: Prefix
      #         backend:
      #           service:
      #             name: echo
      #             port:
      #               number: 8080
      # ---
      ## The Service names the backend; its port is what the Ingress refers to, its targetPort is where
      ## the server listens.
      # apiVersion: v1
      # kind: Service
      # metadata:
      #   name: echo
      #   namespace: default
      # spec:
      #   ports:
      #   - name: http
      #     port: 8080
      #     targetPort: 9001
      # ---
      ## Without Kubernetes there are no pods: Endpoints say where the Service's servers are.
      # apiVersion: v1
      # kind: Endpoints
      # metadata:
      #   name: echo
      #   namespace: default
      # subsets:
      # - addresses:
      #   - ip: 127.0.0.1
      #   ports:
      #   - name: http
      #     port: 9001
      """;
}
