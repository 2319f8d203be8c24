package io.higressj.testing.http2;

import static io.higressj.testing.http2.Http2Frames.getInt;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * An HTTP/2 client on a plain socket with prior knowledge (h2c), for tests that write frames by
 * hand: it sends the preface and a SETTINGS frame, writes whatever it is given, and reads the
 * server's frames one by one (header blocks HPACK-decoded, in order, so the decoder's table stays
 * in step). {@link #get} makes a whole request; {@link #flood} writes frames from a background
 * thread until stopped or until the server stops taking them. Writes are atomic per call, so a
 * flood and the reader's acknowledgements never interleave within a frame.
 */
public final class RawHttp2 implements AutoCloseable {
  /** A frame read from the server; {@code headers} for HEADERS (with its CONTINUATIONs joined), else null. */
  public record Frame(int type, int flags, int streamId, byte[] payload, Http2Headers headers) {
    public boolean is(int frameType) {
      return type == frameType;
    }

    /** The error code of a RST_STREAM or GOAWAY. */
    public int errorCode() {
      if (type == Http2Frames.RST_STREAM) return getInt(payload, 0);
      if (type == Http2Frames.GOAWAY) return getInt(payload, 4);
      throw new IllegalStateException("no error code in " + this);
    }

    /** The last stream id of a GOAWAY. */
    public int lastStreamId() {
      if (type != Http2Frames.GOAWAY) throw new IllegalStateException("not a GOAWAY: " + this);
      return getInt(payload, 0) & 0x7fffffff;
    }

    /** The debug data of a GOAWAY as text. */
    public String debugData() {
      if (type != Http2Frames.GOAWAY) throw new IllegalStateException("not a GOAWAY: " + this);
      return new String(payload, 8, payload.length - 8, StandardCharsets.UTF_8);
    }

    /** The (identifier, value) pairs of a SETTINGS frame, in order. */
    public java.util.Map<Integer, Long> settings() {
      if (type != Http2Frames.SETTINGS) throw new IllegalStateException("not a SETTINGS frame: " + this);
      java.util.Map<Integer, Long> m = new java.util.LinkedHashMap<>();
      for (int i = 0; i + 6 <= payload.length; i += 6) {
        m.put((payload[i] & 0xff) << 8 | payload[i + 1] & 0xff, getInt(payload, i + 2) & 0xffffffffL);
      }
      return m;
    }

    /** The increment of a WINDOW_UPDATE. */
    public int windowIncrement() {
      if (type != Http2Frames.WINDOW_UPDATE) throw new IllegalStateException("not a WINDOW_UPDATE: " + this);
      return getInt(payload, 0) & 0x7fffffff;
    }

    public boolean endStream() {
      return (type == Http2Frames.DATA || type == Http2Frames.HEADERS) && (flags & Http2Frames.FLAG_END_STREAM) != 0;
    }

    @Override
    public String toString() {
      String s = Http2Frames.typeName(type) + " stream " + streamId + " flags 0x" + Integer.toHexString(flags)
          + " length " + payload.length;
      if (type == Http2Frames.RST_STREAM || type == Http2Frames.GOAWAY) s += " " + Http2Frames.errorName(errorCode());
      if (type == Http2Frames.GOAWAY) s += " \"" + debugData() + "\"";
      if (headers != null) s += " " + headers;
      return s;
    }
  }

  /**
   * A response: the status ({@code 0} when the stream was reset before its headers), the body, and
   * the RST_STREAM error code ({@code -1} when the stream ended normally).
   */
  public record Response(int streamId, int status, Http2Headers headers, byte[] body, int resetCode) {
    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** A background writer; see {@link RawHttp2#flood}. */
  public static final class Flood implements AutoCloseable {
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong chunks = new AtomicLong();
    private volatile IOException failure;
    private Thread thread;

    /** Chunks written so far. */
    public long chunks() {
      return chunks.get();
    }

    /** Why the writer stopped on its own (the server closed), or null. */
    public IOException failure() {
      return failure;
    }

    /** Waits until the writer stops on its own (a write failed: the server closed) or {@code millis} pass. */
    public IOException awaitFailure(long millis) throws InterruptedException {
      thread.join(millis);
      return failure;
    }

    /** Stops the writer and waits for it. */
    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      thread.join(10_000);
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false, 1 << 20);
  private int nextStreamId = 1;
  private volatile boolean answering = true;

  private RawHttp2(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(10_000);
    socket.setTcpNoDelay(true);
    in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    out = socket.getOutputStream();
  }

  /** Connects to 127.0.0.1:port and sends the preface and an empty SETTINGS frame. */
  public static RawHttp2 connect(int port) throws IOException {
    return connect(port, Http2Frames.settings());
  }

  /** Connects to 127.0.0.1:port and sends the preface followed by {@code settings} (any bytes). */
  public static RawHttp2 connect(int port, byte[] settings) throws IOException {
    RawHttp2 c = new RawHttp2(new Socket("127.0.0.1", port));
    c.write(Http2Frames.concat(Http2Frames.preface(), settings));
    return c;
  }

  /**
   * Speaks HTTP/2 on a connected socket (an {@link javax.net.ssl.SSLSocket} that negotiated h2, or
   * a socket after an h2c upgrade), sending the preface followed by {@code settings}.
   */
  public static RawHttp2 over(Socket socket, byte[] settings) throws IOException {
    RawHttp2 c = new RawHttp2(socket);
    c.write(Http2Frames.concat(Http2Frames.preface(), settings));
    return c;
  }

  /** Speaks HTTP/2 on a connected socket, sending {@code opening} first instead of the preface (for invalid prefaces). */
  public static RawHttp2 overWithoutPreface(Socket socket, byte[] opening) throws IOException {
    RawHttp2 c = new RawHttp2(socket);
    c.write(opening);
    return c;
  }

  /**
   * Connects to 127.0.0.1:port and upgrades with {@code GET path} and {@code Upgrade: h2c}
   * (RFC 7540 section 3.2), then sends the preface and an empty SETTINGS frame. The upgrade
   * request is stream 1: its response is read with {@code response(1)}.
   */
  public static RawHttp2 upgrade(int port, String host, String path) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(10_000);
    s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
        + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: \r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    // the 101 head, byte by byte: nothing after it may be read here
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    InputStream in = s.getInputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) throw new EOFException("connection closed during the upgrade: " + head);
      head.write(b);
    }
    String response = head.toString(StandardCharsets.ISO_8859_1);
    if (!response.startsWith("HTTP/1.1 101 ")) {
      s.close();
      throw new IOException("upgrade refused: " + response);
    }
    RawHttp2 c = over(s, Http2Frames.settings());
    c.streamIdsAbove(1);
    return c;
  }

  /** A new client stream id (1, 3, 5, ...). */
  public int nextStreamId() {
    int id = nextStreamId;
    nextStreamId += 2;
    return id;
  }

  /**
   * Whether reading answers the server as a client must (SETTINGS and PING acknowledgements,
   * WINDOW_UPDATEs for DATA); on by default. Turn it off when the test writes every frame itself,
   * for instance in the middle of a header block, where any other frame is a protocol error.
   */
  public RawHttp2 answering(boolean on) {
    answering = on;
    return this;
  }

  /** Makes {@link #nextStreamId()} continue above {@code used}, a stream id the test used by hand. */
  public void streamIdsAbove(int used) {
    nextStreamId = Math.max(nextStreamId, (used + 2) | 1);
  }

  /** Writes all the bytes at once. */
  public void write(byte[]... frames) throws IOException {
    byte[] all = frames.length == 1 ? frames[0] : Http2Frames.concat(frames);
    synchronized (out) {
      out.write(all);
      out.flush();
    }
  }

  /**
   * Writes {@code chunk.apply(0)}, {@code chunk.apply(1)}, ... from a background thread until
   * {@link Flood#close()}, until {@code chunk} returns null, or until a write fails (the server
   * closed the connection).
   */
  public Flood flood(IntFunction<byte[]> chunk) {
    Flood f = new Flood();
    f.thread = Thread.ofVirtual().name("h2-flood").start(() -> {
      try {
        for (int i = 0; !f.stop.get(); i++) {
          byte[] bytes = chunk.apply(i);
          if (bytes == null) return;
          write(bytes);
          f.chunks.incrementAndGet();
        }
      } catch (IOException e) {
        f.failure = e;
      }
    });
    return f;
  }

  /** Frames {@link #handshake()} read past that the test has not seen yet. */
  private final java.util.ArrayDeque<Frame> held = new java.util.ArrayDeque<>();

  /** The next frame from the server, or null at the end of the stream (the server closed). */
  public Frame readFrame() throws IOException {
    Frame kept = held.poll();
    return kept != null ? kept : readFromWire();
  }

  private Frame readFromWire() throws IOException {
    byte[] header = new byte[9];
    int n = in.readNBytes(header, 0, 9);
    if (n == 0) return null;
    if (n < 9) throw new EOFException("connection closed within a frame header");
    int length = (header[0] & 0xff) << 16 | (header[1] & 0xff) << 8 | header[2] & 0xff;
    int type = header[3] & 0xff;
    int flags = header[4] & 0xff;
    int streamId = getInt(header, 5) & 0x7fffffff;
    byte[] payload = in.readNBytes(length);
    if (payload.length < length) throw new EOFException("connection closed within a " + Http2Frames.typeName(type) + " frame");
    if (type != Http2Frames.HEADERS && type != Http2Frames.PUSH_PROMISE) return new Frame(type, flags, streamId, payload, null);
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    block.writeBytes(headerBlockFragment(type, flags, payload));
    int f = flags;
    while ((f & Http2Frames.FLAG_END_HEADERS) == 0) {
      Frame c = readFromWire();
      if (c == null || c.type != Http2Frames.CONTINUATION) throw new IOException("expected CONTINUATION, got " + c);
      block.writeBytes(c.payload);
      f = c.flags;
    }
    ByteBuf buf = Unpooled.wrappedBuffer(block.toByteArray());
    try {
      return new Frame(type, flags | Http2Frames.FLAG_END_HEADERS, streamId, payload, decoder.decodeHeaders(streamId, buf));
    } catch (Http2Exception e) {
      throw new IOException("cannot decode the server's header block", e);
    } finally {
      buf.release();
    }
  }

  private static byte[] headerBlockFragment(int type, int flags, byte[] p) {
    int from = 0;
    int to = p.length;
    if ((flags & Http2Frames.FLAG_PADDED) != 0) {
      to -= p[0] & 0xff;
      from = 1;
    }
    if (type == Http2Frames.HEADERS && (flags & Http2Frames.FLAG_PRIORITY) != 0) from += 5;
    if (type == Http2Frames.PUSH_PROMISE) from += 4;
    byte[] b = new byte[to - from];
    System.arraycopy(p, from, b, 0, b.length);
    return b;
  }

  /**
   * Reads frames until one matches, answering the server's SETTINGS and PINGs as a client must;
   * fails when the connection ends first.
   */
  public Frame await(Predicate<Frame> match) throws IOException {
    while (true) {
      Frame f = readFrame();
      if (f == null) throw new EOFException("connection closed while waiting for a frame");
      if (match.test(f)) return f;
      try {
        answer(f);
      } catch (IOException e) {
        // the server may have stopped reading: what it sends still counts
      }
    }
  }

  /**
   * Completes the connection setup: reads until the server acknowledged our SETTINGS, answering
   * its own SETTINGS on the way. Afterwards nothing the server sends is owed an answer until a
   * request is made.
   */
  public RawHttp2 handshake() throws IOException {
    boolean was = answering;
    answering = true;
    try {
      // after an h2c upgrade the response on stream 1 may come before the acknowledgement: keep
      // every frame that is not connection setup for the reads that follow
      java.util.List<Frame> later = new java.util.ArrayList<>();
      while (true) {
        Frame f = readFrame();
        if (f == null) throw new EOFException("connection closed during the HTTP/2 handshake");
        if (f.is(Http2Frames.SETTINGS) && (f.flags & Http2Frames.FLAG_ACK) != 0) break;
        answer(f);
        if (!f.is(Http2Frames.SETTINGS) && !f.is(Http2Frames.PING) && !f.is(Http2Frames.WINDOW_UPDATE)) later.add(f);
      }
      held.addAll(later);
    } finally {
      answering = was;
    }
    return this;
  }

  /** Sends PING with {@code opaque} and reads until its acknowledgement; fails on a GOAWAY or the end of the connection. */
  public Frame ping(long opaque) throws IOException {
    write(Http2Frames.ping(opaque, false));
    Frame f = await(fr -> fr.is(Http2Frames.GOAWAY) || fr.is(Http2Frames.PING) && (fr.flags & Http2Frames.FLAG_ACK) != 0);
    if (f.is(Http2Frames.GOAWAY)) throw new IOException("GOAWAY instead of a PING acknowledgement: " + f);
    return f;
  }

  /** Reads frames until a GOAWAY, which it returns; fails when the connection ends first. */
  public Frame awaitGoAway() throws IOException {
    return await(f -> f.is(Http2Frames.GOAWAY));
  }

  /**
   * Reads and drops frames until the server closes the connection: true at the end of the stream,
   * false if it stays open for {@code timeoutMillis}. A connection reset is an exception.
   */
  public boolean awaitClose(int timeoutMillis) throws IOException {
    int before = socket.getSoTimeout();
    socket.setSoTimeout(timeoutMillis);
    try {
      while (readFrame() != null) {
        // dropped
      }
      return true;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } finally {
      if (!socket.isClosed()) socket.setSoTimeout(before);
    }
  }

  /** GET {@code path} on a new stream and its whole response. */
  public Response get(String authority, String path) throws IOException {
    int id = nextStreamId();
    write(Http2Frames.headers(id, Hpack.get(authority, path), true, true));
    return response(id);
  }

  /**
   * Reads until stream {@code streamId} ends (END_STREAM or RST_STREAM), answering SETTINGS, PINGs
   * and every DATA frame with WINDOW_UPDATEs; frames of other streams are dropped. A GOAWAY or the
   * end of the connection is an exception.
   */
  public Response response(int streamId) throws IOException {
    int status = 0;
    Http2Headers headers = null;
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      Frame f = readFrame();
      if (f == null) throw new EOFException("connection closed before stream " + streamId + " ended");
      if (f.is(Http2Frames.GOAWAY)) throw new IOException("GOAWAY before stream " + streamId + " ended: " + f);
      answer(f);
      if (f.streamId != streamId) continue;
      if (f.is(Http2Frames.RST_STREAM)) return new Response(streamId, status, headers, body.toByteArray(), f.errorCode());
      if (f.is(Http2Frames.HEADERS) && headers == null) {
        headers = f.headers;
        CharSequence s = f.headers.status();
        status = s == null ? 0 : Integer.parseInt(s.toString());
      } else if (f.is(Http2Frames.DATA)) {
        body.writeBytes(dataOf(f));
      }
      if (f.endStream()) return new Response(streamId, status, headers, body.toByteArray(), -1);
    }
  }

  private static byte[] dataOf(Frame f) {
    if ((f.flags & Http2Frames.FLAG_PADDED) == 0) return f.payload;
    byte[] b = new byte[f.payload.length - 1 - (f.payload[0] & 0xff)];
    System.arraycopy(f.payload, 1, b, 0, b.length);
    return b;
  }

  /** What a client owes the server for a frame: SETTINGS and PING acknowledgements, flow-control credit. */
  private void answer(Frame f) throws IOException {
    if (!answering) return;
    if (f.is(Http2Frames.SETTINGS) && (f.flags & Http2Frames.FLAG_ACK) == 0) {
      write(Http2Frames.settingsAck());
    } else if (f.is(Http2Frames.PING) && (f.flags & Http2Frames.FLAG_ACK) == 0) {
      write(Http2Frames.frame(Http2Frames.PING, Http2Frames.FLAG_ACK, 0, f.payload));
    } else if (f.is(Http2Frames.DATA) && f.payload.length > 0) {
      if (f.endStream()) {
        write(Http2Frames.windowUpdate(0, f.payload.length));
      } else {
        write(Http2Frames.windowUpdate(0, f.payload.length), Http2Frames.windowUpdate(f.streamId, f.payload.length));
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
