package io.higressj.server;

import io.higressj.config.model.Snapshot;
import io.higressj.config.model.SnapshotHolder;
import io.higressj.config.source.DirectoryConfigSource;
import io.higressj.proxy.DataPlane;
import io.higressj.proxy.Transport;
import io.higressj.proxy.accesslog.AccessLog;
import io.higressj.proxy.listener.HttpListener;
import io.higressj.proxy.tls.ServerCertificates;
import io.higressj.server.admin.AdminServer;
import io.higressj.server.plugin.PluginLoader;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A running gateway: config directory → translator → snapshot → data plane, plus the admin
 * endpoint. Tests and tools start it exactly as {@code bin/higress} does.
 */
public final class GatewayServer implements AutoCloseable {
  private final ServerOptions options;
  private final SnapshotHolder snapshots = new SnapshotHolder();
  private final Transport transport = Transport.best();
  private final EventLoopGroup workers;
  private final AccessLog accessLog;
  private final DirectoryConfigSource source;
  private final ServerCertificates certificates;
  private final ConfigApplier applier;
  private final PluginLoader plugins;
  private final List<HttpListener> listeners = new ArrayList<>();
  private HttpListener http;
  private DataPlane dataPlane;
  private HttpListener https;
  private AdminServer admin;

  private GatewayServer(ServerOptions options) throws IOException {
    this.options = options;
    int threads = options.workers() == 0 ? Runtime.getRuntime().availableProcessors() : options.workers();
    this.workers = transport.newGroup(threads, "gateway");
    this.accessLog = AccessLog.of(options.accessLog());
    this.certificates = new ServerCertificates(snapshots);
    this.plugins = new PluginLoader(options.configDir().resolve("plugins"));
    this.applier = new ConfigApplier(snapshots, certificates, options.ingressClass(), plugins, plugins::retain);
    this.source = new DirectoryConfigSource(options.configDir());
  }

  /** Reads the configuration, binds every port and returns when the gateway serves. */
  public static GatewayServer start(ServerOptions options) throws IOException, InterruptedException {
    GatewayServer s = new GatewayServer(options);
    try {
      s.startInternal();
    } catch (IOException | InterruptedException | RuntimeException e) {
      s.close();
      throw e;
    }
    return s;
  }

  private void startInternal() throws IOException, InterruptedException {
    plugins.start(applier::reapply); // jars first: the first configuration may use them
    source.start(applier); // the first set is applied before start() returns
    DataPlane dp = new DataPlane(snapshots, options.proxy(), accessLog, transport);
    dataPlane = dp;
    http = HttpListener.bind("http", dp, workers, options.bindAddress(), options.httpPort(), null);
    listeners.add(http);
    if (options.httpsPort() >= 0) {
      https = HttpListener.bind("https", dp, workers, options.bindAddress(), options.httpsPort(), certificates);
      listeners.add(https);
    }
    if (options.adminPort() >= 0) {
      admin = AdminServer.bind(workers, transport, options.adminAddress(), options.adminPort(), snapshots,
          this::listenerInfo, () -> applier.applied() && !listeners.isEmpty());
    }
  }

  private List<AdminServer.ListenerInfo> listenerInfo() {
    List<AdminServer.ListenerInfo> out = new ArrayList<>();
    for (HttpListener l : listeners) {
      out.add(new AdminServer.ListenerInfo(l.name(), l == https ? "HTTPS" : "HTTP", options.bindAddress(), l.port()));
    }
    return out;
  }

  public int httpPort() {
    return http.port();
  }

  /** -1 when HTTPS is disabled. */
  public int httpsPort() {
    return https == null ? -1 : https.port();
  }

  /** -1 when the admin endpoint is disabled. */
  public int adminPort() {
    return admin == null ? -1 : admin.port();
  }

  public Snapshot snapshot() {
    return snapshots.get();
  }

  public SnapshotHolder snapshots() {
    return snapshots;
  }

  /** The plugin registry (built-in plugins, jars in {@code <config-dir>/plugins}, the Wasm seam). */
  public PluginLoader plugins() {
    return plugins;
  }

  /** The data plane, once started (plugin failure counts ...). */
  public DataPlane dataPlane() {
    return dataPlane;
  }

  @Override
  public void close() {
    plugins.close();
    source.close();
    for (HttpListener l : listeners) l.close();
    if (admin != null) admin.close();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    accessLog.close();
  }
}
