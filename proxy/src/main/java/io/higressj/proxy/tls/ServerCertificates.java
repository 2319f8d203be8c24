package io.higressj.proxy.tls;

import io.higressj.config.model.CertificateConfig;
import io.higressj.config.model.SnapshotHolder;
import io.higressj.config.model.TlsConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.Mapping;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Server TLS contexts by SNI, from the current snapshot's certificates. Contexts are built when a
 * snapshot is published ({@link #prepare}), off the event loops; a handshake only looks one up.
 * BoringSSL is used when available, the JDK otherwise; ALPN offers h2 and http/1.1.
 */
public final class ServerCertificates implements Mapping<String, SslContext> {
  private static final System.Logger LOG = System.getLogger(ServerCertificates.class.getName());

  private final SnapshotHolder snapshots;
  private final Map<CertificateConfig, SslContext> contexts = new ConcurrentHashMap<>();
  private final Map<CertificateConfig, String> failures = new ConcurrentHashMap<>();

  public ServerCertificates(SnapshotHolder snapshots) {
    this.snapshots = snapshots;
  }

  /**
   * Builds a context for every certificate of {@code tls} that has none yet and forgets those no
   * longer used. Returns one message per certificate that cannot be loaded, naming its Secret.
   */
  public List<String> prepare(TlsConfig tls) {
    return prepare(List.of(tls));
  }

  /** Builds a context for each certificate of {@code all} that has none yet; forgets the others. */
  private List<String> prepareAll(Set<CertificateConfig> all) {
    List<String> errors = new ArrayList<>();
    for (CertificateConfig c : all) {
      if (contexts.containsKey(c)) continue;
      String failed = failures.get(c);
      if (failed != null) {
        errors.add(failed);
        continue;
      }
      try {
        contexts.put(c, build(c));
      } catch (Exception e) {
        String msg = "Secret " + c.secret() + ": cannot load certificate: " + e.getMessage();
        failures.put(c, msg);
        errors.add(msg);
      }
    }
    // a set, not a list: with a certificate per host, thousands of them are kept at every change
    contexts.keySet().retainAll(all);
    failures.keySet().retainAll(all);
    return errors;
  }

  /** Envoy's TLS 1.2 suites, in its preference order (OpenSSL names). */
  static final java.util.List<String> DEFAULT_TLS12_SUITES = java.util.List.of(
      "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-AES128-GCM-SHA256",
      "ECDHE-RSA-CHACHA20-POLY1305", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
      "ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA", "ECDHE-RSA-AES256-SHA",
      "AES128-GCM-SHA256", "AES256-GCM-SHA384", "AES128-SHA", "AES256-SHA");

  private static SslContext build(CertificateConfig c) throws Exception {
    SslProvider provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    SslContextBuilder b = SslContextBuilder.forServer(PemKeys.privateKey(c.privateKeyPem()), PemKeys.certificates(c.certChainPem()));
    if (c.clientCaPem() != null) {
      b.trustManager(PemKeys.certificates(c.clientCaPem())).clientAuth(io.netty.handler.ssl.ClientAuth.REQUIRE);
    }
    // the listed TLS 1.2 suites, else every suite Envoy accepts (its defaults plus the CBC ones older clients
    // offer, CHACHA20 included); as Envoy's cipher_suites they leave TLS 1.3 alone, whose suites are added
    java.util.List<String> suites = new java.util.ArrayList<>();
    for (String openSsl : c.cipherSuites().isEmpty() ? DEFAULT_TLS12_SUITES : c.cipherSuites()) {
      String java = io.netty.handler.ssl.CipherSuiteConverter.toJava(openSsl, "TLS");
      if (java != null) suites.add(java);
    }
    suites.addAll(java.util.List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"));
    b.ciphers(suites);
    if (!c.protocols().isEmpty()) b.protocols(c.protocols()); // tls-min/max-protocol-version
    return b
        .sslProvider(provider)
        // the provider's default suites: HTTP/1.1 clients may still offer TLS 1.2 CBC suites
        .applicationProtocolConfig(new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            ApplicationProtocolNames.HTTP_2,
            ApplicationProtocolNames.HTTP_1_1))
        .build();
  }

  /**
   * Builds contexts for the certificates of every {@code tls} (the Ingress ones and each Gateway
   * listener's) and forgets the others; see {@link #prepare(TlsConfig)}.
   */
  public List<String> prepare(List<TlsConfig> all) {
    Set<CertificateConfig> every = new LinkedHashSet<>();
    for (TlsConfig t : all) {
      every.addAll(t.byHost().values());
      if (t.defaultCertificate() != null) every.add(t.defaultCertificate());
    }
    return prepareAll(every);
  }

  /** The contexts of another certificate set of the snapshot (a Gateway listener's), sharing this cache. */
  public Mapping<String, SslContext> selecting(java.util.function.Function<io.higressj.config.model.Snapshot, TlsConfig> tls) {
    return sni -> context(tls.apply(snapshots.get()).select(sni), sni);
  }

  /** SNI host name (null when the client sent none) to context; an exception fails the handshake. */
  @Override
  public SslContext map(String sni) {
    return context(snapshots.get().tls().select(sni), sni);
  }

  private SslContext context(CertificateConfig c, String sni) {
    if (c == null) throw new IllegalStateException("no certificate for server name " + sni);
    SslContext ctx = contexts.get(c);
    if (ctx == null && !failures.containsKey(c)) {
      // a snapshot published without prepare() (tests): build on first use
      try {
        ctx = build(c);
        contexts.put(c, ctx);
      } catch (Exception e) {
        failures.put(c, "Secret " + c.secret() + ": " + e.getMessage());
        LOG.log(System.Logger.Level.WARNING, "Secret " + c.secret() + ": cannot load certificate: " + e.getMessage());
      }
    }
    if (ctx == null) throw new IllegalStateException("certificate of Secret " + c.secret() + " cannot be loaded");
    return ctx;
  }
}
