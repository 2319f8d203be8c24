package io.higressj.api;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A Redis (RESP2) reply. A failure of the client itself (timeout, connection refused or lost, no such
 * cluster) is an {@link Error} too, whose message starts with {@code "ERR higressj: "}.
 */
public sealed interface RedisReply {
  record SimpleString(String value) implements RedisReply {}

  record Error(String message) implements RedisReply {}

  record Integer(long value) implements RedisReply {}

  record Bulk(byte[] value) implements RedisReply {
    public String text() {
      return new String(value, StandardCharsets.UTF_8);
    }
  }

  record Array(List<RedisReply> elements) implements RedisReply {
    public Array {
      elements = List.copyOf(elements);
    }
  }

  /** the null bulk string or null array */
  record Null() implements RedisReply {}

  Null NULL = new Null();

  default boolean isError() {
    return this instanceof Error;
  }

  /** the text of a simple string, bulk string or error; null for other kinds */
  default String text() {
    return switch (this) {
      case SimpleString s -> s.value();
      case Bulk b -> b.text();
      case Error e -> e.message();
      default -> null;
    };
  }

  /** an integer reply, or a string that holds one; null otherwise */
  default Long asLong() {
    if (this instanceof Integer i) return i.value();
    String t = this instanceof Error ? null : text();
    if (t == null) return null;
    try {
      return Long.parseLong(t.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static Error clientError(String why) {
    return new Error("ERR higressj: " + why);
  }
}
