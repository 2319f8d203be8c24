package io.higressj.wasm;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportMemory;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.MemoryImport;
import com.dylibso.chicory.wasm.types.ValType;
import io.higressj.api.CalloutRequest;
import io.higressj.api.CalloutResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One instance of a plugin's module with its host state: root contexts (one per configuration),
 * HTTP contexts, HTTP calls in flight, tick timers. Used by one thread only (the event loop it was
 * created on); never re-entered: work that arrives while the guest runs is deferred.
 */
final class PluginVm {
  /** most root contexts kept per instance; the least recently used idle one goes first */
  private static final int MAX_ROOT_CONTEXTS = 64;

  final WasmPluginFactory plugin;
  final ScheduledExecutorService executor; // null for a probe instance
  final Thread thread = Thread.currentThread();
  private final Instance instance;
  private final Map<String, ExportFunction> exports = new HashMap<>();
  private final Map<String, Integer> paramCounts = new HashMap<>();

  boolean broken;
  private int depth;
  private final List<Runnable> afterCall = new ArrayList<>();
  private int nextContextId = 1;
  private int effective;
  private final Map<Integer, RootContext> roots = new HashMap<>();
  private final Map<WasmPluginConfig, RootContext> rootsByConfig = new IdentityHashMap<>();
  private final Map<Integer, HttpStream> streams = new HashMap<>();
  private int nextCallId = 1;
  private final Map<Integer, PendingCall> calls = new HashMap<>();

  // buffers visible only during one callback
  private byte[] configuration; // proxy_on_configure / proxy_on_vm_start
  private int configurationType = -1;
  private CalloutResponse callResponse; // proxy_on_http_call_response
  // WASI stdout and stderr, logged a line at a time
  private static final int MAX_LOG_LINE = 16 * 1024;
  private final java.io.ByteArrayOutputStream stdout = new java.io.ByteArrayOutputStream();
  private final java.io.ByteArrayOutputStream stderr = new java.io.ByteArrayOutputStream();

  final class RootContext {
    final int id;
    final WasmPluginConfig config;
    ScheduledFuture<?> tick;
    int streams;
    long lastUsed;

    RootContext(int id, WasmPluginConfig config) {
      this.id = id;
      this.config = config;
    }
  }

  record PendingCall(int rootId, int streamId) {}

  PluginVm(WasmPluginFactory plugin, ScheduledExecutorService executor) {
    this.plugin = plugin;
    this.executor = executor;
    WasmModule module = plugin.module();
    ImportValues.Builder imports = ImportValues.builder();
    for (int i = 0; i < module.importSection().importCount(); i++) {
      Import imp = module.importSection().getImport(i);
      if (imp instanceof FunctionImport fi) {
        FunctionType type = module.typeSection().getType(fi.typeIndex());
        imports.addFunction(link(fi.module(), fi.name(), type));
      } else if (imp instanceof MemoryImport mi) {
        imports.addMemory(new ImportMemory(mi.module(), mi.name(), new ByteArrayMemory(mi.limits())));
      }
    }
    this.instance =
        Instance.builder(module)
            .withImportValues(imports.build())
            .withMachineFactory(plugin.machineFactory())
            .withStart(false)
            .build();
  }

  // ---------------------------------------------------------------- lifecycle

  /** runs the module's own initialisation ({@code _initialize} or {@code _start}) */
  void start() {
    if (plugin.exported("_initialize")) {
      call(0, "_initialize");
    } else if (plugin.exported("_start")) {
      call(0, "_start");
    }
  }

  /**
   * The root context of {@code config}, created (context_create, vm_start, configure) on first use.
   * Returns null when the plugin rejects the configuration.
   */
  RootContext root(WasmPluginConfig config) {
    RootContext root = rootsByConfig.get(config);
    if (root != null) {
      root.lastUsed = System.nanoTime();
      return root;
    }
    evictIdleRoots();
    root = new RootContext(nextContextId++, config);
    roots.put(root.id, root);
    rootsByConfig.put(config, root);
    root.lastUsed = System.nanoTime();
    call(root.id, "proxy_on_context_create", root.id, 0);
    byte[] vmConfig = new byte[0];
    if (!configure(root, "proxy_on_vm_start", Abi.BUFFER_VM_CONFIGURATION, vmConfig)
        || !configure(
            root, "proxy_on_configure", Abi.BUFFER_PLUGIN_CONFIGURATION, config.bytes())) {
      rootsByConfig.remove(config);
      roots.remove(root.id);
      cancelTick(root);
      return null;
    }
    return root;
  }

