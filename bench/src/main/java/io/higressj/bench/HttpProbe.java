package io.higressj.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A minimal keep-alive HTTP/1.1 client for polling the gateway: one request costs a loopback round
 * trip, so the time a route takes to appear is seen to a fraction of a millisecond.
 */
final class HttpProbe implements AutoCloseable {
  private final String host;
  private final int port;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  HttpProbe(String host, int port) {
    this.host = host;
    this.port = port;
  }

  /** The status of {@code GET path} with {@code Host: authority}, or -1 when the connection fails. */
  int status(String authority, String path) {
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        if (socket == null) connect();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return readResponse();
      } catch (IOException e) {
        close();
      }
    }
    return -1;
  }

  private void connect() throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress(host, port), 1000);
    socket.setSoTimeout(5000);
    in = new BufferedInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  private int readResponse() throws IOException {
    String statusLine = line();
    if (statusLine == null || !statusLine.startsWith("HTTP/1.")) throw new IOException("bad status line: " + statusLine);
    int status = Integer.parseInt(statusLine.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    boolean close = false;
    for (String h = line(); h != null && !h.isEmpty(); h = line()) {
      String lower = h.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) length = Long.parseLong(lower.substring(15).trim());
      else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) chunked = true;
      else if (lower.startsWith("connection:") && lower.contains("close")) close = true;
    }
    if (chunked) {
      while (true) {
        String size = line();
        if (size == null) throw new IOException("truncated chunk");
        int semi = size.indexOf(';');
        long n = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
        if (n == 0) {
          for (String t = line(); t != null && !t.isEmpty(); t = line()) { } // trailers
          break;
        }
        skip(n);
        line();
      }
    } else if (length > 0) {
      skip(length);
    } else if (length < 0) {
      close = true; // body until close: not reusable
    }
    if (close) close();
    return status;
  }

  private void skip(long n) throws IOException {
    while (n > 0) {
      long k = in.skip(n);
      if (k <= 0) {
        if (in.read() < 0) throw new IOException("truncated body");
        k = 1;
      }
      n -= k;
    }
  }

  private String line() throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c = in.read(); c >= 0; c = in.read()) {
      if (c == '\n') {
        int len = b.length();
        if (len > 0 && b.charAt(len - 1) == '\r') b.setLength(len - 1);
        return b.toString();
      }
      b.append((char) c);
    }
    return b.isEmpty() ? null : b.toString();
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    socket = null;
  }
}
