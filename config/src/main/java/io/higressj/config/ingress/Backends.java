package io.higressj.config.ingress;

import static io.higressj.config.ingress.IngressValidator.show;

import com.fasterxml.jackson.databind.JsonNode;
import io.higressj.config.ingress.IngressValidator.BackendRef;
import io.higressj.config.model.ClusterConfig;
import io.higressj.config.model.UpstreamProtocol;
import io.higressj.config.model.Endpoint;
import io.higressj.config.resource.Problem;
import io.higressj.config.resource.Resource;
import io.higressj.config.resource.ResourceKey;
import io.higressj.config.resource.ResourceSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns an Ingress backend ({@code service: {name, port}}) into a {@link ClusterConfig}: the Service,
 * its port, and the ready addresses from {@code v1 Endpoints} and {@code discovery.k8s.io}
 * EndpointSlices. A backend that cannot be resolved still yields a cluster, with no endpoints (the data
 * plane answers 503) and a warning; a missing Service is a normal moment while things are deployed.
 */
final class Backends {
  static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
  private static final Comparator<Endpoint> ENDPOINT_ORDER =
      Comparator.comparing(Endpoint::address).thenComparingInt(Endpoint::port);

  /** A Service port; {@code name} is "" when unnamed; targetPort is a number (> 0) or a name. */
  /** @param http2 the port speaks HTTP/2 in clear text (appProtocol or name says grpc, http2 or h2c), as Istio decides */
  record ServicePort(String name, int port, int targetNumber, String targetName, boolean http2) {}

  /** Istio's protocol selection: {@code appProtocol} first, else the port name's prefix before {@code -}. */
  static boolean http2Port(String appProtocol, String name) {
    String p = appProtocol != null && !appProtocol.isEmpty() ? appProtocol : name;
    if (p == null) return false;
    p = p.toLowerCase(java.util.Locale.ROOT);
    if (p.equals("kubernetes.io/h2c")) return true;
    int dash = p.indexOf('-');
    String prefix = dash < 0 ? p : p.substring(0, dash);
    return (prefix.equals("grpc") && !p.startsWith("grpc-web")) || prefix.equals("http2") || prefix.equals("h2c");
  }

  /** A checked Service. */
  record Service(Resource resource, List<ServicePort> ports, String externalName) {}

  /** What resolving a backend found wrong; {@code field} is relative to the backend's field. */
  record Issue(String field, String message) {}

  /**
   * @param issues what is wrong with the backend, reported on the Ingress field that names it
   * @param found problems of the Endpoints and EndpointSlice objects met while resolving it
   */
  record Resolved(ClusterConfig cluster, List<Issue> issues, List<Problem> found) {
    Resolved(ClusterConfig cluster, List<Issue> issues) {
      this(cluster, issues, List.of());
    }
  }

  private ResourceSet resources = ResourceSet.empty();
  private final Map<String, Service> services = new HashMap<>();
  private final Set<String> invalidServices = new HashSet<>();
  /** by "namespace/service": the slices labelled with that service, in key order */
  private final Map<String, TreeMap<ResourceKey, Resource>> slicesByService = new HashMap<>();
  /**
   * by "namespace/service", then by backend; concurrent, as hosts are built in parallel for a large
   * change ({@link ParallelWork}); one answer per backend even so (computeIfAbsent is atomic)
   */
  private final Map<String, Map<String, Resolved>> cache = new java.util.concurrent.ConcurrentHashMap<>();

  /** Empty: objects arrive through {@link #updateService} and {@link #updateSlice}. */
  Backends() {}

  /** All the Services and EndpointSlices of {@code resources}; their problems go to {@code problems}. */
  Backends(ResourceSet resources, Collection<Problem> problems) {
    use(resources);
    for (Resource r : resources.ofKind("Service")) {
      if (r.key().group().isEmpty()) problems.addAll(updateService(r.key(), r));
    }
    for (Resource r : resources.ofKind("EndpointSlice")) updateSlice(r.key(), null, r);
  }

  /** The set that Endpoints are looked up in from now on. */
  void use(ResourceSet resources) {
    this.resources = resources;
  }

  /** "namespace/name" of the Service a backend of an object in {@code namespace} names. */
  static String serviceRef(String namespace, BackendRef backend) {
    return namespace + "/" + backend.service();
  }