  private boolean configure(RootContext root, String export, int bufferType, byte[] data) {
    if (!plugin.exported(export)) {
      return true;
    }
    configuration = data;
    configurationType = bufferType;
    try {
      return call(root.id, export, root.id, data.length) != 0;
    } finally {
      configuration = null;
      configurationType = -1;
    }
  }

  private void evictIdleRoots() {
    while (rootsByConfig.size() >= MAX_ROOT_CONTEXTS) {
      RootContext oldest = null;
      for (RootContext r : rootsByConfig.values()) {
        if (r.streams == 0 && (oldest == null || r.lastUsed < oldest.lastUsed)) {
          oldest = r;
        }
      }
      if (oldest == null) {
        return;
      }
      rootsByConfig.remove(oldest.config);
      cancelTick(oldest);
      call(oldest.id, "proxy_on_done", oldest.id);
      call(oldest.id, "proxy_on_delete", oldest.id);
      roots.remove(oldest.id);
    }
  }

  HttpStream newStream(RootContext root, io.higressj.api.FilterContext ctx) {
    HttpStream s = new HttpStream(nextContextId++, root, ctx);
    streams.put(s.id, s);
    root.streams++;
    call(s.id, "proxy_on_context_create", s.id, root.id);
    return s;
  }

  void endStream(HttpStream s) {
    try {
      call(s.id, "proxy_on_done", s.id);
      call(s.id, "proxy_on_log", s.id);
      call(s.id, "proxy_on_delete", s.id);
    } finally {
      streams.remove(s.id);
      s.root.streams--;
    }
  }

  /**
   * The plugin is removed or replaced: timers stop, queue registrations go, idle root contexts are
   * told (on_done, on_delete). Requests in flight finish on this instance.
   */
  void shutdown() {
    for (RootContext r : roots.values()) {
      cancelTick(r);
    }
    plugin.host().forget(this);
    try {
      for (RootContext r : new ArrayList<>(roots.values())) {
        if (!broken && r.streams == 0) {
          call(r.id, "proxy_on_done", r.id);
          call(r.id, "proxy_on_delete", r.id);
          roots.remove(r.id);
          rootsByConfig.remove(r.config);
        }
      }
    } catch (WasmFilterException e) {
      // counted and logged by plugin.failed
    }
  }

  /** stops timers and forgets queue registrations: the instance is no longer used */
  void discard() {
    broken = true;
    for (RootContext r : roots.values()) {
      cancelTick(r);
    }
    plugin.host().forget(this);
  }

  // ---------------------------------------------------------------- calls into the guest

  /**
   * Calls an export with {@code contextId} as the effective context. Missing exports answer 0. A
   * trap, an exit or an exception discards this instance and is rethrown as {@link
   * WasmFilterException}.
   */
  int call(int contextId, String name, long... args) {
    if (broken) {
      throw new WasmFilterException(plugin.name(), "instance was discarded after an error", null);
    }
    ExportFunction f = export(name);
    if (f == null) {
      return 0;
    }
    int params = paramCounts.computeIfAbsent(name, n -> instance.exportType(n).params().size());
    long[] actual = args.length == params ? args : java.util.Arrays.copyOf(args, params);
    int saved = effective;
    effective = contextId;
    depth++;
    long[] result;
    try {
      result = f.apply(actual);
    } catch (WasmFilterException e) {
      throw e;
    } catch (Throwable t) {
      ProcExit exit = cause(t, ProcExit.class);
      if (exit != null && exit.code == 0 && name.equals("_start")) {
        return 0; // exit(0) at the end of main is how some toolchains finish _start
      }
      WasmFilterException nested = cause(t, WasmFilterException.class);
      if (nested != null) {
        throw nested;
      }
      throw plugin.failed(this, name, t);
    } finally {
      depth--;
      effective = saved;
    }
    if (depth == 0 && !afterCall.isEmpty()) {
      List<Runnable> run = new ArrayList<>(afterCall);
      afterCall.clear();
      for (Runnable r : run) {
        r.run();
      }
    }
    return result == null || result.length == 0 ? 0 : (int) result[0];
  }

  static <T extends Throwable> T cause(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }

  private ExportFunction export(String name) {
    if (!plugin.exported(name)) {
      return null;
    }
    return exports.computeIfAbsent(name, instance::export);
  }

