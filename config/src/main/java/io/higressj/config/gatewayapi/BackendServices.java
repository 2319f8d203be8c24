package io.higressj.config.gatewayapi;

import com.fasterxml.jackson.databind.JsonNode;
import io.higressj.config.model.ClusterConfig;
import io.higressj.config.model.Endpoint;
import io.higressj.config.model.UpstreamProtocol;
import io.higressj.config.resource.Resource;
import io.higressj.config.resource.ResourceSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Services as Gateway API backends: a {@code backendRef {name, namespace, port}} of kind Service becomes
 * a cluster with the ready addresses of the Service's Endpoints and EndpointSlices. The Service port's
 * {@code appProtocol} chooses the upstream protocol: {@code kubernetes.io/h2c} (and Istio's {@code grpc},
 * {@code http2} names) speak cleartext HTTP/2; {@code kubernetes.io/ws} and anything else HTTP/1.1, which
 * carries WebSocket upgrades.
 */
final class BackendServices {
  private static final Comparator<Endpoint> ORDER = Comparator.comparing(Endpoint::address).thenComparingInt(Endpoint::port);

  private final ResourceSet set;
  private java.util.Map<String, List<Resource>> slicesByService;

  BackendServices(ResourceSet set) {
    this.set = set;
  }

  /** The Service, or null. */
  Resource service(String namespace, String name) {
    return set.get("", "Service", namespace, name);
  }

  /**
   * The cluster for port {@code port} of Service {@code namespace/name}, or null when the Service or that
   * port does not exist.
   *
   * @param forceH2c gRPC backends: HTTP/2 whatever the port says
   */
  ClusterConfig cluster(String namespace, String name, int port, boolean forceH2c) {
    Resource svc = service(namespace, name);
    if (svc == null) return null;
    JsonNode sp = null;
    for (JsonNode p : svc.spec().path("ports")) {
      if (p.path("port").asInt() == port) {
        sp = p;
        break;
      }
    }
    String clusterName = ClusterConfig.clusterName(namespace, name, port);
    if ("ExternalName".equals(svc.spec().path("type").asText()) && svc.spec().path("externalName").isTextual()) {
      String host = svc.spec().path("externalName").asText();
      if (host.endsWith(".")) host = host.substring(0, host.length() - 1);
      return new ClusterConfig(clusterName, namespace + "/" + name, port, List.of(new Endpoint(host, port)),
          forceH2c ? UpstreamProtocol.H2C : UpstreamProtocol.HTTP1, io.higressj.config.model.LoadBalancer.ROUND_ROBIN);
    }
    if (sp == null) return null;
    String portName = sp.path("name").asText("");
    TreeSet<Endpoint> endpoints = new TreeSet<>(ORDER);
    JsonNode target = sp.get("targetPort");
    int targetNumber = target == null || target.isNull() ? port : target.isInt() ? target.asInt()
        : target.asText().chars().allMatch(Character::isDigit) && !target.asText().isEmpty() ? Integer.parseInt(target.asText()) : 0;
    Resource eps = set.get("", "Endpoints", namespace, name);
    if (eps != null) {
      for (JsonNode subset : eps.body().path("subsets")) {
        int p = endpointPort(subset.path("ports"), portName, targetNumber);
        if (p == 0) continue;
        for (JsonNode a : subset.path("addresses")) {
          if (a.path("ip").isTextual()) endpoints.add(new Endpoint(a.path("ip").asText(), p));
        }
      }
    }
    for (Resource slice : slices().getOrDefault(namespace + "/" + name, List.of())) {
      int p = endpointPort(slice.body().path("ports"), portName, targetNumber);
      if (p == 0) continue;
      for (JsonNode e : slice.body().path("endpoints")) {
        JsonNode ready = e.path("conditions").path("ready");
        if (ready.isBoolean() && !ready.asBoolean()) continue;
        for (JsonNode a : e.path("addresses")) {
          if (a.isTextual()) endpoints.add(new Endpoint(a.asText(), p));
        }
      }
    }
    boolean h2c = forceH2c || http2(sp.path("appProtocol").asText(""), portName);
    return new ClusterConfig(clusterName, namespace + "/" + name, port, new ArrayList<>(endpoints),
        h2c ? UpstreamProtocol.H2C : UpstreamProtocol.HTTP1, io.higressj.config.model.LoadBalancer.ROUND_ROBIN);
  }

  /** EndpointSlices by "namespace/service", read once. */
  private java.util.Map<String, List<Resource>> slices() {
    if (slicesByService == null) {
      slicesByService = new java.util.HashMap<>();
      for (Resource slice : set.ofKind("EndpointSlice")) {
        String svc = slice.label("kubernetes.io/service-name");
        if (svc != null) slicesByService.computeIfAbsent(slice.namespace() + "/" + svc, k -> new ArrayList<>()).add(slice);
      }
    }
    return slicesByService;
  }

  private static int endpointPort(JsonNode ports, String portName, int targetNumber) {
    for (JsonNode p : ports) {
      if (p.path("name").asText("").equals(portName) && p.path("port").asInt() > 0) return p.path("port").asInt();
    }
    if (portName.isEmpty() && ports.size() == 1 && ports.get(0).path("port").asInt() > 0) return ports.get(0).path("port").asInt();
    return targetNumber;
  }

  static boolean http2(String appProtocol, String portName) {
    String p = (appProtocol.isEmpty() ? portName : appProtocol).toLowerCase(Locale.ROOT);
    if (p.equals("kubernetes.io/h2c")) return true;
    int dash = p.indexOf('-');
    String prefix = dash < 0 ? p : p.substring(0, dash);
    return (prefix.equals("grpc") && !p.startsWith("grpc-web")) || prefix.equals("http2") || prefix.equals("h2c");
  }
}
