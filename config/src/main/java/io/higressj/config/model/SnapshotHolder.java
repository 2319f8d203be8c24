package io.higressj.config.model;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The current snapshot. Only validated snapshots are published; the data plane reads it once per
 * request.
 */
public final class SnapshotHolder {
  private final AtomicReference<Snapshot> current = new AtomicReference<>(Snapshot.empty());

  public Snapshot get() {
    return current.get();
  }

  /** Publishes {@code next} with the next version number; returns what was published. */
  public Snapshot publish(Snapshot next) {
    while (true) {
      Snapshot prev = current.get();
      Snapshot v = next.withVersion(prev.version() + 1);
      if (current.compareAndSet(prev, v)) return v;
    }
  }
}