  /** runs now when no guest code is running, else right after the outermost call returns */
  private void afterGuest(Runnable r) {
    if (depth == 0) {
      r.run();
    } else {
      afterCall.add(r);
    }
  }

  /** for work arriving from outside (callout answers, timers, queues): never re-enter the guest */
  private void onThread(Runnable r) {
    if (depth == 0 && Thread.currentThread() == thread) {
      r.run();
    } else if (executor != null) {
      executor.execute(r);
    }
  }

  /** runs an asynchronous callback; errors discard the instance and are logged */
  private void callback(Runnable r) {
    if (broken) {
      return;
    }
    try {
      r.run();
    } catch (WasmFilterException e) {
      // counted, logged and the instance discarded by plugin.failed; there is no filter callback
      // to throw from (httpCallResponse resumes a request that waited)
    }
  }

  // ---------------------------------------------------------------- memory

  private Memory mem() {
    return instance.memory();
  }

  private byte[] read(long ptr, long len) {
    if (len == 0) {
      return new byte[0];
    }
    return mem().readBytes((int) ptr, (int) len);
  }

  private String string(long ptr, long len) {
    return new String(read(ptr, len), StandardCharsets.UTF_8);
  }

  private void u32(long ptr, int value) {
    mem().writeI32((int) ptr, value);
  }

  /** copies {@code data} into guest memory it allocates, and stores the pointer and size */
  private int copyOut(byte[] data, long ptrPtr, long sizePtr) {
    int ptr = 0;
    if (data.length > 0) {
      ptr = allocate(data.length);
      if (ptr == 0) {
        return Abi.INTERNAL_FAILURE;
      }
      mem().write(ptr, data);
    }
    u32(ptrPtr, ptr);
    u32(sizePtr, data.length);
    return Abi.OK;
  }

  private int allocate(int size) {
    String alloc =
        plugin.exported("proxy_on_memory_allocate")
            ? "proxy_on_memory_allocate"
            : plugin.exported("malloc") ? "malloc" : null;
    if (alloc == null) {
      return 0;
    }
    depth++;
    try {
      long[] r = export(alloc).apply(size);
      return r == null || r.length == 0 ? 0 : (int) r[0];
    } catch (Throwable t) {
      throw new GuestTrap(t);
    } finally {
      depth--;
    }
  }

