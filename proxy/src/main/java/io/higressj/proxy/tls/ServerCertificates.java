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
import io.netty.util.AsyncMapping;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Server TLS contexts by SNI, from the current snapshot's certificates. When a snapshot is published
 * ({@link #prepare}), off the event loops, every new certificate is checked (its key and chain parsed,
 * the key matched with the certificate), so that a bad Secret is reported with the configuration; the
 * first {@link #EAGER_BUILDS} new ones also get their context at once, so that a handshake only looks it
 * up. A context costs about 20 ms of CPU (Netty's OpenSSL context, measured on 2-core machines) and some
 * 120 KB, so with thousands of certificates (one per host, as cert-manager makes them) the others are
 * built when a handshake first needs them, on a thread of their own while that handshake waits; an
 * apply no longer waits for all of them. BoringSSL is used when available, the JDK otherwise; ALPN
 * offers h2 and http/1.1.
 */
public final class ServerCertificates implements AsyncMapping<String, SslContext> {
  /** new certificates a {@link #prepare} builds contexts for at once; the rest are built on first use */
  public static final int EAGER_BUILDS = 32;

  private static final System.Logger LOG = System.getLogger(ServerCertificates.class.getName());

  private final SnapshotHolder snapshots;
  private final Map<CertificateConfig, SslContext> contexts = new ConcurrentHashMap<>();
  private final Map<CertificateConfig, String> failures = new ConcurrentHashMap<>();
  /** checked certificates whose context is built at their first handshake */
  private final Set<CertificateConfig> deferred = ConcurrentHashMap.newKeySet();
  /** contexts being built for handshakes that wait for them */
  private final Map<CertificateConfig, CompletableFuture<SslContext>> building = new ConcurrentHashMap<>();
  private final int eagerBuilds;
  private final Executor builder;

  public ServerCertificates(SnapshotHolder snapshots) {
    this(snapshots, EAGER_BUILDS);
  }

  /** @param eagerBuilds new certificates whose contexts {@link #prepare} builds at once */
  ServerCertificates(SnapshotHolder snapshots, int eagerBuilds) {
    this.snapshots = snapshots;
    this.eagerBuilds = eagerBuilds;
    // two at most: a burst of first handshakes to many hosts must not take every core; idle ones end
    int threads = Math.min(2, Runtime.getRuntime().availableProcessors());
    java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(threads, threads, 30,
        java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(),
        Thread.ofPlatform().daemon().name("tls-context-", 0).factory());
    pool.allowCoreThreadTimeOut(true);
    this.builder = pool;
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
    int builds = eagerBuilds;
    for (CertificateConfig c : all) {
      if (contexts.containsKey(c) || deferred.contains(c)) continue;
      String failed = failures.get(c);
      if (failed != null) {
        errors.add(failed);
        continue;
      }
      try {
        check(c); // a key that is not the certificate's fails only the handshakes otherwise
        if (builds > 0) {
          contexts.put(c, build(c));
          builds--;
        } else {
          deferred.add(c);
        }
      } catch (Exception e) {
        String msg = "Secret " + c.secret() + ": cannot load certificate: " + e.getMessage();
        failures.put(c, msg);
        errors.add(msg);
      }
    }
    // a set, not a list: with a certificate per host, thousands of them are kept at every change
    contexts.keySet().retainAll(all);
    failures.keySet().retainAll(all);
    deferred.retainAll(all);
    return errors;
  }

  /**
   * What building a context would find wrong with {@code c}, without building it: the key, the chain
   * and the client CA parse, and the key is the certificate's.
   */
  static void check(CertificateConfig c) throws Exception {
    PrivateKey key = PemKeys.privateKey(c.privateKeyPem());
    X509Certificate[] chain = PemKeys.certificates(c.certChainPem());
    if (chain.length == 0) throw new java.security.cert.CertificateException("no certificate in tls.crt");
    PemKeys.checkPair(key, chain[0]);
    if (c.clientCaPem() != null) PemKeys.certificates(c.clientCaPem());
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

  /** Contexts built so far (tests). */
  int builtContexts() {
    return contexts.size();
  }

  /** SNI host name (null when the client sent none) to context; a failed future fails the handshake. */
  @Override
  public Future<SslContext> map(String sni, Promise<SslContext> promise) {
    return context(snapshots.get().tls().select(sni), sni, promise);
  }

  /** The contexts of another certificate set of the snapshot (a Gateway listener's), sharing this cache. */
  public AsyncMapping<String, SslContext> selecting(java.util.function.Function<io.higressj.config.model.Snapshot, TlsConfig> tls) {
    return (sni, promise) -> context(tls.apply(snapshots.get()).select(sni), sni, promise);
  }

  private Future<SslContext> context(CertificateConfig c, String sni, Promise<SslContext> promise) {
    if (c == null) return promise.setFailure(new IllegalStateException("no certificate for server name " + sni));
    SslContext ctx = contexts.get(c);
    if (ctx != null) return promise.setSuccess(ctx);
    if (failures.containsKey(c)) {
      return promise.setFailure(new IllegalStateException("certificate of Secret " + c.secret() + " cannot be loaded"));
    }
    // built on first use: certificates beyond the eager ones, or a snapshot published without prepare() (tests)
    building.computeIfAbsent(c, k -> CompletableFuture.supplyAsync(() -> buildOnce(k), builder))
        .whenComplete((built, e) -> {
          if (e == null) promise.trySuccess(built);
          else promise.tryFailure(new IllegalStateException("certificate of Secret " + c.secret() + " cannot be loaded", e));
        });
    return promise;
  }

  /** Builds the context of {@code c} for the handshakes waiting for it, and keeps it (or the failure). */
  private SslContext buildOnce(CertificateConfig c) {
    try {
      SslContext ctx = build(c);
      contexts.put(c, ctx);
      deferred.remove(c);
      return ctx;
    } catch (Exception e) {
      String msg = "Secret " + c.secret() + ": cannot load certificate: " + e.getMessage();
      failures.put(c, msg);
      LOG.log(System.Logger.Level.WARNING, msg);
      throw new java.util.concurrent.CompletionException(e);
    } finally {
      building.remove(c);
    }
  }
}
