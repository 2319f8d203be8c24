package io.higressj.config.ingress;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Pure per-item work of a large translation (each Ingress checked, each host's routes built) spread over
 * the common fork-join pool, with the calling thread helping. The translator takes the results in the
 * order it took them before, so a translation gives the same snapshot however the work was split; only
 * functions that read nothing another item's work writes may be given here.
 */
final class ParallelWork {
  /**
   * Below this many items the work stays on the caller's thread: one file changed, or a few, is
   * translated in microseconds, and handing work to other threads would cost more than it saves.
   */
  static final int MIN_ITEMS = 256;

  private ParallelWork() {}

  /** Whether {@code items} items are worth spreading over threads (not on a machine with one core). */
  static boolean worthIt(int items) {
    return items >= MIN_ITEMS && Runtime.getRuntime().availableProcessors() > 1;
  }

  /** {@code f} of each item, in the items' order; on several threads when {@link #worthIt} says so. */
  static <T, R> List<R> map(List<T> items, Function<? super T, ? extends R> f) {
    int n = items.size();
    Object[] out = new Object[n];
    if (!worthIt(n)) {
      for (int i = 0; i < n; i++) out[i] = f.apply(items.get(i));
    } else {
      // a few chunks per thread, so that a thread slowed by the JIT or the collector is not waited for long
      int chunks = Math.min((ForkJoinPool.getCommonPoolParallelism() + 1) * 4, n / 64);
      // the stream's end joins every chunk: the writes to out are visible to this thread after it
      IntStream.range(0, chunks).parallel().forEach(c -> {
        int to = (int) ((long) (c + 1) * n / chunks);
        for (int i = (int) ((long) c * n / chunks); i < to; i++) out[i] = f.apply(items.get(i));
      });
    }
    @SuppressWarnings("unchecked")
    List<R> results = (List<R>) Arrays.asList(out);
    return results;
  }
}