  /**
   * Checks a Service (group ""), or forgets it when {@code r} is null. Returns its problems (an invalid
   * Service is unusable). The caller invalidates the backends of that Service.
   */
  List<Problem> updateService(ResourceKey key, Resource r) {
    String ref = key.namespace() + "/" + key.name();
    services.remove(ref);
    invalidServices.remove(ref);
    if (r == null) return List.of();
    List<Problem> problems = new ArrayList<>();
    Service s = checkService(r, problems);
    if (s != null) services.put(ref, s);
    else invalidServices.add(ref);
    return problems;
  }

  /**
   * Replaces EndpointSlice {@code before} by {@code after} (either may be null; other groups are
   * ignored). Returns the Services whose backends this may change.
   */
  List<String> updateSlice(ResourceKey key, Resource before, Resource after) {
    if (!key.group().equals("discovery.k8s.io")) return List.of();
    List<String> refs = new ArrayList<>(2);
    String old = before == null ? null : before.label(SERVICE_NAME_LABEL);
    if (old != null) {
      String ref = before.namespace() + "/" + old;
      refs.add(ref);
      TreeMap<ResourceKey, Resource> slices = slicesByService.get(ref);
      if (slices != null) {
        slices.remove(key);
        if (slices.isEmpty()) slicesByService.remove(ref);
      }
    }
    String now = after == null ? null : after.label(SERVICE_NAME_LABEL);
    if (now != null) {
      String ref = after.namespace() + "/" + now;
      if (!refs.contains(ref)) refs.add(ref);
      slicesByService.computeIfAbsent(ref, k -> new TreeMap<>()).put(key, after);
    }
    return refs;
  }

  /** Forgets what was resolved for the backends of Service {@code ref} ("namespace/name"). */
  void invalidate(String ref) {
    cache.remove(ref);
  }

  private Service checkService(Resource r, List<Problem> problems) {
    int before = problems.size();
    JsonNode spec = r.spec();
    String externalName = null;
    if ("ExternalName".equals(spec.path("type").asText())) {
      JsonNode en = spec.get("externalName");
      if (en == null || !en.isTextual() || en.asText().isEmpty()) {
        problems.add(Problem.error(r, "spec.externalName", (en == null ? "missing" : show(en))
            + " (expected: a DNS name, required for type ExternalName)"));
      } else {
        externalName = en.asText().endsWith(".") ? en.asText().substring(0, en.asText().length() - 1) : en.asText();
      }
    }
    List<ServicePort> ports = new ArrayList<>();
    JsonNode ps = spec.get("ports");
    if (ps != null && !ps.isNull() && !ps.isArray()) {
      problems.add(Problem.error(r, "spec.ports", show(ps) + " (expected: a list)"));
    } else if (ps != null) {
      for (int i = 0; i < ps.size(); i++) {
        JsonNode p = ps.get(i);
        int port = portNumber(r, p.get("port"), i, ".port", problems);
        String name = p.path("name").isTextual() ? p.path("name").asText() : "";
        JsonNode t = p.get("targetPort");
        int targetNumber = 0;
        String targetName = null;
        if (t == null || t.isNull()) {
          targetNumber = port; // absent: same as port
        } else if (t.isTextual() && !t.asText().isEmpty() && !allDigits(t.asText())) {
          targetName = t.asText();
        } else {
          // "8080" written as a string is still a number for the API server (IntOrString)
          targetNumber = t.isTextual() ? portNumber(r, t.asText(), i, problems)
              : portNumber(r, t, i, ".targetPort", problems);
        }
        if (port > 0 && (targetNumber > 0 || targetName != null)) {
          String app = p.path("appProtocol").isTextual() ? p.path("appProtocol").asText() : null;
          ports.add(new ServicePort(name, port, targetNumber, targetName, http2Port(app, name)));
        }
      }
    }
    return problems.size() == before ? new Service(r, ports, externalName) : null;
  }

