package io.higressj.proxy.accesslog;

import io.netty.util.internal.PlatformDependent;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One JSON line per request. Event loops only enqueue; a writer thread formats and writes, so a slow
 * disk or a blocked stdout never stalls the data plane. When the queue is full, entries are dropped and
 * counted rather than blocking.
 *
 * <p>Nothing is signalled per request: while entries keep coming, the writer takes what the queue holds
 * every {@link #BUSY_PARK_MILLIS} ms and writes it in one system call per 64 KiB; after
 * {@link #QUIET_ROUNDS} empty rounds it sleeps, and the first entry after that wakes it. Before, each
 * entry woke the writer through a lock and a condition, and each wake-up ended in a write of its own:
 * with the log on, a proxied request cost 17 µs more CPU, most of it system calls (docs/performance.md).
 */
public final class AccessLog implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(AccessLog.class.getName());
  private static final AccessLog DISABLED = new AccessLog();
  static final int CAPACITY = 65536;
  static final long BUSY_PARK_MILLIS = 10;
  static final int QUIET_ROUNDS = 10;
  /** the longest a sleeping writer waits for a wake-up it may have missed (an entry racing its sleep) */
  static final long IDLE_PARK_MILLIS = 1000;
  private static final int WRITE_BYTES = 64 * 1024;

  private final Queue<AccessLogEntry> queue;
  private final OutputStream out;
  private final Thread writer;
  private final AtomicLong dropped = new AtomicLong();
  private volatile boolean closed;
  /** the writer is asleep (or about to be) until an entry wakes it */
  private volatile boolean sleeping;

  private AccessLog() {
    queue = null;
    out = null;
    writer = null;
  }

  AccessLog(OutputStream out) {
    this.queue = PlatformDependent.newFixedMpscQueue(CAPACITY);
    this.out = out;
    this.writer = Thread.ofPlatform().daemon().name("access-log").start(this::drain);
  }

  public static AccessLog disabled() {
    return DISABLED;
  }

  public static AccessLog toStdout() {
    return new AccessLog(new FileOutputStream(FileDescriptor.out));
  }

  public static AccessLog toFile(Path file) throws IOException {
    if (file.getParent() != null) Files.createDirectories(file.getParent());
    return new AccessLog(Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
  }

  /** "-" or "stdout": standard output; "off": disabled; anything else: a file. */
  public static AccessLog of(String target) throws IOException {
    return switch (target) {
      case "-", "stdout" -> toStdout();
      case "off", "none" -> disabled();
      default -> toFile(Path.of(target));
    };
  }

  public boolean enabled() {
    return queue != null;
  }

  public void log(AccessLogEntry e) {
    if (queue == null) return;
    if (!queue.offer(e)) {
      dropped.incrementAndGet();
      return;
    }
    if (sleeping) {
      sleeping = false;
      LockSupport.unpark(writer);
    }
  }

  public long dropped() {
    return dropped.get();
  }

  private void drain() {
    AccessLogEntry.Line line = new AccessLogEntry.Line(WRITE_BYTES + 4096);
    int quiet = 0;
    while (true) {
      boolean last = closed; // what was logged before close() is written
      int n = 0;
      for (AccessLogEntry e; (e = queue.poll()) != null; n++) {
        e.appendJson(line);
        line.put((byte) '\n');
        if (line.size() >= WRITE_BYTES) write(line);
      }
      if (line.size() > 0) write(line);
      if (last) return;
      if (n > 0 || ++quiet < QUIET_ROUNDS) {
        if (n > 0) quiet = 0;
        LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(BUSY_PARK_MILLIS));
        continue;
      }
      sleeping = true;
      if (queue.isEmpty() && !closed) LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(IDLE_PARK_MILLIS));
      sleeping = false;
    }
  }

  private void write(AccessLogEntry.Line line) {
    try {
      out.write(line.bytes(), 0, line.size());
      out.flush();
    } catch (IOException io) {
      LOG.log(System.Logger.Level.WARNING, "access log write failed: " + io);
    }
    line.clear();
  }

  @Override
  public void close() {
    if (queue == null || closed) return;
    closed = true;
    LockSupport.unpark(writer);
    try {
      writer.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
