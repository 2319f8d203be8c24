package io.higressj.wasm;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.higressj.api.FilterContext;
import io.higressj.api.HttpFilter;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginFactory;
import io.higressj.api.PluginLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A proxy-wasm module as a plugin. The module is compiled once; each thread that runs the plugin
 * (each event loop) gets its own instance, created on first use there. An instance that traps is
 * discarded and the next request on that thread gets a fresh one.
 */
public final class WasmPluginFactory implements PluginFactory<WasmPluginConfig>, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final WasmHost host;
  private final String name;
  private final WasmModule module;
  private final Function<Instance, Machine> machineFactory;
  private final boolean compiled;
  private final Set<String> exports;
  private final Map<Thread, PluginVm> vms = new ConcurrentHashMap<>();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong instancesCreated = new AtomicLong();
  private final int errorMetric;
  private final System.Logger logger;
  private final Set<String> unimplementedSeen = ConcurrentHashMap.newKeySet();
  private volatile long lastErrorLogNanos;
  private final AtomicLong suppressedErrors = new AtomicLong();

  WasmPluginFactory(
      WasmHost host,
      String name,
      WasmModule module,
      Function<Instance, Machine> machineFactory,
      boolean compiled,
      Set<String> exports) {
    this.host = Objects.requireNonNull(host, "host");
    this.name = Objects.requireNonNull(name, "name");
    this.module = module;
    this.machineFactory = machineFactory;
    this.compiled = compiled;
    this.exports = Set.copyOf(exports);
    this.errorMetric =
        host.metrics().define(WasmMetricRegistry.Type.COUNTER, "wasm_plugin_errors." + name);
    this.logger = System.getLogger("io.higressj.wasm." + name);
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * Serializes the configuration to JSON and runs {@code proxy_on_configure} with it on a probe
   * instance: a plugin that answers false (or traps) rejects it.
   */
  @Override
  public WasmPluginConfig parseConfig(Map<String, Object> config) throws PluginConfigException {
    String json;
    try {
      json = JSON.writeValueAsString(config == null ? Map.of() : config);
    } catch (JsonProcessingException e) {
      throw new PluginConfigException("config", "not representable as JSON: " + e.getMessage());
    }
    WasmPluginConfig parsed = new WasmPluginConfig(json);
    PluginVm probe = null;
    try {
      probe = new PluginVm(this, null);
      probe.start();
      if (probe.root(parsed) == null) {
        throw new PluginConfigException(
            "config", "rejected by wasm plugin " + name + " (proxy_on_configure returned false)");
      }
    } catch (WasmFilterException e) {
      throw new PluginConfigException(
          "config", "wasm plugin " + name + " failed to configure: " + e.getCause());
    } finally {
      if (probe != null) {
        probe.discard();
      }
    }
    return parsed;
  }

  @Override
  public HttpFilter create(WasmPluginConfig config) {
    return new WasmFilter(this, Objects.requireNonNull(config, "config"));
  }

  /** the metrics of every Wasm plugin of this host, this plugin's error counter included */
  public WasmMetricRegistry metrics() {
    return host.metrics();
  }

  /** traps, exits and host errors so far */
  public long errorCount() {
    return errors.get();
  }

  /** instances alive (one per thread that ran the plugin) */
  public int instanceCount() {
    return vms.size();
  }

  /** instances created so far, replacements included */
  public long instancesCreated() {
    return instancesCreated.get();
  }

  /** true when the module runs compiled to JVM bytecode, false on the interpreter */
  public boolean compiled() {
    return compiled;
  }

  /**
   * The plugin is removed or replaced: on each instance's own thread its timers stop, its queue
   * registrations go and its idle root contexts get {@code proxy_on_done} and {@code
   * proxy_on_delete}. Requests in flight finish on their instances, undisturbed; new requests of a
   * closed factory get new instances.
   */
  @Override
  public void close() {
    for (PluginVm vm : new ArrayList<>(vms.values())) {
      // an instance is only touched on its own thread
      try {
        vm.executor.execute(vm::shutdown);
      } catch (RuntimeException e) {
        vm.discard(); // the loop is gone
      }
    }
    vms.clear();
  }

  // ---------------------------------------------------------------- for the host

  WasmHost host() {
    return host;
  }

  WasmModule module() {
    return module;
  }

  Function<Instance, Machine> machineFactory() {
    return machineFactory;
  }

  boolean exported(String export) {
    return exports.contains(export);
  }

  String vmId() {
    return name;
  }

  String rootId() {
    return name;
  }

  SharedData sharedData() {
    return host.data(vmId());
  }

  SharedQueues queues() {
    return host.queues(vmId());
  }

  /** this thread's instance, created (and started) on first use */
  PluginVm vm(FilterContext ctx) {
    Thread t = Thread.currentThread();
    PluginVm vm = vms.get(t);
    if (vm != null && !vm.broken) {
      return vm;
    }
    try {
      vm = new PluginVm(this, ctx.eventLoop());
    } catch (RuntimeException e) {
      throw failed(null, "instantiate", e);
    }
    instancesCreated.incrementAndGet();
    vms.put(t, vm);
    vm.start();
    return vm;
  }

  /** counts and logs an error and discards the instance; the exception goes to the filter runner */
  WasmFilterException failed(PluginVm vm, String where, Throwable t) {
    if (vm != null) {
      vm.discard();
      vms.remove(vm.thread, vm);
    }
    errors.incrementAndGet();
    host.metrics().increment(errorMetric, 1);
    Throwable cause = t instanceof PluginVm.GuestTrap ? t.getCause() : t;
    String message = where + ": " + describe(cause);
    long now = System.nanoTime();
    if (now - lastErrorLogNanos > 1_000_000_000L) {
      long suppressed = suppressedErrors.getAndSet(0);
      lastErrorLogNanos = now;
      logger.log(
          System.Logger.Level.ERROR,
          "wasm plugin " + name + " failed in " + message + ", instance discarded"
              + (suppressed > 0 ? " (" + suppressed + " more errors in the last second)" : ""));
    } else {
      suppressedErrors.incrementAndGet();
    }
    return new WasmFilterException(name, message, cause);
  }

  WasmFilterException rejected(String json) {
    errors.incrementAndGet();
    host.metrics().increment(errorMetric, 1);
    return new WasmFilterException(name, "proxy_on_configure rejected " + json, null);
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : " " + m);
  }

  void log(int level, String message, HttpStream s) {
    PluginLog log = s == null ? null : s.ctx.log();
    if (log != null) {
      switch (level) {
        case Abi.LOG_TRACE, Abi.LOG_DEBUG -> log.debug(message);
        case Abi.LOG_INFO -> log.info(message);
        case Abi.LOG_WARN -> log.warn(message);
        default -> log.error(message, null);
      }
      return;
    }
    System.Logger.Level l =
        switch (level) {
          case Abi.LOG_TRACE -> System.Logger.Level.TRACE;
          case Abi.LOG_DEBUG -> System.Logger.Level.DEBUG;
          case Abi.LOG_INFO -> System.Logger.Level.INFO;
          case Abi.LOG_WARN -> System.Logger.Level.WARNING;
          default -> System.Logger.Level.ERROR;
        };
    logger.log(l, message);
  }

  int logLevel() {
    if (logger.isLoggable(System.Logger.Level.TRACE)) {
      return Abi.LOG_TRACE;
    }
    return logger.isLoggable(System.Logger.Level.DEBUG) ? Abi.LOG_DEBUG : Abi.LOG_INFO;
  }

  void unimplemented(String function) {
    if (unimplementedSeen.add(function)) {
      logger.log(
          System.Logger.Level.INFO,
          "wasm plugin " + name + " called " + function + ", which this host does not implement");
    }
  }

  /** for tests: the functions called that answered Unimplemented */
  List<String> unimplementedCalls() {
    return List.copyOf(unimplementedSeen);
  }
}
