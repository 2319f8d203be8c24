package io.higressj.proxy.accesslog;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One JSON line per request. Event loops only enqueue; a writer thread does the I/O, so a slow disk
 * or a blocked stdout never stalls the data plane. When the queue is full, entries are dropped and
 * counted rather than blocking.
 */
public final class AccessLog implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(AccessLog.class.getName());
  private static final AccessLog DISABLED = new AccessLog();

  private final BlockingQueue<AccessLogEntry> queue;
  private final OutputStream out;
  private final Thread writer;
  private final AtomicLong dropped = new AtomicLong();
  private volatile boolean closed;

  private AccessLog() {
    queue = null;
    out = null;
    writer = null;
  }

  private AccessLog(OutputStream out) {
    this.queue = new ArrayBlockingQueue<>(65536);
    this.out = new BufferedOutputStream(out, 64 * 1024);
    this.writer = Thread.ofPlatform().daemon().name("access-log").start(this::drain);
  }

  public static AccessLog disabled() {
    return DISABLED;
  }

  public static AccessLog toStdout() {
    return new AccessLog(new java.io.FileOutputStream(java.io.FileDescriptor.out));
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
    if (!queue.offer(e)) dropped.incrementAndGet();
  }

  public long dropped() {
    return dropped.get();
  }

  private void drain() {
    List<AccessLogEntry> batch = new ArrayList<>(256);
    while (!closed || !queue.isEmpty()) {
      try {
        AccessLogEntry first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) continue;
        batch.add(first);
        queue.drainTo(batch, 1023);
        for (AccessLogEntry e : batch) {
          out.write(e.toJson().getBytes(StandardCharsets.UTF_8));
          out.write('\n');
        }
        batch.clear();
        out.flush();
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return;
      } catch (IOException io) {
        LOG.log(System.Logger.Level.WARNING, "access log write failed: " + io);
        batch.clear();
      }
    }
  }

  @Override
  public void close() {
    if (queue == null || closed) return;
    closed = true;
    try {
      writer.join(2000);
      out.flush();
    } catch (InterruptedException | IOException e) {
      Thread.currentThread().interrupt();
    }
  }
}
