package io.higressj.conformance.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.higressj.testing.opa.OpaServer;
import io.higressj.testing.opa.RegoException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The external services the runner provides in place of the upstream suite's workloads (capabilities
 * {@code services:}). Today: {@code opa}, served by the OPA-compatible stand-in {@link OpaServer}
 * (no OPA binary is available where the runner runs). When the base manifests declare a Service named
 * {@code opa}, the stand-in is started, loaded with the policies the base's curl pods {@code PUT} to
 * {@code /v1/policies/<id>}, and the Service is replaced by one (and its Endpoints) that lead to it.
 * A policy outside the stand-in's Rego subset stops the run with the reason, rather than being
 * evaluated differently from OPA.
 */
public final class ServiceStandIns implements AutoCloseable {
  static final String OPA = "opa";
  private static final Pattern PUT_POLICY = Pattern.compile(
      "-X\\s+PUT\\s+'?https?://" + OPA + "(?:\\.[A-Za-z0-9.-]+)?(?::\\d+)?/v1/policies/([A-Za-z0-9_.\\-]+)'?[\\s\\S]*?\\s-d\\s+'([^']*)'");

  private record Provided(String namespace, String name, int servicePort, int localPort) {}

  private final List<Provided> provided;
  private final List<AutoCloseable> servers;

  private ServiceStandIns(List<Provided> provided, List<AutoCloseable> servers) {
    this.provided = provided;
    this.servers = servers;
  }

  /** Nothing provided. */
  public static ServiceStandIns none() {
    return new ServiceStandIns(List.of(), List.of());
  }

  /** Starts the stand-ins the base manifests call for. */
  public static ServiceStandIns start(List<ObjectNode> baseObjects) {
    List<Provided> provided = new ArrayList<>();
    List<AutoCloseable> servers = new ArrayList<>();
    for (ObjectNode o : baseObjects) {
      if (!o.path("kind").asText().equals("Service") || !o.path("metadata").path("name").asText().equals(OPA)) continue;
      Map<String, String> policies = opaPolicies(baseObjects);
      OpaServer opa = OpaServer.start();
      servers.add(opa);
      try {
        for (Map.Entry<String, String> p : policies.entrySet()) opa.putPolicy(p.getKey(), p.getValue());
      } catch (RegoException e) {
        opa.close();
        throw new IllegalArgumentException("the OPA stand-in cannot load a policy of the base manifests: " + e.getMessage(), e);
      }
      int port = o.path("spec").path("ports").path(0).path("port").asInt(8181);
      provided.add(new Provided(o.path("metadata").path("namespace").asText("default"), OPA, port, opa.port()));
    }
    return new ServiceStandIns(List.copyOf(provided), List.copyOf(servers));
  }

  /** The policies the base's pods load with {@code curl -X PUT http://opa:8181/v1/policies/<id> -d '<rego>'}, by id. */
  static Map<String, String> opaPolicies(List<ObjectNode> baseObjects) {
    Map<String, String> out = new LinkedHashMap<>();
    for (ObjectNode o : baseObjects) {
      if (!o.path("kind").asText().equals("Pod")) continue;
      for (JsonNode c : o.path("spec").path("containers")) {
        StringBuilder script = new StringBuilder();
        for (JsonNode part : c.path("command")) script.append(part.asText()).append(' ');
        for (JsonNode part : c.path("args")) script.append(part.asText()).append(' ');
        Matcher m = PUT_POLICY.matcher(script);
        while (m.find()) out.put(m.group(1), m.group(2));
      }
    }
    return out;
  }

  /** {@code namespace/name} of the Services replaced. */
  public Set<String> serviceKeys() {
    Set<String> out = new java.util.HashSet<>();
    for (Provided p : provided) out.add(p.namespace + "/" + p.name);
    return out;
  }

  /** A Service and an Endpoints object per provided service, leading to the stand-in's local port. */
  public List<ObjectNode> objects() {
    List<ObjectNode> out = new ArrayList<>();
    for (Provided p : provided) {
      ObjectNode svc = object("Service", p);
      ObjectNode spec = svc.putObject("spec");
      spec.putObject("selector").put("app", p.name);
      spec.putArray("ports").addObject().put("name", "http").put("protocol", "TCP").put("port", p.servicePort).put("targetPort", p.localPort);
      out.add(svc);
      ObjectNode eps = object("Endpoints", p);
      ObjectNode subset = eps.putArray("subsets").addObject();
      subset.putArray("addresses").addObject().put("ip", EchoBackends.ADDRESS);
      subset.putArray("ports").addObject().put("name", "http").put("port", p.localPort).put("protocol", "TCP");
      out.add(eps);
    }
    return out;
  }

  private static ObjectNode object(String kind, Provided p) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("apiVersion", "v1").put("kind", kind);
    o.putObject("metadata").put("name", p.name).put("namespace", p.namespace).putObject("labels").put("app", p.name);
    return o;
  }

  @Override
  public void close() {
    for (AutoCloseable s : servers) {
      try {
        s.close();
      } catch (Exception e) {
        // best effort at the end of a run
      }
    }
  }
}
