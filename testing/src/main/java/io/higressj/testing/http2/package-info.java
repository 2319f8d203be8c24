/**
 * Hand-built HTTP/2 for tests that must control every byte: {@link io.higressj.testing.http2.Http2Frames}
 * (frames), {@link io.higressj.testing.http2.Hpack} (header blocks, HPACK without Huffman coding) and
 * {@link io.higressj.testing.http2.RawHttp2} (a plain-socket client with prior knowledge that reads
 * frames back, with a background flood writer).
 */
package io.higressj.testing.http2;
