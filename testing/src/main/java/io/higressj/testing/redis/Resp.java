package io.higressj.testing.redis;

import io.higressj.api.RedisReply;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** RESP2 over blocking streams, for tests (the gateway has its own Netty client). */
public final class Resp {
  private Resp() {}

  public static byte[] encode(List<String> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(("*" + args.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (String a : args) {
      byte[] b = a.getBytes(StandardCharsets.UTF_8);
      out.writeBytes(("$" + b.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(b);
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    return out.toByteArray();
  }

  public static RedisReply read(InputStream in) throws IOException {
    int type = in.read();
    if (type < 0) throw new EOFException("connection closed");
    String line = line(in);
    switch (type) {
      case '+':
        return new RedisReply.SimpleString(line);
      case '-':
        return new RedisReply.Error(line);
      case ':':
        return new RedisReply.Integer(Long.parseLong(line));
      case '$': {
        int n = Integer.parseInt(line);
        if (n < 0) return RedisReply.NULL;
        byte[] b = in.readNBytes(n);
        if (b.length < n) throw new EOFException("connection closed");
        in.readNBytes(2);
        return new RedisReply.Bulk(b);
      }
      case '*': {
        int n = Integer.parseInt(line);
        if (n < 0) return RedisReply.NULL;
        List<RedisReply> e = new ArrayList<>();
        for (int i = 0; i < n; i++) e.add(read(in));
        return new RedisReply.Array(e);
      }
      default:
        throw new IOException("unknown RESP type " + (char) type);
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) throw new EOFException("connection closed");
      if (c != '\r') b.write(c);
    }
    return b.toString(StandardCharsets.UTF_8);
  }

  static Object toJava(RedisReply r) {
    return switch (r) {
      case RedisReply.SimpleString s -> s.value();
      case RedisReply.Error e -> new RedisServer.RedisError(e.message());
      case RedisReply.Integer i -> i.value();
      case RedisReply.Bulk b -> b.text();
      case RedisReply.Array a -> a.elements().stream().map(Resp::toJava).toList();
      case RedisReply.Null n -> null;
    };
  }
}
