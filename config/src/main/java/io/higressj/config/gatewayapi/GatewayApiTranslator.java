package io.higressj.config.gatewayapi;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.higressj.config.gatewayapi.RouteRules.Invalid;
import io.higressj.config.gatewayapi.RouteRules.Match;
import io.higressj.config.model.CertificateConfig;
import io.higressj.config.model.ClusterConfig;
import io.higressj.config.model.ListenerConfig;
import io.higressj.config.model.ListenerConfig.Protocol;
import io.higressj.config.model.Route;
import io.higressj.config.model.RoutePolicy;
import io.higressj.config.model.RouteTable;
import io.higressj.config.model.TlsConfig;
import io.higressj.config.model.VirtualHost;
import io.higressj.config.resource.Problem;
import io.higressj.config.resource.Resource;
import io.higressj.config.resource.ResourceKey;
import io.higressj.config.resource.ResourceSet;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Translates the Gateway API objects of a resource set: the GatewayClasses of our controller, their
 * Gateways (one {@link ListenerConfig} per Gateway and port), the routes attached to them, the clusters
 * of their backends, and the status of every object concerned. Invalid things are reported the
 * Gateway API way, in status conditions, and as WARNING problems; they never stop the rest.
 */
public final class GatewayApiTranslator {
  public static final String GROUP = "gateway.networking.k8s.io";
  public static final String DEFAULT_CONTROLLER = "higress.io/gateway-controller";
  /** Kinds whose changes can change the translation. */
  public static final Set<String> KINDS = Set.of("GatewayClass", "Gateway", "HTTPRoute", "GRPCRoute", "TLSRoute",
      "TCPRoute", "ReferenceGrant", "Service", "Endpoints", "EndpointSlice", "Secret", "Namespace");
  private static final List<String> ROUTE_KINDS = List.of("HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute");

  /**
   * @param controllerName the GatewayClass {@code spec.controllerName} served
   * @param address the address Gateways report in {@code status.addresses}
   */
  public record Options(String controllerName, String address) {
    public Options {
      requireNonNull(controllerName, "controllerName");
      requireNonNull(address, "address");
    }

    public static Options defaults() {
      return new Options(DEFAULT_CONTROLLER, "127.0.0.1");
    }
  }

  /**
   * @param listeners one per Gateway and declared port, for ports whose listeners are programmed
   * @param clusters the backends' clusters by name
   * @param problems what could not be applied (WARNINGs: the status says it too)
   * @param statuses the {@code status} of each GatewayClass, Gateway and route of ours, by object
   */
  public record Result(List<ListenerConfig> listeners, Map<String, ClusterConfig> clusters, List<Problem> problems,
      Map<ResourceKey, ObjectNode> statuses) {
    public static final Result EMPTY = new Result(List.of(), Map.of(), List.of(), Map.of());
  }

  private final Options options;

  public GatewayApiTranslator(Options options) {
    this.options = requireNonNull(options, "options");
  }

  /** Whether {@code set} holds any Gateway API object (else the result is empty). */
  public static boolean concerns(ResourceSet set) {
    for (String k : List.of("GatewayClass", "Gateway")) {
      for (Resource r : set.ofKind(k)) {
        if (r.key().group().equals(GROUP)) return true;
      }
    }
    return false;
  }

  public Result translate(ResourceSet set) {
    return new Run(set).run();
  }

  // ---------------------------------------------------------------------------------------------

  private static final class ListenerState {
    final int index;
    final String name;
    final int port;
    final String protocol;
    final String hostname;
    final JsonNode allowedRoutes;
    final List<String> kinds = new ArrayList<>();
    final Conditions conditions;
    final List<CertificateConfig> certificates = new ArrayList<>();
    int attached;

    ListenerState(int index, JsonNode l, long generation) {
      this.index = index;
      this.name = l.path("name").asText();
      this.port = l.path("port").asInt();
      this.protocol = l.path("protocol").asText();
      this.hostname = l.path("hostname").isTextual() && !l.path("hostname").asText().isEmpty()
          ? Hostnames.normalize(l.path("hostname").asText()) : null;
      this.allowedRoutes = l.path("allowedRoutes");
      this.conditions = new Conditions(generation);
      conditions.set("Accepted", true, "Accepted", "listener accepted");
      conditions.set("Programmed", true, "Programmed", "listener programmed");
      conditions.set("ResolvedRefs", true, "ResolvedRefs", "all references resolved");
      conditions.set("Conflicted", false, "NoConflicts", "no conflicts");
    }

    boolean accepted() {
      return conditions.isTrue("Accepted");
    }

    boolean programmed() {
      return conditions.isTrue("Programmed");
    }

    Protocol modelProtocol() {
      return Protocol.valueOf(protocol);
    }
  }

  private static final class GatewayState {
    final Resource resource;
    final long generation;
    final List<ListenerState> listeners = new ArrayList<>();
    final Conditions conditions;
    boolean invalidParameters;

    GatewayState(Resource r) {
      this.resource = r;
      this.generation = generation(r);
      this.conditions = new Conditions(generation);
    }
  }

