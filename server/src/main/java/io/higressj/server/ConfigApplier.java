package io.higressj.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.higressj.config.gatewayapi.GatewayApiTranslator;
import io.higressj.config.ingress.IngressTranslator;
import io.higressj.config.model.GatewayListeners;
import io.higressj.config.ingress.ResourceServiceDirectory;
import io.higressj.config.model.Snapshot;
import io.higressj.config.model.SnapshotHolder;
import io.higressj.config.model.TlsConfig;
import io.higressj.config.plugin.PluginChains;
import io.higressj.config.plugin.PluginRegistry;
import io.higressj.config.plugin.WasmPluginTranslator;
import io.higressj.config.resource.Problem;
import io.higressj.config.resource.Resource;
import io.higressj.config.resource.ResourceKey;
import io.higressj.config.resource.ResourceSet;
import io.higressj.proxy.tls.ServerCertificates;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Turns each resource set from the config source into a published snapshot. An object that was
 * valid and becomes invalid is reported and its last good version keeps serving, so a bad edit never
 * takes working routes away. Problems are logged once, when they first appear.
 *
 * <p>This holds for every kind the translator reports ERRORs for, the {@code higress-config} and
 * {@code higress-https} ConfigMaps included: a ConfigMap with an invalid field keeps its last good settings.
 *
 * <p>Work is in proportion to what changed since the previous set: the translator is incremental, and
 * nothing is kept per object for the fallback. An object that is not rejected is its own last good
 * version, so the last good version of an object rejected now is its version in the previous set, or,
 * when it was rejected then too, the one found then; only those of the objects rejected now are held.
 */
final class ConfigApplier implements Consumer<ResourceSet> {
  private static final System.Logger LOG = System.getLogger("io.higressj.config");

  private final SnapshotHolder holder;
  private final ServerCertificates certificates;
  private final IngressTranslator translator;
  private final WasmPluginTranslator plugins;
  /** told of each published snapshot's plugin chains (jar class loaders in use), or null */
  private final Consumer<PluginChains> pluginsPublished;
  private ResourceSet previous = ResourceSet.empty();
  /** the objects the previous set had rejected, by name as problems give it */
  private Set<Name> rejectedBefore = Set.of();
  /** the last good version of each of those that had one */
  private Map<Name, Resource> heldGood = Map.of();
  private TlsConfig preparedTls;
  private List<String> tlsErrors = List.of();
  private Set<String> reported = Set.of();
  private volatile boolean applied;
  private final GatewayApiTranslator gatewayTranslator;
  private final Consumer<Snapshot> beforePublish;
  private GatewayApiTranslator.Result gatewayApi;
  private GatewayListeners gatewayListeners = GatewayListeners.NONE;
  private GatewayListeners preparedListeners;
  private volatile Map<ResourceKey, ObjectNode> statuses = Map.of();

  /** An object as {@link Resource#describe()} and {@link Problem#object()} name it: no API group. */
  private record Name(String kind, String namespace, String name) {
    /** The name a problem gives its object, or null when it names no object ("Service in document 2"). */
    static Name parse(String object) {
      int space = object.indexOf(' ');
      if (space <= 0 || object.indexOf(' ', space + 1) >= 0) return null;
      String rest = object.substring(space + 1);
      int slash = rest.indexOf('/');
      return slash < 0 ? new Name(object.substring(0, space), "", rest)
          : new Name(object.substring(0, space), rest.substring(0, slash), rest.substring(slash + 1));
    }
  }

  /**
   * The keys of the objects named {@code n} in {@code set}: one per API group that has one. Keys sort by
   * kind, then group, so the groups of a kind are found by a search each.
   */
  private static List<ResourceKey> keys(ResourceSet set, Name n) {
    List<ResourceKey> out = new ArrayList<>(1);
    SortedMap<ResourceKey, Resource> rest = set.resources().subMap(new ResourceKey("", n.kind(), "", ""),
        new ResourceKey("", n.kind() + "\0", "", ""));
    while (!rest.isEmpty()) {
      String group = rest.firstKey().group();
      ResourceKey k = new ResourceKey(group, n.kind(), n.namespace(), n.name());
      if (rest.containsKey(k)) out.add(k);
      rest = rest.tailMap(new ResourceKey(group + "\0", n.kind(), "", "")); // past this group's keys
    }
    return out;
  }

