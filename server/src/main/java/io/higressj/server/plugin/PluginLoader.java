package io.higressj.server.plugin;

import io.higressj.api.PluginFactory;
import io.higressj.config.plugin.PluginChain;
import io.higressj.config.plugin.PluginChains;
import io.higressj.config.plugin.PluginRegistry;
import io.higressj.config.plugin.WasmModuleResolver;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's {@link PluginRegistry}. A plugin name is served by, in this order: a user's jar in
 * {@code <config-dir>/plugins/*.jar}, a built-in plugin (the {@code META-INF/services} entries of
 * {@link PluginFactory} on the gateway's class path), or the Wasm module resolver (ServiceLoader; none
 * until the Wasm host is on the class path).
 *
 * <p>A built-in plugin whose services entry carries its name ({@code io.higressj.plugins.cors.CorsFactory
 * # name: cors}) is registered under that name at start and its factory is loaded and instantiated at
 * the first lookup: instantiating all of them at start loaded and initialised every plugin's classes
 * (their parsers and patterns; about 20 ms of a start here) for plugins most configurations never use.
 * An entry without a name is instantiated at start, as ServiceLoader would, to learn it.
 *
 * <p>The plugins directory is polled; a new, changed or removed jar changes the registry and the
 * configuration is applied again (the translator parses the configurations of the plugins whose
 * factory changed). A replaced or removed jar's class loader is closed once no published snapshot
 * uses its factories any more: snapshots are tracked with a {@link Cleaner}, so the loader stays open
 * while requests that started on an older snapshot still run.
 */
public final class PluginLoader implements PluginRegistry, AutoCloseable {
  private static final System.Logger LOG = System.getLogger("io.higressj.plugins");
  private static final Cleaner CLEANER = Cleaner.create();
  private static final String SERVICES = "META-INF/services/" + PluginFactory.class.getName();
  private static final String NAME_TAG = "name:";

  private final Path directory;
  private final Duration pollInterval;
  private final Map<String, BuiltIn> builtIn;
  private final WasmModuleResolver wasm;
  private final Map<Path, Jar> jars = new LinkedHashMap<>();
  private volatile Map<String, PluginFactory<?>> fromJars = Map.of();
  private final ConcurrentHashMap<PluginRef, CompletableFuture<PluginFactory<?>>> modules = new ConcurrentHashMap<>();
  private final Set<Jar> retired = ConcurrentHashMap.newKeySet();
  private volatile Runnable onChange = () -> {};
  private volatile boolean closed;
  private Thread poller;

  /** One loaded jar: its class loader, the factories it registered, how many snapshots use it. */
  static final class Jar {
    final Path path;
    final long size;
    final long modified;
    final URLClassLoader loader;
    /** the private copy the loader reads, deleted with it; null when none */
    Path copy;
    final Map<String, PluginFactory<?>> factories;
    final AtomicInteger snapshotsUsing = new AtomicInteger();
    volatile boolean closed;

    Jar(Path path, long size, long modified, URLClassLoader loader, Map<String, PluginFactory<?>> factories) {
      this.path = path;
      this.size = size;
      this.modified = modified;
      this.loader = loader;
      this.factories = factories;
    }
  }

  /**
   * A built-in plugin: its factory class, instantiated at the first {@link #resolve()} (or at start when
   * its services entry does not name it). The outcome, a factory or why there is none, is kept: a class
   * that failed to initialise does not succeed later.
   */
  static final class BuiltIn {
    /** the name its services entry gives, or null when none */
    final String declaredName;
    final String className;
    private final ClassLoader loader;
    private Lookup resolved;

    BuiltIn(String declaredName, String className, ClassLoader loader) {
      this.declaredName = declaredName;
      this.className = className;
      this.loader = loader;
    }

    synchronized Lookup resolve() {
      if (resolved != null) return resolved;
      String what = "built-in plugin " + (declaredName != null ? declaredName + " (" + className + ")" : className);
      try {
        Class<?> c = Class.forName(className, true, loader);
        if (!PluginFactory.class.isAssignableFrom(c)) {
          resolved = new Missing(what + " cannot be loaded: not an " + PluginFactory.class.getName());
        } else {
          PluginFactory<?> f = (PluginFactory<?>) c.getConstructor().newInstance();
          resolved = declaredName == null || declaredName.equals(f.name()) ? new Found(f)
              : new Missing(what + " cannot be loaded: its factory's name is " + f.name()
                  + " (fix the name in META-INF/services/" + PluginFactory.class.getName() + ")");
        }
      } catch (InvocationTargetException e) {
        resolved = new Missing(what + " cannot be loaded: " + e.getCause());
      } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
        resolved = new Missing(what + " cannot be loaded: " + e);
      }
      if (resolved instanceof Missing m) LOG.log(System.Logger.Level.WARNING, m.message());
      return resolved;
    }
  }

  /**
   * The built-in plugins by name, from every {@code META-INF/services/io.higressj.api.PluginFactory}
   * that {@code loader} sees, in class path order (the first of a name wins, as with ServiceLoader).
   */
  static Map<String, BuiltIn> builtIns(ClassLoader loader) {
    Map<String, BuiltIn> out = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    Enumeration<URL> files;
    try {
      files = loader.getResources(SERVICES);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot list the built-in plugins: " + e);
      return out;
    }
    while (files.hasMoreElements()) {
      URL file = files.nextElement();
      List<String> lines;
      try {
        var connection = file.openConnection();
        connection.setUseCaches(false); // as ServiceLoader: no shared JarFile kept open by the URL cache
        try (var in = connection.getInputStream()) {
          lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
      } catch (IOException e) {
        LOG.log(System.Logger.Level.WARNING, "cannot read " + file + ", its plugins are left out: " + e);
        continue;
      }
      for (String line : lines) {
        int hash = line.indexOf('#');
        String className = (hash < 0 ? line : line.substring(0, hash)).strip();
        if (className.isEmpty() || !seen.add(className)) continue;
        String name = hash < 0 ? null : declaredName(line.substring(hash + 1));
        BuiltIn b = new BuiltIn(name, className, loader);
        if (name != null) {
          out.putIfAbsent(name, b);
        } else if (b.resolve() instanceof Found found) {
          out.putIfAbsent(found.factory().name(), b);
        } // else: logged by resolve(), left out
      }
    }
    return out;
  }

  /** {@code x} from a services entry's comment {@code name: x}; null when the comment is something else */
  private static String declaredName(String comment) {
    String c = comment.strip();
    if (!c.startsWith(NAME_TAG)) return null;
    String name = c.substring(NAME_TAG.length()).strip();
    return name.isEmpty() ? null : name;
  }

  /**
   * @param directory where users' plugin jars are ({@code <config-dir>/plugins}); it need not exist
   * @param wasm the Wasm seam, or null to find one with ServiceLoader (and without one: none)
   */
  public PluginLoader(Path directory, WasmModuleResolver wasm, Duration pollInterval) {
    this.directory = directory;
    this.pollInterval = pollInterval;
    this.builtIn = builtIns(PluginLoader.class.getClassLoader());
    this.wasm = wasm != null ? wasm
        : ServiceLoader.load(WasmModuleResolver.class, PluginLoader.class.getClassLoader()).findFirst().orElse(null);
  }

  public PluginLoader(Path directory) {
    this(directory, null, Duration.ofMillis(250));
  }

  /** Loads the jars present now and starts watching; {@code onChange} runs (on another thread) after each change. */
  public synchronized void start(Runnable onChange) {
    this.onChange = onChange;
    scan();
    poller = Thread.ofVirtual().name("plugin-jars").start(this::poll);
  }

  /** Names of the built-in plugins (known without loading their factories). */
  public Set<String> builtInNames() {
    return Set.copyOf(builtIn.keySet());
  }

  @Override
  public Lookup lookup(PluginRef ref) {
    PluginFactory<?> f = fromJars.get(ref.name());
    if (f != null) return new Found(f);
    BuiltIn b = builtIn.get(ref.name());
    if (b != null) return b.resolve();
    if (wasm == null) return new Missing(PluginRegistry.missingMessage(ref.name()));
    CompletableFuture<PluginFactory<?>> module = modules.computeIfAbsent(ref, r -> {
      CompletableFuture<PluginFactory<?>> started;
      try {
        started = wasm.resolve(r);
      } catch (RuntimeException e) {
        started = CompletableFuture.failedFuture(e);
      }
      started.whenComplete((x, t) -> changed());
      return started;
    });
    if (!module.isDone()) return new Pending("fetching the Wasm module of " + ref.name() + " from " + ref.url());
    try {
      return new Found(module.join());
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if ("Always".equals(ref.imagePullPolicy())) modules.remove(ref, module); // try again on the next change
      return new Missing("loading the Wasm module " + ref.url() + " failed: " + cause.getMessage());
    }
  }

  /**
   * Counts {@code chains} (just published) as a user of the jars its factories come from, until it is
   * garbage: then a retired jar nobody uses any more is closed.
   */
  public void retain(PluginChains chains) {
    Set<Jar> using = new HashSet<>();
    Map<ClassLoader, Jar> byLoader = new HashMap<>();
    synchronized (this) {
      for (Jar j : jars.values()) byLoader.put(j.loader, j);
      for (Jar j : retired) byLoader.put(j.loader, j);
    }
    if (byLoader.isEmpty()) return;
    for (PluginChain c : chains.chains()) {
      for (var b : c.bindings()) {
        Jar j = byLoader.get(b.factory().getClass().getClassLoader());
        if (j != null) using.add(j);
      }
    }
    if (using.isEmpty()) return;
    for (Jar j : using) j.snapshotsUsing.incrementAndGet();
    List<Jar> list = List.copyOf(using);
    CLEANER.register(chains, () -> {
      for (Jar j : list) {
        if (j.snapshotsUsing.decrementAndGet() == 0) closeIfRetired(j);
      }
    });
  }

  /** Whether the class loader of a jar that was at {@code path} is still open (for tests). */
  public boolean retiredLoaderOpen(Path path) {
    for (Jar j : retired) {
      if (j.path.equals(path) && !j.closed) return true;
    }
    return false;
  }

  private void closeIfRetired(Jar j) {
    if (!retired.contains(j) || j.snapshotsUsing.get() > 0) return;
    retired.remove(j);
    j.closed = true;
    try {
      j.loader.close();
      if (j.copy != null) Files.deleteIfExists(j.copy);
      LOG.log(System.Logger.Level.INFO, "closed the class loader of replaced plugin jar " + j.path);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "closing the class loader of " + j.path + ": " + e);
    }
  }

  private void poll() {
    while (!closed) {
      try {
        Thread.sleep(pollInterval.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      if (scan()) changed();
    }
  }

  private void changed() {
    if (closed) return;
    Thread.ofVirtual().name("plugin-reapply").start(() -> {
      try {
        onChange.run();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "applying the configuration after a plugin change failed", e);
      }
    });
  }

  /** Brings the jars in line with the directory; true when something changed. */
  synchronized boolean scan() {
    Map<Path, BasicFileAttributes> present = new HashMap<>();
    if (Files.isDirectory(directory)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(directory, "*.jar")) {
        for (Path p : ds) {
          try {
            present.put(p, Files.readAttributes(p, BasicFileAttributes.class));
          } catch (IOException e) {
            // vanished meanwhile
          }
        }
      } catch (IOException e) {
        LOG.log(System.Logger.Level.WARNING, "reading plugin directory " + directory + ": " + e);
      }
    }
    boolean changed = false;
    for (var it = jars.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      BasicFileAttributes a = present.get(e.getKey());
      Jar j = e.getValue();
      if (a == null || a.size() != j.size || a.lastModifiedTime().toMillis() != j.modified) {
        it.remove();
        retire(j);
        changed = true;
        LOG.log(System.Logger.Level.INFO, (a == null ? "removed" : "replaced") + " plugin jar " + j.path);
      }
    }
    for (var e : present.entrySet()) {
      if (jars.containsKey(e.getKey())) continue;
      Jar j = load(e.getKey(), e.getValue());
      if (j != null) {
        jars.put(e.getKey(), j);
        changed = true;
      }
    }
    if (changed) {
      Map<String, PluginFactory<?>> all = new HashMap<>();
      for (Jar j : jars.values()) j.factories.forEach(all::putIfAbsent);
      fromJars = Map.copyOf(all);
    }
    return changed;
  }

  private void retire(Jar j) {
    retired.add(j);
    if (j.snapshotsUsing.get() == 0) closeIfRetired(j);
  }

  private Jar load(Path p, BasicFileAttributes a) {
    URLClassLoader loader = null;
    try {
      // read from a private copy: the file may be replaced while its classes are in use
      Path copy = Files.createTempFile("higress-plugin-", ".jar");
      Files.copy(p, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      copy.toFile().deleteOnExit();
      loader = new URLClassLoader("plugin:" + p.getFileName(), new URL[] {copy.toUri().toURL()},
          PluginLoader.class.getClassLoader());
      Map<String, PluginFactory<?>> factories = new LinkedHashMap<>();
      for (PluginFactory<?> f : ServiceLoader.load(PluginFactory.class, loader)) {
        if (f.getClass().getClassLoader() != loader) continue; // the gateway's own, seen through the parent
        factories.putIfAbsent(f.name(), f);
      }
      if (factories.isEmpty()) {
        LOG.log(System.Logger.Level.WARNING, "plugin jar " + p + " registers no io.higressj.api.PluginFactory"
            + " (META-INF/services/io.higressj.api.PluginFactory)");
      } else {
        LOG.log(System.Logger.Level.INFO, "loaded plugin jar " + p + ": " + factories.keySet());
      }
      Jar j = new Jar(p, a.size(), a.lastModifiedTime().toMillis(), loader, Map.copyOf(factories));
      j.copy = copy;
      return j;
    } catch (IOException | RuntimeException | java.util.ServiceConfigurationError | LinkageError e) {
      LOG.log(System.Logger.Level.WARNING, "cannot load plugin jar " + p + ": " + e);
      if (loader != null) {
        try {
          loader.close();
        } catch (IOException ignored) {
          // nothing more to do
        }
      }
      // remember it as loaded-with-nothing, so a broken jar is not retried until it changes
      return new Jar(p, a.size(), a.lastModifiedTime().toMillis(), new URLClassLoader(new URL[0]), Map.of());
    }
  }

  @Override
  public void close() {
    closed = true;
    if (poller != null) poller.interrupt();
  }
}