  /** A rule match compiled for every listener; the redirect depends on the listener. */
  private record Template(Resource route, int rule, int match, String name, Match m, RoutePolicy policy,
      JsonNode redirect, String cluster, boolean hasRedirect) {}

  /** A route on a listener's virtual host, with what orders it. */
  private record Placed(Route route, Template t) {}

  private final class Run {
    final ResourceSet set;
    final BackendServices services;
    final Map<String, ClusterConfig> clusters = new TreeMap<>();
    final List<Problem> problems = new ArrayList<>();
    final Map<ResourceKey, ObjectNode> statuses = new LinkedHashMap<>();
    final Map<String, GatewayState> gateways = new TreeMap<>();
    /** by listener key, then host name: the routes placed there */
    final Map<String, Map<String, List<Placed>>> vhosts = new TreeMap<>();
    final Map<String, List<ListenerConfig.SniRoute>> passthrough = new TreeMap<>();
    final Map<String, List<RoutePolicy.WeightedCluster>> tcp = new TreeMap<>();

    Run(ResourceSet set) {
      this.set = set;
      this.services = new BackendServices(set);
    }

    Result run() {
      Set<String> classes = new java.util.HashSet<>();
      for (Resource gc : set.ofKind("GatewayClass")) {
        if (!gc.key().group().equals(GROUP)) continue;
        if (!options.controllerName().equals(gc.spec().path("controllerName").asText())) continue;
        classes.add(gc.name());
        ObjectNode st = Conditions.JSON.objectNode();
        st.set("conditions", new Conditions(generation(gc)).set("Accepted", true, "Accepted", "handled by " + options.controllerName())
            .set("SupportedVersion", true, "SupportedVersion", "v1").toJson());
        statuses.put(gc.key(), st);
      }
      if (classes.isEmpty()) return new Result(List.of(), Map.of(), List.of(), statuses);
      for (Resource g : set.ofKind("Gateway")) {
        if (!g.key().group().equals(GROUP) || !classes.contains(g.spec().path("gatewayClassName").asText())) continue;
        gateways.put(g.namespace() + "/" + g.name(), gateway(g));
      }
      for (String kind : ROUTE_KINDS) {
        List<Resource> routes = new ArrayList<>();
        for (Resource r : set.ofKind(kind)) if (r.key().group().equals(GROUP)) routes.add(r);
        for (Resource r : routes) route(r);
      }
      List<ListenerConfig> out = new ArrayList<>();
      for (GatewayState g : gateways.values()) {
        out.addAll(listeners(g));
        statuses.put(g.resource.key(), gatewayStatus(g));
      }
      return new Result(out, clusters, problems, statuses);
    }

    // --- Gateways ------------------------------------------------------------------------------

    GatewayState gateway(Resource r) {
      GatewayState g = new GatewayState(r);
      JsonNode params = r.spec().path("infrastructure").path("parametersRef");
      if (!params.isMissingNode() && !params.isNull()) g.invalidParameters = true;
      JsonNode ls = r.spec().path("listeners");
      for (int i = 0; i < ls.size(); i++) {
        ListenerState l = new ListenerState(i, ls.get(i), g.generation);
        g.listeners.add(l);
        listener(r, l, ls.get(i));
      }
      // conflicts: one port, one protocol; one hostname per protocol and port
      for (ListenerState a : g.listeners) {
        if (!a.accepted()) continue;
        for (ListenerState b : g.listeners) {
          if (a == b || !b.accepted() || a.port != b.port) continue;
          if (!compatible(a.protocol, b.protocol)) {
            a.conditions.set("Conflicted", true, "ProtocolConflict", "port " + a.port + " is used with protocol " + b.protocol);
          } else if (java.util.Objects.equals(a.hostname, b.hostname) && a.protocol.equals(b.protocol)) {
            a.conditions.set("Conflicted", true, "HostnameConflict", "listener " + b.name + " has the same port and hostname");
          }
        }
      }
      for (ListenerState l : g.listeners) {
        if (l.conditions.isTrue("Conflicted")) {
          l.conditions.set("Programmed", false, "Invalid", "conflicting listener");
        }
        if (g.invalidParameters) l.conditions.set("Programmed", false, "Invalid", "the Gateway is not accepted");
      }
      return g;
    }

    boolean compatible(String a, String b) {
      return a.equals(b);
    }