  /** a trap inside a guest function the host called while serving an import */
  static final class GuestTrap extends RuntimeException {
    GuestTrap(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  /** {@code proc_exit}: ends the guest's call */
  static final class ProcExit extends RuntimeException {
    final int code;

    ProcExit(int code) {
      super("proc_exit(" + code + ")", null, false, false);
      this.code = code;
    }
  }

  // ---------------------------------------------------------------- linking

  private HostFunction link(String module, String name, FunctionType type) {
    HostImports.Impl impl = HostImports.find(module, name);
    if (impl != null && impl.params() == type.params().size() && impl.results() == type.returns().size()) {
      return new HostFunction(
          module,
          name,
          type,
          (inst, args) -> {
            long r;
            try {
              r = impl.body().call(this, args);
            } catch (WasmRuntimeException | IndexOutOfBoundsException e) {
              r = Abi.INVALID_MEMORY_ACCESS; // a pointer outside the guest's memory
            }
            return impl.results() == 0 ? null : new long[] {r};
          });
    }
    // not implemented here: link it anyway so any plugin loads
    int status = module.startsWith("wasi") ? Abi.WASI_ENOSYS : Abi.UNIMPLEMENTED;
    List<ValType> returns = type.returns();
    return new HostFunction(
        module,
        name,
        type,
        (inst, args) -> {
          plugin.unimplemented(module + "." + name);
          if (returns.isEmpty()) {
            return null;
          }
          long[] r = new long[returns.size()];
          if (ValType.I32.equals(returns.get(0))) {
            r[0] = status;
          }
          return r;
        });
  }

  // ---------------------------------------------------------------- host functions: logging, time

  int log(int level, long ptr, long len) {
    plugin.log(level, string(ptr, len), stream(effective));
    return Abi.OK;
  }

  int logLevel(long retPtr) {
    u32(retPtr, plugin.logLevel());
    return Abi.OK;
  }

  int currentTime(long retPtr) {
    mem().writeLong((int) retPtr, Clock.epochNanos());
    return Abi.OK;
  }

  int setTickPeriod(long millis) {
    RootContext root = roots.get(effective);
    if (root == null) {
      return Abi.BAD_ARGUMENT;
    }
    cancelTick(root);
    if (millis > 0 && executor != null) {
      long period = millis & 0xffffffffL;
      root.tick =
          executor.scheduleAtFixedRate(
              () -> onThread(() -> callback(() -> tick(root))), period, period, TimeUnit.MILLISECONDS);
    }
    return Abi.OK;
  }

  private void tick(RootContext root) {
    if (roots.get(root.id) == root) {
      call(root.id, "proxy_on_tick", root.id);
    }
  }

  private static void cancelTick(RootContext root) {
    if (root.tick != null) {
      root.tick.cancel(false);
      root.tick = null;
    }
  }

  int setEffectiveContext(long id) {
    int cid = (int) id;
    if (!roots.containsKey(cid) && !streams.containsKey(cid)) {
      return Abi.BAD_ARGUMENT;
    }
    effective = cid;
    return Abi.OK;
  }

  int done() {
    return Abi.OK;
  }

  // ---------------------------------------------------------------- host functions: buffers

  private byte[] bufferBytes(int type) {
    HttpStream s = stream(effective);
    return switch (type) {
      case Abi.BUFFER_REQUEST_BODY -> s == null || s.requestBody == null ? null : s.requestBody.bytes();
      case Abi.BUFFER_RESPONSE_BODY -> s == null || s.responseBody == null ? null : s.responseBody.bytes();
      case Abi.BUFFER_HTTP_CALL_RESPONSE_BODY -> callResponse == null ? null : callResponse.body();
      case Abi.BUFFER_VM_CONFIGURATION, Abi.BUFFER_PLUGIN_CONFIGURATION ->
          configurationType == type ? configuration : null;
      default -> null;
    };
  }

  int getBufferBytes(int type, long start, long maxSize, long ptrPtr, long sizePtr) {
    byte[] all = bufferBytes(type);
    if (all == null) {
      return Abi.NOT_FOUND;
    }
    int from = (int) Math.min(start & 0xffffffffL, all.length);
    int len = (int) Math.min(maxSize & 0xffffffffL, all.length - from);
    byte[] out = from == 0 && len == all.length ? all : java.util.Arrays.copyOfRange(all, from, from + len);
    return copyOut(out, ptrPtr, sizePtr);
  }

  int getBufferStatus(int type, long lengthPtr, long flagsPtr) {
    byte[] all = bufferBytes(type);
    if (all == null) {
      return Abi.NOT_FOUND;
    }
    u32(lengthPtr, all.length);
    u32(flagsPtr, 0);
    return Abi.OK;
  }

  int setBufferBytes(int type, long start, long size, long dataPtr, long dataLen) {
    HttpStream s = stream(effective);
    io.higressj.api.Body body =
        s == null
            ? null
            : type == Abi.BUFFER_REQUEST_BODY
                ? s.requestBody
                : type == Abi.BUFFER_RESPONSE_BODY ? s.responseBody : null;
    if (body == null) {
      return type == Abi.BUFFER_REQUEST_BODY || type == Abi.BUFFER_RESPONSE_BODY
          ? Abi.NOT_FOUND
          : Abi.BAD_ARGUMENT;
    }
    byte[] old = body.bytes();
    byte[] data = read(dataPtr, dataLen);
    int from = (int) Math.min(start & 0xffffffffL, old.length);
    int to = (int) Math.min(from + (size & 0xffffffffL), old.length);
    byte[] out = new byte[from + data.length + (old.length - to)];
    System.arraycopy(old, 0, out, 0, from);
    System.arraycopy(data, 0, out, from, data.length);
    System.arraycopy(old, to, out, from + data.length, old.length - to);
    body.replace(out);
    return Abi.OK;
  }

  // ---------------------------------------------------------------- host functions: header maps

  private HeaderMap map(int type) {
    HttpStream s = stream(effective);
    return switch (type) {
      case Abi.MAP_REQUEST_HEADERS ->
          s == null || s.requestHeaders == null ? null : new HeaderMap.Request(s.requestHeaders);
      case Abi.MAP_RESPONSE_HEADERS ->
          s == null || s.responseHeaders == null ? null : new HeaderMap.Response(s.responseHeaders);
      case Abi.MAP_HTTP_CALL_RESPONSE_HEADERS -> callResponse == null ? null : callHeaders(callResponse);
      case Abi.MAP_HTTP_CALL_RESPONSE_TRAILERS ->
          callResponse == null ? null : new HeaderMap.ReadOnly(List.of());
      default -> null; // trailers: the SPI carries none
    };
  }

  private static HeaderMap callHeaders(CalloutResponse r) {
    List<Map.Entry<String, String>> pairs = new ArrayList<>();
    pairs.add(Map.entry(":status", Integer.toString(r.status())));
    for (Map.Entry<String, String> e : r.headers()) {
      pairs.add(Map.entry(HeaderMap.lower(e.getKey()), e.getValue()));
    }
    return new HeaderMap.ReadOnly(pairs);
  }

  int getHeaderMapPairs(int type, long ptrPtr, long sizePtr) {
    HeaderMap m = map(type);
    if (m == null) {
      return Abi.NOT_FOUND;
    }
    return copyOut(Pairs.encode(m.pairs()), ptrPtr, sizePtr);
  }

  int setHeaderMapPairs(int type, long ptr, long len) {
    HeaderMap m = map(type);
    if (m == null) {
      return Abi.NOT_FOUND;
    }
    List<Map.Entry<String, String>> pairs = Pairs.decode(read(ptr, len));
    if (pairs == null) {
      return Abi.BAD_ARGUMENT;
    }
    return m.replaceAll(pairs) ? Abi.OK : Abi.BAD_ARGUMENT;
  }

  int getHeaderMapSize(int type, long retPtr) {
    HeaderMap m = map(type);
    if (m == null) {
      return Abi.NOT_FOUND;
    }
    u32(retPtr, Pairs.encode(m.pairs()).length);
    return Abi.OK;
  }

  int getHeaderMapValue(int type, long kPtr, long kLen, long ptrPtr, long sizePtr) {
    HeaderMap m = map(type);
    if (m == null) {
      return Abi.NOT_FOUND;
    }
    String v = m.get(string(kPtr, kLen));
    if (v == null) {
      return Abi.NOT_FOUND;
    }
    return copyOut(v.getBytes(StandardCharsets.UTF_8), ptrPtr, sizePtr);
  }

  int addHeaderMapValue(int type, long kPtr, long kLen, long vPtr, long vLen) {
    HeaderMap m = map(type);
    if (m == null) {
      return Abi.NOT_FOUND;
    }
    return m.add(string(kPtr, kLen), string(vPtr, vLen)) ? Abi.OK : Abi.BAD_ARGUMENT;
  }

  int replaceHeaderMapValue(int type, long kPtr, long kLen, long vPtr, long vLen) {
    HeaderMap m = map(type);
    if (m == null) {
      return Abi.NOT_FOUND;
    }
    return m.replace(string(kPtr, kLen), string(vPtr, vLen)) ? Abi.OK : Abi.BAD_ARGUMENT;
  }

  int removeHeaderMapValue(int type, long kPtr, long kLen) {
    HeaderMap m = map(type);
    if (m == null) {
      return Abi.NOT_FOUND;
    }
    return m.remove(string(kPtr, kLen)) ? Abi.OK : Abi.BAD_ARGUMENT;
  }

  // ---------------------------------------------------------------- host functions: properties

  int getProperty(long pathPtr, long pathLen, long ptrPtr, long sizePtr) {
    List<String> path = Properties.split(read(pathPtr, pathLen));
    HttpStream s = stream(effective);
    RootContext root = s != null ? s.root : roots.get(effective);
    byte[] value = Properties.get(this, root, s, path);
    if (value == null) {
      return Abi.NOT_FOUND;
    }
    return copyOut(value, ptrPtr, sizePtr);
  }

  int setProperty(long pathPtr, long pathLen, long vPtr, long vLen) {
    HttpStream s = stream(effective);
    if (s == null) {
      return Abi.NOT_FOUND;
    }
    // as Envoy's filter state: visible to every filter of this request, Java ones included
    String key = String.join(".", Properties.split(read(pathPtr, pathLen)));
    s.ctx.attribute(key, read(vPtr, vLen));
    return Abi.OK;
  }

  // ---------------------------------------------------------------- host functions: stream control

  int continueStream(int streamType) {
    HttpStream s = stream(effective);
    if (s == null) {
      return Abi.NOT_FOUND;
    }
    if (streamType != Abi.STREAM_REQUEST && streamType != Abi.STREAM_RESPONSE) {
      return Abi.BAD_ARGUMENT;
    }
    if (s.inCallback) {
      s.continued = true;
    } else if (s.paused) {
      s.paused = false;
      afterGuest(s.ctx::resume);
    }
    return Abi.OK;
  }

  int closeStream(int streamType) {
    HttpStream s = stream(effective);
    if (s == null) {
      return Abi.NOT_FOUND;
    }
    if (!s.localReply) {
      s.localReply = true;
      afterGuest(() -> s.ctx.sendLocalReply(502, Map.of(), new byte[0]));
    }
    return Abi.OK;
  }

  int sendLocalResponse(
      int status, long dPtr, long dLen, long bPtr, long bLen, long hPtr, long hLen, int grpcStatus) {
    HttpStream s = stream(effective);
    if (s == null) {
      return Abi.NOT_FOUND;
    }
    byte[] body = read(bPtr, bLen);
    List<Map.Entry<String, String>> pairs = Pairs.decode(read(hPtr, hLen));
    if (pairs == null) {
      return Abi.BAD_ARGUMENT;
    }
    Map<String, String> headers = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, String> e : pairs) {
      headers.merge(HeaderMap.lower(e.getKey()), e.getValue(), (a, b) -> a + "," + b);
    }
    if (grpcStatus >= 0 && grpcStatus != 0xffffffff && !headers.containsKey("grpc-status")) {
      String ct = headers.getOrDefault("content-type", "");
      if (ct.startsWith("application/grpc")) {
        headers.put("grpc-status", Integer.toString(grpcStatus));
      }
    }
    if (s.localReply) {
      return Abi.BAD_ARGUMENT;
    }
    s.localReply = true;
    s.paused = false;
    afterGuest(() -> s.ctx.sendLocalReply(status, headers, body));
    return Abi.OK;
  }

