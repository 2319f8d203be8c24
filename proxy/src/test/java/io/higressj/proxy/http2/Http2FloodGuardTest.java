package io.higressj.proxy.http2;

import static io.higressj.testing.http2.Http2Frames.ENHANCE_YOUR_CALM;
import static io.higressj.testing.http2.Http2Frames.GOAWAY;
import static io.higressj.testing.http2.Http2Frames.SETTINGS;
import static io.higressj.testing.http2.Http2Frames.WINDOW_UPDATE;
import static io.higressj.testing.http2.Http2Frames.concat;
import static io.higressj.testing.http2.Http2Frames.ping;
import static io.higressj.testing.http2.Http2Frames.preface;
import static io.higressj.testing.http2.Http2Frames.repeat;
import static io.higressj.testing.http2.Http2Frames.settings;
import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.proxy.Http2Options;
import io.higressj.proxy.ProxyOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.Http2FrameCodec;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The flood guard in front of the real codec on an {@link EmbeddedChannel}: frame boundaries are
 * followed whatever the read sizes (here one byte at a time), and the GOAWAY comes from the codec.
 */
class Http2FloodGuardTest {
  EmbeddedChannel ch;

  @AfterEach
  void release() {
    if (ch != null) ch.finishAndReleaseAll();
  }

  private void start(ProxyOptions options) {
    ch = new EmbeddedChannel();
    Http2FrameCodec codec = Http2Downstream.frameCodec(options);
    ch.pipeline().addLast("h2-frames", codec);
    ch.pipeline().addLast("h2-errors", Http2Downstream.errorSink()); // as in HttpListener: the codec passes its errors on
    Http2Downstream.guard(ch.pipeline(), codec, options);
  }

  /** Writes {@code bytes} one byte per read. */
  private void trickle(byte[] bytes) {
    for (byte b : bytes) {
      if (!ch.isActive()) return;
      ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
    }
  }

  /** The frames the gateway wrote so far, as (type, first 8 payload bytes) records. */
  private List<int[]> written() {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (Object o; (o = ch.readOutbound()) != null; ) {
      ByteBuf b = (ByteBuf) o;
      byte[] bytes = new byte[b.readableBytes()];
      b.readBytes(bytes);
      b.release();
      all.writeBytes(bytes);
    }
    byte[] w = all.toByteArray();
    List<int[]> frames = new ArrayList<>();
    for (int i = 0; i + 9 <= w.length; ) {
      int length = (w[i] & 0xff) << 16 | (w[i + 1] & 0xff) << 8 | w[i + 2] & 0xff;
      int type = w[i + 3] & 0xff;
      int a = i + 9 + 4 <= w.length ? getInt(w, i + 9) : -1;
      int c = i + 9 + 8 <= w.length ? getInt(w, i + 13) : -1;
      frames.add(new int[] {type, a, c});
      i += 9 + length;
    }
    return frames;
  }

  private static int getInt(byte[] b, int at) {
    return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | b[at + 3] & 0xff;
  }

  @Test
  void opensTheConnectionWindowRightAfterTheSettings() {
    start(ProxyOptions.defaults());
    List<int[]> frames = written();
    assertThat(frames).hasSize(2);
    assertThat(frames.get(0)[0]).isEqualTo(SETTINGS);
    assertThat(frames.get(1)[0]).isEqualTo(WINDOW_UPDATE);
    assertThat(frames.get(1)[1]).isEqualTo(1024 * 1024 - 65_535);
  }

  @Test
  void countsFramesArrivingOneByteAtATime() {
    start(ProxyOptions.defaults().toBuilder().http2(Http2Options.defaults().toBuilder().maxPingFramesPerWindow(5).build()).build());
    trickle(concat(preface(), settings(), repeat(ping(1, false), 5)));
    assertThat(written()).extracting(f -> f[0]).doesNotContain(GOAWAY);
    assertThat(ch.isActive()).isTrue();
    trickle(concat(ping(2, false), ping(3, false)));
    List<int[]> goAways = written().stream().filter(f -> f[0] == GOAWAY).toList();
    assertThat(goAways).hasSize(1);
    assertThat(goAways.get(0)[2]).isEqualTo(ENHANCE_YOUR_CALM);
  }

  @Test
  void countsFramesWhoseHeadersAreSplitBetweenReadsAtAnyByte() {
    byte[] two = concat(ping(2, false), ping(3, false));
    for (int split = 1; split < two.length; split++) {
      start(ProxyOptions.defaults().toBuilder().http2(Http2Options.defaults().toBuilder().maxPingFramesPerWindow(5).build()).build());
      ch.writeInbound(Unpooled.wrappedBuffer(concat(preface(), settings(), repeat(ping(1, false), 5))));
      assertThat(written()).extracting(f -> f[0]).as("split %d", split).doesNotContain(GOAWAY);
      ch.writeInbound(Unpooled.wrappedBuffer(two, 0, split));
      if (ch.isActive()) ch.writeInbound(Unpooled.wrappedBuffer(two, split, two.length - split));
      List<int[]> goAways = written().stream().filter(f -> f[0] == GOAWAY).toList();
      assertThat(goAways).as("split %d", split).hasSize(1);
      assertThat(goAways.get(0)[2]).isEqualTo(ENHANCE_YOUR_CALM);
      release();
    }
  }

  @Test
  void aLargeHeaderBlockIsStoppedBeforeNettyBuffersIt() {
    start(ProxyOptions.defaults().toBuilder().maxHeaderSize(1024).build());
    byte[] head = io.higressj.testing.http2.Http2Frames.headers(1, new byte[1000], true, false);
    byte[] more = io.higressj.testing.http2.Http2Frames.continuation(1, new byte[1000], false);
    ch.writeInbound(Unpooled.wrappedBuffer(concat(preface(), settings(), head, more)));
    List<int[]> goAways = written().stream().filter(f -> f[0] == GOAWAY).toList();
    assertThat(goAways).hasSize(1);
    assertThat(goAways.get(0)[2]).isEqualTo(ENHANCE_YOUR_CALM);
  }
}
