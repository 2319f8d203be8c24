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
import io.higressj.config.model.RouteTable;
import io.higressj.config.model.Snapshot;
import io.higressj.config.model.TlsConfig;
import io.higressj.config.model.VirtualHost;
import io.higressj.config.resource.Problem;
import io.higressj.config.resource.Resource;
import io.higressj.config.resource.ResourceSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

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
 * clients without SNI still complete a handshake.
 */
public final class IngressTranslator {
  public static final String DEFAULT_INGRESS_CLASS = "higress";
  static final String CLASS_ANNOTATION = "kubernetes.io/ingress.class";
  static final String CATCH_ALL = "*";

  private IngressTranslator() {}

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

  public static Snapshot translate(ResourceSet resources) {
    return translate(resources, Options.defaults());
  }

  public static Snapshot translate(ResourceSet resources, Options options) {
    requireNonNull(resources, "resources");
    requireNonNull(options, "options");
    // a set: the same backend problem met from two virtual hosts is one problem
    Set<Problem> problems = new LinkedHashSet<>();
    Backends backends = new Backends(resources, problems);

    List<ValidIngress> ingresses = new ArrayList<>();
    for (Resource r : resources.ofKind("Ingress")) {
      String group = r.key().group();
      if (!group.equals("networking.k8s.io") && !group.equals("extensions")) continue; // someone else's kind
      if (!accepted(r, options, problems)) continue;
      if (!r.apiVersion().equals("networking.k8s.io/v1")) {
        problems.add(Problem.error(r, "apiVersion", "\"" + r.apiVersion() + "\" (expected: networking.k8s.io/v1)"));
        continue;
      }
      List<Problem> found = new ArrayList<>();
      ValidIngress v = IngressValidator.validate(r, found);
      problems.addAll(found);
      if (v != null) ingresses.add(v);
    }
    ingresses.sort(INGRESS_ORDER);

    Map<String, ClusterConfig> clusters = new HashMap<>();
    List<VirtualHost> virtualHosts = routes(ingresses, backends, clusters, problems);
    TlsConfig tls = tls(ingresses, new TlsSecrets(resources), problems);

    List<Problem> all = new ArrayList<>(resources.problems());
    List<Problem> own = new ArrayList<>(problems);
    own.sort(PROBLEM_ORDER);
    all.addAll(own);
    return new Snapshot(0, options.created(), new RouteTable(virtualHosts), clusters, tls, all);
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
        // indexes are short; compare by length first so that no number parsing can overflow
        String ni = a.substring(i, ei).replaceFirst("^0+(?=.)", "");
        String nj = b.substring(j, ej).replaceFirst("^0+(?=.)", "");
        int c = ni.length() != nj.length() ? Integer.compare(ni.length(), nj.length()) : ni.compareTo(nj);
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

  private static boolean accepted(Resource r, Options o, Set<Problem> problems) {
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

  /** Older first (missing creationTimestamp: newest), then namespace/name. */
  private static final Comparator<ValidIngress> INGRESS_ORDER = Comparator
      .comparing((ValidIngress i) -> i.created() == null ? Instant.MAX : i.created())
      .thenComparing(i -> i.resource().namespace())
      .thenComparing(i -> i.resource().name());

  /**
   * A route before its cluster is known.
   *
   * @param order position of its Ingress in {@link #INGRESS_ORDER}
   * @param field the Ingress field it comes from, for problems
   */
  private record Candidate(ValidIngress ingress, int order, PathMatch match, BackendRef backend, String name,
      boolean defaultBackend, int rule, int path, String field) {}

  private static final Comparator<Candidate> ROUTE_ORDER = Comparator
      .comparing(Candidate::defaultBackend) // false first: default backends go last
      .thenComparing(c -> c.match().type()) // EXACT before PREFIX
      .thenComparing(c -> -c.match().value().length())
      .thenComparingInt(Candidate::order)
      .thenComparingInt(Candidate::rule)
      .thenComparingInt(Candidate::path);

  private static List<VirtualHost> routes(List<ValidIngress> ingresses, Backends backends,
      Map<String, ClusterConfig> clusters, Set<Problem> problems) {
    Map<String, List<Candidate>> byHost = new HashMap<>();
    for (int order = 0; order < ingresses.size(); order++) {
      ValidIngress ing = ingresses.get(order);
      String base = ing.resource().namespace() + "/" + ing.resource().name();
      for (PathRule p : ing.paths()) {
        byHost.computeIfAbsent(p.host(), h -> new ArrayList<>()).add(new Candidate(ing, order, p.match(), p.backend(),
            base + "/rule" + p.rule() + "/path" + p.path(), false, p.rule(), p.path(), p.field()));
      }
    }
    PathMatch root = PathMatch.prefix("/");
    // the explicit "/" routes are all known now, so this does not depend on the order of Ingresses
    Set<String> hasRoot = new HashSet<>();
    byHost.forEach((host, list) -> {
      if (list.stream().anyMatch(c -> c.match().equals(root))) hasRoot.add(host);
    });
    for (int order = 0; order < ingresses.size(); order++) {
      ValidIngress ing = ingresses.get(order);
      if (ing.defaultBackend() == null) continue;
      List<String> hosts = new ArrayList<>();
      hosts.add(CATCH_ALL);
      hosts.addAll(ing.hosts());
      for (String host : hosts) {
        if (hasRoot.contains(host)) continue;
        byHost.computeIfAbsent(host, h -> new ArrayList<>()).add(new Candidate(ing, order, root, ing.defaultBackend(),
            ing.resource().namespace() + "/" + ing.resource().name() + "/default-backend", true, -1, -1,
            "spec.defaultBackend"));
      }
    }

    List<String> hosts = new ArrayList<>(byHost.keySet());
    hosts.sort(HOST_ORDER);
    List<VirtualHost> out = new ArrayList<>();
    for (String host : hosts) {
      List<Candidate> list = byHost.get(host);
      list.sort(ROUTE_ORDER);
      Map<PathMatch, Candidate> first = new HashMap<>();
      List<Route> routes = new ArrayList<>();
      for (Candidate c : list) {
        Candidate winner = first.putIfAbsent(c.match(), c);
        if (winner != null) {
          problems.add(Problem.warning(c.ingress().resource(), c.field(), "shadowed by " + winner.name() + " (both match "
              + c.match() + " on host " + host + "); this route never matches"));
        }
        ClusterConfig cluster = cluster(c, backends, problems);
        clusters.putIfAbsent(cluster.name(), cluster);
        routes.add(new Route(c.name(), c.match(), cluster.name(), c.ingress().resource().describe()));
      }
      out.add(new VirtualHost(host, routes));
    }
    return out;
  }

  private static ClusterConfig cluster(Candidate c, Backends backends, Set<Problem> problems) {
    Resource r = c.ingress().resource();
    Backends.Resolved resolved = backends.resolve(r.namespace(), c.backend());
    for (Backends.Issue issue : resolved.issues()) {
      problems.add(Problem.warning(r, c.backend().field() + issue.field(), issue.message()));
    }
    return resolved.cluster();
  }

  /** Exact hosts alphabetically, then wildcards longest first, then {@code *}. */
  static final Comparator<String> HOST_ORDER = Comparator
      .comparingInt((String h) -> h.equals(CATCH_ALL) ? 2 : h.startsWith("*.") ? 1 : 0)
      .thenComparing(h -> h.startsWith("*.") ? -h.length() : 0)
      .thenComparing(Comparator.naturalOrder());

  private static TlsConfig tls(List<ValidIngress> ingresses, TlsSecrets secrets, Set<Problem> problems) {
    TreeMap<String, CertificateConfig> byHost = new TreeMap<>();
    Map<String, String> hostOwner = new HashMap<>();
    CertificateConfig defaultCert = null;
    String defaultOwner = null;
    for (ValidIngress ing : ingresses) {
      Resource r = ing.resource();
      for (TlsEntry t : ing.tls()) {
        String field = "spec.tls[" + t.index() + "]";
        if (t.secretName() == null) {
          problems.add(Problem.warning(r, field + ".secretName",
              "missing (expected: the name of a kubernetes.io/tls Secret); entry ignored"));
          continue;
        }
        TlsSecrets.Loaded loaded = secrets.load(r.namespace(), t.secretName());
        if (loaded.certificate() == null) {
          problems.add(Problem.warning(r, field + ".secretName", loaded.problem()));
          continue;
        }
        CertificateConfig cert = loaded.certificate();
        if (t.hosts().isEmpty()) {
          if (defaultCert == null) {
            defaultCert = cert;
            defaultOwner = r.describe();
          } else if (!defaultCert.secret().equals(cert.secret())) {
            problems.add(Problem.warning(r, field, "the default certificate is already Secret " + defaultCert.secret()
                + " from " + defaultOwner + "; entry ignored"));
          }
          continue;
        }
        for (int j = 0; j < t.hosts().size(); j++) {
          String host = t.hosts().get(j);
          CertificateConfig existing = byHost.get(host);
          if (existing == null) {
            byHost.put(host, cert);
            hostOwner.put(host, r.describe());
          } else if (!existing.secret().equals(cert.secret())) {
            problems.add(Problem.warning(r, field + ".hosts[" + j + "]", "host " + host + " already uses Secret "
                + existing.secret() + " from " + hostOwner.get(host) + "; this entry is ignored for it"));
          }
        }
      }
    }
    if (defaultCert == null && !byHost.isEmpty()) defaultCert = byHost.firstEntry().getValue();
    return new TlsConfig(byHost, defaultCert);
  }
}