  // ---------------------------------------------------------------- host functions: HTTP calls

  int httpCall(
      long upPtr, long upLen, long hPtr, long hLen, long bPtr, long bLen, long tPtr, long tLen,
      long timeoutMs, long retIdPtr) {
    HttpStream s = stream(effective);
    if (s == null) {
      // calls from a root context (on_tick, on_configure) have no request to borrow the gateway's
      // upstream machinery from
      return Abi.INTERNAL_FAILURE;
    }
    String upstream = string(upPtr, upLen);
    List<Map.Entry<String, String>> pairs = Pairs.decode(read(hPtr, hLen));
    if (pairs == null || upstream.isEmpty()) {
      return Abi.BAD_ARGUMENT;
    }
    byte[] body = read(bPtr, bLen);
    String method = null;
    String path = null;
    String authority = null;
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    for (Map.Entry<String, String> e : pairs) {
      switch (e.getKey()) {
        case ":method" -> method = e.getValue();
        case ":path" -> path = e.getValue();
        case ":authority" -> authority = e.getValue();
        default -> {
          if (!e.getKey().startsWith(":")) {
            headers.add(e);
          }
        }
      }
    }
    if (method == null || path == null || authority == null) {
      return Abi.BAD_ARGUMENT; // the ABI requires all three
    }
    headers.add(0, Map.entry("host", authority));
    int id = nextCallId++;
    calls.put(id, new PendingCall(s.root.id, s.id));
    s.pendingCalls++;
    long timeout = timeoutMs & 0xffffffffL;
    CalloutRequest req = new CalloutRequest(upstream, method, path, headers, body);
    u32(retIdPtr, id);
    HttpStream caller = s;
    afterGuest(
        () -> {
          try {
            caller.ctx.callout(
                req,
                Duration.ofMillis(timeout == 0 ? 60_000 : timeout),
                resp -> onThread(() -> callback(() -> httpCallResponse(id, resp))));
          } catch (RuntimeException e) {
            // e.g. an unknown cluster: the plugin hears of it as a failed call
            CalloutResponse failed = new CalloutResponse(0, List.of(), null, e.toString());
            Runnable deliver = () -> callback(() -> httpCallResponse(id, failed));
            if (executor != null) {
              executor.execute(deliver);
            } else {
              deliver.run();
            }
          }
        });
    return Abi.OK;
  }

