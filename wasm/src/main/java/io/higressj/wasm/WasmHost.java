package io.higressj.wasm;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What Wasm plugins share across instances and across reloads of a plugin: shared data and shared
 * queues by VM id (a plugin's VM id is its name), and the metric registry. One per gateway.
 */
public final class WasmHost {
  private static final WasmHost SHARED = new WasmHost();

  private final Map<String, SharedData> data = new ConcurrentHashMap<>();
  private final Map<String, SharedQueues> queues = new ConcurrentHashMap<>();
  private final AtomicInteger queueIds = new AtomicInteger();
  private final WasmMetricRegistry metrics = new WasmMetricRegistry();

  public WasmHost() {}

  /** the host used by {@link WasmPlugins#factory(String, byte[])} */
  public static WasmHost shared() {
    return SHARED;
  }

  public WasmMetricRegistry metrics() {
    return metrics;
  }

  SharedData data(String vmId) {
    return data.computeIfAbsent(vmId, k -> new SharedData());
  }

  SharedQueues queues(String vmId) {
    return queues.computeIfAbsent(vmId, k -> new SharedQueues(queueIds));
  }

  SharedQueues.Queue queue(int id) {
    return SharedQueues.find(queues, id);
  }

  void forget(PluginVm vm) {
    for (SharedQueues q : queues.values()) {
      q.forget(vm);
    }
  }
}
