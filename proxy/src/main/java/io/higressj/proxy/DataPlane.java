package io.higressj.proxy;

import static java.util.Objects.requireNonNull;

import io.higressj.config.model.ClusterConfig;
import io.higressj.config.model.Endpoint;
import io.higressj.config.model.SnapshotHolder;
import io.higressj.proxy.accesslog.AccessLog;
import io.higressj.proxy.exchange.PathNormalizer;
import io.higressj.proxy.upstream.UpstreamPool;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What every listener and exchange shares: the snapshot, settings, access log, per-loop pools. */
public final class DataPlane {
  private final SnapshotHolder snapshots;
  private final ProxyOptions options;
  private final AccessLog accessLog;
  private final Transport transport;
  private final FastThreadLocal<LoopState> perLoop = new FastThreadLocal<>();
  private final PathNormalizer pathNormalizer;

  public DataPlane(SnapshotHolder snapshots, ProxyOptions options, AccessLog accessLog, Transport transport) {
    this.snapshots = requireNonNull(snapshots, "snapshots");
    this.options = requireNonNull(options, "options");
    this.accessLog = requireNonNull(accessLog, "accessLog");
    this.transport = requireNonNull(transport, "transport");
    this.pathNormalizer = new PathNormalizer(options.mergeSlashes(), options.escapedSlashes());
  }

  /** Normalises request paths before routing, as the options say. */
  public PathNormalizer pathNormalizer() {
    return pathNormalizer;
  }

  public SnapshotHolder snapshots() {
    return snapshots;
  }

  public ProxyOptions options() {
    return options;
  }

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

  private LoopState state(EventLoop loop) {
    LoopState s = perLoop.get();
    if (s == null) {
      s = new LoopState(new UpstreamPool(loop, transport, options));
      perLoop.set(s);
    }
    return s;
  }

  private static final class LoopState {
    final UpstreamPool pool;
    final Map<String, int[]> roundRobin = new HashMap<>();

    LoopState(UpstreamPool pool) {
      this.pool = pool;
    }
  }
}
