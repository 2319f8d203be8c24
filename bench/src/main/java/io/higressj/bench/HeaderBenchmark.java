package io.higressj.bench;

import io.higressj.proxy.ProxyOptions;
import io.higressj.proxy.http1.RequestFramingHandler;
import io.higressj.proxy.http1.ResponseFramingHandler;
import io.higressj.proxy.http1.StrictDecoding;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The downstream HTTP/1.1 header path of every request, as the listener sets it up: the framing
 * scanner ({@link RequestFramingHandler}) and Netty's codec with the gateway's strict decoder settings.
 * {@code decodeRequestHead}: a browser-like GET of 11 header fields from bytes to the request object
 * the proxy handler gets ({@code decodeRequestHeadNettyOnly}: without the framing scanner);
 * {@code encodeResponseHead}: the same request decoded by the whole codec, then a typical upstream
 * response head of 7 fields encoded back to bytes. The header work of the exchange itself (hop-by-hop and internal headers, forwarding
 * headers) is measured end to end by {@code bench/proxy-bench.sh} and {@code bench/ab.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HeaderBenchmark {
  private static final byte[] REQUEST = ("GET /api/v1/items?page=2&sort=name HTTP/1.1\r\n"
      + "Host: shop.example.com\r\n"
      + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
      + "Accept: application/json, text/plain, */*\r\n"
      + "Accept-Language: en-US,en;q=0.5\r\n"
      + "Accept-Encoding: gzip, deflate, br\r\n"
      + "Referer: https://shop.example.com/cart\r\n"
      + "Cookie: session=7f3c2a9d41b84e0c9b6f; theme=dark\r\n"
      + "X-Request-Id: 2b6f0c1e-8d4a-4f2b-9c3e-5a7d1e9f0b42\r\n"
      + "Sec-Fetch-Mode: cors\r\n"
      + "Connection: keep-alive\r\n"
      + "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJiZW5jaCJ9.c2lnbmF0dXJl\r\n"
      + "\r\n").getBytes(StandardCharsets.US_ASCII);

  /** What nginx answers the load scripts' upstream requests with. */
  private static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\n"
      + "Server: nginx/1.22.1\r\n"
      + "Date: Mon, 07 Dec 2026 05:00:00 GMT\r\n"
      + "Content-Type: application/octet-stream\r\n"
      + "Content-Length: 6\r\n"
      + "Connection: keep-alive\r\n"
      + "\r\n").getBytes(StandardCharsets.US_ASCII);

  private EmbeddedChannel decoder;
  private EmbeddedChannel nettyOnly;
  private EmbeddedChannel requestScanner;
  private EmbeddedChannel responseScanner;
  private ResponseFramingHandler responseFraming;
  private EmbeddedChannel encoder;
  /** the same heads in direct memory, as the gateway reads them from sockets */
  private ByteBuf requestDirect;
  private ByteBuf responseDirect;

  @Setup(Level.Trial)
  public void setUp() {
    ProxyOptions o = ProxyOptions.defaults();
    // the decoder half of the listener's HttpServerCodec (the whole codec wants a response per request)
    decoder = new EmbeddedChannel(new RequestFramingHandler(o.requestHeadersTimeout().toNanos()),
        new HttpRequestDecoder(StrictDecoding.config(o.maxInitialLineLength(), o.maxHeaderSize())));
    nettyOnly = new EmbeddedChannel(new HttpRequestDecoder(StrictDecoding.config(o.maxInitialLineLength(), o.maxHeaderSize())));
    requestScanner = new EmbeddedChannel(new RequestFramingHandler(o.requestHeadersTimeout().toNanos()));
    responseFraming = new ResponseFramingHandler();
    responseScanner = new EmbeddedChannel(responseFraming);
    requestDirect = ByteBufAllocator.DEFAULT.directBuffer(REQUEST.length).writeBytes(REQUEST);
    responseDirect = ByteBufAllocator.DEFAULT.directBuffer(RESPONSE.length).writeBytes(RESPONSE);
    encoder = new EmbeddedChannel(new HttpServerCodec(StrictDecoding.config(o.maxInitialLineLength(), o.maxHeaderSize())));
    if (!(decodeRequestHead() instanceof HttpRequest r) || !"shop.example.com".equals(r.headers().get(HttpHeaderNames.HOST))
        || r.headers().size() != 11) {
      throw new IllegalStateException("the request did not decode as expected");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    decoder.finishAndReleaseAll();
    requestScanner.finishAndReleaseAll();
    responseScanner.finishAndReleaseAll();
    nettyOnly.finishAndReleaseAll();
    encoder.finishAndReleaseAll();
    requestDirect.release();
    responseDirect.release();
  }

  @Benchmark
  public Object decodeRequestHead() {
    return decode(decoder);
  }

  /** The same without the framing scanner: what the scanner adds is the difference. */
  @Benchmark
  public Object decodeRequestHeadNettyOnly() {
    return decode(nettyOnly);
  }

  /** The framing scanner alone on the request head (the bytes pass on unchanged). */
  @Benchmark
  public Object scanRequestHead() {
    return scan(requestScanner, Unpooled.wrappedBuffer(REQUEST));
  }

  /** The framing scanner alone on nginx's response head, as an upstream connection checks each response. */
  @Benchmark
  public Object scanResponseHead() {
    responseFraming.expectResponse();
    return scan(responseScanner, Unpooled.wrappedBuffer(RESPONSE));
  }

  /** {@link #scanRequestHead()} on a direct buffer. */
  @Benchmark
  public Object scanRequestHeadDirect() {
    return scan(requestScanner, requestDirect.retainedDuplicate());
  }

  /** {@link #scanResponseHead()} on a direct buffer. */
  @Benchmark
  public Object scanResponseHeadDirect() {
    responseFraming.expectResponse();
    return scan(responseScanner, responseDirect.retainedDuplicate());
  }

  /** Passes {@code head} through a scanner's channel and releases what comes out. */
  private static Object scan(EmbeddedChannel ch, ByteBuf head) {
    ch.writeInbound(head);
    Object out = ch.readInbound();
    ReferenceCountUtil.release(out);
    return out;
  }

  private static Object decode(EmbeddedChannel ch) {
    ch.writeInbound(Unpooled.wrappedBuffer(REQUEST));
    Object head = ch.readInbound();
    Object last = ch.readInbound(); // the empty body's end
    ReferenceCountUtil.release(last);
    ReferenceCountUtil.release(head);
    return head;
  }

  @Benchmark
  public int encodeResponseHead() {
    // the codec answers requests in order: give it one to answer
    encoder.writeInbound(Unpooled.wrappedBuffer(REQUEST));
    ReferenceCountUtil.release(encoder.readInbound());
    ReferenceCountUtil.release(encoder.readInbound());
    HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8")
        .set(HttpHeaderNames.CONTENT_LENGTH, 0)
        .set(HttpHeaderNames.DATE, "Mon, 07 Dec 2026 02:00:00 GMT")
        .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
        .set(HttpHeaderNames.ETAG, "\"5f2a-1c\"")
        .set("x-request-id", "2b6f0c1e-8d4a-4f2b-9c3e-5a7d1e9f0b42")
        .set(HttpHeaderNames.VARY, "Accept-Encoding");
    encoder.writeOutbound(res, LastHttpContent.EMPTY_LAST_CONTENT);
    int bytes = 0;
    for (ByteBuf b; (b = encoder.readOutbound()) != null; ) {
      bytes += b.readableBytes();
      b.release();
    }
    return bytes;
  }
}
