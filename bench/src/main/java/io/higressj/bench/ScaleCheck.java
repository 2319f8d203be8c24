package io.higressj.bench;

import com.sun.net.httpserver.HttpServer;
import io.higressj.config.ingress.IngressTranslator;
import io.higressj.config.model.Snapshot;
import io.higressj.config.resource.ResourceSet;
import io.higressj.config.source.DirectoryConfigSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Starts the real gateway ({@code bin/higress}, a separate JVM) on a generated directory of N Ingresses
 * (each with its Service and Endpoints, pointing at a small upstream started here) and measures:
 *
 * <ol>
 *   <li>start: from launching the JVM to the first routed response (a route of the last Ingress), and
 *       the CPU the gateway used by then (its JIT compilers' and collector's share);
 *   <li>rewrite: every Ingress file rewritten with new paths, from the last write until the new routes
 *       answer (and the old ones are gone);
 *   <li>change: one Ingress changed among them, from the file write (temporary file + rename) until its
 *       new route answers; median and spread of {@code --changes} rounds, which alternate between a hidden
 *       temporary file and a visible one (as {@code sed -i} and many editors write);
 *   <li>heap: live heap of the gateway with the configuration (after a full GC, {@code jcmd
 *       GC.class_histogram}) against the same gateway with an empty directory, and the retained size of
 *       the Snapshot alone, measured in this JVM by GC;
 *   <li>restarts: the gateway started {@code --restarts} times more (2) on the same files, with the read
 *       cache (in a temporary directory) the earlier runs wrote: the first completes it, the later ones
 *       are the usual restart, on a directory unchanged since the cache was written; with three or more,
 *       the median of those. The last restart then gets {@code --changes} changes of its own, timed as
 *       the first gateway's were: the first changes after a start run cold code;
 *   <li>with {@code --cold N}: N pairs of starts with the files out of the page cache, as after a boot (the
 *       cache is dropped before each start, which needs root): a first start (no read cache) and a restart
 *       with the read cache.
 * </ol>
 *
 * <pre>
 * bench/scale.sh [--ingresses 20000] [--changes 20] [--restarts 2] [--cold 0] [--layout split|bundle] [--dir DIR] [--keep]
 * </pre>
 */
public final class ScaleCheck {
  private static final Pattern READY = Pattern.compile("higress-j ready: http=(\\d+)");
  private static final Pattern FILES_READ = Pattern.compile("\\d[\\d,]* files read in .*\\)");
  private static final Pattern APPLIED = Pattern.compile("config version (\\d+) applied in ([0-9.]+) ms: (\\d+) routes.*?(\\((\\d+) objects changed\\))?$");

  private final Path home;
  private final int ingresses;
  private final int changes;
  private final int restarts;
  private final int cold;
  private final GenerateIngresses.Layout layout;
  private final Path dir;
  private final boolean keep;
  /** every Ingress with a host has a TLS entry, with a Secret per host ({@code --tls}) */
  private final boolean tls;
  /** the path of the probed Ingress that answers now */
  private String probeTag = "v1";
  private final String javaOpts;

  private Path readCache;

  private ScaleCheck(Path home, int ingresses, int changes, int restarts, int cold, GenerateIngresses.Layout layout, Path dir,
      boolean keep, boolean tls, String javaOpts) {
    this.home = home;
    this.ingresses = ingresses;
    this.changes = changes;
    this.restarts = restarts;
    this.cold = cold;
    this.layout = layout;
    this.dir = dir;
    this.keep = keep;
    this.tls = tls;
    this.javaOpts = javaOpts;
  }

  /** A gateway process and what it printed. */
  private static final class Gateway implements AutoCloseable {
    final Process process;
    final long startedNanos;
    final List<String> lines = new CopyOnWriteArrayList<>();
    final List<Long> lineNanos = new CopyOnWriteArrayList<>();
    volatile int port = -1;
    volatile long readyNanos;

