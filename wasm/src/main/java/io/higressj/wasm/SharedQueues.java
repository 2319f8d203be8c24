package io.higressj.wasm;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * proxy-wasm shared queues of one VM id. Every instance that registers a queue is told when an item
 * arrives ({@code proxy_on_queue_ready} on its own thread); the first to dequeue gets it.
 */
final class SharedQueues {
  /** an instance's root context waiting on a queue */
  record Registrant(PluginVm vm, int rootContextId) {}

  static final class Queue {
    final int id;
    final ConcurrentLinkedQueue<byte[]> items = new ConcurrentLinkedQueue<>();
    final List<Registrant> registrants = new CopyOnWriteArrayList<>();

    Queue(int id) {
      this.id = id;
    }
  }

  private final Map<String, Queue> byName = new ConcurrentHashMap<>();
  private final Map<Integer, Queue> byId = new ConcurrentHashMap<>();
  private final AtomicInteger nextId;

  SharedQueues(AtomicInteger ids) {
    this.nextId = ids;
  }

  int register(String name, PluginVm vm, int rootContextId) {
    Queue q =
        byName.computeIfAbsent(
            name,
            n -> {
              Queue created = new Queue(nextId.incrementAndGet());
              byId.put(created.id, created);
              return created;
            });
    Registrant r = new Registrant(vm, rootContextId);
    if (!q.registrants.contains(r)) {
      q.registrants.add(r);
    }
    return q.id;
  }

  /** the queue's id, or -1 */
  int resolve(String name) {
    Queue q = byName.get(name);
    return q == null ? -1 : q.id;
  }

  void forget(PluginVm vm) {
    for (Queue q : byName.values()) {
      q.registrants.removeIf(r -> r.vm() == vm);
    }
  }

  static Queue find(Map<String, SharedQueues> all, int id) {
    for (SharedQueues qs : all.values()) {
      Queue q = qs.byId.get(id);
      if (q != null) {
        return q;
      }
    }
    return null;
  }
}
