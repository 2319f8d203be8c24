package io.higressj.proxy;

import static java.util.Objects.requireNonNull;

import io.higressj.config.model.ClusterConfig;
import io.higressj.config.model.Endpoint;
import io.higressj.config.model.SnapshotHolder;
import io.higressj.config.settings.GatewaySettings;
import io.higressj.proxy.accesslog.AccessLog;
import io.higressj.proxy.exchange.PathNormalizer;
import io.higressj.proxy.filter.PluginErrors;
import io.higressj.proxy.upstream.UpstreamPool;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.HashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.List;
import java.util.Map;

/** What every listener and exchange shares: the snapshot, settings, access log, per-loop pools. */
public final class DataPlane {
  private final SnapshotHolder snapshots;
  private final ProxyOptions options;
  private final AccessLog accessLog;
  private final Transport transport;
  private final FastThreadLocal<LoopState> perLoop = new FastThreadLocal<>();
  private final PluginErrors pluginErrors = new PluginErrors();

  public DataPlane(SnapshotHolder snapshots, ProxyOptions options, AccessLog accessLog, Transport transport) {
    this.snapshots = requireNonNull(snapshots, "snapshots");
    this.options = requireNonNull(options, "options");
    this.accessLog = requireNonNull(accessLog, "accessLog");
    this.transport = requireNonNull(transport, "transport");
    this.effective = new Effective(null, options);
  }

  /** Plugin failures, counted per plugin. */
  public PluginErrors pluginErrors() {
    return pluginErrors;
  }

  /** Normalises request paths before routing, as the options in force say ({@code mergeSlashes}, escaped slashes). */
  public PathNormalizer pathNormalizer() {
    options(); // brings the effective settings up to date
    return effective.normalizer;
  }

  public SnapshotHolder snapshots() {
    return snapshots;
  }

  /**
   * The settings in force now: the gateway's own options with what the {@code higress-config}
   * ConfigMap says over them (see {@link ProxyOptions#with(GatewaySettings)}). New connections and
   * requests read them; a connection keeps the HTTP/2 settings it announced.
   */
  public ProxyOptions options() {
    GatewaySettings g = snapshots.get().settings();
    Effective e = effective;
    if (e.settings != g) {
      e = new Effective(g, options.with(g));
      effective = e;
    }
    return e.options;
  }

  private final AtomicInteger connections = new AtomicInteger();
  private final io.higressj.proxy.overload.FloodPenalty floodPenalty =
      new io.higressj.proxy.overload.FloodPenalty(() -> options().floodPenalty());

  /** Client addresses refused for a while after repeated HTTP/2 floods ({@link ProxyOptions#floodPenalty()}). */
  public io.higressj.proxy.overload.FloodPenalty floodPenalty() {
    return floodPenalty;
  }

  /**
   * Counts a new client connection; false (not counted) when {@code maxConnections} are open already,
   * and the caller closes it. A counted connection is uncounted when it closes.
   */
  public boolean admitConnection(io.netty.channel.Channel ch) {
    int max = options().overload().maxConnections();
    if (max > 0 && connections.incrementAndGet() > max) {
      connections.decrementAndGet();
      return false;
    }
    if (max <= 0) connections.incrementAndGet();
    ch.closeFuture().addListener(f -> connections.decrementAndGet());
    return true;
  }

  /** client connections open now */
  public int openConnections() {
    return connections.get();
  }

  /** The options given at start, before any ConfigMap. */
  public ProxyOptions baseOptions() {
    return options;
  }

  private record Effective(GatewaySettings settings, ProxyOptions options, PathNormalizer normalizer) {
    Effective(GatewaySettings settings, ProxyOptions options) {
      this(settings, options, new PathNormalizer(options.mergeSlashes(), options.escapedSlashes()));
    }
  }

  private volatile Effective effective;

  public AccessLog accessLog() {
    return accessLog;
  }

  public Transport transport() {
    return transport;
  }

