package io.higressj.config.ingress;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.higressj.config.ingress.IngressValidator.BackendRef;
import io.higressj.config.ingress.IngressValidator.PathRule;
import io.higressj.config.ingress.IngressValidator.TlsEntry;
import io.higressj.config.ingress.IngressValidator.ValidIngress;
import io.higressj.config.model.CertificateConfig;
import io.higressj.config.model.ClusterConfig;
import io.higressj.config.model.PathMatch;
import io.higressj.config.model.Route;
import io.higressj.config.model.RouteConditions;
import io.higressj.config.model.RoutePolicy;
import io.higressj.config.model.RouteTable;
import io.higressj.config.model.Snapshot;
import io.higressj.config.model.LoadBalancer;
import io.higressj.config.model.TlsConfig;
import io.higressj.config.model.UpstreamProtocol;
import io.higressj.config.model.VirtualHost;
import io.higressj.config.resource.Problem;
import io.higressj.config.resource.Resource;
import io.higressj.config.resource.ResourceKey;
import io.higressj.config.resource.ResourceSet;
import io.higressj.config.settings.GatewaySettings;
import io.higressj.config.settings.HttpsSettings;
import io.higressj.config.settings.SettingsTranslator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Compiles Kubernetes {@code networking.k8s.io/v1} Ingress objects (with their Services, Endpoints,
 * EndpointSlices and TLS Secrets) into a {@link Snapshot}. Pure: the same resources and options always
 * give the same snapshot; nothing is read from disk, network or clock.
 *
 * <p><b>Which Ingresses.</b> The class is the {@code kubernetes.io/ingress.class} annotation if set
 * (it takes precedence, as in Higress), else {@code spec.ingressClassName}. An Ingress is served when
 * its class equals {@link Options#ingressClass()} or is unset, or when {@link
 * Options#watchAllClasses()}; others are ignored without a problem, as they belong to another
 * controller. IngressClass objects are not consulted.
 *
 * <p><b>Validation.</b> Each Ingress is checked completely first; one with any error is skipped as a
 * whole and every error is reported with its field path. Other Ingresses still apply.
 *
 * <p><b>Paths.</b> {@code Exact} is an exact match, {@code Prefix} an element-wise prefix ({@link
 * PathMatch}). {@code ImplementationSpecific} (also the default when pathType is missing) is treated as
 * {@code Prefix}: that is what Higress does without the {@code use-regex} annotation.
 *
 * <p><b>Virtual hosts.</b> One per host; rules with the same host merge across Ingresses; rules without
 * a host go to {@code *}. Order: exact hosts alphabetically, then wildcards (longest first), then
 * {@code *}; the data plane picks exactly one (see {@link RouteTable}).
 *
 * <p><b>Route order within a host</b> (first match wins):
 *
 * <ol>
 *   <li>Exact before Prefix;
 *   <li>longer path first;
 *   <li>older Ingress first ({@code metadata.creationTimestamp}; missing means newest), then
 *       namespace/name, then rule index, then path index;
 *   <li>{@code spec.defaultBackend} routes ({@code Prefix /}) last of all, in Ingress order. A default
 *       backend is added to {@code *} and to every host its Ingress's rules name, unless that host
 *       already has a {@code Prefix /} route from some rule.
 * </ol>
 *
 * A route with exactly the match of an earlier route in the same host is still listed but can never
 * match: it gets a WARNING naming the route that shadows it.
 *
 * <p><b>Backends.</b> See {@link Backends}: a backend that cannot be resolved still gets a cluster with
 * no endpoints (503) and a WARNING. Only clusters that routes use are in the snapshot.
 *
 * <p><b>TLS.</b> Each {@code spec.tls[].hosts} entry maps to the Secret's certificate; on conflicts the
 * first Ingress in route order wins (WARNING). The first entry without hosts gives the default
 * certificate; without one, the certificate of the alphabetically first TLS host is the default, so
 * clients without SNI still complete a handshake. A host of an entry without {@code secretName} gets the
 * Secret that the {@code credentialConfig} of ConfigMap {@code higress-system/higress-https} gives its
 * domain; so does a host of an entry whose Secret is missing or unusable, when that ConfigMap sets
 * {@code fallbackForInvalidSecret}.
 *
 * <p><b>Settings.</b> The {@code higress-config} and {@code higress-https} ConfigMaps become the snapshot's
 * {@link GatewaySettings} ({@link SettingsTranslator}); a change to either one re-evaluates the certificates.
  *
 * <p><b>Incremental.</b> An instance remembers what it computed for each object, and translating a set
 * compares it with the previous one by reference ({@link ResourceSet#changedSince}): only the objects
 * that changed are checked again, and only the virtual hosts they touch (through their rules, default
 * backend or Services) are built again. The result is always exactly what a fresh translation of the
 * same set gives; {@link #translate(ResourceSet, Options)} is that fresh translation. An instance is
 * used by one thread at a time.
 */

public final class IngressTranslator {
  public static final String DEFAULT_INGRESS_CLASS = "higress";
  static final String CLASS_ANNOTATION = "kubernetes.io/ingress.class";
  static final String CATCH_ALL = "*";
  private static final PathMatch ROOT = PathMatch.prefix("/");

  /**
   * @param ingressClass the class this gateway serves
   * @param watchAllClasses serve every Ingress, whatever its class
   * @param created the snapshot's creation time; passed in so that translation stays deterministic
   */
  public record Options(String ingressClass, boolean watchAllClasses, Instant created) {
    public Options {
      requireNonNull(ingressClass, "ingressClass");
      requireNonNull(created, "created");
    }

    public Options(String ingressClass, boolean watchAllClasses) {
      this(ingressClass, watchAllClasses, Instant.EPOCH);
    }

    /** Class {@code higress}, created at the epoch. */
    public static Options defaults() {
      return new Options(DEFAULT_INGRESS_CLASS, false);
    }

    public Options withCreated(Instant created) {
      return new Options(ingressClass, watchAllClasses, created);
    }
  }

  /** What one Ingress object gave: its problems, and the Ingress if it is served and valid. */
  /** @param protocol the Ingress's backend-protocol, or null */
  private record Checked(ValidIngress valid, IngressAnnotations.Parsed ann, UpstreamProtocol protocol, LoadBalancer lb,
      UpstreamAnnotations.MirrorTarget mirror, List<UpstreamAnnotations.DestinationTarget> destination,
      List<Problem> problems) {
    Checked(ValidIngress valid, IngressAnnotations.Parsed ann, UpstreamProtocol protocol, LoadBalancer lb,
        UpstreamAnnotations.MirrorTarget mirror, List<Problem> problems) {
      this(valid, ann, protocol, lb, mirror, null, problems);
    }
  }

  /**
   * A built virtual host.
   *
   * @param problems in the order a fresh translation meets them (shadowing, Endpoints, backend issues)
   * @param clusters the cluster of each route, in route order
   * @param services "namespace/name" of the Services its backends name
   */
  private record Host(VirtualHost vh, List<Problem> problems, List<ClusterConfig> clusters, Set<String> services) {}

  private final Options options;
  private ResourceSet previous = ResourceSet.empty();
  /** the set being translated (proxy-ssl-secret reads its Secret from it) */
  private ResourceSet current = ResourceSet.empty();
  /** Ingresses whose proxy-ssl-secret names a Secret, by "namespace/name" of the Secret */
  private final Map<String, Set<ResourceKey>> proxySslUsers = new HashMap<>();
  private final Map<ResourceKey, String> proxySslOf = new HashMap<>();
  private final Backends backends = new Backends();
  private final TlsSecrets secrets = new TlsSecrets();
  private final Map<ResourceKey, Checked> ingresses = new HashMap<>();
  /** problems of Services and Ingresses, by object, only the non-empty lists; key order is report order */
  private final TreeMap<ResourceKey, List<Problem>> serviceProblems = new TreeMap<>();
  private final TreeMap<ResourceKey, List<Problem>> ingressProblems = new TreeMap<>();
  /** the valid Ingresses that contribute routes (or a default backend) to a host */
  private final Map<String, Set<ResourceKey>> hostMembers = new HashMap<>();
  private final TreeMap<String, Host> hosts = new TreeMap<>(HOST_ORDER);
  /** the virtual hosts of {@link #hosts} as the last snapshot's route table */
  private RouteTable table = RouteTable.empty();
  private final Map<String, Set<String>> hostsByService = new HashMap<>();
  /** backend-protocol annotations by Service ("namespace/name"), by Ingress in order */
  private final Map<String, TreeMap<ValidIngress, UpstreamProtocol>> protocolClaims = new HashMap<>();
  /** load balancing annotations by Service, by Ingress in order */
  private final Map<String, TreeMap<ValidIngress, LoadBalancer>> lbClaims = new HashMap<>();
  private final Map<String, ClusterConfig> clusters = new HashMap<>();
  private final Map<String, Integer> clusterUsers = new HashMap<>();
  private final TreeSet<ValidIngress> tlsIngresses = new TreeSet<>(INGRESS_ORDER);
  private TlsConfig tls = TlsConfig.empty();
  /** the higress-config and higress-https ConfigMaps, read again when one of them changes */
  private final SettingsTranslator settingsTranslator = new SettingsTranslator();
  private GatewaySettings settings = GatewaySettings.DEFAULT;
  private List<Problem> settingsProblems = List.of();
  private List<Problem> tlsProblems = List.of();
  /** what each Ingress of {@link #tlsIngresses} gives, by the Ingress's version (see {@link #rebuildTls}) */
  private IdentityHashMap<ValidIngress, List<TlsClaim>> tlsClaims = new IdentityHashMap<>();
  /** the sorted problems of the last translation (without the resource set's own), while no unit changes */
  private List<Problem> ownProblems = List.of();
  private Map<String, ClusterConfig> clusterView = Map.of();
  /** whether {@link #clusters} differs from {@link #clusterView} */
  private boolean clustersChanged;

  /** An incremental translator; see the class comment. */
  public IngressTranslator(Options options) {
    this.options = requireNonNull(options, "options");
  }

  public Options options() {
    return options;
  }

  public static Snapshot translate(ResourceSet resources) {
    return translate(resources, Options.defaults());
  }

  /** A fresh translation: pure, the same resources and options always give the same snapshot. */
  public static Snapshot translate(ResourceSet resources, Options options) {
    return new IngressTranslator(options).update(resources);
  }

  /**
   * Translates {@code resources}, reusing what did not change since the previous call on this instance.
   * Gives exactly what {@link #translate(ResourceSet, Options)} gives.
   */
  public Snapshot update(ResourceSet resources) {
    requireNonNull(resources, "resources");
    List<ResourceSet.Change> changed = resources.changesSince(previous);
    current = resources;
    backends.use(resources);
    Set<ResourceKey> recheck = new java.util.TreeSet<>();
    Set<String> dirtyHosts = new HashSet<>();
    Set<String> dirtyServices = new HashSet<>();
    // changes come in key order, so the Ingresses' are side by side; their checks, when made beforehand
    int ingressFrom = firstOfKind(changed, "Ingress");
    int ingressTo = firstOfKind(changed, "Ingress\0");
    List<Checked> checked = checkAll(changed.subList(ingressFrom, ingressTo));
    // one call per change: a loop run once over a whole directory's objects runs in the interpreter for
    // most of a start, so it does little itself
    int effects = 0;
    for (int i = 0; i < changed.size(); i++) {
      Checked c = checked == null || i < ingressFrom || i >= ingressTo ? null : checked.get(i - ingressFrom);
      effects |= apply(changed.get(i), c, dirtyHosts, dirtyServices, recheck);
    }
    boolean problemsChanged = (effects & PROBLEMS_CHANGED) != 0;
    boolean tlsChanged = (effects & TLS_CHANGED) != 0;
    boolean settingsChanged = (effects & SETTINGS_CHANGED) != 0;
    boolean tlsInputsChanged = (effects & TLS_INPUTS_CHANGED) != 0;
    for (ResourceKey k : recheck) { // their proxy-ssl-secret changed
      Resource r = resources.resources().get(k);
      if (r == null || !ingresses.containsKey(k)) continue;
      int e = updateIngress(k, r, null, dirtyHosts);
      problemsChanged |= (e & PROBLEMS_CHANGED) != 0;
      tlsChanged |= (e & TLS_CHANGED) != 0;
    }
    for (String ref : dirtyServices) invalidateService(ref, dirtyHosts);
    List<String> toBuild = new ArrayList<>(dirtyHosts);
    // each host's routes read only the checked Ingresses, the Services and the claims, all settled by now
    List<Host> built = ParallelWork.map(toBuild, this::build);
    Map<String, VirtualHost> changedHosts = new HashMap<>();
    for (int i = 0; i < toBuild.size(); i++) {
      String host = toBuild.get(i);
      Host before = hosts.get(host);
      problemsChanged |= rebuild(host, built.get(i));
      Host after = hosts.get(host);
      VirtualHost now = after == null ? null : after.vh();
      if ((before == null ? null : before.vh()) != now) changedHosts.put(host, now);
    }
    if (settingsChanged) {
      SettingsTranslator.Result s = settingsTranslator.update(resources);
      problemsChanged |= !s.problems().equals(settingsProblems);
      boolean https = !s.settings().https().equals(settings.https()); // fallback certificates
      tlsChanged |= https;
      tlsInputsChanged |= https;
      settingsProblems = s.problems();
      settings = s.settings();
    }
    if (tlsChanged) problemsChanged |= rebuildTls(resources, tlsInputsChanged);
    previous = resources;

    if (problemsChanged) ownProblems = ownProblems();
    if (clustersChanged) {
      clusterView = Map.copyOf(clusters);
      clustersChanged = false;
    }
    List<Problem> all = new ArrayList<>(resources.problems().size() + ownProblems.size());
    all.addAll(resources.problems());
    all.addAll(ownProblems);
    // a change of routes replaces its hosts in the table; only added or removed hosts build it anew
    table = table.replacing(changedHosts, () -> {
      List<VirtualHost> vhs = new ArrayList<>(hosts.size());
      for (Host h : hosts.values()) {
        if (h.vh() != null) vhs.add(h.vh());
      }
      return vhs;
    });
    return new Snapshot(0, options.created(), table, clusterView, tls, all, settings);
  }

  private static final int PROBLEMS_CHANGED = 1;
  private static final int TLS_CHANGED = 2;
  private static final int SETTINGS_CHANGED = 4;
  /** a Secret changed: what every Ingress's TLS entries give is worked out again */
  private static final int TLS_INPUTS_CHANGED = 8;

  /**
   * Takes one changed object into the translator's state ({@code checked}: its check, if made already),
   * noting the hosts, Services and Ingresses to look at again; returns which of {@link #PROBLEMS_CHANGED},
   * {@link #TLS_CHANGED} and {@link #SETTINGS_CHANGED} it may have changed.
   */
  private int apply(ResourceSet.Change change, Checked checked, Set<String> dirtyHosts, Set<String> dirtyServices,
      Set<ResourceKey> recheck) {
    ResourceKey key = change.key();
    switch (key.kind()) {
      case "Ingress" -> {
        return updateIngress(key, change.after(), checked, dirtyHosts);
      }
      case "Service" -> {
        if (!key.group().isEmpty()) return 0;
        List<Problem> found = backends.updateService(key, change.after());
        boolean problemsChanged = !found.equals(serviceProblems.getOrDefault(key, List.of()));
        if (found.isEmpty()) serviceProblems.remove(key);
        else serviceProblems.put(key, found);
        dirtyServices.add(key.namespace() + "/" + key.name());
        return problemsChanged ? PROBLEMS_CHANGED : 0;
      }
      case "Endpoints" -> {
        if (key.group().isEmpty()) dirtyServices.add(key.namespace() + "/" + key.name());
        return 0;
      }
      case "EndpointSlice" -> {
        dirtyServices.addAll(backends.updateSlice(key, change.before(), change.after()));
        return 0;
      }
      case "Secret" -> {
        if (!key.group().isEmpty()) return 0;
        recheck.addAll(proxySslUsers.getOrDefault(key.namespace() + "/" + key.name(), Set.of()));
        return TLS_CHANGED | TLS_INPUTS_CHANGED;
      }
      case "ConfigMap" -> {
        return SettingsTranslator.isSettingsObject(key) ? SETTINGS_CHANGED : 0;
      }
      default -> {
        return 0; // not ours
      }
    }
  }

  /** Service {@code ref} ("namespace/name") or its endpoints changed: the hosts routing to it are built again. */
  private void invalidateService(String ref, Set<String> dirtyHosts) {
    backends.invalidate(ref);
    dirtyHosts.addAll(hostsByService.getOrDefault(ref, Set.of()));
  }

  /** The index of the first change whose kind sorts at or after {@code kind} (changes are in key order, kind first). */
  private static int firstOfKind(List<ResourceSet.Change> changed, String kind) {
    int lo = 0;
    int hi = changed.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (changed.get(mid).key().kind().compareTo(kind) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * The checks of the changed Ingresses {@code changes} (null for one removed), when there are enough of
   * them to be worth doing in parallel (a check reads only its own object, the options and the set);
   * else null, and {@link #updateIngress} checks each itself.
   */
  private List<Checked> checkAll(List<ResourceSet.Change> changes) {
    if (!ParallelWork.worthIt(changes.size())) return null;
    return ParallelWork.map(changes, c -> c.after() == null ? null : check(c.after()));
  }

  /**
   * Checks Ingress {@code key} again ({@code r} null: it is gone; {@code checked}: its check, if made
   * already); returns {@link #PROBLEMS_CHANGED} when its problems changed, and {@link #TLS_CHANGED} when
   * it had or has TLS entries (only those Ingresses make the certificates, so a change of any other
   * Ingress leaves them as they are).
   */
  private int updateIngress(ResourceKey key, Resource r, Checked checked, Set<String> dirtyHosts) {
    Checked old = ingresses.remove(key);
    String sslSecret = proxySslOf.remove(key);
    if (sslSecret != null) {
      Set<ResourceKey> users = proxySslUsers.get(sslSecret);
      if (users != null && users.remove(key) && users.isEmpty()) proxySslUsers.remove(sslSecret);
    }
    if (old != null && old.valid() != null) {
      leave(old.valid(), dirtyHosts);
      claimProtocol(old, false, dirtyHosts);
    }
    Checked now = r == null ? null : checked != null ? checked : check(r);
    if (now != null) {
      ingresses.put(key, now);
      String secretRef = UpstreamAnnotations.proxySslSecret(r);
      if (secretRef != null) {
        proxySslUsers.computeIfAbsent(secretRef, k -> new HashSet<>()).add(key);
        proxySslOf.put(key, secretRef);
      }
      if (now.valid() != null) {
        join(now.valid(), dirtyHosts);
        claimProtocol(now, true, dirtyHosts);
      }
    }
    List<Problem> before = old == null ? List.of() : old.problems();
    List<Problem> after = now == null ? List.of() : now.problems();
    if (after.isEmpty()) ingressProblems.remove(key);
    else ingressProblems.put(key, after);
    return (before.equals(after) ? 0 : PROBLEMS_CHANGED) | tlsEffect(old, now);
  }

  /**
   * {@link #TLS_CHANGED} when Ingress version {@code now} may give other certificates (or TLS problems)
   * than version {@code old}: when either has TLS entries, unless both have and what they give is alike
   * (a change of routes, the usual one), in which case the new version's claims replace the old ones and
   * the certificates are not put together again.
   */
  private int tlsEffect(Checked old, Checked now) {
    boolean before = hasTls(old);
    boolean after = hasTls(now);
    if (!before && !after) return 0;
    if (!before || !after) return TLS_CHANGED;
    List<TlsClaim> was = tlsClaims.get(old.valid());
    if (was == null || !Objects.equals(old.valid().created(), now.valid().created())) return TLS_CHANGED;
    List<TlsClaim> is = tlsClaims(now.valid(), secrets, settings.https());
    if (!alike(was, is)) return TLS_CHANGED;
    tlsClaims.remove(old.valid());
    tlsClaims.put(now.valid(), is);
    return 0;
  }

  /** Whether two versions' claims give the same certificates and problems, in the same order. */
  private static boolean alike(List<TlsClaim> a, List<TlsClaim> b) {
    if (a.size() != b.size()) return false;
    for (int i = 0; i < a.size(); i++) {
      TlsClaim x = a.get(i);
      TlsClaim y = b.get(i);
      if (!Objects.equals(x.problem(), y.problem()) || !Objects.equals(x.host(), y.host())
          || !Objects.equals(x.cert(), y.cert()) || !x.field().equals(y.field())
          || !x.owner().origin().equals(y.owner().origin()) || !x.owner().describe().equals(y.owner().describe())) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasTls(Checked c) {
    return c != null && c.valid() != null && !c.valid().tls().isEmpty();
  }

  /**
   * Adds ({@code add}) or withdraws an Ingress's Service-scope settings (backend-protocol, load
   * balancing) for the Services it names; where that changes a Service's setting, the hosts routing to
   * it are built again.
   */
  private void claimProtocol(Checked c, boolean add, Set<String> dirtyHosts) {
    if (c.protocol() == null && c.lb() == null) return;
    ValidIngress v = c.valid();
    Set<String> refs = new HashSet<>();
    for (PathRule p : v.paths()) refs.add(Backends.serviceRef(v.resource().namespace(), p.backend()));
    if (v.defaultBackend() != null) refs.add(Backends.serviceRef(v.resource().namespace(), v.defaultBackend()));
    for (String ref : refs) {
      boolean changed = claim(protocolClaims, ref, v, c.protocol(), add);
      changed |= claim(lbClaims, ref, v, c.lb(), add);
      if (changed) dirtyHosts.addAll(hostsByService.getOrDefault(ref, Set.of()));
    }
  }

  /** Returns whether the winning value for {@code ref} changed. */
  private static <T> boolean claim(Map<String, TreeMap<ValidIngress, T>> claims, String ref, ValidIngress v, T value,
      boolean add) {
    if (value == null) return false;
    T before = winner(claims, ref);
    TreeMap<ValidIngress, T> m = claims.computeIfAbsent(ref, k -> new TreeMap<>(INGRESS_ORDER));
    if (add) m.put(v, value);
    else m.remove(v);
    if (m.isEmpty()) claims.remove(ref);
    return !Objects.equals(before, winner(claims, ref));
  }

  /** The oldest Ingress's value for Service {@code ref} ("namespace/name"), or null. */
  private static <T> T winner(Map<String, TreeMap<ValidIngress, T>> claims, String ref) {
    TreeMap<ValidIngress, T> m = claims.get(ref);
    return m == null ? null : m.firstEntry().getValue();
  }

  private UpstreamProtocol protocolOf(String ref) {
    return winner(protocolClaims, ref);
  }

  private Checked check(Resource r) {
    String group = r.key().group();
    if (!group.equals("networking.k8s.io") && !group.equals("extensions")) return new Checked(null, null, null, null, null, List.of()); // someone else's kind
    List<Problem> problems = new ArrayList<>();
    if (!accepted(r, options, problems)) return new Checked(null, null, null, null, null, List.copyOf(problems));
    if (!r.apiVersion().equals("networking.k8s.io/v1")) {
      problems.add(Problem.error(r, "apiVersion", "\"" + r.apiVersion() + "\" (expected: networking.k8s.io/v1)"));
      return new Checked(null, null, null, null, null, List.copyOf(problems));
    }
    ValidIngress v = IngressValidator.validate(r, problems);
    IngressAnnotations.Parsed ann = v == null ? null : IngressAnnotations.parse(r, problems);
    UpstreamProtocol protocol = v == null ? null : UpstreamAnnotations.protocol(r, problems, current);
    LoadBalancer lb = v == null ? null : UpstreamAnnotations.loadBalancer(r, problems);
    UpstreamAnnotations.MirrorTarget mirror = v == null ? null : UpstreamAnnotations.mirror(r, problems);
    List<UpstreamAnnotations.DestinationTarget> destination = v == null ? null : UpstreamAnnotations.destination(r, problems);
    return new Checked(v, ann, protocol, lb, mirror, destination, List.copyOf(problems));
  }

  /** The hosts an Ingress puts candidates in: those of its paths, and with a default backend {@code *} and its hosts. */
  private static Set<String> hostsOf(ValidIngress v) {
    Set<String> out = new LinkedHashSet<>();
    for (PathRule p : v.paths()) out.add(p.host());
    if (v.defaultBackend() != null) {
      out.add(CATCH_ALL);
      out.addAll(v.hosts());
    }
    return out;
  }

  private void join(ValidIngress v, Set<String> dirtyHosts) {
    ResourceKey key = v.resource().key();
    for (String h : hostsOf(v)) {
      hostMembers.computeIfAbsent(h, k -> new HashSet<>()).add(key);
      dirtyHosts.add(h);
    }
    if (!v.tls().isEmpty()) tlsIngresses.add(v);
  }

  private void leave(ValidIngress v, Set<String> dirtyHosts) {
    ResourceKey key = v.resource().key();
    for (String h : hostsOf(v)) {
      Set<ResourceKey> members = hostMembers.get(h);
      if (members != null) {
        members.remove(key);
        if (members.isEmpty()) hostMembers.remove(h);
      }
      dirtyHosts.add(h);
    }
    tlsIngresses.remove(v);
  }

  /** Older first (missing creationTimestamp: newest), then namespace/name. */
  private static final Comparator<ValidIngress> INGRESS_ORDER = Comparator
      .comparing((ValidIngress i) -> i.created() == null ? Instant.MAX : i.created())
      .thenComparing(i -> i.resource().namespace())
      .thenComparing(i -> i.resource().name());

  /**
   * A route before its cluster is known.
   *
   * @param match the path match as routed (regex and case from the annotations applied)
   * @param field the Ingress field it comes from, for problems
   */
  private record Candidate(ValidIngress ingress, IngressAnnotations.Parsed ann, PathMatch match, String rawPath,
      BackendRef backend, String name, boolean defaultBackend, int rule, int path, String field) {
    boolean canary() {
      return ann.canary() != null;
    }

    /** What a canary pairs on besides the host: the path as written and the match annotations. */
    String pairKey() {
      return match + "\n" + ann.matchKey();
    }
  }

  /**
   * Higress's order: longer path (or expression) first; at equal length Exact first; then routes with
   * a method condition, then more header conditions, then more query conditions first (so a route that
   * only adds a header match to the same path is not shadowed by the plain one); then older Ingress,
   * namespace/name, rule and path index. Default backends last. Served Ingresses differ in namespace/name
   * (only group networking.k8s.io is valid), so comparing them by {@link #INGRESS_ORDER} is comparing
   * their positions in that order.
   */
  private static final Comparator<Candidate> ROUTE_ORDER = Comparator
      .comparing(Candidate::defaultBackend) // false first: default backends go last
      .thenComparingInt(c -> -c.match().length())
      .thenComparing(c -> c.match().type() != PathMatch.Type.EXACT)
      .thenComparing(c -> c.ann().conditions().methods().isEmpty())
      .thenComparingInt(c -> -c.ann().conditions().headers().size())
      .thenComparingInt(c -> -c.ann().conditions().query().size())
      .thenComparing(Candidate::ingress, INGRESS_ORDER)
      .thenComparingInt(Candidate::rule)
      .thenComparingInt(Candidate::path);

  /** The path match a rule gets once the Ingress's annotations are applied (regex paths, ignore-path-case). */
  private static PathMatch routedMatch(PathRule p, IngressAnnotations.Parsed ann, List<Problem> problems, Resource r) {
    PathMatch m = p.match();
    if (ann.needsRegex(p.rawPath())) {
      String expr = "full".equals(ann.regex()) ? p.rawPath() + "$" : p.rawPath() + ".*";
      try {
        m = PathMatch.regex(expr);
      } catch (IllegalArgumentException e) {
        problems.add(Problem.error(r, p.field() + ".path", e.getMessage() + " (the Ingress uses regex paths)"));
        return null;
      }
    }
    return ann.ignoreCase() ? m.ignoringCase() : m;
  }

  /** The policy of a route of Ingress annotations {@code ann} whose path match is {@code m}. */
  private static RoutePolicy policy(IngressAnnotations.Parsed ann, PathMatch m) {
    RoutePolicy p = ann.policy();
    RoutePolicy.Rewrite rw = null;
    if (ann.rewritePath() != null) {
      String to = ann.rewritePath();
      if (m.type() == PathMatch.Type.PREFIX && !to.endsWith("/")) to = to + "/";
      rw = new RoutePolicy.Rewrite(null, null, to, ann.upstreamVhost());
    } else if (ann.rewriteTarget() != null && m.type() == PathMatch.Type.REGEX) {
      rw = new RoutePolicy.Rewrite(com.google.re2j.Pattern.compile(m.value()), ann.rewriteTarget(), null, ann.upstreamVhost());
    } else if (ann.upstreamVhost() != null) {
      rw = new RoutePolicy.Rewrite(null, null, null, ann.upstreamVhost());
    }
    if (rw == null) return p;
    return p.withRewrite(rw);
  }

  /**
   * Puts {@code now}, the virtual host of {@code host} as {@link #build} made it, in place of the old one;
   * returns whether its problems changed.
   */
  private boolean rebuild(String host, Host now) {
    Host old = hosts.remove(host);
    if (now != null) { // before releasing the old ones, so that a cluster kept is never dropped and added again
      for (ClusterConfig c : now.clusters()) use(c);
    }
    if (old != null) {
      for (ClusterConfig c : old.clusters()) release(c);
      for (String ref : old.services()) {
        Set<String> hs = hostsByService.get(ref);
        if (hs != null) {
          hs.remove(host);
          if (hs.isEmpty()) hostsByService.remove(ref);
        }
      }
    }
    if (now != null) {
      hosts.put(host, now);
      for (String ref : now.services()) hostsByService.computeIfAbsent(ref, k -> new HashSet<>()).add(host);
    }
    List<Problem> before = old == null ? List.of() : old.problems();
    List<Problem> after = now == null ? List.of() : now.problems();
    return !before.equals(after);
  }

  private void use(ClusterConfig c) {
    clusterUsers.merge(c.name(), 1, Integer::sum);
    ClusterConfig old = clusters.put(c.name(), c);
    if (old != c && !c.equals(old)) clustersChanged = true;
    else if (old != c) clusters.put(c.name(), old); // equal: keep the instance the published map has
  }

  private void release(ClusterConfig c) {
    if (clusterUsers.merge(c.name(), -1, Integer::sum) == 0) {
      clusterUsers.remove(c.name());
      clusters.remove(c.name());
      clustersChanged = true;
    }
  }

  private Host build(String host) {
    Set<ResourceKey> members = hostMembers.get(host);
    if (members == null) return null;
    List<Candidate> list = new ArrayList<>();
    List<Candidate> canaries = new ArrayList<>();
    Set<Problem> problems = new LinkedHashSet<>();
    List<Problem> found = new ArrayList<>();
    boolean hasRoot = false;
    ValidIngress appRootOwner = null;
    String appRoot = null;
    for (ResourceKey key : members) {
      Checked checked = ingresses.get(key);
      ValidIngress ing = checked.valid();
      IngressAnnotations.Parsed ann = checked.ann();
      String base = ing.resource().namespace() + "/" + ing.resource().name();
      for (PathRule p : ing.paths()) {
        if (!p.host().equals(host)) continue;
        PathMatch m = routedMatch(p, ann, found, ing.resource());
        if (m == null) continue;
        Candidate c = new Candidate(ing, ann, m, p.rawPath(), p.backend(), base + "/rule" + p.rule() + "/path" + p.path(),
            false, p.rule(), p.path(), p.field());
        if (c.canary()) {
          canaries.add(c);
        } else {
          list.add(c);
          hasRoot |= m.equals(ROOT);
        }
      }
      if (ann.appRoot() != null && !(ann.canary() != null)
          && (appRootOwner == null || INGRESS_ORDER.compare(ing, appRootOwner) > 0)) { // the newest wins
        appRootOwner = ing;
        appRoot = ann.appRoot();
      }
    }
    problems.addAll(found);
    if (!hasRoot) {
      for (ResourceKey key : members) {
        Checked checked = ingresses.get(key);
        ValidIngress ing = checked.valid();
        if (ing.defaultBackend() == null || checked.ann().canary() != null
            || !(host.equals(CATCH_ALL) || ing.hosts().contains(host))) continue;
        list.add(new Candidate(ing, checked.ann(), ROOT, "/", ing.defaultBackend(),
            ing.resource().namespace() + "/" + ing.resource().name() + "/default-backend", true, -1, -1,
            "spec.defaultBackend"));
      }
    }
    if (list.isEmpty()) {
      for (Candidate c : canaries) unpaired(c, host, problems);
      // no routes: no virtual host (a wildcard or * keeps serving the name), but the problems are kept
      return problems.isEmpty() ? null : new Host(null, List.copyOf(problems), List.of(), Set.of());
    }
    list.sort(ROUTE_ORDER);
    canaries.sort(ROUTE_ORDER);
    Map<String, Candidate> first = new HashMap<>();
    List<Route> routes = new ArrayList<>(list.size() + canaries.size() + 1);
    List<ClusterConfig> used = new ArrayList<>(list.size());
    Set<String> services = new HashSet<>();
    if (appRoot != null) {
      routes.add(new Route(appRootOwner.resource().namespace() + "/" + appRootOwner.resource().name() + "/app-root",
          PathMatch.exact("/"), "", appRootOwner.resource().describe(), RouteConditions.NONE,
          RoutePolicy.NONE.withRedirect(new RoutePolicy.Redirect(302, null, null, -1, appRoot, false))));
    }
    // canaries by base route: header canaries go just before it, weight canaries into its clusters
    Map<Candidate, List<Candidate>> canariesOf = new HashMap<>();
    Map<String, Candidate> basesByKey = new HashMap<>();
    if (!canaries.isEmpty()) {
      for (Candidate c : list) basesByKey.putIfAbsent(c.pairKey(), c);
    }
    for (Candidate c : canaries) {
      Candidate base = basesByKey.get(c.pairKey());
      if (base == null) unpaired(c, host, problems);
      else canariesOf.computeIfAbsent(base, k -> new ArrayList<>()).add(c);
    }
    for (Candidate c : list) {
      String shadowKey = c.match() + "\n" + c.ann().conditions();
      Candidate winner = first.putIfAbsent(shadowKey, c);
      if (winner != null) {
        problems.add(Problem.warning(c.ingress().resource(), c.field(), "shadowed by " + winner.name() + " (both match "
            + c.match() + (c.ann().conditions().isEmpty() ? "" : " with " + c.ann().conditions()) + " on host " + host
            + "); this route never matches"));
      }
      Resource r = c.ingress().resource();
      ClusterConfig cluster = resolve(c, services, used, problems);
      RoutePolicy policy = policy(c.ann(), c.match());
      List<UpstreamAnnotations.DestinationTarget> destination = ingresses.get(r.key()).destination();
      if (destination != null) {
        // higress.io/destination replaces the backend: one target or a weighted split
        List<RoutePolicy.WeightedCluster> split = new ArrayList<>();
        for (UpstreamAnnotations.DestinationTarget t : destination) {
          ClusterConfig dc = destinationCluster(r, t, services, used, problems);
          if (destination.size() == 1) cluster = dc;
          else split.add(new RoutePolicy.WeightedCluster(dc.name(), t.weight()));
        }
        if (!split.isEmpty()) policy = policy.withWeightedClusters(split);
      }
      policy = TrafficAnnotations.withFallback(policy, c.ann().traffic(), backends, r, c.name(), services, used, problems);
      List<Candidate> mine = canariesOf.getOrDefault(c, List.of());
      List<RoutePolicy.WeightedCluster> weighted = new ArrayList<>();
      int canaryWeight = 0;
      int weightTotal = 0;
      for (Candidate k : mine) {
        ClusterConfig kc = resolve(k, services, used, problems);
        Resource kr = k.ingress().resource();
        if (k.ann().canary().byHeader()) {
          // inherits the base route's conditions and policy; only the destination is its own
          routes.add(new Route(k.name(), c.match(), kc.name(), kr.describe(),
              c.ann().conditions().and(k.ann().canary().condition()), policy));
        } else {
          weighted.add(new RoutePolicy.WeightedCluster(kc.name(), k.ann().canary().weight()));
          canaryWeight += k.ann().canary().weight();
          if (weightTotal == 0) weightTotal = k.ann().canary().weightTotal();
        }
      }
      if (!weighted.isEmpty()) {
        int baseWeight = Math.max(0, weightTotal - canaryWeight);
        if (canaryWeight > weightTotal) {
          problems.add(Problem.warning(mine.get(0).ingress().resource(), "metadata.annotations",
              "canary weights add up to " + canaryWeight + ", more than the weight total " + weightTotal
                  + "; the base route gets no traffic"));
        }
        weighted.add(0, new RoutePolicy.WeightedCluster(cluster.name(), baseWeight));
        policy = policy.withWeightedClusters(weighted);
      }
      UpstreamAnnotations.MirrorTarget mt = ingresses.get(r.key()).mirror();
      if (mt != null) {
        ClusterConfig mc = mirrorCluster(r, mt, services, used, problems);
        if (mc != null) policy = policy.withMirror(new RoutePolicy.Mirror(mc.name(), mt.percentage()));
      }
      routes.add(new Route(c.name(), c.match(), cluster.name(), r.describe(), c.ann().conditions(), policy));
    }
    return new Host(new VirtualHost(host, routes), List.copyOf(problems), used, services);
  }

  /** The cluster of one higress.io/destination target (its Service's settings included). */
  private ClusterConfig destinationCluster(Resource r, UpstreamAnnotations.DestinationTarget t, Set<String> services,
      List<ClusterConfig> used, Set<Problem> problems) {
    String ref = t.namespace() + "/" + t.service();
    services.add(ref);
    String field = "metadata.annotations[\"" + IngressAnnotations.HIGRESS + "destination\"]";
    int port = t.port() > 0 ? t.port() : backends.firstPort(t.namespace(), t.service());
    Backends.Resolved resolved = backends.resolve(t.namespace(),
        new IngressValidator.BackendRef(t.service(), Math.max(port, 1), null, field));
    for (Backends.Issue issue : resolved.issues()) problems.add(Problem.warning(r, field, issue.message()));
    ClusterConfig cluster = withServiceSettings(resolved.cluster(), ref);
    used.add(cluster);
    return cluster;
  }

  /** A Service's cluster with the Service-scope annotations that won for it (backend-protocol, load balancing). */
  private ClusterConfig withServiceSettings(ClusterConfig cluster, String ref) {
    UpstreamProtocol protocol = protocolOf(ref);
    if (protocol != null) cluster = cluster.withProtocol(protocol);
    LoadBalancer lb = winner(lbClaims, ref);
    return lb == null ? cluster : cluster.withLoadBalancer(lb);
  }

  /** The cluster mirror copies go to (a Service, or a host name with one endpoint); null when unknown (reported). */
  private ClusterConfig mirrorCluster(Resource r, UpstreamAnnotations.MirrorTarget mt, Set<String> services,
      List<ClusterConfig> used, Set<Problem> problems) {
    ClusterConfig c;
    if (mt.fqdn() != null) {
      c = new ClusterConfig("outbound|" + mt.port() + "||" + mt.fqdn(), "", mt.port(),
          List.of(new io.higressj.config.model.Endpoint(mt.fqdn(), mt.port())));
    } else {
      services.add(mt.namespace() + "/" + mt.service());
      int port = mt.port() > 0 ? mt.port() : backends.firstPort(mt.namespace(), mt.service());
      if (port == 0) {
        problems.add(Problem.warning(r, mt.field(), "Service " + mt.namespace() + "/" + mt.service()
            + " not found or without ports; requests are not mirrored"));
        return null;
      }
      Backends.Resolved resolved = backends.resolve(mt.namespace(),
          new IngressValidator.BackendRef(mt.service(), port, null, mt.field()));
      for (Backends.Issue issue : resolved.issues()) problems.add(Problem.warning(r, mt.field(), issue.message()));
      c = resolved.cluster();
    }
    used.add(c);
    return c;
  }

  private ClusterConfig resolve(Candidate c, Set<String> services, List<ClusterConfig> used, Set<Problem> problems) {
    Resource r = c.ingress().resource();
    Backends.Resolved resolved = backends.resolve(r.namespace(), c.backend());
    services.add(Backends.serviceRef(r.namespace(), c.backend()));
    problems.addAll(resolved.found());
    for (Backends.Issue issue : resolved.issues()) {
      problems.add(Problem.warning(r, c.backend().field() + issue.field(), issue.message()));
    }
    ClusterConfig cluster = withServiceSettings(resolved.cluster(), Backends.serviceRef(r.namespace(), c.backend()));
    used.add(cluster);
    return cluster;
  }

  private static void unpaired(Candidate c, String host, Set<Problem> problems) {
    problems.add(Problem.warning(c.ingress().resource(), c.field(), "canary without a non-canary route for host " + host
        + " and " + c.match() + (c.ann().matchKey().isEmpty() ? "" : " with the same match annotations")
        + "; ignored"));
  }

  /** Exact hosts alphabetically, then wildcards longest first, then {@code *}. */
  static final Comparator<String> HOST_ORDER = Comparator
      .comparingInt((String h) -> h.equals(CATCH_ALL) ? 2 : h.startsWith("*.") ? 1 : 0)
      .thenComparingInt(h -> h.startsWith("*.") ? -h.length() : 0)
      .thenComparing(Comparator.naturalOrder());

  /** Every problem a fresh translation reports (besides the set's own), deduplicated, in report order. */
  private List<Problem> ownProblems() {
    // the order a fresh translation meets them: Services, Ingresses, hosts, TLS; then a stable sort
    Set<Problem> own = new LinkedHashSet<>();
    for (List<Problem> ps : serviceProblems.values()) own.addAll(ps);
    for (List<Problem> ps : ingressProblems.values()) own.addAll(ps);
    for (Host h : hosts.values()) own.addAll(h.problems());
    own.addAll(tlsProblems);
    own.addAll(settingsProblems);
    List<Problem> sorted = new ArrayList<>(own);
    sorted.sort(PROBLEM_ORDER);
    return List.copyOf(sorted);
  }

  /** By object, then field with indexes compared as numbers (paths[2] before paths[10]); stable otherwise. */
  static final Comparator<Problem> PROBLEM_ORDER = Comparator
      .comparing(Problem::object, IngressTranslator::compareNatural)
      .thenComparing(Problem::field, IngressTranslator::compareNatural);

  static int compareNatural(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char x = a.charAt(i);
      char y = b.charAt(j);
      if (Character.isDigit(x) && Character.isDigit(y)) {
        int ei = i;
        int ej = j;
        while (ei < a.length() && Character.isDigit(a.charAt(ei))) ei++;
        while (ej < b.length() && Character.isDigit(b.charAt(ej))) ej++;
        // indexes are short; compare without leading zeros, by length first, so that nothing can overflow
        int si = i;
        int sj = j;
        while (si < ei - 1 && a.charAt(si) == '0') si++;
        while (sj < ej - 1 && b.charAt(sj) == '0') sj++;
        int c = Integer.compare(ei - si, ej - sj);
        for (int k = 0; c == 0 && k < ei - si; k++) c = Character.compare(a.charAt(si + k), b.charAt(sj + k));
        if (c != 0) return c;
        i = ei;
        j = ej;
      } else {
        if (x != y) return Character.compare(x, y);
        i++;
        j++;
      }
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  private static boolean accepted(Resource r, Options o, Collection<Problem> problems) {
    String annotation = r.annotation(CLASS_ANNOTATION);
    JsonNode n = r.spec().get("ingressClassName");
    String className = n != null && n.isTextual() && !n.asText().isEmpty() ? n.asText() : null;
    if (annotation != null && annotation.isEmpty()) annotation = null;
    String cls = annotation != null ? annotation : className;
    boolean accepted = o.watchAllClasses() || cls == null || cls.equals(o.ingressClass());
    if (accepted && annotation != null && className != null && !annotation.equals(className)) {
      problems.add(Problem.warning(r, "spec.ingressClassName", "\"" + className + "\" differs from the annotation "
          + CLASS_ANNOTATION + ": \"" + annotation + "\", which takes precedence"));
    }
    return accepted;
  }

  /**
   * Recomputes the certificates from the Ingresses with TLS entries; returns whether its problems changed.
   * What each Ingress's entries give (its Secrets loaded, fallbacks, the downstream TLS annotations) is
   * worked out once per version of the Ingress and kept until a Secret or the settings change
   * ({@code inputsChanged}); a pass then only decides, in Ingress order, which claim of each host wins.
   */
  private boolean rebuildTls(ResourceSet resources, boolean inputsChanged) {
    secrets.use(resources);
    if (inputsChanged) tlsClaims = new IdentityHashMap<>();
    IdentityHashMap<ValidIngress, List<TlsClaim>> next = new IdentityHashMap<>(tlsIngresses.size());
    Set<Problem> problems = new LinkedHashSet<>();
    HttpsSettings https = settings.https();
    tls = tls(tlsIngresses, ing -> {
      List<TlsClaim> c = tlsClaims.get(ing);
      if (c == null) c = tlsClaims(ing, secrets, https);
      next.put(ing, c);
      return c;
    }, problems);
    tlsClaims = next;
    List<Problem> now = List.copyOf(problems);
    boolean changed = !now.equals(tlsProblems);
    tlsProblems = now;
    return changed;
  }

  /**
   * One step of what an Ingress's TLS entries give, in the order of its entries and their hosts: a
   * problem of its own ({@code problem} set), the default certificate ({@code host} null), or the
   * certificate of a host. Whether a claim wins depends on the Ingresses before it, so it is decided
   * when the claims are put together ({@link #tls}).
   */
  private record TlsClaim(Problem problem, String host, CertificateConfig cert, Resource owner, String field) {}

  private static List<TlsClaim> tlsClaims(ValidIngress ing, TlsSecrets secrets, HttpsSettings https) {
    List<TlsClaim> out = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    Resource r = ing.resource();
    for (TlsEntry t : ing.tls()) {
      String field = "spec.tls[" + t.index() + "]";
      TlsSecrets.Loaded loaded = t.secretName() == null ? null : secrets.load(r.namespace(), t.secretName());
      CertificateConfig cert = loaded == null ? null : loaded.certificate();
      // as Higress: the hosts of an entry naming no Secret get theirs from higress-https's credentialConfig;
      // those of an entry naming a missing (here also an unusable) one only with fallbackForInvalidSecret
      boolean fallback = cert == null && !t.hosts().isEmpty() && (loaded == null || https.fallbackForInvalidSecret());
      if (cert == null && !fallback) {
        out.add(new TlsClaim(Problem.warning(r, field + ".secretName", loaded == null
            ? "missing (expected: the name of a kubernetes.io/tls Secret); entry ignored" : loaded.problem()), null, null, r, field));
        continue;
      }
      if (t.hosts().isEmpty()) {
        out.add(new TlsClaim(null, null, cert, r, field));
        continue;
      }
      for (int j = 0; j < t.hosts().size(); j++) {
        String host = t.hosts().get(j);
        CertificateConfig c = fallback ? secrets.fallback(https, host, loaded, r, field, problems) : cert;
        if (c != null) c = DownstreamTls.apply(r, c, secrets, problems);
        for (Problem p : problems) out.add(new TlsClaim(p, null, null, r, field));
        problems.clear();
        if (c != null) out.add(new TlsClaim(null, host, c, r, field + ".hosts[" + j + "]"));
      }
    }
    return List.copyOf(out);
  }

  /** Puts the Ingresses' claims together in Ingress order: the first claim of a host, and of the default, wins. */
  private static TlsConfig tls(Collection<ValidIngress> ingresses, Function<ValidIngress, List<TlsClaim>> claimsOf,
      Set<Problem> problems) {
    Map<String, CertificateConfig> byHost = HashMap.newHashMap(ingresses.size());
    Map<String, Resource> hostOwner = HashMap.newHashMap(ingresses.size());
    String firstHost = null;
    CertificateConfig defaultCert = null;
    Resource defaultOwner = null;
    for (ValidIngress ing : ingresses) {
      for (TlsClaim c : claimsOf.apply(ing)) {
        if (c.problem() != null) {
          problems.add(c.problem());
        } else if (c.host() == null) {
          if (defaultCert == null) {
            defaultCert = c.cert();
            defaultOwner = c.owner();
          } else if (!defaultCert.secret().equals(c.cert().secret())) {
            problems.add(Problem.warning(c.owner(), c.field(), "the default certificate is already Secret "
                + defaultCert.secret() + " from " + defaultOwner.describe() + "; entry ignored"));
          }
        } else {
          CertificateConfig existing = byHost.putIfAbsent(c.host(), c.cert());
          if (existing == null) {
            hostOwner.put(c.host(), c.owner());
            if (firstHost == null || c.host().compareTo(firstHost) < 0) firstHost = c.host();
          } else if (!existing.secret().equals(c.cert().secret())) {
            problems.add(Problem.warning(c.owner(), c.field(), "host " + c.host() + " already uses Secret "
                + existing.secret() + " from " + hostOwner.get(c.host()).describe() + "; this entry is ignored for it"));
          }
        }
      }
    }
    if (defaultCert == null && firstHost != null) defaultCert = byHost.get(firstHost);
    return new TlsConfig(byHost, defaultCert);
  }
}
