package io.higressj.wasm;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** proxy-wasm shared data of one VM id: key → (value, cas), shared by every instance. */
final class SharedData {
  record Entry(byte[] value, int cas) {}

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicInteger nextCas = new AtomicInteger();

  Entry get(String key) {
    return entries.get(key);
  }

  /** sets the value; with a non-zero cas only if the entry still has that cas */
  int set(String key, byte[] value, int cas) {
    int[] result = {Abi.OK};
    entries.compute(
        key,
        (k, old) -> {
          if (cas != 0 && old != null && old.cas() != cas) {
            result[0] = Abi.CAS_MISMATCH;
            return old;
          }
          int next = nextCas.incrementAndGet();
          if (next == 0) {
            next = nextCas.incrementAndGet();
          }
          return new Entry(value, next);
        });
    return result[0];
  }
}