  /** The upstream pool of the calling event loop. */
  public UpstreamPool pool(EventLoop loop) {
    return state(loop).pool;
  }

  /** The Redis connections of the calling event loop (for plugins). */
  public io.higressj.proxy.redis.RedisPool redis(EventLoop loop) {
    LoopState s = state(loop);
    if (s.redis == null) {
      s.redis = new io.higressj.proxy.redis.RedisPool(loop, transport, (int) options().upstreamConnectTimeout().toMillis());
    }
    return s.redis;
  }

  /** Round robin over the cluster's endpoints, per event loop (no shared counter). */
  public Endpoint pickEndpoint(EventLoop loop, ClusterConfig cluster) {
    List<Endpoint> eps = cluster.endpoints();
    int n = eps.size();
    if (n == 1) return eps.get(0);
    LoopState s = state(loop);
    int[] counter = s.roundRobin.computeIfAbsent(cluster.name(), k -> new int[] {(int) (Math.random() * 1024)});
    int i = counter[0]++;
    return eps.get(Math.floorMod(i, n));
  }

  /**
   * An endpoint as the cluster's load balancer says: round robin (per event loop), random, least
   * requests in flight (the better of two random picks, counted across event loops), or a consistent
   * hash of {@code hashKey} (rendezvous hashing: an endpoint that goes away moves only its own keys).
   * A hash policy without a key (the header is missing) falls back to round robin, as Envoy does.
   */
  public Endpoint pickEndpoint(EventLoop loop, ClusterConfig cluster, String hashKey) {
    List<Endpoint> eps = cluster.endpoints();
    int n = eps.size();
    if (n == 1) return eps.get(0);
    switch (cluster.loadBalancer().kind()) {
      case RANDOM:
        return eps.get(ThreadLocalRandom.current().nextInt(n));
      case LEAST_REQUEST: {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        Endpoint a = eps.get(r.nextInt(n));
        Endpoint b = eps.get(r.nextInt(n));
        return inFlight(a) <= inFlight(b) ? a : b;
      }
      case CONSISTENT_HASH:
        if (hashKey != null) return rendezvous(eps, hashKey);
        return pickEndpoint(loop, cluster);
      default:
        return pickEndpoint(loop, cluster);
    }
  }

  private static Endpoint rendezvous(List<Endpoint> eps, String key) {
    long k = mix(key.hashCode() * 0x9E3779B97F4A7C15L + key.length());
    Endpoint best = null;
    long bestScore = Long.MIN_VALUE;
    for (int i = 0, n = eps.size(); i < n; i++) {
      Endpoint e = eps.get(i);
      long score = mix(k ^ (e.address().hashCode() * 31L + e.port()) * 0xC2B2AE3D27D4EB4FL);
      if (best == null || score > bestScore) {
        best = e;
        bestScore = score;
      }
    }
    return best;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private final ConcurrentHashMap<Endpoint, AtomicInteger> inFlight = new ConcurrentHashMap<>();

  private int inFlight(Endpoint e) {
    AtomicInteger c = inFlight.get(e);
    return c == null ? 0 : c.get();
  }

  /** Counts a request in flight to {@code e} (least-request balancing); {@link #requestDone} ends it. */
  public void requestStarted(Endpoint e) {
    inFlight.computeIfAbsent(e, k -> new AtomicInteger()).incrementAndGet();
  }

  public void requestDone(Endpoint e) {
    AtomicInteger c = inFlight.get(e);
    if (c != null) c.decrementAndGet();
  }

  private LoopState state(EventLoop loop) {
    LoopState s = perLoop.get();
    if (s == null) {
      s = new LoopState(new UpstreamPool(loop, transport, this::options));
      perLoop.set(s);
    }
    return s;
  }

  private static final class LoopState {
    final UpstreamPool pool;
    final Map<String, int[]> roundRobin = new HashMap<>();
    io.higressj.proxy.redis.RedisPool redis;

    LoopState(UpstreamPool pool) {
      this.pool = pool;
    }
  }
}
