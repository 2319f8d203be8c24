package io.higressj.wasm;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The imports this host implements: the proxy-wasm ABI 0.2.1 (with the 0.1.0 names SDKs still
 * import) and the WASI preview 1 functions plugins' runtimes need. Anything else a module imports
 * is linked to a stub that answers {@code Unimplemented} (see {@link PluginVm}).
 */
final class HostImports {
  interface Body {
    long call(PluginVm vm, long[] a);
  }

  record Impl(int params, int results, Body body) {}

  private static final Map<String, Impl> ENV = new HashMap<>();
  private static final Map<String, Impl> WASI = new HashMap<>();

  private HostImports() {}

  static Impl find(String module, String name) {
    return switch (module) {
      case "env" -> ENV.get(name);
      case "wasi_snapshot_preview1", "wasi_unstable" -> WASI.get(name);
      default -> null;
    };
  }

  /** the names of the proxy-wasm imports implemented here, for the documentation test */
  static Set<String> proxyWasmNames() {
    return ENV.keySet();
  }

  static Set<String> wasiNames() {
    return WASI.keySet();
  }

  private static void env(String name, int params, Body body) {
    ENV.put(name, new Impl(params, 1, body));
  }

  private static void wasi(String name, int params, Body body) {
    WASI.put(name, new Impl(params, 1, body));
  }

  private static int i(long v) {
    return (int) v;
  }

  static {
    // logging, time, timers, contexts
    env("proxy_log", 3, (vm, a) -> vm.log(i(a[0]), a[1], a[2]));
    env("proxy_get_log_level", 1, (vm, a) -> vm.logLevel(a[0]));
    env("proxy_get_current_time_nanoseconds", 1, (vm, a) -> vm.currentTime(a[0]));
    env("proxy_set_tick_period_milliseconds", 1, (vm, a) -> vm.setTickPeriod(a[0]));
    env("proxy_set_effective_context", 1, (vm, a) -> vm.setEffectiveContext(a[0]));
    env("proxy_done", 0, (vm, a) -> vm.done());
    // buffers
    env("proxy_get_buffer_bytes", 5, (vm, a) -> vm.getBufferBytes(i(a[0]), a[1], a[2], a[3], a[4]));
    env("proxy_get_buffer_status", 3, (vm, a) -> vm.getBufferStatus(i(a[0]), a[1], a[2]));
    env("proxy_set_buffer_bytes", 5, (vm, a) -> vm.setBufferBytes(i(a[0]), a[1], a[2], a[3], a[4]));
    env(
        "proxy_get_configuration",
        2,
        (vm, a) -> vm.getBufferBytes(Abi.BUFFER_PLUGIN_CONFIGURATION, 0, 0xffffffffL, a[0], a[1]));
    // header maps
    env("proxy_get_header_map_pairs", 3, (vm, a) -> vm.getHeaderMapPairs(i(a[0]), a[1], a[2]));
    env("proxy_set_header_map_pairs", 3, (vm, a) -> vm.setHeaderMapPairs(i(a[0]), a[1], a[2]));
    env("proxy_get_header_map_size", 2, (vm, a) -> vm.getHeaderMapSize(i(a[0]), a[1]));
    env(
        "proxy_get_header_map_value",
        5,
        (vm, a) -> vm.getHeaderMapValue(i(a[0]), a[1], a[2], a[3], a[4]));
    env(
        "proxy_add_header_map_value",
        5,
        (vm, a) -> vm.addHeaderMapValue(i(a[0]), a[1], a[2], a[3], a[4]));
    env(
        "proxy_replace_header_map_value",
        5,
        (vm, a) -> vm.replaceHeaderMapValue(i(a[0]), a[1], a[2], a[3], a[4]));
    env("proxy_remove_header_map_value", 3, (vm, a) -> vm.removeHeaderMapValue(i(a[0]), a[1], a[2]));
    // properties
    env("proxy_get_property", 4, (vm, a) -> vm.getProperty(a[0], a[1], a[2], a[3]));
    env("proxy_set_property", 4, (vm, a) -> vm.setProperty(a[0], a[1], a[2], a[3]));
    // stream control
    env("proxy_continue_stream", 1, (vm, a) -> vm.continueStream(i(a[0])));
    env("proxy_close_stream", 1, (vm, a) -> vm.closeStream(i(a[0])));
    env("proxy_continue_request", 0, (vm, a) -> vm.continueStream(Abi.STREAM_REQUEST));
    env("proxy_continue_response", 0, (vm, a) -> vm.continueStream(Abi.STREAM_RESPONSE));
    env("proxy_clear_route_cache", 0, (vm, a) -> Abi.OK);
    env(
        "proxy_send_local_response",
        8,
        (vm, a) -> vm.sendLocalResponse(i(a[0]), a[1], a[2], a[3], a[4], a[5], a[6], i(a[7])));
    // HTTP calls
    env(
        "proxy_http_call",
        10,
        (vm, a) -> vm.httpCall(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]));
    // shared data and queues
    env("proxy_get_shared_data", 5, (vm, a) -> vm.getSharedData(a[0], a[1], a[2], a[3], a[4]));
    env("proxy_set_shared_data", 5, (vm, a) -> vm.setSharedData(a[0], a[1], a[2], a[3], i(a[4])));
    env("proxy_register_shared_queue", 3, (vm, a) -> vm.registerQueue(a[0], a[1], a[2]));
    env("proxy_resolve_shared_queue", 5, (vm, a) -> vm.resolveQueue(a[0], a[1], a[2], a[3], a[4]));
    env("proxy_enqueue_shared_queue", 3, (vm, a) -> vm.enqueue(i(a[0]), a[1], a[2]));
    env("proxy_dequeue_shared_queue", 3, (vm, a) -> vm.dequeue(i(a[0]), a[1], a[2]));
    // metrics
    env("proxy_define_metric", 4, (vm, a) -> vm.defineMetric(i(a[0]), a[1], a[2], a[3]));
    env("proxy_increment_metric", 2, (vm, a) -> vm.incrementMetric(i(a[0]), a[1]));
    env("proxy_record_metric", 2, (vm, a) -> vm.recordMetric(i(a[0]), a[1]));
    env("proxy_get_metric", 2, (vm, a) -> vm.getMetric(i(a[0]), a[1]));
    // foreign functions (Higress's host extensions)
    env(
        "proxy_call_foreign_function",
        6,
        (vm, a) -> vm.callForeignFunction(a[0], a[1], a[2], a[3], a[4], a[5]));

