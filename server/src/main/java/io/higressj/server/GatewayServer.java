package io.higressj.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.higressj.config.gatewayapi.GatewayApiTranslator;
import io.higressj.config.model.ListenerConfig;
import io.higressj.config.model.RouteTable;
import io.higressj.config.model.Snapshot;
import io.higressj.config.model.TlsConfig;
import io.higressj.config.resource.ResourceKey;
import io.higressj.config.model.SnapshotHolder;
import io.higressj.config.source.DirectoryConfigSource;
import io.higressj.proxy.DataPlane;
import io.higressj.proxy.RouteSelector;
import io.higressj.proxy.Transport;
import io.higressj.proxy.accesslog.AccessLog;
import io.higressj.proxy.listener.HttpListener;
import io.higressj.proxy.tcp.L4Listener;
import io.higressj.proxy.tls.ServerCertificates;
import io.higressj.server.admin.AdminServer;
import io.higressj.server.plugin.PluginLoader;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;

/**
 * A running gateway: config directory → translator → snapshot → data plane, plus the admin
 * endpoint. Tests and tools start it exactly as {@code bin/higress} does.
 */
public final class GatewayServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("io.higressj.server");
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
    this.workers = transport.newGroup(threads, "gateway", options.busyPoll());
    this.accessLog = AccessLog.of(options.accessLog());
    this.certificates = new ServerCertificates(snapshots);
    String address = options.bindAddress().equals("0.0.0.0") || options.bindAddress().equals("::") ? "127.0.0.1" : options.bindAddress();
    this.plugins = new PluginLoader(options.configDir().resolve("plugins"),
        new io.higressj.server.plugin.WasmModules(io.higressj.server.plugin.WasmModules.defaultCacheDir()),
        java.time.Duration.ofMillis(250));
    this.applier = new ConfigApplier(snapshots, certificates, options.ingressClass(),
        new GatewayApiTranslator.Options(GatewayApiTranslator.DEFAULT_CONTROLLER, address), this::bindGatewayListeners,
        plugins, plugins::retain);
    this.source = new DirectoryConfigSource(options.configDir(), options.readCache());
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
    dataPlane = new DataPlane(snapshots, options.proxy(), accessLog, transport);
    DataPlane dp = dataPlane;
    plugins.start(applier::reapply); // jars first: the first configuration may use them
    // the first set is applied before start() returns; in standalone mode status goes into the objects' files
    StatusWriter status = options.writeStatus() ? new StatusWriter(java.time.Clock.systemUTC()) : null;
    source.start(set -> {
      applier.accept(set);
      if (status != null) status.write(set, applier.statuses());
    });
    http = HttpListener.bind("http", dp, workers, options.bindAddress(), options.httpPort(), null);
    listeners.add(http);
    if (options.httpsPort() >= 0) {
      https = HttpListener.bind("https", dp, workers, options.bindAddress(), options.httpsPort(), certificates);
      listeners.add(https);
    }
    if (options.adminPort() >= 0) {
      admin = AdminServer.bind(workers, transport, options.adminAddress(), options.adminPort(), snapshots,
          this::listenerInfo, () -> applier.applied() && !listeners.isEmpty(), this::statusList);
    }
  }

  private List<AdminServer.ListenerInfo> listenerInfo() {
    List<AdminServer.ListenerInfo> out = new ArrayList<>();
    for (HttpListener l : listeners) {
      out.add(new AdminServer.ListenerInfo(l.name(), l == https ? "HTTPS" : "HTTP", options.bindAddress(), l.port()));
    }
    for (BoundListener b : gatewayListeners.values()) {
      out.add(new AdminServer.ListenerInfo(b.key(), b.protocol().name(), options.bindAddress(), b.port(),
          b.gatewayNamespace(), b.gatewayName(), b.gatewayPort()));
    }
    return out;
  }

  /** A Gateway listener's socket. */
  private record BoundListener(String key, ListenerConfig.Protocol protocol, String gatewayNamespace, String gatewayName,
      int gatewayPort, AutoCloseable socket, int port) {
    void close() {
      try {
        socket.close();
      } catch (Exception e) {
        LOG.log(System.Logger.Level.WARNING, "Gateway listener " + key + ": " + e);
      }
    }
  }

  private final Map<String, BoundListener> gatewayListeners = new ConcurrentSkipListMap<>();

  /**
   * Binds the ports the snapshot's Gateway listeners declare (through the port map) and closes those no
   * longer declared; connections already accepted on a closed port carry on. Runs before the snapshot is
   * published, on the config thread.
   */
  private synchronized void bindGatewayListeners(Snapshot s) {
    Map<String, ListenerConfig> wanted = new HashMap<>();
    for (ListenerConfig l : s.listeners().all()) wanted.put(l.key(), l);
    for (BoundListener b : List.copyOf(gatewayListeners.values())) {
      ListenerConfig l = wanted.get(b.key());
      if (l == null || l.protocol() != b.protocol()) {
        b.close(); // closed before it disappears from the listing
        gatewayListeners.remove(b.key());
        LOG.log(System.Logger.Level.INFO, "Gateway listener " + b.key() + " closed (port " + b.port() + ")");
      }
    }
    for (ListenerConfig l : wanted.values()) {
      if (gatewayListeners.containsKey(l.key())) continue;
      String key = l.key();
      int port = options.listenerPort(l.port());
      try {
        if (l.protocol() == ListenerConfig.Protocol.TCP || l.protocol() == ListenerConfig.Protocol.TLS) {
          boolean tls = l.protocol() == ListenerConfig.Protocol.TLS;
          L4Listener l4 = L4Listener.bind(dataPlane, workers, options.bindAddress(), port, tls, (snap, sni) -> {
            ListenerConfig c = snap.listeners().get(key);
            if (c == null) return null;
            if (!tls) return c.tcpClusters();
            ListenerConfig.SniRoute r = c.selectPassthrough(sni);
            return r == null ? null : r.clusters();
          });
          gatewayListeners.put(key, new BoundListener(key, l.protocol(), l.gatewayNamespace(), l.gatewayName(), l.port(), l4, l4.port()));
          LOG.log(System.Logger.Level.INFO, "Gateway listener " + key + " (" + l.protocol() + ") bound to port " + l4.port());
          continue;
        }
        HttpListener h = HttpListener.bind(key, dataPlane, workers, options.bindAddress(), port,
            l.protocol() == ListenerConfig.Protocol.HTTPS ? certificates.selecting(snap -> tlsOf(snap, key)) : null,
            new RouteSelector() {
              @Override
              public RouteTable routes(Snapshot snap) {
                return routesOf(snap, key);
              }

              @Override
              public boolean misdirected(Snapshot snap, String sni, String host) {
                ListenerConfig c = snap.listeners().get(key);
                return c != null && c.misdirected(sni, host);
              }
            });
        gatewayListeners.put(key, new BoundListener(key, l.protocol(), l.gatewayNamespace(), l.gatewayName(), l.port(), h, h.port()));
        LOG.log(System.Logger.Level.INFO, "Gateway listener " + key + " (" + l.protocol() + ") bound to port " + h.port());
      } catch (Exception e) {
        if (e instanceof InterruptedException) Thread.currentThread().interrupt();
        LOG.log(System.Logger.Level.WARNING, "Gateway listener " + key + ": cannot bind port " + port + ": " + e);
      }
    }
  }

  private static RouteTable routesOf(Snapshot s, String key) {
    ListenerConfig l = s.listeners().get(key);
    return l == null ? RouteTable.empty() : l.routes();
  }

  private static TlsConfig tlsOf(Snapshot s, String key) {
    ListenerConfig l = s.listeners().get(key);
    return l == null ? TlsConfig.empty() : l.tls();
  }

  /** {@code GET /status}: every Gateway API object's status, as a Kubernetes list. */
  private JsonNode statusList() {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ArrayNode items = root.putArray("items");
    for (Map.Entry<ResourceKey, ObjectNode> e : applier.statuses().entrySet()) {
      ResourceKey k = e.getKey();
      ObjectNode o = items.addObject();
      o.put("apiVersion", k.group().isEmpty() ? "v1" : k.group() + "/v1");
      o.put("kind", k.kind());
      ObjectNode md = o.putObject("metadata");
      if (!k.namespace().isEmpty()) md.put("namespace", k.namespace());
      md.put("name", k.name());
      o.set("status", e.getValue());
    }
    return root;
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

  /** The port a Gateway listener ({@code namespace/gateway:port}) is bound to, or -1. */
  public int gatewayListenerPort(String key) {
    BoundListener b = gatewayListeners.get(key);
    return b == null ? -1 : b.port();
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
    synchronized (this) {
      for (BoundListener b : gatewayListeners.values()) b.close();
      gatewayListeners.clear();
    }
    if (admin != null) admin.close();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    accessLog.close();
  }
}
