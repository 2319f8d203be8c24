package io.higressj.server.edge;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A raw-socket upstream for framing tests: it answers each request head it reads with exactly the
 * bytes its script returns (or nothing, for null), and records per connection every byte received
 * and whether the gateway closed the connection.
 */
final class ScriptedUpstream implements AutoCloseable {
  /** What one upstream connection saw. */
  static final class Conn {
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    volatile boolean closedByGateway;

    synchronized String receivedText() {
      return received.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private final ServerSocket server;
  private final Function<String, String> script;
  final List<Conn> connections = new CopyOnWriteArrayList<>();

  /** @param script request head (with its final CRLF CRLF) to raw response bytes, or null to answer nothing */
  ScriptedUpstream(Function<String, String> script) throws IOException {
    this.script = script;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(this::acceptLoop);
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        Conn c = new Conn();
        connections.add(c);
        Thread.ofVirtual().start(() -> serve(s, c));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s, Conn c) {
    try (s) {
      InputStream in = s.getInputStream();
      StringBuilder pending = new StringBuilder();
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) != -1) {
        synchronized (c) {
          c.received.write(buf, 0, n);
        }
        pending.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
        int end;
        while ((end = pending.indexOf("\r\n\r\n")) >= 0) {
          String head = pending.substring(0, end + 4);
          pending.delete(0, end + 4);
          String response = script.apply(head);
          if (response != null) {
            s.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
          }
        }
      }
      c.closedByGateway = true;
    } catch (IOException e) {
      c.closedByGateway = true; // a reset counts as closed
    }
  }

  /** Waits until {@code n} connections were accepted and all of them were closed by the gateway. */
  boolean awaitAllClosed(int n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (connections.size() >= n && connections.stream().allMatch(c -> c.closedByGateway)) return true;
      Thread.sleep(10);
    }
    return false;
  }

  /** Everything received on all connections, in connection order. */
  String allReceived() {
    StringBuilder b = new StringBuilder();
    for (Conn c : connections) b.append(c.receivedText());
    return b.toString();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
