package io.higressj.proxy.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.config.model.SnapshotHolder;
import io.higressj.proxy.DataPlane;
import io.higressj.proxy.ProxyOptions;
import io.higressj.proxy.Transport;
import io.higressj.proxy.accesslog.AccessLog;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The handler's own replies on an EmbeddedChannel (no upstream involved); every buffer released. */
class LocalReplyTest {
  private static EmbeddedChannel channel() {
    DataPlane dp = new DataPlane(new SnapshotHolder(), ProxyOptions.defaults(), AccessLog.disabled(), Transport.NIO);
    return new EmbeddedChannel(new HttpServerCodec(), new ProxyHandler(dp, false, false));
  }

  private static String readAll(EmbeddedChannel ch) {
    StringBuilder b = new StringBuilder();
    for (Object o; (o = ch.readOutbound()) != null; ) {
      ByteBuf buf = (ByteBuf) o;
      b.append(buf.toString(StandardCharsets.ISO_8859_1));
      buf.release();
    }
    return b.toString();
  }

  @Test
  void pipelinedRequestsWithoutRouteGet404InOrderAndKeepTheConnection() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(Unpooled.copiedBuffer(
        "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: y\r\n\r\n", StandardCharsets.ISO_8859_1));
    String out = readAll(ch);
    assertThat(out.split("HTTP/1.1 404 Not Found", -1)).hasSize(3);
    assertThat(out).contains("route not found").doesNotContain("connection: close");
    assertThat(ch.isOpen()).isTrue();
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aRejectedRequestWithABodyClosesTheConnection() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(Unpooled.copiedBuffer(
        "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc", StandardCharsets.ISO_8859_1));
    String out = readAll(ch);
    assertThat(out).startsWith("HTTP/1.1 404").contains("connection: close");
    ch.runPendingTasks();
    assertThat(ch.isOpen()).isFalse();
    ch.finishAndReleaseAll();
  }

  @Test
  void malformedRequestGets400AndClose() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost x\r\nbad\r\n\r\n", StandardCharsets.ISO_8859_1));
    String out = readAll(ch);
    assertThat(out).startsWith("HTTP/1.1 400");
    ch.runPendingTasks();
    assertThat(ch.isOpen()).isFalse();
    ch.finishAndReleaseAll();
  }
}
