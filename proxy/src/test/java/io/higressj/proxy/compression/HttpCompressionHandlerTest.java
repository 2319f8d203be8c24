package io.higressj.proxy.compression;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.config.model.RouteTable;
import io.higressj.config.model.Snapshot;
import io.higressj.config.model.SnapshotHolder;
import io.higressj.config.model.TlsConfig;
import io.higressj.config.settings.GatewaySettings;
import io.higressj.config.settings.Gzip;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The compression decisions and the gzip stream, on an EmbeddedChannel; every buffer is released. */
class HttpCompressionHandlerTest {
  static final Gzip ON = new Gzip(true, 100, Gzip.DEFAULT_CONTENT_TYPES, true, 5, 12, 4096,
      Gzip.CompressionLevel.BEST_COMPRESSION, Gzip.CompressionStrategy.DEFAULT_STRATEGY);
  static final String BODY = "{\"message\": \"" + "hello compressed world ".repeat(40) + "\"}";

  final SnapshotHolder holder = new SnapshotHolder();
  final List<Object> received = new ArrayList<>();
  EmbeddedChannel ch;

  void settings(Gzip gzip) {
    GatewaySettings s = new GatewaySettings(gzip, GatewaySettings.DEFAULT.downstream(), GatewaySettings.DEFAULT.upstream(),
        false, false, GatewaySettings.DEFAULT.tracing(), GatewaySettings.DEFAULT.https());
    holder.publish(new Snapshot(0, Instant.EPOCH, RouteTable.empty(), Map.of(), TlsConfig.empty(), List.of(), s));
  }

  EmbeddedChannel channel(boolean http2) {
    ch = new EmbeddedChannel(new HttpCompressionHandler(holder, http2));
    return ch;
  }

  @AfterEach
  void tearDown() {
    for (Object o : received) ReferenceCountUtil.release(o);
    if (ch != null) {
      ch.finishAndReleaseAll();
    }
  }

  void request(HttpMethod method, HttpVersion version, String acceptEncoding) {
    FullHttpRequest req = new DefaultFullHttpRequest(version, method, "/x");
    if (acceptEncoding != null) req.headers().add(HttpHeaderNames.ACCEPT_ENCODING, acceptEncoding);
    ch.pipeline().get(HttpCompressionHandler.class).expect(req); // as the proxy handler does when the exchange starts
    ReferenceCountUtil.release(req);
  }

  void request(String acceptEncoding) {
    request(HttpMethod.GET, HttpVersion.HTTP_1_1, acceptEncoding);
  }