  private void httpCallResponse(int id, CalloutResponse resp) {
    PendingCall pc = calls.remove(id);
    if (pc == null) {
      return;
    }
    HttpStream s = streams.get(pc.streamId());
    if (s != null) {
      s.pendingCalls--;
    }
    if (!roots.containsKey(pc.rootId())) {
      return;
    }
    callResponse = resp;
    try {
      call(
          pc.rootId(),
          "proxy_on_http_call_response",
          pc.rootId(),
          id,
          resp.status() == 0 ? 0 : resp.headers().size() + 1,
          resp.body().length,
          0);
    } catch (WasmFilterException e) {
      if (s != null && s.paused && !s.localReply) {
        // the request waited for this answer: it fails as the plugin's failStrategy says
        s.paused = false;
        s.ctx.fail(e);
        return;
      }
      throw e;
    } finally {
      callResponse = null;
    }
  }

  // ---------------------------------------------------------------- host functions: shared state

  int getSharedData(long kPtr, long kLen, long ptrPtr, long sizePtr, long casPtr) {
    SharedData.Entry e = plugin.sharedData().get(string(kPtr, kLen));
    if (e == null) {
      return Abi.NOT_FOUND;
    }
    int status = copyOut(e.value(), ptrPtr, sizePtr);
    if (status == Abi.OK) {
      u32(casPtr, e.cas());
    }
    return status;
  }

