package io.higressj.testing.redis;

import java.io.BufferedInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} for tests, on a free port of 127.0.0.1 with a temporary directory and
 * no persistence. {@link #start} skips the test (JUnit assumption) when {@code redis-server} is not
 * installed.
 */
public final class RedisServer implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path dir;
  private final String password;

  private RedisServer(Process process, int port, Path dir, String password) {
    this.process = process;
    this.port = port;
    this.dir = dir;
    this.password = password;
  }

  /** the redis-server executable on the PATH, or null */
  public static Path executable() {
    String path = System.getenv("PATH");
    if (path == null) return null;
    for (String d : path.split(File.pathSeparator)) {
      Path p = Path.of(d, "redis-server");
      if (Files.isExecutable(p)) return p;
    }
    return null;
  }

  /** A server without a password. */
  public static RedisServer start() throws IOException {
    return start(null);
  }

  /** A server whose default user needs {@code password} (null: none). */
  public static RedisServer start(String password) throws IOException {
    Path exe = executable();
    Assumptions.assumeTrue(exe != null, "redis-server is not installed (apt-get install redis-server): Redis tests skipped");
    Path dir = Files.createTempDirectory("higressj-redis");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    List<String> cmd = new ArrayList<>(List.of(exe.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--dir", dir.toString(), "--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", dir.resolve("redis.log").toString()));
    if (password != null) cmd.addAll(List.of("--requirepass", password));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
    RedisServer server = new RedisServer(p, port, dir, password);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        break;
      } catch (IOException e) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          server.close();
          throw new IOException("redis-server did not start on port " + port + ": " + e.getMessage());
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IOException(ie);
        }
      }
    }
    return server;
  }

  public String host() {
    return "127.0.0.1";
  }

  public int port() {
    return port;
  }

  /**
   * Runs one command synchronously on a new connection (after AUTH when the server has a password)
   * and returns the reply as Java values: String, Long, byte[] for bulk strings is given as String,
   * List for arrays, null for null, and a {@link RedisError} for errors.
   */
  public Object call(String... args) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      InputStream in = new BufferedInputStream(s.getInputStream());
      if (password != null) {
        out.write(Resp.encode(List.of("AUTH", password)));
        Resp.read(in);
      }
      out.write(Resp.encode(List.of(args)));
      out.flush();
      return Resp.toJava(Resp.read(in));
    }
  }

  /** FLUSHALL */
  public void flush() throws IOException {
    call("FLUSHALL");
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // best effort
    }
  }

  /** an error reply of {@link #call} */
  public record RedisError(String message) {}

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