  /** The object named {@code n} in {@code set} (of objects named alike, the one whose key sorts last), or null. */
  private static Resource named(ResourceSet set, Name n) {
    List<ResourceKey> keys = keys(set, n);
    return keys.isEmpty() ? null : set.resources().get(keys.getLast());
  }

  ConfigApplier(SnapshotHolder holder, ServerCertificates certificates, String ingressClass) {
    this(holder, certificates, ingressClass, GatewayApiTranslator.Options.defaults(), s -> { },
        ref -> new PluginRegistry.Missing(PluginRegistry.missingMessage(ref.name())), null);
  }

  /**
   * @param gatewayApi how Gateway API objects are translated
   * @param beforePublish sees each snapshot before it is published (the server binds the listeners it declares)
   * @param registry where WasmPlugin objects find their plugins
   * @param pluginsPublished sees the plugin chains of each published snapshot; null: nobody
   */
  ConfigApplier(SnapshotHolder holder, ServerCertificates certificates, String ingressClass,
      GatewayApiTranslator.Options gatewayApi, Consumer<Snapshot> beforePublish, PluginRegistry registry,
      Consumer<PluginChains> pluginsPublished) {
    this.holder = holder;
    this.certificates = certificates;
    this.translator = new IngressTranslator(new IngressTranslator.Options(ingressClass, false));
    this.gatewayTranslator = new GatewayApiTranslator(gatewayApi);
    this.beforePublish = beforePublish;
    this.plugins = new WasmPluginTranslator(registry);
    this.pluginsPublished = pluginsPublished;
  }

  /** The status of each Gateway API object of the last applied set, as the API server would hold it. */
  Map<ResourceKey, ObjectNode> statuses() {
    return statuses;
  }

  /** Applies the last resource set again (a plugin jar or module changed). */
  synchronized void reapply() {
    if (applied) accept(previous);
  }

  /** The Ingress translation plus the WasmPlugin chains on its routes and on the Gateway API listeners' routes. */
  private Snapshot translate(ResourceSet set) {
    Snapshot s = translator.update(set);
    List<io.higressj.config.model.RouteTable> tables = new ArrayList<>();
    tables.add(s.routes());
    for (var l : gatewayListeners.all()) tables.add(l.routes()); // WasmPlugin rules reach Gateway API routes too
    WasmPluginTranslator.Result p = plugins.translate(set, tables);
    if (p.chains().isEmpty() && p.problems().isEmpty()) return s;
    List<Problem> problems = new ArrayList<>(s.problems());
    problems.addAll(p.problems());
    return new Snapshot(s.version(), s.created(), s.routes(), s.clusters(), s.tls(), problems, s.settings(), p.chains());
  }

  boolean applied() {
    return applied;
  }