  int setSharedData(long kPtr, long kLen, long vPtr, long vLen, int cas) {
    return plugin.sharedData().set(string(kPtr, kLen), read(vPtr, vLen), cas);
  }

  int registerQueue(long nPtr, long nLen, long retIdPtr) {
    RootContext root = roots.get(effective);
    HttpStream s = stream(effective);
    if (root == null && s != null) {
      root = s.root;
    }
    if (root == null) {
      return Abi.NOT_FOUND;
    }
    int id = plugin.queues().register(string(nPtr, nLen), this, root.id);
    u32(retIdPtr, id);
    return Abi.OK;
  }

  int resolveQueue(long vmPtr, long vmLen, long nPtr, long nLen, long retIdPtr) {
    String vmId = string(vmPtr, vmLen);
    SharedQueues qs = plugin.host().queues(vmId.isEmpty() ? plugin.vmId() : vmId);
    int id = qs.resolve(string(nPtr, nLen));
    if (id < 0) {
      return Abi.NOT_FOUND;
    }
    u32(retIdPtr, id);
    return Abi.OK;
  }

  int enqueue(int queueId, long vPtr, long vLen) {
    SharedQueues.Queue q = plugin.host().queue(queueId);
    if (q == null) {
      return Abi.NOT_FOUND;
    }
    q.items.add(read(vPtr, vLen));
    for (SharedQueues.Registrant r : q.registrants) {
      PluginVm vm = r.vm();
      vm.onThread(() -> vm.callback(() -> vm.queueReady(r.rootContextId(), queueId)));
    }
    return Abi.OK;
  }

  private void queueReady(int rootId, int queueId) {
    if (roots.containsKey(rootId)) {
      call(rootId, "proxy_on_queue_ready", rootId, queueId);
    }
  }

  int dequeue(int queueId, long ptrPtr, long sizePtr) {
    SharedQueues.Queue q = plugin.host().queue(queueId);
    if (q == null) {
      return Abi.NOT_FOUND;
    }
    byte[] item = q.items.poll();
    if (item == null) {
      return Abi.EMPTY;
    }
    return copyOut(item, ptrPtr, sizePtr);
  }

  // ---------------------------------------------------------------- host functions: metrics

  int defineMetric(int type, long nPtr, long nLen, long retIdPtr) {
    WasmMetricRegistry.Type t =
        switch (type) {
          case Abi.METRIC_COUNTER -> WasmMetricRegistry.Type.COUNTER;
          case Abi.METRIC_GAUGE -> WasmMetricRegistry.Type.GAUGE;
          case Abi.METRIC_HISTOGRAM -> WasmMetricRegistry.Type.HISTOGRAM;
          default -> null;
        };
    if (t == null) {
      return Abi.BAD_ARGUMENT;
    }
    int id = plugin.host().metrics().define(t, string(nPtr, nLen));
    if (id < 0) {
      return Abi.BAD_ARGUMENT;
    }
    u32(retIdPtr, id);
    return Abi.OK;
  }

  int incrementMetric(int id, long delta) {
    return plugin.host().metrics().increment(id, delta) ? Abi.OK : Abi.NOT_FOUND;
  }

  int recordMetric(int id, long value) {
    return plugin.host().metrics().record(id, value) ? Abi.OK : Abi.NOT_FOUND;
  }

  int getMetric(int id, long retPtr) {
    Long v = plugin.host().metrics().get(id);
    if (v == null) {
      return Abi.NOT_FOUND;
    }
    mem().writeLong((int) retPtr, v);
    return Abi.OK;
  }

