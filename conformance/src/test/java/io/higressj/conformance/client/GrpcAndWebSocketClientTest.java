package io.higressj.conformance.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.testing.echo.EchoServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gRPC and WebSocket clients against the Gateway API echo backends, without a gateway in between. */
class GrpcAndWebSocketClientTest {
  static EchoServer grpc;
  static EchoServer http;
  static WireClient wire;

  @BeforeAll
  static void start() {
    grpc = EchoServer.start(EchoServer.Options.of(EchoServer.Kind.GATEWAY_API_GRPC, "infra", "grpc-backend-x-y"));
    http = EchoServer.start(EchoServer.Options.of(EchoServer.Kind.GATEWAY_API, "infra", "web-backend-x-y"));
    wire = new WireClient();
  }

  @AfterAll
  static void stop() {
    wire.close();
    grpc.close();
    http.close();
  }

  @Test
  void aUnaryCallReturnsTheEchoAssertions() throws IOException {
    GrpcClient.Reply r = new GrpcClient(wire).call(grpc.address(), "grpc.example:80",
        "/gateway_api_conformance.echo_basic.grpcecho.GrpcEcho/Echo", Map.of("Version", "one"), Duration.ofSeconds(5));
    assertThat(r.code()).isEqualTo("OK");
    assertThat(r.fullyQualifiedMethod()).isEqualTo("/gateway_api_conformance.echo_basic.grpcecho.GrpcEcho/Echo");
    assertThat(r.namespace()).isEqualTo("infra");
    assertThat(r.pod()).isEqualTo("grpc-backend-x-y");
    assertThat(r.authority()).isEqualTo("grpc.example:80");
  }

  @Test
  void anUnimplementedMethodHasItsCode() throws IOException {
    GrpcClient.Reply r = new GrpcClient(wire).call(grpc.address(), "grpc.example",
        "/gateway_api_conformance.echo_basic.grpcecho.GrpcEcho/EchoThree", Map.of(), Duration.ofSeconds(5));
    assertThat(r.code()).isEqualTo("Unimplemented");
  }

  @Test
  void httpStatusesMapToGrpcCodes() {
    assertThat(GrpcClient.fromHttpStatus(404)).isEqualTo("Unimplemented");
    assertThat(GrpcClient.fromHttpStatus(503)).isEqualTo("Unavailable");
    assertThat(GrpcClient.fromHttpStatus(418)).isEqualTo("Unknown");
  }

  @Test
  void webSocketMessagesAreEchoed() throws IOException {
    try (WebSocketClient.Session s = new WebSocketClient(wire).open(http.address(), "ws.example:80", "/ws", "ws://gateway/test", Duration.ofSeconds(5))) {
      s.send("hello".getBytes(StandardCharsets.UTF_8), true);
      assertThat(new String(s.receive(Duration.ofSeconds(5)), StandardCharsets.UTF_8)).isEqualTo("hello");
      s.send(new byte[] {1, 2, (byte) 255}, false);
      assertThat(s.receive(Duration.ofSeconds(5))).containsExactly(1, 2, 255);
    }
  }

  @Test
  void h2cWithPriorKnowledge() throws IOException {
    WireResponse r = wire.send(new WireRequest(new java.net.InetSocketAddress("127.0.0.1", http.h2cPort()), WireRequest.Protocol.H2C, null,
        "GET", "/h2c?x=1", "h2c.example", Headers.of("x-test", "1"), null, Duration.ofSeconds(5)));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.protocol()).isEqualTo("HTTP/2.0");
    assertThat(r.bodyText()).contains("\"path\":\"/h2c?x=1\"").contains("\"host\":\"h2c.example\"");
  }
}
