package io.higressj.conformance.backend;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.higressj.conformance.corpus.BaseSpec.BackendPort;
import io.higressj.conformance.corpus.BaseSpec.EchoBackend;
import io.higressj.testing.echo.EchoServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Started echo backends, by {@code service.namespace}. Each reports its Service's namespace and
 * the pod name {@code <service>-higressj-0}, which starts with the Service name (both corpora check
 * that prefix) and has the two dash-separated suffixes the Gateway API weighted checks strip.
 */
public final class EchoBackends implements AutoCloseable {
  /** The upstream backends' second listener (echo-basic {@code H2C_PORT}). */
  static final int H2C_CONTAINER_PORT = 3001;
  static final String ADDRESS = "127.0.0.1";

  private final Map<String, Started> backends;

  private record Started(EchoBackend spec, EchoServer server) {}

  private EchoBackends(Map<String, Started> backends) {
    this.backends = backends;
  }

  /** Starts one backend per spec; on failure the ones already started are stopped. */
  public static EchoBackends start(List<EchoBackend> specs) {
    Map<String, Started> started = new LinkedHashMap<>();
    try {
      for (EchoBackend spec : specs) {
        if (started.containsKey(spec.id())) throw new IllegalArgumentException("echoBackends: " + spec.id() + " listed twice");
        EchoServer.Kind kind = EchoServer.Kind.fromCorpusName(spec.kind());
        EchoServer server = EchoServer.start(EchoServer.Options.of(kind, spec.namespace(), podName(spec.service())));
        started.put(spec.id(), new Started(spec, server));
      }
    } catch (RuntimeException e) {
      started.values().forEach(s -> s.server.close());
      throw e;
    }
    return new EchoBackends(started);
  }

  static String podName(String service) {
    return service + "-higressj-0";
  }

  /** The backend of {@code service.namespace}. */
  public Optional<EchoServer> find(String id) {
    Started s = backends.get(id);
    return s == null ? Optional.empty() : Optional.of(s.server);
  }

  /** {@code namespace/name} of every backend's Service: the base manifests' versions of these are replaced. */
  public Set<String> serviceKeys() {
    Set<String> out = new java.util.HashSet<>();
    for (Started s : backends.values()) out.add(s.spec.namespace() + "/" + s.spec.service());
    return out;
  }

  /** A Service and an Endpoints object per backend, mapping each Service port to the backend's listener. */
  public List<ObjectNode> objects() {
    List<ObjectNode> out = new ArrayList<>();
    for (Started s : backends.values()) {
      out.add(service(s));
      out.add(endpoints(s));
    }
    return out;
  }

  private static ObjectNode service(Started s) {
    ObjectNode svc = object("Service", s.spec);
    ObjectNode spec = svc.putObject("spec");
    spec.putObject("selector").put("app", s.spec.service());
    ArrayNode ports = spec.putArray("ports");
    for (BackendPort p : s.spec.ports()) {
      ObjectNode port = ports.addObject().put("name", portName(p)).put("protocol", "TCP").put("port", p.servicePort())
          .put("targetPort", listenerPort(s, p));
      if (p.appProtocol() != null) port.put("appProtocol", p.appProtocol());
    }
    return svc;
  }

  private static ObjectNode endpoints(Started s) {
    ObjectNode eps = object("Endpoints", s.spec);
    ObjectNode subset = eps.putArray("subsets").addObject();
    subset.putArray("addresses").addObject().put("ip", ADDRESS);
    ArrayNode ports = subset.putArray("ports");
    for (BackendPort p : s.spec.ports()) {
      ObjectNode port = ports.addObject().put("name", portName(p)).put("port", listenerPort(s, p)).put("protocol", "TCP");
      if (p.appProtocol() != null) port.put("appProtocol", p.appProtocol());
    }
    return eps;
  }

  private static ObjectNode object(String kind, EchoBackend spec) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("apiVersion", "v1").put("kind", kind);
    ObjectNode metadata = o.putObject("metadata").put("name", spec.service()).put("namespace", spec.namespace());
    metadata.putObject("labels").put("app", spec.service());
    return o;
  }

  /** The main port is {@code http}; the others keep their corpus names. */
  static String portName(BackendPort p) {
    return p.portName() != null ? p.portName() : "http";
  }

  /** The echo server's port behind a container port: the main listener, or the h2c-only one. */
  private static int listenerPort(Started s, BackendPort p) {
    if (p.containerPort().equals(s.spec.containerPort())) return s.server.port();
    if (p.containerPort() == H2C_CONTAINER_PORT) return s.server.h2cPort();
    throw new IllegalArgumentException("echoBackends " + s.spec.id() + ": containerPort " + p.containerPort()
        + " (expected: " + s.spec.containerPort() + " for the main listener or " + H2C_CONTAINER_PORT + " for h2c)");
  }

  /** Stops every backend, in parallel (each waits for its event loops). */
  @Override
  public void close() {
    try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      for (Started s : backends.values()) pool.submit(s.server::close);
    }
  }
}