  // ---------------------------------------------------------------- host functions: foreign functions

  int callForeignFunction(long nPtr, long nLen, long aPtr, long aLen, long ptrPtr, long sizePtr) {
    String name = string(nPtr, nLen);
    HttpStream s = stream(effective);
    switch (name) {
      case "clear_route_cache" -> {
        // the gateway re-evaluates the route by itself when a plugin changes what it matched on
        return Abi.OK;
      }
      case "set_decoder_buffer_limit", "set_encoder_buffer_limit", "set_buffer_limit" -> {
        byte[] arg = read(aPtr, aLen);
        if (s != null && arg.length >= 4) {
          int limit = java.nio.ByteBuffer.wrap(arg).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
          if (limit > 0) {
            if (name.startsWith("set_encoder")) {
              s.responseBufferLimit = limit;
            } else {
              s.requestBufferLimit = limit;
              if (name.equals("set_buffer_limit")) {
                s.responseBufferLimit = limit;
              }
            }
          }
        }
        return copyOut(new byte[0], ptrPtr, sizePtr);
      }
      default -> {
        return Abi.NOT_FOUND;
      }
    }
  }

  // ---------------------------------------------------------------- WASI

  int fdWrite(int fd, long iovs, long iovsLen, long nwrittenPtr) {
    if (fd != 1 && fd != 2) {
      return Abi.WASI_EBADF;
    }
    java.io.ByteArrayOutputStream out = fd == 1 ? stdout : stderr;
    int written = 0;
    for (int i = 0; i < (int) iovsLen; i++) {
      int ptr = mem().readInt((int) iovs + i * 8);
      int len = mem().readInt((int) iovs + i * 8 + 4);
      byte[] chunk = read(ptr & 0xffffffffL, len & 0xffffffffL);
      written += chunk.length;
      for (byte b : chunk) {
        if (b == '\n' || out.size() >= MAX_LOG_LINE) {
          logLine(fd, out);
          if (b == '\n') {
            continue;
          }
        }
        out.write(b);
      }
    }
    u32(nwrittenPtr, written);
    return Abi.WASI_ESUCCESS;
  }

  /** logs one line of the guest's stdout (info) or stderr (warn) */
  private void logLine(int fd, java.io.ByteArrayOutputStream line) {
    String text = line.toString(StandardCharsets.UTF_8).stripTrailing();
    line.reset();
    if (!text.isEmpty()) {
      plugin.log(fd == 1 ? Abi.LOG_INFO : Abi.LOG_WARN, text, stream(effective));
    }
  }

  int fdRead(int fd, long iovs, long iovsLen, long nreadPtr) {
    if (fd != 0) {
      return Abi.WASI_EBADF;
    }
    u32(nreadPtr, 0);
    return Abi.WASI_ESUCCESS;
  }

  int fdFdstatGet(int fd, long statPtr) {
    if (fd < 0 || fd > 2) {
      return Abi.WASI_EBADF;
    }
    mem().fill((byte) 0, (int) statPtr, (int) statPtr + 24);
    mem().writeByte((int) statPtr, (byte) 2); // character device
    return Abi.WASI_ESUCCESS;
  }

  int clockTimeGet(int clockId, long precision, long retPtr) {
    long now =
        switch (clockId) {
          case 0 -> Clock.epochNanos();
          case 1, 2, 3 -> System.nanoTime();
          default -> -1;
        };
    if (now == -1) {
      return Abi.WASI_EINVAL;
    }
    mem().writeLong((int) retPtr, now);
    return Abi.WASI_ESUCCESS;
  }

  int clockResGet(int clockId, long retPtr) {
    mem().writeLong((int) retPtr, 1_000L);
    return Abi.WASI_ESUCCESS;
  }

  int randomGet(long ptr, long len) {
    byte[] b = new byte[(int) len];
    Clock.RANDOM.nextBytes(b);
    mem().write((int) ptr, b);
    return Abi.WASI_ESUCCESS;
  }

  int zeroSizes(long countPtr, long sizePtr) {
    u32(countPtr, 0);
    u32(sizePtr, 0);
    return Abi.WASI_ESUCCESS;
  }

  int procExit(int code) {
    throw new ProcExit(code);
  }

  // ---------------------------------------------------------------- helpers

  HttpStream stream(int id) {
    return streams.get(id);
  }

  int streamCount() {
    return streams.size();
  }

  int rootCount() {
    return roots.size();
  }
}