    void listener(Resource gw, ListenerState l, JsonNode spec) {
      List<String> defaults = switch (l.protocol) {
        case "HTTP", "HTTPS" -> List.of("HTTPRoute", "GRPCRoute");
        case "TLS" -> List.of("TLSRoute");
        case "TCP" -> List.of("TCPRoute");
        default -> null;
      };
      if (defaults == null) {
        l.conditions.set("Accepted", false, "UnsupportedProtocol", "protocol " + l.protocol + " is not supported");
        l.conditions.set("Programmed", false, "Invalid", "protocol " + l.protocol + " is not supported");
        problems.add(Problem.warning(gw, "spec.listeners[" + l.index + "].protocol", l.protocol + " (expected: HTTP, HTTPS, TLS or TCP)"));
        return;
      }
      JsonNode kinds = l.allowedRoutes.path("kinds");
      if (kinds.isArray() && !kinds.isEmpty()) {
        boolean invalid = false;
        for (JsonNode k : kinds) {
          String group = k.path("group").asText(GROUP);
          String kind = k.path("kind").asText();
          if (group.equals(GROUP) && defaults.contains(kind)) {
            if (!l.kinds.contains(kind)) l.kinds.add(kind);
          } else {
            invalid = true;
          }
        }
        if (invalid) {
          l.conditions.set("ResolvedRefs", false, "InvalidRouteKinds", "allowedRoutes.kinds names a kind this listener cannot serve");
          if (l.kinds.isEmpty()) l.conditions.set("Programmed", false, "Invalid", "no route kind can attach");
        }
      } else {
        l.kinds.addAll(defaults);
      }
      if (l.port < 1 || l.port > 65535) {
        l.conditions.set("Accepted", false, "PortUnavailable", "port " + l.port + " (expected: 1..65535)");
        l.conditions.set("Programmed", false, "Invalid", "invalid port");
        return;
      }
      if (l.protocol.equals("TLS") && spec.path("tls").path("mode").asText("Passthrough").equals("Terminate")) {
        l.conditions.set("Accepted", false, "UnsupportedValue", "TLS listeners pass TLS through (mode Passthrough); use HTTPS to terminate");
        l.conditions.set("Programmed", false, "Invalid", "unsupported TLS mode");
        return;
      }
      if (l.protocol.equals("HTTPS")) {
        JsonNode tls = spec.path("tls");
        String mode = tls.path("mode").asText("Terminate");
        if (!mode.equals("Terminate")) {
          l.conditions.set("Accepted", false, "UnsupportedValue", "HTTPS listeners terminate TLS (mode Terminate)");
          l.conditions.set("Programmed", false, "Invalid", "unsupported TLS mode");
          return;
        }
        JsonNode refs = tls.path("certificateRefs");
        if (!refs.isArray() || refs.isEmpty()) {
          l.conditions.set("ResolvedRefs", false, "InvalidCertificateRef", "an HTTPS listener needs tls.certificateRefs");
          l.conditions.set("Programmed", false, "Invalid", "no certificate");
          return;
        }
        for (JsonNode ref : refs) {
          String group = ref.path("group").asText("");
          String kind = ref.path("kind").asText("Secret");
          String ns = ref.path("namespace").asText(gw.namespace());
          String name = ref.path("name").asText();
          String failure = null;
          String reason = "InvalidCertificateRef";
          if (!group.isEmpty() || !kind.equals("Secret")) {
            failure = "certificateRefs: " + (group.isEmpty() ? "" : group + "/") + kind + " (expected: a core Secret)";
          } else if (!ns.equals(gw.namespace()) && !granted(GROUP, "Gateway", gw.namespace(), "", "Secret", ns, name)) {
            failure = "Secret " + ns + "/" + name + " is in another namespace and no ReferenceGrant allows it";
            reason = "RefNotPermitted";
          } else {
            Resource secret = set.get("", "Secret", ns, name);
            if (secret == null) failure = "Secret " + ns + "/" + name + " not found";
            else {
              CertificateConfig c = certificate(secret);
              if (c == null) failure = "Secret " + ns + "/" + name + " holds no valid tls.crt and tls.key";
              else l.certificates.add(c);
            }
          }
          if (failure != null) {
            l.conditions.set("ResolvedRefs", false, reason, failure);
            problems.add(Problem.warning(gw, "spec.listeners[" + l.index + "].tls.certificateRefs", failure));
          }
        }
        if (!l.conditions.isTrue("ResolvedRefs") || l.certificates.isEmpty()) {
          l.conditions.set("Programmed", false, "Invalid", "certificate references do not resolve");
        }
      }
    }

    CertificateConfig certificate(Resource secret) {
      String crt = secretValue(secret, "tls.crt");
      String key = secretValue(secret, "tls.key");
      if (crt == null || key == null || !key.contains("PRIVATE KEY-----")) return null;
      try {
        var certs = java.security.cert.CertificateFactory.getInstance("X.509")
            .generateCertificates(new ByteArrayInputStream(crt.getBytes(StandardCharsets.US_ASCII)));
        if (certs.isEmpty()) return null;
      } catch (Exception e) {
        return null;
      }
      return new CertificateConfig(secret.namespace() + "/" + secret.name(), crt, key);
    }

