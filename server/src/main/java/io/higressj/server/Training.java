package io.higressj.server;

import io.higressj.proxy.ProxyOptions;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * {@code higress --train}: a short run of the gateway for the JVM to learn from. It starts a gateway on a
 * built-in configuration (one Ingress to an upstream inside this process, the HTTPS and admin listeners
 * on free ports, the access log to a file), sends it a thousand requests and stops.
 *
 * <p>{@code bin/higress} runs it once per build with the JVM writing its class-data archive (JDK 21-24)
 * or AOT cache (JDK 25+) at exit. A gateway's own first run could write one at its exit too (it did),
 * but that holds the classes of serving requests only if requests came before the exit, and a run
 * that ended at once (a bad option) left an archive of a few classes. The upstream and the client are
 * plain blocking sockets, so the archive gets no classes the gateway itself does not use.
 */
final class Training {
  /** requests per connection: enough to load every class of the request path, not to profile it */
  static final int REQUESTS = 250;
  static final int CONNECTIONS = 4;
  private static final byte[] UPSTREAM_RESPONSE =
      "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 6\r\n\r\nhello\n".getBytes(StandardCharsets.US_ASCII);

  private Training() {}

  /** Runs the training; 0 when every request was answered with 200, else 1 (the archive is still written). */
  static int run(PrintStream err) {
    Path dir = null;
    try (ServerSocket upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread.ofPlatform().daemon().name("training-upstream").start(() -> accept(upstream));
      dir = Files.createTempDirectory("higress-train-");
      Path conf = Files.createDirectories(dir.resolve("conf"));
      Files.writeString(conf.resolve("training.yaml"), configuration(upstream.getLocalPort()));
      ServerOptions options = new ServerOptions(conf, "127.0.0.1", 0, 0, "127.0.0.1", 0,
          dir.resolve("access.log").toString(), "higress", 0, ProxyOptions.defaults(), Map.of(), false,
          dir.resolve("read-cache"), java.time.Duration.ZERO);
      try (GatewayServer server = GatewayServer.start(options)) {
        int failed = load(server.httpPort());
        failed += server.adminPort() > 0 && !get(server.adminPort(), "/ready", 200) ? 1 : 0;
        if (failed > 0) err.println("higress: training: " + failed + " requests failed");
        return failed == 0 ? 0 : 1;
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      err.println("higress: training: " + e);
      return 1;
    } finally {
      if (dir != null) deleteQuietly(dir);
    }
  }

  /** One route to the upstream, as a user's first configuration would have it. */
  static String configuration(int upstreamPort) {
    return String.format(Locale.ROOT, """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: training, namespace: default}
        spec:
          ingressClassName: higress
          rules:
          - http:
              paths:
              - {path: /, pathType: Prefix, backend: {service: {name: upstream, port: {number: %1$d}}}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: upstream, namespace: default}
        spec:
          ports: [{name: http, port: %1$d}]
        ---
        apiVersion: v1
        kind: Endpoints
        metadata: {name: upstream, namespace: default}
        subsets:
        - addresses: [{ip: 127.0.0.1}]
          ports: [{name: http, port: %1$d}]
        """, upstreamPort);
  }

  /** {@link #CONNECTIONS} keep-alive connections, {@link #REQUESTS} each; the number of failed requests. */
  private static int load(int port) throws InterruptedException {
    AtomicInteger failed = new AtomicInteger();
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < CONNECTIONS; c++) {
      clients.add(Thread.ofPlatform().name("training-client-" + c).start(() -> {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
          s.setTcpNoDelay(true);
          InputStream in = new BufferedInputStream(s.getInputStream());
          OutputStream out = s.getOutputStream();
          byte[] get = request("/", true);
          byte[] post = post("/upload", 2048);
          for (int i = 0; i < REQUESTS; i++) {
            out.write(i % 8 == 7 ? post : get); // mostly GETs, some with a body to stream
            out.flush();
            if (readResponse(in) != 200) failed.incrementAndGet();
          }
        } catch (IOException e) {
          failed.addAndGet(REQUESTS);
        }
      }));
    }
    for (Thread t : clients) t.join();
    return failed.get();
  }

  /** One request on a connection of its own; whether it was answered with {@code status}. */
  private static boolean get(int port, String path, int status) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.getOutputStream().write(request(path, false));
      return readResponse(new BufferedInputStream(s.getInputStream())) == status;
    } catch (IOException e) {
      return false;
    }
  }

  private static byte[] request(String path, boolean keepAlive) {
    return ("GET " + path + " HTTP/1.1\r\nhost: training.local\r\nuser-agent: higress-train\r\naccept: */*\r\n"
        + (keepAlive ? "" : "connection: close\r\n") + "\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] post(String path, int bodyBytes) {
    byte[] head = ("POST " + path + " HTTP/1.1\r\nhost: training.local\r\nuser-agent: higress-train\r\n"
        + "content-type: application/octet-stream\r\ncontent-length: " + bodyBytes + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    byte[] request = Arrays.copyOf(head, head.length + bodyBytes);
    Arrays.fill(request, head.length, request.length, (byte) 'x');
    return request;
  }

  /** Reads one response (content-length or chunked body) and returns its status. */
  static int readResponse(InputStream in) throws IOException {
    String statusLine = line(in);
    if (statusLine == null || !statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12) {
      throw new IOException("bad status line: " + statusLine);
    }
    int status = Integer.parseInt(statusLine.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
      String lower = h.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) length = Long.parseLong(lower.substring(15).trim());
      if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) chunked = true;
    }
    if (chunked) {
      for (long size = Long.parseLong(line(in).trim(), 16); size > 0; size = Long.parseLong(line(in).trim(), 16)) {
        in.skipNBytes(size);
        line(in);
      }
      line(in);
    } else if (length > 0) {
      in.skipNBytes(length);
    }
    return status;
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(64);
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) return b.size() == 0 ? null : b.toString(StandardCharsets.US_ASCII);
      if (c != '\r') b.write(c);
    }
    return b.toString(StandardCharsets.US_ASCII);
  }

  /** The upstream: answers every request with "hello", keeping connections open. */
  private static void accept(ServerSocket server) {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        Thread.ofPlatform().daemon().name("training-upstream-conn").start(() -> serve(s));
      } catch (IOException e) {
        return; // closed at the end of the training
      }
    }
  }

  private static void serve(Socket s) {
    try (s) {
      s.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      while (true) {
        long length = 0;
        String requestLine = line(in);
        if (requestLine == null) return;
        for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
          String lower = h.toLowerCase(Locale.ROOT);
          if (lower.startsWith("content-length:")) length = Long.parseLong(lower.substring(15).trim());
        }
        in.skipNBytes(length);
        out.write(UPSTREAM_RESPONSE);
        out.flush();
      }
    } catch (IOException | RuntimeException e) {
      // the gateway closed the connection
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException e) {
      // a temporary directory left behind
    }
  }
}