    Gateway(Process process, long startedNanos) {
      this.process = process;
      this.startedNanos = startedNanos;
      Thread.ofPlatform().daemon().start(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
          for (String l = r.readLine(); l != null; l = r.readLine()) {
            long now = System.nanoTime();
            lines.add(l);
            lineNanos.add(now);
            Matcher m = READY.matcher(l);
            if (m.find()) {
              readyNanos = now;
              port = Integer.parseInt(m.group(1));
            }
          }
        } catch (IOException e) {
          // the process ended
        }
      });
    }

    int awaitPort(long timeoutMillis) throws InterruptedException {
      long end = System.currentTimeMillis() + timeoutMillis;
      while (port < 0) {
        if (!process.isAlive()) throw new IllegalStateException("gateway exited: " + String.join("\n", lines));
        if (System.currentTimeMillis() > end) throw new IllegalStateException("gateway not ready: " + String.join("\n", lines));
        Thread.sleep(1);
      }
      return port;
    }

    /** What it logged about reading the directory at its start ("60,000 files read in ..."), or "?". */
    String filesRead() {
      return lines.stream().map(FILES_READ::matcher).filter(Matcher::find).map(Matcher::group).findFirst().orElse("?");
    }

    /** The apply times it logged ("config version N applied in X ms ...") since line {@code from}. */
    List<String> appliedSince(int from) {
      List<String> out = new ArrayList<>();
      for (int i = from; i < lines.size(); i++) {
        Matcher m = APPLIED.matcher(lines.get(i));
        if (m.find()) out.add(m.group(0));
      }
      return out;
    }

    /** What it logged about reading and applying since line {@code from}, timed from {@code reference}. */
    List<String> timelineSince(int from, long reference) {
      List<String> out = new ArrayList<>();
      for (int i = from; i < lines.size(); i++) {
        String l = lines.get(i);
        if (!l.contains("rescanned") && !APPLIED.matcher(l).find()) continue;
        int at = l.indexOf(" INFO ");
        out.add(String.format(Locale.ROOT, "%+.0f ms:%s", ms(lineNanos.get(i) - reference), at < 0 ? l : l.substring(at + 5)));
      }
      return out;
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
    }
  }

  private Gateway startGateway(Path configDir) throws IOException {
    List<String> cmd = List.of(home.resolve("bin/higress").toString(), "--config-dir", configDir.toString(),
        "--http-port", "0", "--https-port", "-1", "--admin-port", "-1", "--access-log", "off",
        "--read-cache", readCache.toString());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    if (javaOpts != null) pb.environment().put("JAVA_OPTS", javaOpts);
    long t0 = System.nanoTime();
    return new Gateway(pb.start(), t0);
  }

  /**
   * {@link #changes} rounds of one Ingress rewritten each (250 ms apart), each timed from the write to its
   * new route answering; prints the median, the p90 and every round, under {@code what}. A round's tag
   * ({@code tagPrefix} and its number) names its new path, so each series needs its own prefix.
   */
  private void changeRounds(String what, Gateway gw, HttpProbe http, GenerateIngresses gen, Random rnd, String tagPrefix)
      throws Exception {
    if (changes == 0) return;
    List<Double> latencies = new ArrayList<>();
    List<Double> hiddenTemp = new ArrayList<>();
    List<Double> sedTemp = new ArrayList<>();
    List<String> appliedTimes = new ArrayList<>();
    for (int k = 0; k < changes; k++) {
      int i = rnd.nextInt(ingresses);
      GenerateIngresses.Item it = gen.item(i);
      String tag = tagPrefix + k;
      Thread.sleep(250); // separate rounds: each is its own debounce window
      int before = gw.lines.size();
      long c0 = System.nanoTime();
      // rounds alternate between two ways of writing: a hidden temporary file renamed over the file
      // (as tools such as this generator do), and a visible one (as sed -i and many editors do)
      boolean likeSed = k % 2 == 1;
      if (likeSed) gen.writeIngressLikeSed(dir, i, tag);
      else gen.writeIngress(dir, i, tag);
      long c1 = poll(http, it.requestHost(), it.requestPath(tag), 200, 10_000);
      if (i == ingresses - 1) probeTag = tag;
      latencies.add(ms(c1 - c0));
      (likeSed ? sedTemp : hiddenTemp).add(ms(c1 - c0));
      Thread.sleep(20);
      for (String l : gw.appliedSince(before)) {
        Matcher m = APPLIED.matcher(l);
        if (m.find()) appliedTimes.add(m.group(2));
      }
      if (http.status(it.requestHost(), it.requestPath("v2")) != 404 && !it.requestPath("v2").equals(it.requestPath(tag))) {
        System.out.println("  warning: the old route of " + it.name() + " still answers");
      }
    }
    List<Double> sorted = latencies.stream().sorted().toList();
    System.out.printf(Locale.ROOT, "%s: one Ingress rewritten to its route answering: median %.1f ms, min %.1f, p90 %.1f,"
        + " max %.1f (%d rounds)%n", what, median(sorted), sorted.get(0), sorted.get((int) Math.ceil(sorted.size() * 0.9) - 1),
        sorted.get(sorted.size() - 1), sorted.size());
    if (!sedTemp.isEmpty()) {
      System.out.printf(Locale.ROOT, "  written through a hidden temporary file: median %.1f ms (%d rounds);"
          + " through a visible one, as sed -i does: median %.1f ms (%d rounds)%n",
          median(hiddenTemp.stream().sorted().toList()), hiddenTemp.size(), median(sedTemp.stream().sorted().toList()),
          sedTemp.size());
    }
    System.out.println("  in the order of the rounds, ms: " + latencies.stream()
        .map(d -> String.format(Locale.ROOT, "%.1f", d)).toList());
    System.out.println("  gateway apply times (translate + publish), ms: " + appliedTimes);
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private void run() throws Exception {
    HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
    upstream.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    byte[] ok = "ok\n".getBytes(StandardCharsets.US_ASCII);
    upstream.createContext("/", ex -> {
      ex.getRequestBody().readAllBytes();
      ex.sendResponseHeaders(200, ok.length);
      ex.getResponseBody().write(ok);
      ex.close();
    });
    upstream.start();
    Path empty = Files.createTempDirectory("higressj-empty-");
    readCache = Files.createTempDirectory("higressj-read-cache-"); // none at the first start
    try {
      GenerateIngresses.Spec spec = GenerateIngresses.Spec.defaults(ingresses, upstream.getAddress().getPort()).withLayout(layout);
      GenerateIngresses gen = new GenerateIngresses(spec, 0, tls);
      long t0 = System.nanoTime();
      int files = gen.writeAll(dir, "v1");
      System.out.printf(Locale.ROOT, "generated %d Ingresses (%d exact hosts x %d paths, %d wildcard hosts, %d catch-all paths)"
          + " in %d files (layout %s%s) in %.1f s: %s%n", ingresses, spec.exactHosts(), spec.pathsPerHost(), spec.wildcardHosts(),
          spec.catchAll(), files, layout.name().toLowerCase(Locale.ROOT),
          tls ? ", a TLS entry and Secret per host: " + (spec.exactHosts() + spec.wildcardHosts()) + " certificates" : "",
          (System.nanoTime() - t0) / 1e9, dir);
      int last = ingresses - 1;
      GenerateIngresses.Item probe = gen.item(last);

      // 1. start
      Gateway gw = startGateway(dir);
      try {
        int port = gw.awaitPort(120_000);
        try (HttpProbe http = new HttpProbe("127.0.0.1", port)) {
          long first = poll(http, probe.requestHost(), probe.requestPath("v1"), 200, 60_000);
          String cpu = cpuSoFar(gw.process.pid());
          System.out.printf(Locale.ROOT, "start: JVM launch to first routed response %.0f ms (ready line at %.0f ms)%n",
              ms(first - gw.startedNanos), ms(gw.readyNanos - gw.startedNanos));
          System.out.println("  " + cpu);
          for (String l : gw.appliedSince(0)) System.out.println("  gateway: " + l);
          checkSample(http, gen, "v1", 200);

          // 2. rewrite every Ingress
          int from = gw.lines.size();
          long w0 = System.nanoTime();
          gen.rewriteIngresses(dir, "v2");
          long w1 = System.nanoTime();
          long seen = poll(http, probe.requestHost(), probe.requestPath("v2"), 200, 60_000);
          int stale = checkSample(http, gen, "v2", 200);
          long all = System.nanoTime();
          System.out.printf(Locale.ROOT, "rewrite: %d Ingress files written in %.0f ms; last one answering %.0f ms after the last"
              + " write; sample of 200 checked by %.0f ms%s%n", ingresses, ms(w1 - w0), ms(seen - w1), ms(all - w1),
              stale == 0 ? "" : " (" + stale + " not yet)");
          Thread.sleep(500); // let late batches land before counting them
          List<String> applied = gw.appliedSince(from);
          System.out.println("  gateway applied " + applied.size() + " versions for the rewrite; the last: "
              + (applied.isEmpty() ? "-" : applied.get(applied.size() - 1)));
          if (System.getenv("SCALE_TIMELINE") != null) {
            for (String l : gw.timelineSince(from, w1)) System.out.println("    " + l);
          }

          // 3. one change at a time
          probeTag = "v2";
          changeRounds("change", gw, http, gen, new Random(7), "c");
        }
        // 4. heap
        long configured = liveHeap(gw.process.pid());
        Gateway bare = startGateway(empty);
        long baseline;
        try {
          bare.awaitPort(60_000);
          baseline = liveHeap(bare.process.pid());
        } finally {
          bare.close();
        }
        System.out.printf(Locale.ROOT, "heap: gateway live heap %.1f MB with the %d Ingresses, %.1f MB with an empty directory:"
            + " %.1f MB for the configuration (objects as read, translator state, snapshot)%n",
            configured / 1e6, ingresses, baseline / 1e6, (configured - baseline) / 1e6);
      } finally {
        gw.close(); // stopped: it writes its read cache
      }

      // 5. restarts on the same files: the first reads those that were written less than 2 s before the
      // gateway read them (their time cannot tell a later write) and completes the read cache; the
      // second is a restart on a directory unchanged since the cache was written
      List<Double> unchanged = new ArrayList<>();
      for (int round = 1; round <= restarts; round++) {
        Gateway again = startGateway(dir);
        try {
          int port = again.awaitPort(120_000);
          try (HttpProbe http = new HttpProbe("127.0.0.1", port)) {
            long first = poll(http, probe.requestHost(), probe.requestPath(probeTag), 200, 60_000);
            String cpu = cpuSoFar(again.process.pid());
            String read = again.filesRead();
            System.out.printf(Locale.ROOT, "restart %d: JVM launch to first routed response %.0f ms; gateway: %s%n", round,
                ms(first - again.startedNanos), read);
            if (round > 1) unchanged.add(ms(first - again.startedNanos));
            System.out.println("  " + cpu);
            // changes right after a restart: the incremental path is cold, and nothing else may compete
            // with it (the read cache's write once did)
            if (round == restarts) changeRounds("change after restart " + round, again, http, gen, new Random(8), "r");
          }
        } finally {
          again.close();
        }
      }
      if (unchanged.size() >= 2) {
        List<Double> sorted = unchanged.stream().sorted().toList();
        System.out.printf(Locale.ROOT, "restarts on an unchanged directory (2 to %d): median %.0f ms, min %.0f, max %.0f%n",
            restarts, median(sorted), sorted.get(0), sorted.get(sorted.size() - 1));
      }
      coldStarts(probe);
      snapshotHeap();
    } finally {
      upstream.stop(0);
      if (!keep) deleteTree(dir);
      deleteTree(empty);
      deleteTree(readCache);
    }
  }

  /**
   * 6. {@link #cold} pairs of starts with the page cache dropped first: a first start (an empty read cache)
   * and a restart (the read cache the first start wrote), each timed to its first routed response.
   */
  private void coldStarts(GenerateIngresses.Item probe) throws Exception {
    if (cold == 0) return;
    Path dropCaches = Path.of("/proc/sys/vm/drop_caches");
    if (!Files.isWritable(dropCaches)) {
      System.out.println("cold starts: skipped (dropping the page cache needs root: " + dropCaches + " is not writable)");
      return;
    }
    Path kept = readCache;
    List<Double> first = new ArrayList<>();
    List<Double> again = new ArrayList<>();
    try {
      for (int round = 1; round <= cold; round++) {
        readCache = Files.createTempDirectory("higressj-read-cache-");
        try {
          for (List<Double> into : List.of(first, again)) {
            new ProcessBuilder("sync").inheritIO().start().waitFor();
            Files.writeString(dropCaches, "3");
            Gateway gw = startGateway(dir);
            try {
              int port = gw.awaitPort(300_000);
              try (HttpProbe http = new HttpProbe("127.0.0.1", port)) {
                long at = poll(http, probe.requestHost(), probe.requestPath(probeTag), 200, 300_000);
                String read = gw.filesRead();
                into.add(ms(at - gw.startedNanos));
                System.out.printf(Locale.ROOT, "cold %s %d: JVM launch to first routed response %.0f ms; gateway: %s%n",
                    into == first ? "first start" : "restart", round, ms(at - gw.startedNanos), read);
              }
            } finally {
              gw.close(); // the first start writes the read cache the restart uses
            }
          }
        } finally {
          deleteTree(readCache);
        }
      }
    } finally {
      readCache = kept;
    }
    for (List<Double> l : List.of(first, again)) {
      List<Double> sorted = l.stream().sorted().toList();
      System.out.printf(Locale.ROOT, "cold %s: median %.0f ms, min %.0f, max %.0f%n", l == first ? "first starts" : "restarts",
          median(sorted), sorted.get(0), sorted.get(sorted.size() - 1));
    }
  }

  /** Polls until {@code GET path} answers {@code status}; returns System.nanoTime() then. */
  private static long poll(HttpProbe http, String host, String path, int status, long timeoutMillis) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (true) {
      int s = http.status(host, path);
      long now = System.nanoTime();
      if (s == status) return now;
      if (now > end) throw new IllegalStateException(host + path + ": still " + s + " after " + timeoutMillis + " ms");
      if (s < 0) Thread.sleep(1);
    }
  }

  /** Checks 200 random Ingresses answer on their {@code tag} paths; returns how many do not yet (after waiting a little). */
  private int checkSample(HttpProbe http, GenerateIngresses gen, String tag, int status) throws InterruptedException {
    Random rnd = new Random(11);
    int missing = 0;
    for (int k = 0; k < 200; k++) {
      GenerateIngresses.Item it = gen.item(rnd.nextInt(ingresses));
      try {
        poll(http, it.requestHost(), it.requestPath(tag), status, 3000);
      } catch (IllegalStateException e) {
        missing++;
      }
    }
    return missing;
  }

  private static double median(List<Double> sorted) {
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /**
   * The CPU the gateway's process has used so far and the part of its JIT compiler and collector threads,
   * from {@code /proc} (Linux; clock ticks of 10 ms). On a machine with few cores a start is bound by
   * CPU, so this moves less from run to run than the wall time does. Exited threads count in the total
   * only.
   */
  private static String cpuSoFar(long pid) {
    Path proc = Path.of("/proc", Long.toString(pid));
    if (!Files.isDirectory(proc)) return "process CPU: not available here (no /proc)";
    try {
      long total = ticks(Files.readString(proc.resolve("stat")));
      long compilers = 0;
      long collector = 0;
      try (Stream<Path> tasks = Files.list(proc.resolve("task"))) {
        for (Path t : (Iterable<Path>) tasks::iterator) {
          String stat;
          try {
            stat = Files.readString(t.resolve("stat"));
          } catch (IOException gone) {
            continue; // the thread ended meanwhile
          }
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) compilers += ticks(stat);
          else if (name.startsWith("GC Thread") || name.startsWith("VM Thread")) collector += ticks(stat);
        }
      }
      return String.format(Locale.ROOT, "process CPU by then %.2f s: JIT compilers %.2f s, collector and VM thread %.2f s,"
          + " the rest %.2f s", total / 100.0, compilers / 100.0, collector / 100.0, (total - compilers - collector) / 100.0);
    } catch (IOException | RuntimeException e) {
      return "process CPU: not read (" + e + ")";
    }
  }

  /** utime + stime of a {@code /proc/.../stat} line (fields 14 and 15, after the parenthesised name). */
  private static long ticks(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** Live heap of process {@code pid} after a full GC: the total of {@code jcmd PID GC.class_histogram}. */
  private static long liveHeap(long pid) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    Matcher m = Pattern.compile("Total\\s+(\\d+)\\s+(\\d+)").matcher(out);
    if (!m.find()) throw new IllegalStateException("jcmd gave no histogram: " + out);
    return Long.parseLong(m.group(2));
  }

  /**
   * In this JVM, by heap used after full GCs: the objects as read from the directory, the Snapshot
   * translated from them (what it adds while both live, and what it keeps alone, with the strings it
   * shares with the objects).
   */
  private void snapshotHeap() throws InterruptedException {
    long none = usedAfterGc();
    ResourceSet set = DirectoryConfigSource.readOnce(dir);
    long withSet = usedAfterGc();
    Snapshot snapshot = IngressTranslator.translate(set, IngressTranslator.Options.defaults());
    long withBoth = usedAfterGc();
    int objects = set.resources().size();
    set = null; // only the snapshot stays reachable
    long snapshotOnly = usedAfterGc();
    int routes = snapshot.routes().routeCount();
    int hosts = snapshot.routes().virtualHosts().size();
    int clusters = snapshot.clusters().size();
    java.lang.ref.Reference.reachabilityFence(snapshot);
    System.out.printf(Locale.ROOT, "heap: the %d objects as read: %.1f MB; their Snapshot (%d routes, %d virtual hosts, %d clusters):"
        + " %.1f MB beside them (%.0f bytes per route), %.1f MB alone (with the strings it shares with them)%n",
        objects, (withSet - none) / 1e6, routes, hosts, clusters, (withBoth - withSet) / 1e6,
        (withBoth - withSet) / (double) routes, (snapshotOnly - none) / 1e6);
  }

  private static long usedAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(50);
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) return;
    try (Stream<Path> s = Files.walk(p)) {
      for (Path f : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
    }
  }

  public static void main(String[] args) throws Exception {
    int n = 20_000;
    int changes = 20;
    int restarts = 2;
    int cold = 0;
    GenerateIngresses.Layout layout = GenerateIngresses.Layout.SPLIT;
    Path dir = null;
    boolean keep = false;
    boolean tls = false;
    Path home = Path.of(System.getProperty("higressj.home", ".")).toAbsolutePath().normalize();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--ingresses" -> n = Integer.parseInt(args[++i]);
        case "--changes" -> changes = Integer.parseInt(args[++i]);
        case "--restarts" -> restarts = Integer.parseInt(args[++i]);
        case "--cold" -> cold = Integer.parseInt(args[++i]);
        case "--layout" -> layout = GenerateIngresses.Layout.valueOf(args[++i].toUpperCase(Locale.ROOT));
        case "--dir" -> dir = Path.of(args[++i]);
        case "--keep" -> keep = true;
        case "--tls" -> tls = true;
        case "--home" -> home = Path.of(args[++i]).toAbsolutePath().normalize();
        case "-h", "--help" -> {
          System.out.println("usage: ScaleCheck [--ingresses 20000] [--changes 20] [--restarts 2] [--cold 0] [--layout split|bundle]"
              + " [--dir DIR] [--keep] [--tls]"
              + " [--home PROJECT_DIR]");
          return;
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (!Files.isExecutable(home.resolve("bin/higress"))) throw new IllegalArgumentException(home + "/bin/higress not found (--home)");
    if (dir == null) dir = Files.createTempDirectory("higressj-scale-");
    else if (Files.exists(dir) && Files.list(dir).findAny().isPresent()) throw new IllegalArgumentException(dir + " is not empty");
    if (restarts < 0) throw new IllegalArgumentException("--restarts must be 0 or more");
    if (cold < 0) throw new IllegalArgumentException("--cold must be 0 or more");
    new ScaleCheck(home, n, changes, restarts, cold, layout, dir, keep, tls, System.getenv("JAVA_OPTS")).run();
  }
}