    // WASI preview 1: output to the plugin log, clocks, randomness, empty args and environment
    wasi("fd_write", 4, (vm, a) -> vm.fdWrite(i(a[0]), a[1], a[2], a[3]));
    wasi("fd_read", 4, (vm, a) -> vm.fdRead(i(a[0]), a[1], a[2], a[3]));
    wasi("fd_fdstat_get", 2, (vm, a) -> vm.fdFdstatGet(i(a[0]), a[1]));
    wasi("fd_prestat_get", 2, (vm, a) -> Abi.WASI_EBADF); // no preopened directories
    wasi("fd_prestat_dir_name", 3, (vm, a) -> Abi.WASI_EBADF);
    wasi("fd_close", 1, (vm, a) -> Abi.WASI_ESUCCESS);
    wasi("clock_time_get", 3, (vm, a) -> vm.clockTimeGet(i(a[0]), a[1], a[2]));
    wasi("clock_res_get", 2, (vm, a) -> vm.clockResGet(i(a[0]), a[1]));
    wasi("random_get", 2, (vm, a) -> vm.randomGet(a[0], a[1]));
    wasi("environ_sizes_get", 2, (vm, a) -> vm.zeroSizes(a[0], a[1]));
    wasi("environ_get", 2, (vm, a) -> Abi.WASI_ESUCCESS);
    wasi("args_sizes_get", 2, (vm, a) -> vm.zeroSizes(a[0], a[1]));
    wasi("args_get", 2, (vm, a) -> Abi.WASI_ESUCCESS);
    wasi("sched_yield", 0, (vm, a) -> Abi.WASI_ESUCCESS);
    WASI.put("proc_exit", new Impl(1, 0, (vm, a) -> vm.procExit(i(a[0]))));
  }
}