  static HttpResponse head(HttpResponseStatus status, String contentType, Integer length) {
    HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
    if (contentType != null) r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    if (length != null) r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, length);
    return r;
  }

  /** Writes a response in two chunks and returns what came out: the head, then the body bytes. */
  record Out(HttpResponse head, byte[] body, int contents, LastHttpContent last) {}

  Out respond(HttpResponse head, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    int half = bytes.length / 2;
    ch.write(head);
    ch.write(new DefaultHttpContent(Unpooled.copiedBuffer(bytes, 0, half)));
    ch.writeAndFlush(new DefaultLastHttpContent(Unpooled.copiedBuffer(bytes, half, bytes.length - half)));
    return drain();
  }

  Out drain() {
    HttpResponse head = null;
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    int contents = 0;
    LastHttpContent last = null;
    for (Object o; (o = ch.readOutbound()) != null; ) {
      received.add(o);
      if (o instanceof HttpResponse r) head = r;
      if (o instanceof HttpContent c) {
        contents++;
        body.writeBytes(ByteBufUtil.getBytes(c.content()));
        if (c instanceof LastHttpContent l) last = l;
      }
    }
    return new Out(head, body.toByteArray(), contents, last);
  }

  static String gunzip(byte[] b) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(b))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void compressesAQualifyingResponse() throws IOException {
    settings(ON);
    channel(false);
    request("gzip, deflate, br");
    Out out = respond(head(HttpResponseStatus.OK, "application/json; charset=utf-8", BODY.length()), BODY);
    assertThat(out.head().headers().get(HttpHeaderNames.CONTENT_ENCODING)).isEqualTo("gzip");
    assertThat(out.head().headers().contains(HttpHeaderNames.CONTENT_LENGTH)).isFalse();
    assertThat(out.head().headers().get(HttpHeaderNames.TRANSFER_ENCODING)).isEqualTo("chunked");
    assertThat(out.head().headers().get(HttpHeaderNames.VARY)).isEqualTo("Accept-Encoding");
    assertThat(out.body().length).isLessThan(BODY.length() / 4);
    assertThat(gunzip(out.body())).isEqualTo(BODY);
    assertThat(out.last()).isNotNull();
  }

  @Test
  void http2StreamsGetNoChunkedFraming() throws IOException {
    settings(ON);
    channel(true);
    request("gzip");
    Out out = respond(head(HttpResponseStatus.OK, "text/html", null), BODY);
    assertThat(out.head().headers().get(HttpHeaderNames.CONTENT_ENCODING)).isEqualTo("gzip");
    assertThat(out.head().headers().contains(HttpHeaderNames.TRANSFER_ENCODING)).isFalse();
    assertThat(gunzip(out.body())).isEqualTo(BODY);
  }

  @Test
  void acceptEncodingWeightsAndWildcard() throws IOException {
    settings(ON);
    Map<String, Boolean> cases = new java.util.LinkedHashMap<>();
    cases.put("*", true);
    cases.put("GZIP", true);
    cases.put("x-gzip", true);
    cases.put("br;q=1.0, gzip;q=0.5", true);
    cases.put("gzip;q=0", false);
    cases.put("gzip; q=0.000", false);
    cases.put("*;q=0", false);
    cases.put("gzip;q=0, *", false); // the named coding wins over the wildcard
    cases.put("*;q=0, gzip", true);
    cases.put("identity", false);
    cases.put("deflate, br", false);
    cases.put("identity;q=1, gzip;q=0.5", false);
    cases.put("gzip;q=0.5, identity;q=0.5", true);
    cases.put("gzip;q=2", false); // malformed weight: entry ignored
    cases.put("", false);
    for (Map.Entry<String, Boolean> e : cases.entrySet()) {
      channel(false);
      request(e.getKey());
      Out out = respond(head(HttpResponseStatus.OK, "text/plain", BODY.length()), BODY);
      boolean gz = "gzip".equals(out.head().headers().get(HttpHeaderNames.CONTENT_ENCODING));
      assertThat(gz).as("Accept-Encoding: %s", e.getKey()).isEqualTo(e.getValue());
      assertThat(gz ? gunzip(out.body()) : new String(out.body(), StandardCharsets.UTF_8)).isEqualTo(BODY);
      assertThat(out.head().headers().get(HttpHeaderNames.VARY)).as("Vary for %s", e.getKey()).isEqualTo("Accept-Encoding");
      ch.finishAndReleaseAll();
    }
    channel(false);
    request(null);
    Out none = respond(head(HttpResponseStatus.OK, "text/plain", BODY.length()), BODY);
    assertThat(none.head().headers().contains(HttpHeaderNames.CONTENT_ENCODING)).isFalse();
    assertThat(none.head().headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(BODY.length());
    assertThat(none.head().headers().get(HttpHeaderNames.VARY)).isEqualTo("Accept-Encoding");
  }

  @Test
  void responsesThatDoNotQualifyPassUnchangedWithoutVary() {
    settings(ON);
    record Case(String name, HttpResponse head) {}
    HttpResponse encoded = head(HttpResponseStatus.OK, "text/plain", BODY.length());
    encoded.headers().set(HttpHeaderNames.CONTENT_ENCODING, "br");
    HttpResponse noTransform = head(HttpResponseStatus.OK, "text/plain", BODY.length());
    noTransform.headers().set(HttpHeaderNames.CACHE_CONTROL, "public, No-Transform");
    HttpResponse etag = head(HttpResponseStatus.OK, "text/plain", BODY.length());
    etag.headers().set(HttpHeaderNames.ETAG, "\"v1\"");
    HttpResponse range = head(HttpResponseStatus.PARTIAL_CONTENT, "text/plain", BODY.length());
    range.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes 0-9/100");
    List<Case> cases = List.of(
        new Case("content type not listed", head(HttpResponseStatus.OK, "application/octet-stream", BODY.length())),
        new Case("shorter than minContentLength", head(HttpResponseStatus.OK, "text/plain", 99)),
        new Case("already encoded", encoded),
        new Case("no-transform", noTransform),
        new Case("etag with disableOnEtagHeader", etag),
        new Case("partial content", range));
    for (Case c : cases) {
      channel(false);
      request("gzip");
      Out out = respond(c.head(), BODY);
      assertThat(out.head().headers().get(HttpHeaderNames.CONTENT_ENCODING)).as(c.name()).isNotEqualTo("gzip");
      assertThat(out.head().headers().contains(HttpHeaderNames.VARY)).as(c.name()).isFalse();
      assertThat(new String(out.body(), StandardCharsets.UTF_8)).as(c.name()).isEqualTo(BODY);
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void minContentLengthIsInclusiveAndAResponseWithoutLengthCountsAsLarge() throws IOException {
    settings(ON);
    channel(false);
    request("gzip");
    String exact = "x".repeat(100);
    Out out = respond(head(HttpResponseStatus.OK, "text/plain", 100), exact);
    assertThat(gunzip(out.body())).isEqualTo(exact);
    request("gzip");
    Out unknown = respond(head(HttpResponseStatus.OK, "text/plain", null), "tiny");
    assertThat(unknown.head().headers().get(HttpHeaderNames.CONTENT_ENCODING)).isEqualTo("gzip");
    assertThat(gunzip(unknown.body())).isEqualTo("tiny");
    request("gzip");
    Out untyped = respond(head(HttpResponseStatus.NOT_FOUND, null, BODY.length()), BODY);
    assertThat(untyped.head().headers().get(HttpHeaderNames.CONTENT_ENCODING)).as("no Content-Type, as Envoy").isEqualTo("gzip");
  }

  @Test
  void headNoContentNotModifiedAndHttp10AreNotCompressed() {
    settings(ON);
    channel(false);
    request(HttpMethod.HEAD, HttpVersion.HTTP_1_1, "gzip");
    ch.writeAndFlush(head(HttpResponseStatus.OK, "text/plain", BODY.length()));
    ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    Out head = drain();
    assertThat(head.head().headers().contains(HttpHeaderNames.CONTENT_ENCODING)).isFalse();
    assertThat(head.head().headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(BODY.length());
    for (HttpResponseStatus st : List.of(HttpResponseStatus.NO_CONTENT, HttpResponseStatus.NOT_MODIFIED)) {
      request("gzip");
      ch.writeAndFlush(head(st, "text/plain", null));
      ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
      Out out = drain();
      assertThat(out.head().headers().contains(HttpHeaderNames.CONTENT_ENCODING)).as(st.toString()).isFalse();
      assertThat(out.head().headers().contains(HttpHeaderNames.VARY)).as(st.toString()).isFalse();
    }
    request(HttpMethod.GET, HttpVersion.HTTP_1_0, "gzip");
    Out old = respond(head(HttpResponseStatus.OK, "text/plain", BODY.length()), BODY);
    assertThat(old.head().headers().contains(HttpHeaderNames.CONTENT_ENCODING)).isFalse();
    assertThat(new String(old.body(), StandardCharsets.UTF_8)).isEqualTo(BODY);
  }

  @Test
  void etagIsKeptWeakOrRemovedWhenCompressingIsAllowed() throws IOException {
    settings(new Gzip(true, 100, Gzip.DEFAULT_CONTENT_TYPES, false, 5, 12, 4096,
        Gzip.CompressionLevel.BEST_SPEED, Gzip.CompressionStrategy.FILTERED));
    channel(false);
    request("gzip");
    HttpResponse strong = head(HttpResponseStatus.OK, "text/plain", BODY.length());
    strong.headers().set(HttpHeaderNames.ETAG, "\"v1\"");
    Out a = respond(strong, BODY);
    assertThat(a.head().headers().contains(HttpHeaderNames.ETAG)).isFalse();
    assertThat(gunzip(a.body())).isEqualTo(BODY);
    request("gzip");
    HttpResponse weak = head(HttpResponseStatus.OK, "text/plain", BODY.length());
    weak.headers().set(HttpHeaderNames.ETAG, "W/\"v1\"");
    Out b = respond(weak, BODY);
    assertThat(b.head().headers().get(HttpHeaderNames.ETAG)).isEqualTo("W/\"v1\"");
    assertThat(gunzip(b.body())).isEqualTo(BODY);
  }

  @Test
  void varyIsAddedToAnExistingOneOnce() {
    settings(ON);
    channel(false);
    request("gzip");
    HttpResponse r = head(HttpResponseStatus.OK, "text/plain", BODY.length());
    r.headers().set(HttpHeaderNames.VARY, "Origin");
    assertThat(respond(r, BODY).head().headers().get(HttpHeaderNames.VARY)).isEqualTo("Origin, Accept-Encoding");
    request("gzip");
    HttpResponse r2 = head(HttpResponseStatus.OK, "text/plain", BODY.length());
    r2.headers().set(HttpHeaderNames.VARY, "accept-encoding");
    assertThat(respond(r2, BODY).head().headers().getAll(HttpHeaderNames.VARY)).containsExactly("accept-encoding");
  }

  @Test
  void disabledMeansUntouched() {
    settings(Gzip.DEFAULT);
    channel(false);
    request("gzip");
    Out out = respond(head(HttpResponseStatus.OK, "text/plain", BODY.length()), BODY);
    assertThat(out.head().headers().contains(HttpHeaderNames.CONTENT_ENCODING)).isFalse();
    assertThat(out.head().headers().contains(HttpHeaderNames.VARY)).isFalse();
    assertThat(new String(out.body(), StandardCharsets.UTF_8)).isEqualTo(BODY);
  }

  @Test
  void settingsAreReadPerResponse() throws IOException {
    channel(false);
    settings(Gzip.DEFAULT);
    request("gzip");
    request("gzip"); // pipelined: both requests arrive before the responses
    ch.write(head(HttpResponseStatus.OK, "text/plain", BODY.length()));
    settings(ON); // changes between the two responses
    ch.writeAndFlush(new DefaultLastHttpContent(Unpooled.copiedBuffer(BODY, StandardCharsets.UTF_8)));
    Out first = drain();
    assertThat(first.head().headers().contains(HttpHeaderNames.CONTENT_ENCODING)).isFalse();
    Out second = respond(head(HttpResponseStatus.OK, "text/plain", BODY.length()), BODY);
    assertThat(gunzip(second.body())).isEqualTo(BODY);
  }

  @Test
  void pipelinedResponsesUseTheirOwnRequests() throws IOException {
    settings(ON);
    channel(false);
    request("identity");
    request("gzip");
    request(HttpMethod.HEAD, HttpVersion.HTTP_1_1, "gzip");
    ch.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
    Out interim = drain(); // an interim response belongs to no request of its own
    assertThat(interim.head().status()).isEqualTo(HttpResponseStatus.CONTINUE);
    assertThat(respond(head(HttpResponseStatus.OK, "text/plain", BODY.length()), BODY).head().headers()
        .contains(HttpHeaderNames.CONTENT_ENCODING)).isFalse();
    assertThat(gunzip(respond(head(HttpResponseStatus.OK, "text/plain", BODY.length()), BODY).body())).isEqualTo(BODY);
    ch.writeAndFlush(head(HttpResponseStatus.OK, "text/plain", BODY.length()));
    ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    assertThat(drain().head().headers().contains(HttpHeaderNames.CONTENT_ENCODING)).isFalse();
  }

  @Test
  void fullResponsesAndTrailers() throws IOException {
    settings(ON);
    channel(false);
    request("gzip");
    DefaultFullHttpResponse full = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_GATEWAY,
        Unpooled.copiedBuffer(BODY, StandardCharsets.UTF_8));
    full.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    full.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, BODY.length());
    var promise = ch.newPromise();
    ch.writeAndFlush(full, promise);
    assertThat(promise.isSuccess()).isTrue();
    Out out = drain();
    assertThat(out.head().status()).isEqualTo(HttpResponseStatus.BAD_GATEWAY);
    assertThat(out.head()).isNotInstanceOf(LastHttpContent.class);
    assertThat(gunzip(out.body())).isEqualTo(BODY);

    request("gzip");
    ch.write(head(HttpResponseStatus.OK, "text/plain", null));
    LastHttpContent last = new DefaultLastHttpContent(Unpooled.copiedBuffer(BODY, StandardCharsets.UTF_8));
    last.trailingHeaders().set("grpc-status", "0");
    ch.writeAndFlush(last);
    Out withTrailers = drain();
    assertThat(withTrailers.last().trailingHeaders().get("grpc-status")).isEqualTo("0");
    assertThat(gunzip(withTrailers.body())).isEqualTo(BODY);
  }

  @Test
  void eachFlushMakesEverythingSoFarDecodable() throws IOException {
    settings(new Gzip(true, 1024, List.of("text/event-stream"), true, 5, 12, 4096,
        Gzip.CompressionLevel.BEST_COMPRESSION, Gzip.CompressionStrategy.DEFAULT_STRATEGY));
    channel(false);
    request("gzip");
    ch.write(head(HttpResponseStatus.OK, "text/event-stream", null));
    settings(Gzip.DEFAULT); // the decision is taken: later changes do not matter to this response
    List<String> events = List.of("data: event 0\n\n", "data: event 1\n\n", "data: event 2\n\n");
    java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream();
    java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
    StringBuilder decoded = new StringBuilder();
    boolean headerSkipped = false;
    try {
      for (String e : events) {
        ch.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(e, StandardCharsets.UTF_8)));
        Out out = drain();
        byte[] bytes = out.body();
        if (!headerSkipped) {
          assertThat(out.head().headers().get(HttpHeaderNames.CONTENT_ENCODING)).isEqualTo("gzip");
          bytes = java.util.Arrays.copyOfRange(bytes, 10, bytes.length);
          headerSkipped = true;
        }
        wire.writeBytes(bytes);
        inflater.setInput(bytes);
        byte[] buf = new byte[1024];
        for (int n; (n = inflater.inflate(buf)) > 0; ) decoded.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        assertThat(decoded.toString()).endsWith(e); // the event can be read before the next one is sent
      }
    } catch (java.util.zip.DataFormatException e) {
      throw new IOException(e);
    } finally {
      inflater.end();
    }
    ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    drain();
    assertThat(decoded.toString()).isEqualTo(String.join("", events));
  }

  @Test
  void aLargeBodyStreamsInChunkSizedPieces() throws IOException {
    settings(new Gzip(true, 1, List.of("application/octet-stream"), true, 5, 12, 4096,
        Gzip.CompressionLevel.BEST_SPEED, Gzip.CompressionStrategy.HUFFMAN_ONLY));
    List<ByteBuf> passed = new ArrayList<>();
    ch = new EmbeddedChannel(new io.netty.channel.ChannelOutboundHandlerAdapter() {
      @Override
      public void write(io.netty.channel.ChannelHandlerContext ctx, Object msg, io.netty.channel.ChannelPromise promise) {
        if (msg instanceof HttpContent c) passed.add(c.content()); // seen when written, before any flush
        ctx.write(msg, promise);
      }
    }, new HttpCompressionHandler(holder, false));
    request("gzip");
    ch.write(head(HttpResponseStatus.OK, "application/octet-stream", null));
    java.util.Random random = new java.util.Random(1);
    java.io.ByteArrayOutputStream sent = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream();
    int maxPiece = 0;
    for (int i = 0; i < 64; i++) {
      byte[] chunk = new byte[16 * 1024];
      random.nextBytes(chunk); // incompressible: the output is as large as the input
      sent.writeBytes(chunk);
      ch.write(new DefaultHttpContent(Unpooled.wrappedBuffer(chunk)));
      for (ByteBuf b : passed) {
        maxPiece = Math.max(maxPiece, b.readableBytes());
        wire.writeBytes(ByteBufUtil.getBytes(b));
      }
      passed.clear();
    }
    int streamed = wire.size();
    ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    passed.clear();
    Out all = drain(); // everything, as flushed
    assertThat(all.body()).startsWith(java.util.Arrays.copyOf(wire.toByteArray(), 16));
    wire.reset();
    wire.writeBytes(all.body());
    assertThat(maxPiece).isLessThanOrEqualTo(4096);
    assertThat(streamed).as("output produced while the body streamed, before its end").isGreaterThan(sent.size() - 64 * 1024); // zlib keeps at most a block
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(wire.toByteArray()))) {
      assertThat(in.readAllBytes()).isEqualTo(sent.toByteArray());
    }
  }

  @Test
  void aResponseCutShortFreesTheCompressor() {
    settings(ON);
    channel(false);
    request("gzip");
    ch.write(head(HttpResponseStatus.OK, "text/plain", null));
    ch.write(new DefaultHttpContent(Unpooled.copiedBuffer(BODY, StandardCharsets.UTF_8)));
    drain();
    ch.close(); // the pending output buffer is released (the leak check would fail otherwise)
  }

  @Test
  void upgradeToTunnelRemovesTheHandler() {
    settings(ON);
    channel(false);
    request("gzip");
    HttpResponse switching = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
    ch.writeAndFlush(switching);
    assertThat(ch.pipeline().get(HttpCompressionHandler.class)).isNull();
    HttpObject out = ch.readOutbound();
    assertThat(out).isSameAs(switching);
  }
}
