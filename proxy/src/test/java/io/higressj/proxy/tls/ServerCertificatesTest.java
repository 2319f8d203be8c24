package io.higressj.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.config.model.CertificateConfig;
import io.higressj.config.model.RouteTable;
import io.higressj.config.model.Snapshot;
import io.higressj.config.model.SnapshotHolder;
import io.higressj.config.model.TlsConfig;
import io.higressj.config.settings.GatewaySettings;
import io.higressj.testing.tls.CertificateGenerator;
import io.higressj.testing.tls.GeneratedCertificate;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Certificates are checked when a snapshot is prepared; beyond the eager ones, contexts are built at
 * the first handshake that needs them, once.
 */
class ServerCertificatesTest {
  static final GeneratedCertificate A = CertificateGenerator.selfSigned(List.of("a.example.com"));
  static final GeneratedCertificate B = CertificateGenerator.selfSigned(List.of("b.example.com"));

  final SnapshotHolder snapshots = new SnapshotHolder();

  TlsConfig publish(Map<String, CertificateConfig> byHost) {
    TlsConfig tls = new TlsConfig(byHost, null);
    snapshots.publish(new Snapshot(0, Instant.EPOCH, RouteTable.empty(), Map.of(), tls, List.of(), GatewaySettings.DEFAULT));
    return tls;
  }

  static SslContext await(Future<SslContext> f) {
    f.awaitUninterruptibly();
    assertThat(f.cause()).isNull();
    return f.getNow();
  }

  @Test
  void beyondTheEagerOnesContextsAreBuiltAtTheirFirstHandshakeOnce() {
    ServerCertificates certs = new ServerCertificates(snapshots, 2);
    Map<String, CertificateConfig> byHost = new LinkedHashMap<>();
    for (int i = 0; i < 6; i++) byHost.put("h" + i + ".example.com", new CertificateConfig("ns/tls-" + i, A.certPem(), A.keyPem()));
    assertThat(certs.prepare(publish(byHost))).isEmpty();
    assertThat(certs.builtContexts()).isEqualTo(2);
    // which two were built depends on the map's order; each of the others is built by its first handshake
    int builtByHandshakes = 0;
    for (int i = 0; i < 6; i++) {
      int before = certs.builtContexts();
      SslContext first = await(certs.map("h" + i + ".example.com", ImmediateEventExecutor.INSTANCE.newPromise()));
      assertThat(first.isServer()).isTrue();
      builtByHandshakes += certs.builtContexts() - before;
      assertThat(await(certs.map("h" + i + ".example.com", ImmediateEventExecutor.INSTANCE.newPromise()))).isSameAs(first);
    }
    assertThat(builtByHandshakes).isEqualTo(4);
    assertThat(certs.builtContexts()).isEqualTo(6);
    // a certificate no longer used is forgotten, built or not
    byHost.remove("h0.example.com");
    assertThat(certs.prepare(publish(byHost))).isEmpty();
    assertThat(certs.builtContexts()).isEqualTo(5);
    Future<SslContext> none = certs.map("other.example.com", ImmediateEventExecutor.INSTANCE.newPromise());
    assertThat(none.awaitUninterruptibly().cause()).hasMessageContaining("no certificate for server name other.example.com");
  }

  @Test
  void badCertificatesAreReportedWhenPreparedWhetherBuiltOrNot() {
    for (int eager : new int[] {0, 32}) {
      ServerCertificates certs = new ServerCertificates(snapshots, eager);
      Map<String, CertificateConfig> byHost = new LinkedHashMap<>();
      byHost.put("good.example.com", new CertificateConfig("ns/good", A.certPem(), A.keyPem()));
      byHost.put("garbage.example.com", new CertificateConfig("ns/garbage", "not a certificate", A.keyPem()));
      byHost.put("mismatch.example.com", new CertificateConfig("ns/mismatch", A.certPem(), B.keyPem()));
      List<String> errors = certs.prepare(publish(byHost));
      assertThat(errors).as("eager %d", eager).hasSize(2);
      assertThat(errors).anySatisfy(e -> assertThat(e).startsWith("Secret ns/garbage: cannot load certificate"));
      assertThat(errors).anySatisfy(e -> assertThat(e).startsWith("Secret ns/mismatch: cannot load certificate"));
      await(certs.map("good.example.com", ImmediateEventExecutor.INSTANCE.newPromise()));
      Future<SslContext> bad = certs.map("mismatch.example.com", ImmediateEventExecutor.INSTANCE.newPromise());
      assertThat(bad.awaitUninterruptibly().cause()).hasMessageContaining("ns/mismatch");
      // still reported while the Secret stays as it is
      assertThat(certs.prepare(snapshots.get().tls())).hasSize(2);
    }
  }

  @Test
  void aKeyIsMatchedWithItsCertificate() throws Exception {
    PemKeys.checkPair(PemKeys.privateKey(A.keyPem()), PemKeys.certificates(A.certPem())[0]);
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> PemKeys.checkPair(PemKeys.privateKey(B.keyPem()), PemKeys.certificates(A.certPem())[0]))
        .hasMessageContaining("not the certificate's");
  }
}
