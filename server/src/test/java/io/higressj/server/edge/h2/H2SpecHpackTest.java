package io.higressj.server.edge.h2;

import static io.higressj.server.edge.h2.H2SpecChecks.assertConnectionError;
import static io.higressj.server.edge.h2.H2SpecChecks.assertNothingReachedUpstream;
import static io.higressj.server.edge.h2.H2SpecChecks.open;
import static io.higressj.server.edge.h2.Http2EdgeFixture.HOST;
import static io.higressj.testing.http2.Http2Frames.COMPRESSION_ERROR;
import static io.higressj.testing.http2.Http2Frames.concat;
import static io.higressj.testing.http2.Http2Frames.headers;
import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.testing.http2.Hpack;
import io.higressj.testing.http2.RawHttp2;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * h2spec's HPACK cases, written here from RFC 7541. A header block the decoder cannot decode is a
 * connection error of type COMPRESSION_ERROR (RFC 9113 4.3): the decoder's table can no longer be
 * trusted, so no later request on the connection could be either. Valid uses of the dynamic table,
 * size updates and Huffman coding are served.
 */
class H2SpecHpackTest {
  /** "a" in the Huffman code of RFC 7541 appendix B: 00011, padded with 111. */
  static final byte[] HUFFMAN_A = {0x1f};

  @TempDir static Path dir;
  static Http2EdgeFixture f;

