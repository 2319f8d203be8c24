package io.higressj.plugins.snimisdirect;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.api.Action;
import io.higressj.api.PluginPhase;
import io.higressj.testing.plugin.PluginTestHost;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SniMisdirectTest {
  final SniMisdirectFactory factory = new SniMisdirectFactory();

  PluginTestHost h2(String sni) throws Exception {
    return PluginTestHost.of(factory, Map.of()).client("127.0.0.1", true).connection(sni, "HTTP/2");
  }

  @Test
  void nameAndPlace() {
    assertThat(factory.name()).isEqualTo("sni-misdirect");
    assertThat(factory.defaultPhase()).isEqualTo(PluginPhase.UNSPECIFIED_PHASE);
  }

  @Test
  void otherHostOnAnHttp2TlsConnectionIs421() throws Exception {
    var ex = h2("a.example.com").exchange("GET", "/", "b.example.com");
    assertThat(ex.requestHeaders()).isEqualTo(Action.PAUSE);
    assertThat(ex.localReply().status()).isEqualTo(421);
    assertThat(ex.localReply().body()).isEmpty();
  }

  @Test
  void matchingHostsPass() throws Exception {
    for (String authority : new String[] {"a.example.com", "a.example.com:443", "A.Example.COM:8443"}) {
      var ex = h2("a.example.com").exchange("GET", "/", authority);
      assertThat(ex.requestHeaders()).as(authority).isEqualTo(Action.CONTINUE);
      assertThat(ex.localReply()).isNull();
    }
    assertThat(h2("*.example.com").exchange("GET", "/", "x.example.com").requestHeaders()).isEqualTo(Action.CONTINUE);
    var outside = h2("*.example.com").exchange("GET", "/", "x.example.com.evil.org");
    outside.requestHeaders();
    assertThat(outside.localReply().status()).isEqualTo(421);
    var v6 = h2("a.example.com").exchange("GET", "/", "[::1]:443");
    v6.requestHeaders();
    assertThat(v6.localReply().status()).isEqualTo(421);
  }

  @Test
  void http1PlainGrpcAndNoSniAreLeftAlone() throws Exception {
    var http1 = PluginTestHost.of(factory, Map.of()).client("127.0.0.1", true).connection("a.example.com", "HTTP/1.1");
    assertThat(http1.exchange("GET", "/", "b.example.com").requestHeaders()).isEqualTo(Action.CONTINUE);
    var plain = PluginTestHost.of(factory, Map.of()).client("127.0.0.1", false).connection(null, "HTTP/2");
    assertThat(plain.exchange("GET", "/", "b.example.com").requestHeaders()).isEqualTo(Action.CONTINUE);
    assertThat(h2(null).exchange("GET", "/", "b.example.com").requestHeaders()).isEqualTo(Action.CONTINUE);
    for (String ct : new String[] {"application/grpc", "application/grpc+proto"}) {
      var grpc = h2("a.example.com").exchange("POST", "/svc/M", "b.example.com").header("content-type", ct);
      assertThat(grpc.requestHeaders()).as(ct).isEqualTo(Action.CONTINUE);
    }
    var grpcWeb = h2("a.example.com").exchange("POST", "/svc/M", "b.example.com").header("content-type", "application/grpc-web");
    grpcWeb.requestHeaders();
    assertThat(grpcWeb.localReply().status()).isEqualTo(421);
  }
}
