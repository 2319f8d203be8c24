package io.higressj.proxy.redis;

import io.higressj.api.RedisReply;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes RESP2 replies into {@link RedisReply}s. A reply split over several reads waits for the
 * rest (the reader index goes back to its start); several replies in one read come out one by one.
 */
final class RespDecoder extends ByteToMessageDecoder {
  static final int MAX_BULK = 64 << 20;
  static final int MAX_LINE = 64 << 10;
  static final int MAX_ELEMENTS = 1 << 20;
  static final int MAX_DEPTH = 32;

  /** marks "not enough bytes yet" */
  private static final RedisReply INCOMPLETE = new RedisReply.SimpleString("incomplete");

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (in.isReadable()) {
      int start = in.readerIndex();
      RedisReply r = parse(in, 0);
      if (r == INCOMPLETE) {
        in.readerIndex(start);
        return;
      }
      out.add(r);
    }
  }

  /** one reply from {@code in}, or INCOMPLETE */
  static RedisReply parse(ByteBuf in, int depth) {
    if (depth > MAX_DEPTH) throw new DecoderException("RESP nesting too deep");
    if (!in.isReadable()) return INCOMPLETE;
    byte type = in.readByte();
    String line = readLine(in);
    if (line == null) return INCOMPLETE;
    switch (type) {
      case '+':
        return new RedisReply.SimpleString(line);
      case '-':
        return new RedisReply.Error(line);
      case ':':
        return new RedisReply.Integer(parseLong(line));
      case '$': {
        long n = parseLong(line);
        if (n < 0) return RedisReply.NULL;
        if (n > MAX_BULK) throw new DecoderException("RESP bulk string of " + n + " bytes");
        if (in.readableBytes() < n + 2) return INCOMPLETE;
        byte[] b = new byte[(int) n];
        in.readBytes(b);
        if (in.readByte() != '\r' || in.readByte() != '\n') throw new DecoderException("RESP bulk string not ended by CRLF");
        return new RedisReply.Bulk(b);
      }
      case '*': {
        long n = parseLong(line);
        if (n < 0) return RedisReply.NULL;
        if (n > MAX_ELEMENTS) throw new DecoderException("RESP array of " + n + " elements");
        List<RedisReply> elements = new ArrayList<>((int) Math.min(n, 1024));
        for (long i = 0; i < n; i++) {
          RedisReply e = parse(in, depth + 1);
          if (e == INCOMPLETE) return INCOMPLETE;
          elements.add(e);
        }
        return new RedisReply.Array(elements);
      }
      default:
        throw new DecoderException("RESP: unknown reply type " + (char) type);
    }
  }

  private static String readLine(ByteBuf in) {
    int from = in.readerIndex();
    int lf = in.indexOf(from, in.writerIndex(), (byte) '\n');
    if (lf < 0) {
      if (in.readableBytes() > MAX_LINE) throw new DecoderException("RESP line too long");
      return null;
    }
    if (lf == from || in.getByte(lf - 1) != '\r') throw new DecoderException("RESP line not ended by CRLF");
    String s = in.toString(from, lf - 1 - from, StandardCharsets.UTF_8);
    in.readerIndex(lf + 1);
    return s;
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new DecoderException("RESP: bad number " + s);
    }
  }

  /** RESP2 encoding of a command: an array of bulk strings */
  static void encode(List<String> args, ByteBuf out) {
    out.writeByte('*').writeCharSequence(Integer.toString(args.size()), StandardCharsets.US_ASCII);
    out.writeByte('\r').writeByte('\n');
    for (String a : args) {
      byte[] b = a.getBytes(StandardCharsets.UTF_8);
      out.writeByte('$').writeCharSequence(Integer.toString(b.length), StandardCharsets.US_ASCII);
      out.writeByte('\r').writeByte('\n');
      out.writeBytes(b).writeByte('\r').writeByte('\n');
    }
  }
}
