package io.higressj.proxy.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.config.model.RouteTable;
import io.higressj.config.model.Snapshot;
import io.higressj.config.model.SnapshotHolder;
import io.higressj.config.model.TlsConfig;
import io.higressj.config.settings.GatewaySettings;
import io.higressj.config.settings.Gzip;
import io.higressj.proxy.DataPlane;
import io.higressj.proxy.ProxyOptions;
import io.higressj.proxy.Transport;
import io.higressj.proxy.accesslog.AccessLog;
import io.higressj.proxy.compression.HttpCompressionHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The response compressor joins a connection's pipeline only once a request starts with gzip enabled:
 * with gzip off (the default) no response passes it, and a connection opened before gzip was turned on
 * compresses from its next request. Local replies (404, no route) stand in for responses here.
 */
class CompressorOnDemandTest {
  private final SnapshotHolder snapshots = new SnapshotHolder();

  private EmbeddedChannel channel() {
    DataPlane dp = new DataPlane(snapshots, ProxyOptions.defaults(), AccessLog.disabled(), Transport.NIO);
    return new EmbeddedChannel(new HttpServerCodec(), new ProxyHandler(dp, false, false));
  }

  private void gzip(boolean enable) {
    Gzip g = new Gzip(enable, 1, Gzip.DEFAULT_CONTENT_TYPES, true, 5, 12, 4096, Gzip.CompressionLevel.BEST_SPEED,
        Gzip.CompressionStrategy.DEFAULT_STRATEGY);
    GatewaySettings s = new GatewaySettings(g, GatewaySettings.DEFAULT.downstream(), GatewaySettings.DEFAULT.upstream(),
        false, false, GatewaySettings.DEFAULT.tracing(), GatewaySettings.DEFAULT.https());
    snapshots.publish(new Snapshot(snapshots.get().version() + 1, Instant.EPOCH, RouteTable.empty(), Map.of(),
        TlsConfig.empty(), List.of(), s));
  }

  private static String send(EmbeddedChannel ch, String requests) {
    ch.writeInbound(Unpooled.copiedBuffer(requests, StandardCharsets.ISO_8859_1));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object o; (o = ch.readOutbound()) != null; ) {
      ByteBuf b = (ByteBuf) o;
      byte[] bytes = new byte[b.readableBytes()];
      b.readBytes(bytes);
      out.writeBytes(bytes);
      b.release();
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  private static final String GZIP_REQUEST = "GET /a HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n";

  @Test
  void withGzipOffNoResponsePassesACompressor() {
    gzip(false);
    EmbeddedChannel ch = channel();
    String out = send(ch, GZIP_REQUEST + GZIP_REQUEST);
    assertThat(out.split("HTTP/1.1 404 Not Found", -1)).hasSize(3);
    assertThat(out).doesNotContainIgnoringCase("content-encoding").contains("route not found");
    assertThat(ch.pipeline().get(HttpCompressionHandler.class)).isNull();
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aConnectionOpenedBeforeGzipWasEnabledCompressesFromItsNextRequest() {
    gzip(false);
    EmbeddedChannel ch = channel();
    assertThat(send(ch, GZIP_REQUEST)).doesNotContainIgnoringCase("content-encoding");
    assertThat(ch.pipeline().get(HttpCompressionHandler.class)).isNull();

    gzip(true);
    String out = send(ch, GZIP_REQUEST);
    assertThat(out).startsWith("HTTP/1.1 404").containsIgnoringCase("content-encoding: gzip")
        .containsIgnoringCase("vary: Accept-Encoding").doesNotContain("route not found");
    assertThat(ch.pipeline().get(HttpCompressionHandler.class)).isNotNull();
    // in front of the proxy handler, behind the codec
    assertThat(ch.pipeline().names()).containsSubsequence(HttpCompressionHandler.NAME,
        ch.pipeline().context(ProxyHandler.class).name());

    gzip(false); // stays in the pipeline, and follows the settings of each response
    assertThat(send(ch, GZIP_REQUEST)).doesNotContainIgnoringCase("content-encoding").contains("route not found");
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void pipelinedRequestsEachGetTheEncodingTheyAskedFor() {
    gzip(true);
    EmbeddedChannel ch = channel();
    String out = send(ch, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n" + GZIP_REQUEST + "HEAD /c HTTP/1.1\r\nHost: x\r\n"
        + "Accept-Encoding: gzip\r\n\r\n" + "GET /d HTTP/1.1\r\nHost: x\r\n\r\n");
    String[] responses = out.split("(?=HTTP/1\\.1 404 Not Found)");
    assertThat(responses).hasSize(4);
    assertThat(responses[0]).doesNotContainIgnoringCase("content-encoding").contains("route not found");
    assertThat(responses[1]).containsIgnoringCase("content-encoding: gzip");
    assertThat(responses[2]).doesNotContainIgnoringCase("content-encoding"); // HEAD: nothing to compress
    assertThat(responses[3]).doesNotContainIgnoringCase("content-encoding").contains("route not found");
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }
}