    String secretValue(Resource secret, String key) {
      JsonNode d = secret.body().path("data").get(key);
      if (d != null && d.isTextual()) {
        try {
          return new String(Base64.getMimeDecoder().decode(d.asText()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          return null;
        }
      }
      JsonNode s = secret.body().path("stringData").get(key);
      return s != null && s.isTextual() ? s.asText() : null;
    }

    ObjectNode gatewayStatus(GatewayState g) {
      ObjectNode st = Conditions.JSON.objectNode();
      ArrayNode addresses = st.putArray("addresses");
      addresses.addObject().put("type", "IPAddress").put("value", options.address());
      long valid = g.listeners.stream().filter(ListenerState::accepted).count();
      if (g.invalidParameters) {
        g.conditions.set("Accepted", false, "InvalidParameters", "spec.infrastructure.parametersRef names nothing this gateway knows");
        g.conditions.set("Programmed", false, "Invalid", "the Gateway is not accepted");
      } else if (valid == g.listeners.size()) {
        g.conditions.set("Accepted", true, "Accepted", "accepted by " + options.controllerName());
      } else {
        g.conditions.set("Accepted", valid > 0, "ListenersNotValid", (g.listeners.size() - valid) + " listener(s) not valid");
      }
      if (!g.invalidParameters) {
        boolean any = g.listeners.stream().anyMatch(ListenerState::programmed);
        g.conditions.set("Programmed", any || g.listeners.isEmpty(), any || g.listeners.isEmpty() ? "Programmed" : "Invalid",
            any ? "listening" : "no listener is programmed");
      }
      st.set("conditions", g.conditions.toJson());
      ArrayNode ls = st.putArray("listeners");
      for (ListenerState l : g.listeners) {
        ObjectNode o = ls.addObject();
        o.put("name", l.name);
        ArrayNode kinds = o.putArray("supportedKinds");
        for (String k : l.kinds) kinds.addObject().put("group", GROUP).put("kind", k);
        o.put("attachedRoutes", l.attached);
        o.set("conditions", l.conditions.toJson());
      }
      return st;
    }

    // --- References ----------------------------------------------------------------------------

    boolean granted(String fromGroup, String fromKind, String fromNs, String toGroup, String toKind, String toNs, String toName) {
      for (Resource rg : set.ofKind("ReferenceGrant")) {
        if (!rg.key().group().equals(GROUP) || !rg.namespace().equals(toNs)) continue;
        boolean from = false;
        for (JsonNode f : rg.spec().path("from")) {
          if (f.path("group").asText("").equals(fromGroup) && f.path("kind").asText().equals(fromKind)
              && f.path("namespace").asText().equals(fromNs)) from = true;
        }
        if (!from) continue;
        for (JsonNode t : rg.spec().path("to")) {
          if (t.path("group").asText("").equals(toGroup) && t.path("kind").asText().equals(toKind)
              && (!t.path("name").isTextual() || t.path("name").asText().isEmpty() || t.path("name").asText().equals(toName))) {
            return true;
          }
        }
      }
      return false;
    }

    boolean namespaceAllowed(ListenerState l, String gatewayNs, String routeNs) {
      JsonNode ns = l.allowedRoutes.path("namespaces");
      String from = ns.path("from").asText("Same");
      return switch (from) {
        case "All" -> true;
        case "Selector" -> selects(ns.path("selector"), namespaceLabels(routeNs));
        default -> gatewayNs.equals(routeNs);
      };
    }

    Map<String, String> namespaceLabels(String ns) {
      Map<String, String> labels = new HashMap<>();
      labels.put("kubernetes.io/metadata.name", ns);
      Resource n = set.get("", "Namespace", "", ns);
      if (n != null) {
        n.metadata().path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
      }
      return labels;
    }

    boolean selects(JsonNode selector, Map<String, String> labels) {
      var it = selector.path("matchLabels").fields();
      while (it.hasNext()) {
        var e = it.next();
        if (!e.getValue().asText().equals(labels.get(e.getKey()))) return false;
      }
      for (JsonNode x : selector.path("matchExpressions")) {
        String key = x.path("key").asText();
        List<String> values = new ArrayList<>();
        for (JsonNode v : x.path("values")) values.add(v.asText());
        String v = labels.get(key);
        boolean ok = switch (x.path("operator").asText()) {
          case "In" -> v != null && values.contains(v);
          case "NotIn" -> v == null || !values.contains(v);
          case "Exists" -> v != null;
          case "DoesNotExist" -> v == null;
          default -> false;
        };
        if (!ok) return false;
      }
      return true;
    }

    // --- Routes --------------------------------------------------------------------------------

    /** Outcome of resolving a route's backend references: the first failure, if any. */
    final class Refs {
      String reason;
      String message;

      void fail(String r, String m) {
        if (reason == null) {
          reason = r;
          message = m;
        }
      }
    }

    /** The cluster a backendRef names, or {@link ClusterConfig#INVALID_BACKEND}, noting why in {@code refs}. */
    String backend(Resource route, JsonNode ref, boolean grpc, Refs refs) {
      String group = ref.path("group").asText("");
      String kind = ref.path("kind").asText("Service");
      String name = ref.path("name").asText();
      String ns = ref.path("namespace").asText(route.namespace());
      if (!group.isEmpty() || !kind.equals("Service")) {
        refs.fail("InvalidKind", "backendRef " + (group.isEmpty() ? "" : group + "/") + kind + " " + name + " is not a Service");
        return ClusterConfig.INVALID_BACKEND;
      }
      if (!ns.equals(route.namespace()) && !granted(GROUP, route.kind(), route.namespace(), "", "Service", ns, name)) {
        refs.fail("RefNotPermitted", "backendRef Service " + ns + "/" + name + " is in another namespace and no ReferenceGrant allows it");
        return ClusterConfig.INVALID_BACKEND;
      }
      if (!ref.path("port").isInt()) {
        refs.fail("UnsupportedValue", "backendRef Service " + ns + "/" + name + " needs a port");
        return ClusterConfig.INVALID_BACKEND;
      }
      ClusterConfig c = services.cluster(ns, name, ref.path("port").asInt(), grpc);
      if (c == null) {
        refs.fail("BackendNotFound", "Service " + ns + "/" + name + (services.service(ns, name) == null ? " not found"
            : " has no port " + ref.path("port").asInt()));
        return ClusterConfig.INVALID_BACKEND;
      }
      ClusterConfig old = clusters.putIfAbsent(c.name(), c);
      if (old != null && grpc && !old.protocol().http2()) clusters.put(c.name(), c);
      return c.name();
    }

    void route(Resource r) {
      String kind = r.kind();
      long generation = generation(r);
      List<String> hostnames = new ArrayList<>();
      for (JsonNode h : r.spec().path("hostnames")) hostnames.add(Hostnames.normalize(h.asText()));
      Refs refs = new Refs();
      List<Template> templates = new ArrayList<>();
      List<RoutePolicy.WeightedCluster> l4 = new ArrayList<>();
      String invalid = null;
      try {
        if (kind.equals("HTTPRoute") || kind.equals("GRPCRoute")) templates = templates(r, refs);
        else l4 = l4Backends(r, refs);
      } catch (Invalid e) {
        invalid = e.getMessage();
        problems.add(Problem.warning(r, "spec.rules", invalid));
      }

      ArrayNode parents = Conditions.JSON.arrayNode();
      JsonNode parentRefs = r.spec().path("parentRefs");
      for (JsonNode p : parentRefs) {
        String pGroup = p.path("group").asText(GROUP);
        String pKind = p.path("kind").asText("Gateway");
        if (!pGroup.equals(GROUP) || !pKind.equals("Gateway")) continue;
        String pNs = p.path("namespace").asText(r.namespace());
        String pName = p.path("name").asText();
        GatewayState g = gateways.get(pNs + "/" + pName);
        Resource gwObject = set.get(GROUP, "Gateway", pNs, pName);
        if (g == null && gwObject != null) continue; // another controller's Gateway
        Conditions c = new Conditions(generation);
        ObjectNode entry = Conditions.JSON.objectNode();
        ObjectNode ref = entry.putObject("parentRef");
        ref.put("group", pGroup).put("kind", pKind).put("namespace", pNs).put("name", pName);
        if (p.path("sectionName").isTextual()) ref.put("sectionName", p.path("sectionName").asText());
        if (p.path("port").isInt()) ref.put("port", p.path("port").asInt());
        entry.put("controllerName", options.controllerName());
        attach(r, g, p, hostnames, c, invalid == null ? templates : List.of(), l4, invalid);
        if (refs.reason != null) c.set("ResolvedRefs", false, refs.reason, refs.message);
        else c.set("ResolvedRefs", true, "ResolvedRefs", "all references resolved");
        entry.set("conditions", c.toJson());
        parents.add(entry);
      }
      if (parents.isEmpty()) return; // no parent of ours: another controller's route
      if (refs.reason != null) problems.add(Problem.warning(r, "spec.rules", refs.message));
      ObjectNode st = Conditions.JSON.objectNode();
      st.set("parents", parents);
      statuses.put(r.key(), st);
    }

    void attach(Resource r, GatewayState g, JsonNode p, List<String> hostnames, Conditions c, List<Template> templates,
        List<RoutePolicy.WeightedCluster> l4, String invalid) {
      if (g == null) {
        c.set("Accepted", false, "NoMatchingParent", "Gateway not found");
        return;
      }
      String section = p.path("sectionName").isTextual() ? p.path("sectionName").asText() : null;
      int port = p.path("port").isInt() ? p.path("port").asInt() : -1;
      List<ListenerState> candidates = new ArrayList<>();
      for (ListenerState l : g.listeners) {
        if ((section == null || section.equals(l.name)) && (port < 0 || port == l.port)) candidates.add(l);
      }
      if (candidates.isEmpty()) {
        c.set("Accepted", false, "NoMatchingParent", "no listener of Gateway " + g.resource.namespace() + "/" + g.resource.name()
            + " matches" + (section != null ? " sectionName " + section : "") + (port >= 0 ? " port " + port : ""));
        return;
      }
      List<ListenerState> allowed = new ArrayList<>();
      for (ListenerState l : candidates) {
        if (l.accepted() && l.kinds.contains(r.kind()) && namespaceAllowed(l, g.resource.namespace(), r.namespace())) allowed.add(l);
      }
      if (allowed.isEmpty()) {
        c.set("Accepted", false, "NotAllowedByListeners", "no listener allows this route (namespace or kind)");
        return;
      }
      boolean l4Route = r.kind().equals("TCPRoute");
      Map<ListenerState, List<String>> hosts = new LinkedHashMap<>();
      for (ListenerState l : allowed) {
        List<String> h = l4Route ? List.of("*") : Hostnames.intersect(l.hostname, hostnames);
        if (!h.isEmpty()) hosts.put(l, h);
      }
      if (hosts.isEmpty()) {
        c.set("Accepted", false, "NoMatchingListenerHostname", "no listener hostname matches the route's hostnames");
        return;
      }
      if (invalid != null) {
        c.set("Accepted", false, "UnsupportedValue", invalid);
        return;
      }
      c.set("Accepted", true, "Accepted", "accepted");
      for (Map.Entry<ListenerState, List<String>> e : hosts.entrySet()) {
        ListenerState l = e.getKey();
        l.attached++;
        if (!l.programmed()) continue;
        String key = ListenerConfig.key(g.resource.namespace(), g.resource.name(), l.port);
        switch (l.protocol) {
          case "HTTP", "HTTPS" -> {
            Map<String, List<Placed>> byHost = vhosts.computeIfAbsent(key, k -> new TreeMap<>());
            for (String host : e.getValue()) {
              if (shadowed(g, l, host)) continue;
              List<Placed> list = byHost.computeIfAbsent(host, k -> new ArrayList<>());
              for (Template t : templates) list.add(new Placed(instantiate(t, l), t));
            }
          }
          case "TLS" -> {
            for (String host : e.getValue()) {
              passthrough.computeIfAbsent(key, k -> new ArrayList<>())
                  .add(new ListenerConfig.SniRoute(host, l4, source(r)));
            }
          }
          case "TCP" -> tcp.putIfAbsent(key, l4);
          default -> { }
        }
      }
    }

    /**
     * Listener isolation: requests for {@code host} go to a more specific listener of the same port, so a
     * route of {@code l} must not serve them.
     */
    boolean shadowed(GatewayState g, ListenerState l, String host) {
      for (ListenerState o : g.listeners) {
        if (o == l || o.port != l.port || o.hostname == null || !o.accepted()) continue;
        boolean moreSpecific = l.hostname == null || (!l.hostname.equals(o.hostname) && Hostnames.covers(l.hostname, o.hostname));
        if (moreSpecific && Hostnames.covers(o.hostname, host)) return true;
      }
      return false;
    }

    Route instantiate(Template t, ListenerState l) {
      RoutePolicy policy = t.policy();
      if (t.redirect() != null) {
        policy = policy.withRedirect(RouteRules.redirect(t.redirect(), t.m().path(), l.protocol.equals("HTTPS"), l.port));
      }
      return new Route(t.name(), t.m().path(), t.cluster(), source(t.route()), t.m().conditions(), policy);
    }

    List<RoutePolicy.WeightedCluster> l4Backends(Resource r, Refs refs) {
      List<RoutePolicy.WeightedCluster> out = new ArrayList<>();
      JsonNode rules = r.spec().path("rules");
      if (rules.isEmpty()) return out;
      for (JsonNode b : rules.get(0).path("backendRefs")) {
        int w = b.path("weight").asInt(1);
        String cluster = backend(r, b, false, refs);
        if (w > 0) out.add(new RoutePolicy.WeightedCluster(cluster, w));
      }
      return out;
    }

    List<Template> templates(Resource r, Refs refs) {
      boolean grpc = r.kind().equals("GRPCRoute");
      List<Template> out = new ArrayList<>();
      JsonNode rules = r.spec().path("rules");
      if (rules.isEmpty()) rules = Conditions.JSON.arrayNode().add(Conditions.JSON.objectNode());
      for (int i = 0; i < rules.size(); i++) {
        JsonNode rule = rules.get(i);
        String ruleName = rule.path("name").isTextual() ? rule.path("name").asText() : "rule" + i;
        List<Match> matches = grpc ? RouteRules.grpcMatches(rule.path("matches")) : RouteRules.httpMatches(rule.path("matches"));
        // backends first: a single backend's filters act as the rule's
        List<RoutePolicy.WeightedCluster> weighted = new ArrayList<>();
        int totalWeight = 0;
        JsonNode backendRefs = rule.path("backendRefs");
        for (JsonNode b : backendRefs) {
          int w = b.path("weight").asInt(1);
          String cluster = backend(r, b, grpc, refs);
          RoutePolicy.HeaderOps req = RoutePolicy.HeaderOps.NONE;
          RoutePolicy.HeaderOps res = RoutePolicy.HeaderOps.NONE;
          for (JsonNode f : b.path("filters")) {
            switch (f.path("type").asText()) {
              case "RequestHeaderModifier" -> req = RouteRules.merge(req, RouteRules.headerOps(f.path("requestHeaderModifier")));
              case "ResponseHeaderModifier" -> res = RouteRules.merge(res, RouteRules.headerOps(f.path("responseHeaderModifier")));
              default -> { }
            }
          }
          totalWeight += w;
          if (w > 0) weighted.add(new RoutePolicy.WeightedCluster(cluster, w, req, res));
        }
        for (int j = 0; j < matches.size(); j++) {
          Match m = matches.get(j);
          RoutePolicy policy = RoutePolicy.NONE;
          JsonNode redirect = null;
          List<JsonNode> filters = new ArrayList<>();
          rule.path("filters").forEach(filters::add);
          if (backendRefs.size() == 1) {
            // filters of the only backend apply like the rule's (other than header changes, kept per backend)
            for (JsonNode f : backendRefs.get(0).path("filters")) {
              String type = f.path("type").asText();
              if (!type.equals("RequestHeaderModifier") && !type.equals("ResponseHeaderModifier")) filters.add(f);
            }
          }
          RoutePolicy.HeaderOps reqOps = RoutePolicy.HeaderOps.NONE;
          RoutePolicy.HeaderOps resOps = RoutePolicy.HeaderOps.NONE;
          RoutePolicy.Rewrite rewrite = null;
          RoutePolicy.Cors cors = null;
          List<RoutePolicy.Mirror> mirrors = new ArrayList<>();
          for (JsonNode f : filters) {
            String type = f.path("type").asText();
            switch (type) {
              case "RequestHeaderModifier" -> reqOps = RouteRules.merge(reqOps, RouteRules.headerOps(f.path("requestHeaderModifier")));
              case "ResponseHeaderModifier" -> resOps = RouteRules.merge(resOps, RouteRules.headerOps(f.path("responseHeaderModifier")));
              case "RequestRedirect" -> {
                if (grpc) throw new Invalid("filter RequestRedirect is not supported on GRPCRoute");
                redirect = f.path("requestRedirect");
                RouteRules.redirect(redirect, m.path(), false, 80); // validate now
              }
              case "URLRewrite" -> {
                if (grpc) throw new Invalid("filter URLRewrite is not supported on GRPCRoute");
                rewrite = RouteRules.rewrite(f.path("urlRewrite"), m.path());
              }
              case "CORS" -> cors = RouteRules.cors(f.path("cors"));
              case "RequestMirror" -> {
                JsonNode rm = f.path("requestMirror");
                Refs mirrorRefs = new Refs();
                String cluster = backend(r, rm.path("backendRef"), grpc, mirrorRefs);
                if (mirrorRefs.reason != null) refs.fail(mirrorRefs.reason, mirrorRefs.message);
                double pct = 100;
                if (rm.path("percent").isInt()) pct = rm.path("percent").asInt();
                else if (rm.path("fraction").isObject()) {
                  double den = rm.path("fraction").path("denominator").asDouble(100);
                  pct = den <= 0 ? 0 : 100.0 * rm.path("fraction").path("numerator").asDouble() / den;
                }
                if (!cluster.equals(ClusterConfig.INVALID_BACKEND)) mirrors.add(new RoutePolicy.Mirror(cluster, pct));
              }
              case "ExtensionRef" -> throw new Invalid("filter ExtensionRef is not supported");
              default -> throw new Invalid("filter type " + type + " is not supported");
            }
          }
          RoutePolicy.Mirror mirror = null;
          for (int k = mirrors.size() - 1; k >= 0; k--) mirror = new RoutePolicy.Mirror(mirrors.get(k).cluster(), mirrors.get(k).percentage(), mirror);
          policy = new RoutePolicy(List.of(), null, rewrite, reqOps, resOps, null, cors, null, null, null, null, null, mirror);
          JsonNode timeouts = rule.path("timeouts");
          if (timeouts.path("request").isTextual()) {
            java.time.Duration d = RouteRules.duration(timeouts.path("request").asText(), "timeouts.request");
            if (!d.isZero()) policy = withTimeout(policy, d);
          }
          java.time.Duration perTry = null;
          if (timeouts.path("backendRequest").isTextual()) {
            perTry = RouteRules.duration(timeouts.path("backendRequest").asText(), "timeouts.backendRequest");
            if (perTry.isZero()) perTry = null;
          }
          JsonNode retry = rule.path("retry");
          if (retry.isObject() || perTry != null) {
            List<Integer> codes = new ArrayList<>();
            for (JsonNode code : retry.path("codes")) codes.add(code.asInt());
            int attempts = retry.path("attempts").asInt(0);
            policy = withRetry(policy, new RoutePolicy.Retry(attempts, perTry, false, codes, attempts > 0));
          }
          String cluster;
          if (weighted.isEmpty() || totalWeight == 0) {
            cluster = ClusterConfig.INVALID_BACKEND;
          } else if (weighted.size() == 1 && weighted.get(0).requestHeaders().isEmpty() && weighted.get(0).responseHeaders().isEmpty()) {
            cluster = weighted.get(0).cluster();
          } else {
            cluster = weighted.get(0).cluster();
            policy = policy.withWeightedClusters(weighted);
          }
          String name = r.namespace() + "/" + r.name() + "/" + ruleName + "/match" + j;
          out.add(new Template(r, i, j, name, m, policy, redirect, cluster, redirect != null));
        }
      }
      return out;
    }

    RoutePolicy withTimeout(RoutePolicy p, java.time.Duration d) {
      return new RoutePolicy(p.weightedClusters(), p.redirect(), p.rewrite(), p.requestHeaders(), p.responseHeaders(), d,
          p.cors(), p.rateLimit(), p.ipAccess(), p.retry(), p.fallback(), p.limits(), p.mirror());
    }

    RoutePolicy withRetry(RoutePolicy p, RoutePolicy.Retry r) {
      return new RoutePolicy(p.weightedClusters(), p.redirect(), p.rewrite(), p.requestHeaders(), p.responseHeaders(),
          p.timeout(), p.cors(), p.rateLimit(), p.ipAccess(), r, p.fallback(), p.limits(), p.mirror());
    }

    // --- Listeners -----------------------------------------------------------------------------

    List<ListenerConfig> listeners(GatewayState g) {
      Map<Integer, List<ListenerState>> byPort = new TreeMap<>();
      for (ListenerState l : g.listeners) {
        if (l.programmed()) byPort.computeIfAbsent(l.port, k -> new ArrayList<>()).add(l);
      }
      List<ListenerConfig> out = new ArrayList<>();
      String ns = g.resource.namespace();
      String name = g.resource.name();
      for (Map.Entry<Integer, List<ListenerState>> e : byPort.entrySet()) {
        int port = e.getKey();
        String key = ListenerConfig.key(ns, name, port);
        Protocol protocol = e.getValue().get(0).modelProtocol();
        RouteTable table = RouteTable.empty();
        TlsConfig tls = TlsConfig.empty();
        if (protocol == Protocol.HTTP || protocol == Protocol.HTTPS) {
          Map<String, List<Placed>> byHost = new TreeMap<>(vhosts.getOrDefault(key, Map.of()));
          // every listener hostname has its virtual host: a request for it never falls to a less specific listener
          for (ListenerState l : e.getValue()) {
            if (l.hostname != null) byHost.computeIfAbsent(l.hostname, k -> new ArrayList<>());
          }
          List<VirtualHost> hosts = new ArrayList<>();
          for (Map.Entry<String, List<Placed>> h : byHost.entrySet()) {
            List<Placed> placed = new ArrayList<>(h.getValue());
            placed.sort(PRECEDENCE);
            List<Route> routes = new ArrayList<>();
            for (Placed p : placed) routes.add(p.route());
            hosts.add(new VirtualHost(h.getKey(), routes));
          }
          table = new RouteTable(hosts);
          if (protocol == Protocol.HTTPS) {
            Map<String, CertificateConfig> byName = new TreeMap<>();
            CertificateConfig def = null;
            for (ListenerState l : e.getValue()) {
              if (l.certificates.isEmpty()) continue;
              if (l.hostname == null) {
                if (def == null) def = l.certificates.get(0);
              } else {
                byName.putIfAbsent(l.hostname, l.certificates.get(0));
              }
            }
            if (def == null && !byName.isEmpty()) def = byName.values().iterator().next();
            tls = new TlsConfig(byName, def);
          }
        }
        List<ListenerConfig.SniRoute> sni = new ArrayList<>(passthrough.getOrDefault(key, List.of()));
        sni.sort(Comparator.comparingInt((ListenerConfig.SniRoute s) -> s.host().equals("*") ? 2 : s.host().startsWith("*.") ? 1 : 0)
            .thenComparing(s -> -s.host().length()));
        List<String> names = new ArrayList<>();
        for (ListenerState l : e.getValue()) names.add(l.hostname == null ? "*" : l.hostname);
        out.add(new ListenerConfig(ns, name, port, protocol, table, tls, sni, tcp.getOrDefault(key, List.of()), names));
      }
      return out;
    }
  }

  /** Gateway API route precedence; ties: the older route, then namespace/name, then rule and match order. */
  private static final Comparator<Placed> PRECEDENCE = Comparator
      .comparingInt((Placed p) -> p.t().m().pathRank())
      .thenComparingInt(p -> -p.route().path().length())
      .thenComparingInt(p -> p.route().path().type() == io.higressj.config.model.PathMatch.Type.REGEX ? 1 : 0)
      .thenComparingInt(p -> p.route().conditions().methods().isEmpty() ? 1 : 0)
      .thenComparingInt(p -> -p.route().conditions().headers().size())
      .thenComparingInt(p -> -p.route().conditions().query().size())
      .thenComparing(p -> p.t().route().metadata().path("creationTimestamp").asText(""))
      .thenComparing(p -> p.t().route().namespace() + "/" + p.t().route().name())
      .thenComparingInt(p -> p.t().rule())
      .thenComparingInt(p -> p.t().match());

  static long generation(Resource r) {
    return r.metadata().path("generation").asLong(1);
  }

  static String source(Resource r) {
    return r.kind() + " " + r.namespace() + "/" + r.name();
  }
}
