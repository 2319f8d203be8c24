package io.higressj.testing.http2;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** HTTP/2 frames (RFC 9113 section 6) as bytes, exactly as given: nothing is checked or corrected. */
public final class Http2Frames {
  public static final int DATA = 0x0;
  public static final int HEADERS = 0x1;
  public static final int PRIORITY = 0x2;
  public static final int RST_STREAM = 0x3;
  public static final int SETTINGS = 0x4;
  public static final int PUSH_PROMISE = 0x5;
  public static final int PING = 0x6;
  public static final int GOAWAY = 0x7;
  public static final int WINDOW_UPDATE = 0x8;
  public static final int CONTINUATION = 0x9;

  public static final int FLAG_END_STREAM = 0x1;
  public static final int FLAG_ACK = 0x1;
  public static final int FLAG_END_HEADERS = 0x4;
  public static final int FLAG_PADDED = 0x8;
  public static final int FLAG_PRIORITY = 0x20;

  public static final int NO_ERROR = 0x0;
  public static final int PROTOCOL_ERROR = 0x1;
  public static final int INTERNAL_ERROR = 0x2;
  public static final int FLOW_CONTROL_ERROR = 0x3;
  public static final int STREAM_CLOSED = 0x5;
  public static final int FRAME_SIZE_ERROR = 0x6;
  public static final int REFUSED_STREAM = 0x7;
  public static final int CANCEL = 0x8;
  public static final int COMPRESSION_ERROR = 0x9;
  public static final int ENHANCE_YOUR_CALM = 0xb;

  public static final int SETTINGS_HEADER_TABLE_SIZE = 0x1;
  public static final int SETTINGS_ENABLE_PUSH = 0x2;
  public static final int SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;
  public static final int SETTINGS_INITIAL_WINDOW_SIZE = 0x4;
  public static final int SETTINGS_MAX_FRAME_SIZE = 0x5;
  public static final int SETTINGS_MAX_HEADER_LIST_SIZE = 0x6;

  private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private Http2Frames() {}

  /** The client connection preface (without the SETTINGS frame that must follow it). */
  public static byte[] preface() {
    return PREFACE.clone();
  }

  /** A frame: 9-byte header (24-bit length, type, flags, 31-bit stream id) and the payload. */
  public static byte[] frame(int type, int flags, int streamId, byte[] payload) {
    byte[] f = new byte[9 + payload.length];
    f[0] = (byte) (payload.length >>> 16);
    f[1] = (byte) (payload.length >>> 8);
    f[2] = (byte) payload.length;
    f[3] = (byte) type;
    f[4] = (byte) flags;
    putInt(f, 5, streamId & 0x7fffffff);
    System.arraycopy(payload, 0, f, 9, payload.length);
    return f;
  }

  /**
   * A frame whose header says exactly what is given: {@code length} need not be the payload's
   * length, and {@code rawStreamId} is written as is (the reserved bit included).
   */
  public static byte[] rawFrame(int length, int type, int flags, int rawStreamId, byte[] payload) {
    byte[] f = new byte[9 + payload.length];
    f[0] = (byte) (length >>> 16);
    f[1] = (byte) (length >>> 8);
    f[2] = (byte) length;
    f[3] = (byte) type;
    f[4] = (byte) flags;
    putInt(f, 5, rawStreamId);
    System.arraycopy(payload, 0, f, 9, payload.length);
    return f;
  }

  /**
   * A frame with the PADDED flag (DATA, HEADERS, PUSH_PROMISE): the Pad Length byte says
   * {@code padLength}, and that many zero bytes follow {@code content}.
   */
  public static byte[] padded(int type, int flags, int streamId, byte[] content, int padLength) {
    return frame(type, flags | FLAG_PADDED, streamId, concat(new byte[] {(byte) padLength}, content, new byte[padLength]));
  }

  /**
   * A frame with the PADDED flag whose Pad Length byte says {@code declaredPadLength} but which
   * carries only {@code content}: a pad length that does not fit is a protocol error.
   */
  public static byte[] badlyPadded(int type, int flags, int streamId, byte[] content, int declaredPadLength) {
    return frame(type, flags | FLAG_PADDED, streamId, concat(new byte[] {(byte) declaredPadLength}, content));
  }

  /** HEADERS with the PRIORITY flag: {@code streamId} depends on {@code dependency} with weight 1..256. */
  public static byte[] headersWithPriority(int streamId, int dependency, int weight, boolean exclusive, byte[] block,
      boolean endStream, boolean endHeaders) {
    byte[] p = new byte[5];
    putInt(p, 0, (dependency & 0x7fffffff) | (exclusive ? 0x80000000 : 0));
    p[4] = (byte) (weight - 1);
    int flags = FLAG_PRIORITY | (endStream ? FLAG_END_STREAM : 0) | (endHeaders ? FLAG_END_HEADERS : 0);
    return frame(HEADERS, flags, streamId, concat(p, block));
  }