  @BeforeAll
  static void start() throws Exception {
    f = Http2EdgeFixture.start(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    if (f != null) f.close();
  }

  static void assertCompressionError(String path, byte[] block) throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, block, true, true));
      assertConnectionError(c, COMPRESSION_ERROR);
    }
    assertNothingReachedUpstream(f, path);
  }

  // 2.3.3 index address space

  @Test
  void s2_3_3_anIndexedFieldPastBothTablesIsACompressionError() throws Exception {
    String path = "/h2spec/hpack-2.3.3-indexed";
    assertCompressionError(path, concat(Hpack.get(HOST, path), Hpack.indexed(62))); // the dynamic table is empty
  }

  @Test
  void s2_3_3_aLiteralWithANameIndexPastBothTablesIsACompressionError() throws Exception {
    String path = "/h2spec/hpack-2.3.3-literal";
    assertCompressionError(path, concat(Hpack.get(HOST, path), Hpack.literalIndexedName(70, "v")));
  }

  // 4.2 maximum table size

  @Test
  void s4_2_aTableSizeUpdateAboveTheAnnouncedSizeIsACompressionError() throws Exception {
    String path = "/h2spec/hpack-4.2";
    assertCompressionError(path, concat(Hpack.tableSizeUpdate(4097), Hpack.get(HOST, path)));
  }

  @Test
  void s4_2_tableSizeUpdatesWithinTheAnnouncedSizeAreAccepted() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, concat(Hpack.tableSizeUpdate(0), Hpack.tableSizeUpdate(4096), Hpack.get(HOST, "/h2spec/hpack-4.2-ok")),
          true, true));
      assertThat(c.response(1).status()).isEqualTo(200);
    }
  }

  // 5.2 string literal representation (Huffman)

  @Test
  void s5_2_huffmanPaddingLongerThanSevenBitsIsACompressionError() throws Exception {
    String path = "/h2spec/hpack-5.2-long-padding";
    // "a" (5 bits) then 11 bits of ones
    assertCompressionError(path, concat(Hpack.get(HOST, path), Hpack.literalHuffmanValue("x-a", new byte[] {0x1f, (byte) 0xff})));
  }

  @Test
  void s5_2_huffmanPaddingOtherThanTheEosPrefixIsACompressionError() throws Exception {
    String path = "/h2spec/hpack-5.2-zero-padding";
    // "a" (5 bits) then 000
    assertCompressionError(path, concat(Hpack.get(HOST, path), Hpack.literalHuffmanValue("x-a", new byte[] {0x18})));
  }

  @Test
  void s5_2_theHuffmanEosSymbolIsACompressionError() throws Exception {
    String path = "/h2spec/hpack-5.2-eos";
    // EOS (30 ones) and 2 bits of padding
    byte[] eos = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    assertCompressionError(path, concat(Hpack.get(HOST, path), Hpack.literalHuffmanValue("x-a", eos)));
  }

  @Test
  void s5_2_aHuffmanCodedValueIsAccepted() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, concat(Hpack.get(HOST, "/h2spec/hpack-5.2-ok"), Hpack.literalHuffmanValue("x-huffman", HUFFMAN_A)),
          true, true));
      RawHttp2.Response r = c.response(1);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.bodyText()).contains("\"X-Huffman\":[\"a\"]");
    }
  }

  // 5.1 integer representation

  @Test
  void s5_1_anIntegerOverflowingItsPrefixIsACompressionError() throws Exception {
    String path = "/h2spec/hpack-5.1-overflow";
    // a name length of 2^35 and more: continuation octets past what 32 bits hold
    byte[] huge = concat(Hpack.integer(0x00, 4, 0), new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f});
    assertCompressionError(path, concat(Hpack.get(HOST, path), huge));
  }

  // 6.1, 6.2 every representation

  @Test
  void s6_everyRepresentationIsAccepted() throws Exception {
    try (RawHttp2 c = open(f)) {
      byte[] block = concat(
          Hpack.indexed(2), // :method GET (static table)
          Hpack.indexed(6), // :scheme http
          concat(Hpack.integer(0x40, 6, 1), Hpack.string(HOST)), // :authority, indexed name, with indexing
          Hpack.literalIndexedName(4, "/h2spec/hpack-6-representations"), // :path, indexed name, without indexing
          concat(Hpack.integer(0x10, 4, 58), Hpack.string("h2spec")), // user-agent, indexed name, never indexed
          Hpack.literalNeverIndexed("x-never", "n"),
          Hpack.literalWithIndexing("x-indexed", "i"),
          Hpack.literalHuffmanValue("x-huffman", HUFFMAN_A));
      c.write(headers(1, block, true, true));
      RawHttp2.Response r = c.response(1);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.bodyText()).contains("\"path\":\"/h2spec/hpack-6-representations\"").contains("\"User-Agent\":[\"h2spec\"]")
          .contains("\"X-Never\":[\"n\"]").contains("\"X-Indexed\":[\"i\"]").contains("\"X-Huffman\":[\"a\"]");
      // the two indexed entries, newest first: x-indexed (62), :authority (63)
      c.write(headers(3, concat(Hpack.indexed(2), Hpack.indexed(6), Hpack.indexed(63),
          Hpack.literalIndexedName(4, "/h2spec/hpack-6-dynamic"), Hpack.indexed(62)), true, true));
      RawHttp2.Response again = c.response(3);
      assertThat(again.status()).isEqualTo(200);
      assertThat(again.bodyText()).contains("\"X-Indexed\":[\"i\"]");
    }
  }

  // 6.1 indexed header field

  @Test
  void s6_1_indexZeroIsACompressionError() throws Exception {
    String path = "/h2spec/hpack-6.1";
    assertCompressionError(path, concat(Hpack.get(HOST, path), Hpack.indexed(0)));
  }

  @Test
  void s6_1_theDynamicTableCarriesOverToTheNextHeaderBlock() throws Exception {
    try (RawHttp2 c = open(f)) {
      c.write(headers(1, concat(Hpack.get(HOST, "/h2spec/hpack-6.1-first"), Hpack.literalWithIndexing("x-kept", "kept")),
          true, true));
      assertThat(c.response(1).status()).isEqualTo(200);
      c.write(headers(3, concat(Hpack.get(HOST, "/h2spec/hpack-6.1-second"), Hpack.indexed(62)), true, true));
      RawHttp2.Response r = c.response(3);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.bodyText()).contains("\"X-Kept\":[\"kept\"]");
    }
  }

  // 6.3 dynamic table size update

  @Test
  void s6_3_aTableSizeUpdateAfterAFieldIsACompressionError() throws Exception {
    String path = "/h2spec/hpack-6.3";
    assertCompressionError(path, concat(Hpack.get(HOST, path), Hpack.tableSizeUpdate(0)));
  }
}
