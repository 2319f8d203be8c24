package io.higressj.wasm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The metrics Wasm plugins define ({@code proxy_define_metric}): counters, gauges and histograms by
 * name, shared by every instance, plus the host's own error counters. Read it with {@link
 * #snapshot()}; a metrics endpoint can expose it.
 */
public final class WasmMetricRegistry {
  /** the kind of a metric, as the ABI numbers it */
  public enum Type {
    COUNTER,
    GAUGE,
    HISTOGRAM
  }

  /** one metric; for a histogram, {@code value} is the sum and {@code count} the samples */
  public record Metric(String name, Type type, long value, long count) {}

  private static final class Cell {
    final String name;
    final Type type;
    final AtomicLong value = new AtomicLong();
    final AtomicLong count = new AtomicLong();

    Cell(String name, Type type) {
      this.name = name;
      this.type = type;
    }
  }

  private final Map<String, Integer> ids = new ConcurrentHashMap<>();
  private final List<Cell> cells = new CopyOnWriteArrayList<>();

  /** the metric's id (the same for the same name and type); -1 when the name has another type */
  synchronized int define(Type type, String name) {
    Integer id = ids.get(name);
    if (id != null) {
      return cells.get(id).type == type ? id : -1;
    }
    cells.add(new Cell(name, type));
    int created = cells.size() - 1;
    ids.put(name, created);
    return created;
  }

  /** false when no metric has that id or it is a histogram */
  boolean increment(int id, long delta) {
    Cell c = cell(id);
    if (c == null || c.type == Type.HISTOGRAM) {
      return false;
    }
    c.value.addAndGet(delta);
    return true;
  }

  boolean record(int id, long value) {
    Cell c = cell(id);
    if (c == null) {
      return false;
    }
    switch (c.type) {
      case COUNTER -> c.value.addAndGet(value);
      case GAUGE -> c.value.set(value);
      case HISTOGRAM -> {
        c.value.addAndGet(value);
        c.count.incrementAndGet();
      }
    }
    return true;
  }

  /** the value, or null when no metric has that id */
  Long get(int id) {
    Cell c = cell(id);
    return c == null ? null : c.value.get();
  }

  /** the value of the metric with that name, or null */
  public Long value(String name) {
    Integer id = ids.get(name);
    return id == null ? null : get(id);
  }

  /** every metric, in definition order */
  public List<Metric> snapshot() {
    Map<String, Metric> out = new LinkedHashMap<>();
    for (Cell c : cells) {
      out.put(c.name, new Metric(c.name, c.type, c.value.get(), c.count.get()));
    }
    return List.copyOf(out.values());
  }

  private Cell cell(int id) {
    return id >= 0 && id < cells.size() ? cells.get(id) : null;
  }
}