  /**
   * The number in {@code spec.ports[i]<suffix>}, or 0 with a problem. The field's name is spelled only for
   * a problem: this runs for every port of every Service, and a name built each time costs the start of a
   * large directory allocation and compiled code for text nobody reads.
   */
  private static int portNumber(Resource r, JsonNode n, int i, String suffix, List<Problem> problems) {
    if (isPort(n)) return n.asInt();
    String field = servicePortField(i, suffix);
    if (n == null || n.isNull()) {
      problems.add(Problem.error(r, field, "missing (expected: 1..65535)"));
    } else if (!n.isIntegralNumber()) {
      problems.add(Problem.error(r, field, show(n) + " (expected: an integer 1..65535)"));
    } else {
      problems.add(Problem.error(r, field, n + " (expected: 1..65535)"));
    }
    return 0;
  }

  /** A {@code targetPort} given as digits in a string (IntOrString): its number, or 0 with a problem. */
  private static int portNumber(Resource r, String digits, int i, List<Problem> problems) {
    int v;
    try {
      v = Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      v = 0;
    }
    if (v < 1 || v > 65535) {
      problems.add(Problem.error(r, servicePortField(i, ".targetPort"), "\"" + digits + "\" (expected: 1..65535)"));
      return 0;
    }
    return v;
  }

  /** An integer 1..65535. */
  private static boolean isPort(JsonNode n) {
    return n != null && n.isIntegralNumber() && n.canConvertToInt() && n.asInt() >= 1 && n.asInt() <= 65535;
  }

  private static String servicePortField(int i, String suffix) {
    return "spec.ports[" + i + "]" + suffix;
  }

  /** Whether {@code s} is all digits (a port given as a string is a number, not a port name). */
  private static boolean allDigits(String s) {
    for (int k = 0; k < s.length(); k++) {
      if (!Character.isDigit(s.charAt(k))) return false;
    }
    return true;
  }

  /**
   * The first port of Service {@code namespace/name} (the one ingress-nginx and Higress use for a default
   * backend), or 0 when the Service is unknown, invalid or has no port.
   */
  int firstPort(String namespace, String name) {
    Service svc = services.get(namespace + "/" + name);
    return svc == null || svc.ports().isEmpty() ? 0 : svc.ports().get(0).port();
  }

  /** The cluster for {@code backend} of an object in {@code namespace}; the same answer for the same backend. */
  Resolved resolve(String namespace, BackendRef backend) {
    String cacheKey = backend.service() + ":" + backend.portNumber() + ":" + backend.portName();
    return cache.computeIfAbsent(serviceRef(namespace, backend), k -> new java.util.concurrent.ConcurrentHashMap<>())
        .computeIfAbsent(cacheKey, k -> doResolve(namespace, backend));
  }

  private Resolved doResolve(String namespace, BackendRef b) {
    String ref = namespace + "/" + b.service();
    Service svc = services.get(ref);
    if (svc == null) {
      String message = invalidServices.contains(ref)
          ? "Service " + ref + " is invalid (see its problems)"
          : "Service " + ref + " not found";
      return unresolved(namespace, b, new Issue(".service.name", message));
    }
    ServicePort sp = null;
    for (ServicePort p : svc.ports()) {
      if (b.portName() == null ? p.port() == b.portNumber() : p.name().equals(b.portName())) {
        sp = p;
        break;
      }
    }
    if (svc.externalName() != null) {
      // no pods behind it: the port the Ingress names is the port on the external host
      int port = sp != null ? sp.port() : b.portNumber();
      if (port == 0) return unresolved(namespace, b, noSuchPort(ref, b));
      return new Resolved(cluster(namespace, b.service(), port, List.of(new Endpoint(svc.externalName(), port))), List.of());
    }
    if (sp == null) return unresolved(namespace, b, noSuchPort(ref, b));
    List<Problem> found = new ArrayList<>();
    TreeSet<Endpoint> endpoints = new TreeSet<>(ENDPOINT_ORDER);
    Resource eps = resources.get("", "Endpoints", namespace, b.service());
    if (eps != null) fromEndpoints(eps, sp, endpoints, found);
    TreeMap<ResourceKey, Resource> slices = slicesByService.get(ref);
    if (slices != null) {
      for (Resource slice : slices.values()) fromSlice(slice, sp, endpoints, found);
    }
    List<Issue> issues = endpoints.isEmpty()
        ? List.of(new Issue(".service.name", "Service " + ref + " has no ready endpoints for port " + sp.port()))
        : List.of();
    ClusterConfig c = cluster(namespace, b.service(), sp.port(), new ArrayList<>(endpoints));
    return new Resolved(sp.http2() ? c.withProtocol(UpstreamProtocol.H2C) : c, issues, List.copyOf(found));
  }

