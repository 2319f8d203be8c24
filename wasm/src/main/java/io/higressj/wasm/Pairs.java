package io.higressj.wasm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The ABI's serialized header map: a u32 count, then a u32 key length and a u32 value length per
 * pair, then each key and value followed by a NUL byte (all little endian).
 */
final class Pairs {
  private Pairs() {}

  static byte[] encode(List<Map.Entry<String, String>> pairs) {
    List<byte[]> keys = new ArrayList<>(pairs.size());
    List<byte[]> values = new ArrayList<>(pairs.size());
    int size = 4;
    for (Map.Entry<String, String> e : pairs) {
      byte[] k = e.getKey().getBytes(StandardCharsets.UTF_8);
      byte[] v = e.getValue().getBytes(StandardCharsets.UTF_8);
      keys.add(k);
      values.add(v);
      size += 8 + k.length + v.length + 2;
    }
    ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(pairs.size());
    for (int i = 0; i < keys.size(); i++) {
      b.putInt(keys.get(i).length).putInt(values.get(i).length);
    }
    for (int i = 0; i < keys.size(); i++) {
      b.put(keys.get(i)).put((byte) 0).put(values.get(i)).put((byte) 0);
    }
    return b.array();
  }

  /** the pairs, or null when the bytes are not a serialized map */
  static List<Map.Entry<String, String>> decode(byte[] data) {
    if (data.length == 0) {
      return List.of();
    }
    try {
      ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
      int n = b.getInt();
      if (n < 0 || n > (data.length - 4) / 8) {
        return null;
      }
      int[] lengths = new int[n * 2];
      for (int i = 0; i < lengths.length; i++) {
        lengths[i] = b.getInt();
      }
      List<Map.Entry<String, String>> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String k = string(b, lengths[2 * i]);
        String v = string(b, lengths[2 * i + 1]);
        out.add(Map.entry(k, v));
      }
      return out;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String string(ByteBuffer b, int len) {
    byte[] s = new byte[len];
    b.get(s);
    b.get(); // NUL
    return new String(s, StandardCharsets.UTF_8);
  }
}
