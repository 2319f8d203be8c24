package io.higressj.conformance.gateway;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A gateway in its own process: {@code <command> --config-dir DIR --http-port 0 --https-port 0
 * --admin-port 0 --access-log off --listener-port-map *=0}, run by {@code /bin/sh}. The bound ports come from the line
 * {@code higress-j ready: http=P https=P admin=P ...} on its standard error; everything it prints
 * goes to a log file.
 */
public final class ExternalGateway implements GatewayUnderTest {
  static final Pattern READY = Pattern.compile("higress-j ready: http=(\\d+) https=(-?\\d+) admin=(-?\\d+)");
  private static final int TAIL_LINES = 30;

  private final String command;
  private final Process process;
  private final int http;
  private final int https;
  private final int admin;

  private ExternalGateway(String command, Process process, int http, int https, int admin) {
    this.command = command;
    this.process = process;
    this.http = http;
    this.https = https;
    this.admin = admin;
  }

  /** The flags appended to the command. */
  static List<String> flags(Path configDir) {
    return List.of("--config-dir", configDir.toAbsolutePath().toString(), "--http-port", "0", "--https-port", "0",
        "--admin-port", "0", "--access-log", "off", "--listener-port-map", "*=0");
  }

  /**
   * Starts the command and waits for its ready line.
   *
   * @throws IllegalStateException when it exits or stays silent past {@code startTimeout}; the message
   *     holds the last lines it printed
   */
  public static ExternalGateway start(String command, Path configDir, Path logFile, Duration startTimeout) {
    requireNonNull(command, "command");
    List<String> argv = new java.util.ArrayList<>(List.of("/bin/sh", "-c", command + " \"$@\"", "higress-gateway"));
    argv.addAll(flags(configDir));
    ProcessBuilder pb = new ProcessBuilder(argv)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command + ": " + e.getMessage(), e);
    }
    CompletableFuture<int[]> ready = new CompletableFuture<>();
    Deque<String> tail = new ArrayDeque<>();
    Thread reader = Thread.ofVirtual().name("gateway-stderr").start(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
           Writer log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
        String line;
        while ((line = in.readLine()) != null) {
          log.write(line);
          log.write('\n');
          log.flush();
          synchronized (tail) {
            tail.addLast(line);
            if (tail.size() > TAIL_LINES) tail.removeFirst();
          }
          Matcher m = READY.matcher(line);
          if (m.find()) {
            ready.complete(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))});
          }
        }
      } catch (IOException e) {
        // the process is gone; its exit is reported below
      }
      ready.completeExceptionally(new IllegalStateException("the gateway's standard error closed without a ready line"));
    });
    process.onExit().thenRun(() -> ready.completeExceptionally(
        new IllegalStateException("the gateway exited with status " + process.exitValue() + " before it was ready")));
    try {
      int[] ports = ready.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
      return new ExternalGateway(command, process, ports[0], ports[1], ports[2]);
    } catch (TimeoutException | ExecutionException | InterruptedException e) {
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      stop(process);
      try {
        reader.join(1000);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
      String why = e instanceof TimeoutException ? "no ready line within " + startTimeout.toSeconds() + " s"
          : e.getCause() != null ? e.getCause().getMessage() : e.toString();
      String lines;
      synchronized (tail) {
        lines = String.join("\n  ", tail);
      }
      throw new IllegalStateException("cannot start the gateway (" + command + "): " + why
          + (lines.isEmpty() ? "" : "; its last lines:\n  " + lines) + "\n(log: " + logFile + ")");
    }
  }

  @Override
  public String address() {
    return "127.0.0.1";
  }

  @Override
  public int httpPort() {
    return http;
  }

  @Override
  public int httpsPort() {
    return https;
  }

  @Override
  public int adminPort() {
    return admin;
  }

  @Override
  public String describe() {
    return command;
  }

  /** Stops the process and every process it started: SIGTERM, then SIGKILL after 10 s. */
  @Override
  public void close() {
    stop(process);
  }

  private static void stop(Process process) {
    List<ProcessHandle> descendants = process.descendants().toList();
    descendants.forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
      for (ProcessHandle h : descendants) {
        h.onExit().get(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      descendants.forEach(ProcessHandle::destroyForcibly);
    }
  }
}