  @Override
  public synchronized void accept(ResourceSet set) {
    long t0 = System.nanoTime();
    List<ResourceSet.Change> changes = set.changesSince(previous);
    ResourceSet before = previous;
    previous = set;

    // Gateway API: translated again only when an object it reads changed
    boolean gatewayApiChanged = gatewayApi == null;
    for (ResourceSet.Change c : changes) {
      if (GatewayApiTranslator.KINDS.contains(c.key().kind())) gatewayApiChanged = true;
    }
    if (gatewayApiChanged) {
      gatewayApi = GatewayApiTranslator.concerns(set) ? gatewayTranslator.translate(set) : GatewayApiTranslator.Result.EMPTY;
      gatewayListeners = new GatewayListeners(gatewayApi.listeners());
      statuses = gatewayApi.statuses();
    }
    Snapshot first = translate(set);
    Set<Name> rejected = new HashSet<>();
    for (Problem p : first.problems()) {
      if (p.severity() != Problem.Severity.ERROR || p.object().isEmpty()) continue;
      Name n = Name.parse(p.object());
      if (n != null) rejected.add(n);
    }
    Snapshot snapshot = first;
    // the last good version of each object rejected now: held since it was first rejected, or else (it
    // was good then) its version in the previous set
    Map<Name, Resource> lastGood = new HashMap<>();
    for (Name n : rejected) {
      Resource g = rejectedBefore.contains(n) ? heldGood.get(n) : named(before, n);
      if (g != null) lastGood.put(n, g);
    }
    if (!lastGood.isEmpty()) {
      // each rejected object with a last good version is replaced by it, in key order
      TreeMap<ResourceKey, Resource> substitutes = new TreeMap<>();
      for (Map.Entry<Name, Resource> e : lastGood.entrySet()) {
        for (ResourceKey key : keys(set, e.getKey())) substitutes.put(key, e.getValue());
      }
      if (!substitutes.isEmpty()) {
        List<Problem> extra = new ArrayList<>();
        TreeMap<ResourceKey, Resource> changed = new TreeMap<>();
        for (Map.Entry<ResourceKey, Resource> e : substitutes.entrySet()) {
          Resource r = set.resources().get(e.getKey());
          extra.add(new Problem(r.origin(), r.describe(), "", "still serving its last good version", Problem.Severity.WARNING));
          if (!e.getValue().key().equals(e.getKey())) changed.put(e.getKey(), null); // named alike in another group
        }
        for (Resource good : substitutes.values()) changed.put(good.key(), good);
        Snapshot second = translate(set.with(changed, set.problems()));
        // report the first pass's errors (what is wrong with the files) plus the fallback notes
        List<Problem> problems = new ArrayList<>(first.problems());
        problems.addAll(extra);
        snapshot = new Snapshot(0, second.created(), second.routes(), second.clusters(), second.tls(), problems,
            second.settings(), second.plugins());
      }
    }
    rejectedBefore = rejected;
    heldGood = lastGood;

    List<Problem> problems = new ArrayList<>(snapshot.problems());
    Map<String, io.higressj.config.model.ClusterConfig> clusters = snapshot.clusters();
    if (!gatewayApi.clusters().isEmpty()) {
      clusters = new HashMap<>(clusters);
      for (var c : gatewayApi.clusters().values()) clusters.putIfAbsent(c.name(), c);
    }
    problems.addAll(gatewayApi.problems());
    if (snapshot.tls() != preparedTls || gatewayListeners != preparedListeners) {
      // the translators keep the same TlsConfig and listeners while they are unchanged
      List<TlsConfig> all = new ArrayList<>();
      all.add(snapshot.tls());
      for (var l : gatewayListeners.all()) all.add(l.tls());
      tlsErrors = certificates.prepare(all);
      preparedTls = snapshot.tls();
      preparedListeners = gatewayListeners;
    }
    for (String err : tlsErrors) {
      problems.add(new Problem("", "", "", err, Problem.Severity.ERROR));
    }
    snapshot = new Snapshot(0, Instant.now(), snapshot.routes(), clusters, snapshot.tls(), problems,
        snapshot.settings(), gatewayListeners, snapshot.plugins(), new ResourceServiceDirectory(set));
    beforePublish.accept(snapshot);
    Snapshot published = holder.publish(snapshot);
    if (pluginsPublished != null) pluginsPublished.accept(published.plugins());
    applied = true;

    Set<String> now = new LinkedHashSet<>();
    for (Problem p : problems) now.add(p.toString());
    for (String line : now) {
      if (!reported.contains(line)) LOG.log(System.Logger.Level.WARNING, line);
    }
    reported = now;
    long micros = (System.nanoTime() - t0) / 1000;
    int routes = published.routes().routeCount();
    LOG.log(System.Logger.Level.INFO, "config version " + published.version() + " applied in " + micros / 1000.0
        + " ms: " + routes + " routes, " + published.clusters().size() + " clusters, " + problems.size() + " problems"
        + " (" + changes.size() + " objects changed)");
  }
}