  /** PUSH_PROMISE on {@code streamId} reserving {@code promisedStreamId}, with END_HEADERS. */
  public static byte[] pushPromise(int streamId, int promisedStreamId, byte[] block) {
    byte[] p = new byte[4];
    putInt(p, 0, promisedStreamId & 0x7fffffff);
    return frame(PUSH_PROMISE, FLAG_END_HEADERS, streamId, concat(p, block));
  }

  /** {@code n} bytes of {@code c}. */
  public static byte[] bytes(int n, char c) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) c);
    return b;
  }

  /** SETTINGS with (identifier, value) pairs. */
  public static byte[] settings(int... idValuePairs) {
    if (idValuePairs.length % 2 != 0) throw new IllegalArgumentException("identifier and value pairs expected");
    byte[] p = new byte[idValuePairs.length / 2 * 6];
    for (int i = 0, o = 0; i < idValuePairs.length; i += 2, o += 6) {
      p[o] = (byte) (idValuePairs[i] >>> 8);
      p[o + 1] = (byte) idValuePairs[i];
      putInt(p, o + 2, idValuePairs[i + 1]);
    }
    return frame(SETTINGS, 0, 0, p);
  }

  public static byte[] settingsAck() {
    return frame(SETTINGS, FLAG_ACK, 0, new byte[0]);
  }

  /** HEADERS carrying {@code block}, with END_STREAM and END_HEADERS as given. */
  public static byte[] headers(int streamId, byte[] block, boolean endStream, boolean endHeaders) {
    return frame(HEADERS, (endStream ? FLAG_END_STREAM : 0) | (endHeaders ? FLAG_END_HEADERS : 0), streamId, block);
  }

  public static byte[] continuation(int streamId, byte[] block, boolean endHeaders) {
    return frame(CONTINUATION, endHeaders ? FLAG_END_HEADERS : 0, streamId, block);
  }

  public static byte[] data(int streamId, byte[] payload, boolean endStream) {
    return frame(DATA, endStream ? FLAG_END_STREAM : 0, streamId, payload);
  }

  public static byte[] rstStream(int streamId, int errorCode) {
    byte[] p = new byte[4];
    putInt(p, 0, errorCode);
    return frame(RST_STREAM, 0, streamId, p);
  }

  public static byte[] ping(long opaque, boolean ack) {
    byte[] p = new byte[8];
    putInt(p, 0, (int) (opaque >>> 32));
    putInt(p, 4, (int) opaque);
    return frame(PING, ack ? FLAG_ACK : 0, 0, p);
  }

  /** PRIORITY: {@code streamId} depends on {@code dependency} with weight 1..256. */
  public static byte[] priority(int streamId, int dependency, int weight, boolean exclusive) {
    byte[] p = new byte[5];
    putInt(p, 0, (dependency & 0x7fffffff) | (exclusive ? 0x80000000 : 0));
    p[4] = (byte) (weight - 1);
    return frame(PRIORITY, 0, streamId, p);
  }

  public static byte[] windowUpdate(int streamId, int increment) {
    byte[] p = new byte[4];
    putInt(p, 0, increment & 0x7fffffff);
    return frame(WINDOW_UPDATE, 0, streamId, p);
  }

  public static byte[] goAway(int lastStreamId, int errorCode) {
    byte[] p = new byte[8];
    putInt(p, 0, lastStreamId & 0x7fffffff);
    putInt(p, 4, errorCode);
    return frame(GOAWAY, 0, 0, p);
  }

  /** The parts one after the other. */
  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }

  /** {@code part} {@code times} times. */
  public static byte[] repeat(byte[] part, int times) {
    byte[] out = new byte[part.length * times];
    for (int i = 0; i < times; i++) System.arraycopy(part, 0, out, i * part.length, part.length);
    return out;
  }

  /** A frame type's name as in RFC 9113 (or {@code 0x..} for an unknown type). */
  public static String typeName(int type) {
    return switch (type) {
      case DATA -> "DATA";
      case HEADERS -> "HEADERS";
      case PRIORITY -> "PRIORITY";
      case RST_STREAM -> "RST_STREAM";
      case SETTINGS -> "SETTINGS";
      case PUSH_PROMISE -> "PUSH_PROMISE";
      case PING -> "PING";
      case GOAWAY -> "GOAWAY";
      case WINDOW_UPDATE -> "WINDOW_UPDATE";
      case CONTINUATION -> "CONTINUATION";
      default -> String.format("0x%02x", type);
    };
  }

  /** An error code's name as in RFC 9113 section 7. */
  public static String errorName(int code) {
    String[] names = {"NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT",
        "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR", "CONNECT_ERROR",
        "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"};
    return code >= 0 && code < names.length ? names[code] : String.format("0x%x", code);
  }

  static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }

  static int getInt(byte[] b, int at) {
    return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | b[at + 3] & 0xff;
  }
}
