package io.higressj.conformance.client;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A unary gRPC call over h2c with prior knowledge, with an empty request message, reading the
 * Gateway API echo's {@code EchoResponse} (Gateway API FORMAT.md 12.1). No gRPC library: the
 * framing and the few protobuf fields are simple.
 */
public final class GrpcClient {
  /** grpc-go's names of the status codes, by number. */
  static final List<String> CODES = List.of("OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound",
      "AlreadyExists", "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted", "OutOfRange",
      "Unimplemented", "Internal", "Unavailable", "DataLoss", "Unauthenticated");

  /**
   * The outcome of a call.
   *
   * @param code the gRPC status code name ({@code OK}, {@code Unimplemented} ...)
   * @param message {@code grpc-message}, or why the call failed
   * @param fullyQualifiedMethod {@code assertions.fully_qualified_method} (OK only)
   * @param namespace {@code assertions.context.namespace}
   * @param pod {@code assertions.context.pod}
   * @param authority {@code assertions.authority}
   */
  public record Reply(String code, String message, String fullyQualifiedMethod, String namespace, String pod, String authority) {}

  private final WireClient wire;

  public GrpcClient(WireClient wire) {
    this.wire = requireNonNull(wire, "wire");
  }

  /**
   * Calls {@code path} ({@code /package.Service/Method}).
   *
   * @throws IOException when no HTTP/2 response arrives at all (connection refused, timeout)
   */
  public Reply call(InetSocketAddress address, String authority, String path, Map<String, String> metadata, Duration timeout)
      throws IOException {
    List<Headers.Line> lines = new ArrayList<>();
    lines.add(new Headers.Line("content-type", "application/grpc"));
    lines.add(new Headers.Line("te", "trailers"));
    lines.add(new Headers.Line("user-agent", "grpc-go/1.64.0"));
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      lines.add(new Headers.Line(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
    }
    byte[] emptyMessage = {0, 0, 0, 0, 0};
    WireResponse r = wire.send(new WireRequest(address, WireRequest.Protocol.H2C, null, "POST", path, authority,
        Headers.of(lines), emptyMessage, timeout));
    return interpret(r);
  }

  static Reply interpret(WireResponse r) {
    if (r.status() != 200) {
      return new Reply(fromHttpStatus(r.status()), "unexpected HTTP status code received from server: " + r.status(), null, null, null, null);
    }
    String statusText = r.trailers().first("grpc-status");
    String message = r.trailers().first("grpc-message");
    if (statusText == null) { // trailers-only response
      statusText = r.headers().first("grpc-status");
      message = r.headers().first("grpc-message");
    }
    if (statusText == null) return new Reply("Internal", "server closed the stream without sending trailers", null, null, null, null);
    int code;
    try {
      code = Integer.parseInt(statusText.trim());
    } catch (NumberFormatException e) {
      return new Reply("Unknown", "malformed grpc-status: " + statusText, null, null, null, null);
    }
    String name = code >= 0 && code < CODES.size() ? CODES.get(code) : "Code(" + code + ")";
    if (code != 0) return new Reply(name, message, null, null, null, null);
    try {
      byte[] msg = firstMessage(r.body());
      Proto assertions = new Proto(msg).message(1);
      Proto context = assertions.message(4);
      return new Reply(name, message, assertions.string(1), context.string(1), context.string(4), assertions.string(3));
    } catch (IllegalArgumentException e) {
      return new Reply("Internal", "cannot decode the response message: " + e.getMessage(), null, null, null, null);
    }
  }

  /** grpc-go's mapping of a non-200 HTTP status to a code. */
  static String fromHttpStatus(int status) {
    return switch (status) {
      case 400 -> "Internal";
      case 401 -> "Unauthenticated";
      case 403 -> "PermissionDenied";
      case 404 -> "Unimplemented";
      case 429, 502, 503, 504 -> "Unavailable";
      default -> "Unknown";
    };
  }

  private static byte[] firstMessage(byte[] body) {
    if (body.length < 5) throw new IllegalArgumentException("no message in the response (" + body.length + " bytes)");
    if (body[0] != 0) throw new IllegalArgumentException("compressed message (flag " + body[0] + ")");
    int length = ((body[1] & 0xff) << 24) | ((body[2] & 0xff) << 16) | ((body[3] & 0xff) << 8) | (body[4] & 0xff);
    if (length < 0 || 5 + length > body.length) throw new IllegalArgumentException("message length " + length + " beyond the body");
    return java.util.Arrays.copyOfRange(body, 5, 5 + length);
  }

  /** The fields of one protobuf message that this client reads: length-delimited ones, first occurrence. */
  static final class Proto {
    private final byte[] data;

    Proto(byte[] data) {
      this.data = data;
    }

    /** The first length-delimited field {@code number}; empty bytes when absent. */
    byte[] bytes(int number) {
      int i = 0;
      while (i < data.length) {
        long[] key = varint(i);
        i = (int) key[1];
        int field = (int) (key[0] >>> 3);
        int wire = (int) (key[0] & 7);
        switch (wire) {
          case 0 -> i = (int) varint(i)[1];
          case 1 -> i += 8;
          case 5 -> i += 4;
          case 2 -> {
            long[] len = varint(i);
            int start = (int) len[1];
            int end = start + (int) len[0];
            if (len[0] < 0 || end > data.length) throw new IllegalArgumentException("field " + field + " longer than the message");
            if (field == number) return java.util.Arrays.copyOfRange(data, start, end);
            i = end;
          }
          default -> throw new IllegalArgumentException("unsupported wire type " + wire);
        }
      }
      return new byte[0];
    }

    String string(int number) {
      return new String(bytes(number), StandardCharsets.UTF_8);
    }

    Proto message(int number) {
      return new Proto(bytes(number));
    }

    /** {value, next index}. */
    private long[] varint(int i) {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (i >= data.length) throw new IllegalArgumentException("truncated varint");
        byte b = data[i++];
        v |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) return new long[] {v, i};
      }
      throw new IllegalArgumentException("varint too long");
    }
  }
}