  private static Issue noSuchPort(String ref, BackendRef b) {
    return b.portName() == null
        ? new Issue(".service.port.number", "Service " + ref + " has no port " + b.portNumber())
        : new Issue(".service.port.name", "Service " + ref + " has no port named \"" + b.portName() + "\"");
  }

  private static Resolved unresolved(String namespace, BackendRef b, Issue issue) {
    ClusterConfig c = b.portName() == null
        ? cluster(namespace, b.service(), b.portNumber(), List.of())
        : new ClusterConfig(ClusterConfig.clusterName(namespace, b.service(), b.portName()),
            namespace + "/" + b.service(), 0, List.of());
    return new Resolved(c, List.of(issue));
  }

  private static ClusterConfig cluster(String namespace, String service, int port, List<Endpoint> endpoints) {
    return new ClusterConfig(ClusterConfig.clusterName(namespace, service, port), namespace + "/" + service, port, endpoints);
  }

  /** {@code subsets[].addresses[]} (not notReadyAddresses) with the port matching the Service port. */
  private static void fromEndpoints(Resource eps, ServicePort sp, TreeSet<Endpoint> out, List<Problem> problems) {
    JsonNode subsets = eps.body().path("subsets");
    for (int i = 0; i < subsets.size(); i++) {
      JsonNode subset = subsets.get(i);
      int port = endpointPort(eps, subset.path("ports"), i, sp, problems);
      if (port == 0) continue;
      JsonNode addresses = subset.path("addresses");
      for (int j = 0; j < addresses.size(); j++) {
        JsonNode ip = addresses.get(j).path("ip");
        if (ip.isTextual() && !ip.asText().isEmpty()) out.add(new Endpoint(ip.asText(), port));
        else problems.add(Problem.warning(eps, "subsets[" + i + "].addresses[" + j + "].ip", "missing (expected: an IP address); skipped"));
      }
    }
  }

  /** {@code endpoints[]} whose {@code conditions.ready} is not false, with the matching port. */
  private static void fromSlice(Resource slice, ServicePort sp, TreeSet<Endpoint> out, List<Problem> problems) {
    int port = endpointPort(slice, slice.body().path("ports"), -1, sp, problems);
    if (port == 0) return;
    JsonNode endpoints = slice.body().path("endpoints");
    for (int i = 0; i < endpoints.size(); i++) {
      JsonNode e = endpoints.get(i);
      if (e.path("conditions").path("ready").isBoolean() && !e.path("conditions").path("ready").asBoolean()) continue;
      JsonNode addresses = e.path("addresses");
      for (int j = 0; j < addresses.size(); j++) {
        JsonNode a = addresses.get(j);
        if (a.isTextual() && !a.asText().isEmpty()) out.add(new Endpoint(a.asText(), port));
      }
    }
  }

  /**
   * The endpoint port serving {@code sp}: the one with the same name (unnamed matches unnamed, or the
   * only port when the Service port is unnamed); failing that, a numeric targetPort; else 0.
   */
  private static int endpointPort(Resource r, JsonNode ports, int subset, ServicePort sp, List<Problem> problems) {
    JsonNode only = ports.size() == 1 ? ports.get(0) : null;
    JsonNode found = null;
    int at = 0;
    for (int k = 0; k < ports.size(); k++) {
      JsonNode p = ports.get(k);
      String name = p.path("name").isTextual() ? p.path("name").asText() : "";
      if (name.equals(sp.name())) {
        found = p;
        at = k;
        break;
      }
    }
    if (found == null && sp.name().isEmpty() && only != null) found = only;
    if (found == null) return sp.targetNumber();
    JsonNode n = found.get("port");
    if (!isPort(n)) {
      problems.add(Problem.warning(r, endpointPortField(subset, at), (n == null ? "missing" : show(n))
          + " (expected: 1..65535); skipped"));
      return 0;
    }
    return n.asInt();
  }

  /**
   * The field of port {@code k} of an Endpoints subset ({@code subset} >= 0) or of an EndpointSlice
   * ({@code subset} -1); spelled only for a problem, like {@link #servicePortField}.
   */
  private static String endpointPortField(int subset, int k) {
    return (subset < 0 ? "ports" : "subsets[" + subset + "].ports") + "[" + k + "].port";
  }
}
