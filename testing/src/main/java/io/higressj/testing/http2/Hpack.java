package io.higressj.testing.http2;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * HPACK header block fragments (RFC 7541) without Huffman coding, representation by
 * representation, so that a test decides exactly what the decoder sees (also what it must refuse).
 */
public final class Hpack {
  private Hpack() {}

  /** A GET request with {@code :scheme http}; each field a literal without indexing (no decoder state). */
  public static byte[] get(String authority, String path) {
    return request("GET", authority, path);
  }

  /** A request's pseudo-header fields followed by {@code nameValuePairs}, literals without indexing. */
  public static byte[] request(String method, String authority, String path, String... nameValuePairs) {
    if (nameValuePairs.length % 2 != 0) throw new IllegalArgumentException("name and value pairs expected");
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(literal(":method", method));
    b.writeBytes(literal(":scheme", "http"));
    b.writeBytes(literal(":authority", authority));
    b.writeBytes(literal(":path", path));
    for (int i = 0; i < nameValuePairs.length; i += 2) b.writeBytes(literal(nameValuePairs[i], nameValuePairs[i + 1]));
    return b.toByteArray();
  }

  /** Each (name, value) pair as a literal without indexing, in the order given (pseudo-header fields included). */
  public static byte[] fields(String... nameValuePairs) {
    if (nameValuePairs.length % 2 != 0) throw new IllegalArgumentException("name and value pairs expected");
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int i = 0; i < nameValuePairs.length; i += 2) b.writeBytes(literal(nameValuePairs[i], nameValuePairs[i + 1]));
    return b.toByteArray();
  }

  /** Literal header field without indexing whose name is table entry {@code nameIndex} (section 6.2.2). */
  public static byte[] literalIndexedName(int nameIndex, String value) {
    return concat(integer(0x00, 4, nameIndex), string(value));
  }

  /**
   * Literal header field without indexing, new name, whose value is the Huffman-coded octets
   * {@code huffman} exactly as given (section 5.2 with H set): for codes a decoder must refuse.
   */
  public static byte[] literalHuffmanValue(String name, byte[] huffman) {
    return concat(integer(0x00, 4, 0), string(name), integer(0x80, 7, huffman.length), huffman);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) b.writeBytes(p);
    return b.toByteArray();
  }

  /** Literal header field without indexing, new name (section 6.2.2). */
  public static byte[] literal(String name, String value) {
    return literal(0x00, 4, name, value);
  }

  /** Literal header field with incremental indexing, new name (section 6.2.1): adds the field to the dynamic table. */
  public static byte[] literalWithIndexing(String name, String value) {
    return literal(0x40, 6, name, value);
  }

  /** Literal header field never indexed, new name (section 6.2.3). */
  public static byte[] literalNeverIndexed(String name, String value) {
    return literal(0x10, 4, name, value);
  }

  /** Indexed header field (section 6.1): index 1..61 is the static table, 62 the newest dynamic entry. */
  public static byte[] indexed(int index) {
    return integer(0x80, 7, index);
  }

  /** Dynamic table size update (section 6.3). */
  public static byte[] tableSizeUpdate(int size) {
    return integer(0x20, 5, size);
  }

  /** An integer with an N-bit prefix (section 5.1), the first byte's other bits set to {@code firstByte}. */
  public static byte[] integer(int firstByte, int prefixBits, int value) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int max = (1 << prefixBits) - 1;
    if (value < max) {
      b.write(firstByte | value);
    } else {
      b.write(firstByte | max);
      value -= max;
      while (value >= 128) {
        b.write(value % 128 + 128);
        value /= 128;
      }
      b.write(value);
    }
    return b.toByteArray();
  }

  private static byte[] literal(int firstByte, int prefixBits, String name, String value) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(integer(firstByte, prefixBits, 0));
    b.writeBytes(string(name));
    b.writeBytes(string(value));
    return b.toByteArray();
  }

  /** A string literal (section 5.2), not Huffman-coded. */
  public static byte[] string(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(integer(0x00, 7, bytes.length));
    b.writeBytes(bytes);
    return b.toByteArray();
  }
}
