package io.higressj.api;

import java.util.List;
import java.util.function.Consumer;

/**
 * Sends commands to one {@link RedisTarget}. Commands of a request are sent in order on a connection
 * of the request's event loop (pipelined); each callback runs on that event loop, never from inside
 * {@link #command}. A filter usually returns {@link Action#PAUSE} and resumes in the callback.
 */
public interface RedisClient {
  /** e.g. {@code command(List.of("SET", key, "1", "NX", "EX", "60"), reply -> ...)} */
  void command(List<String> args, Consumer<RedisReply> callback);
}
