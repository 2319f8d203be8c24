package io.higressj.conformance.corpus;

import static io.higressj.conformance.corpus.Fields.list;
import static io.higressj.conformance.corpus.Fields.required;
import static io.higressj.conformance.corpus.Fields.requiredText;

import com.fasterxml.jackson.databind.JsonNode;
import io.higressj.conformance.corpus.CaseSpec.ServiceRequirement;
import io.higressj.conformance.corpus.CaseSpec.Upstream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code _base/base.yaml}: objects, backends and steps shared by all cases.
 *
 * @param manifests file names under {@code _base/manifests/}
 * @param echoBackends one echo backend per Service
 * @param setup steps performed once
 * @param services the external services the corpus knows (started only for cases that need them)
 * @param defaults Gateway API: defaults for every assertion; null: the format defaults
 * @param gatewayPrerequisites what the gateway installation must provide (text)
 */
public record BaseSpec(
    String name,
    JsonNode description,
    Upstream upstream,
    List<String> manifests,
    List<String> namespaces,
    List<EchoBackend> echoBackends,
    List<Step> setup,
    List<ServiceRequirement> services,
    Defaults defaults,
    JsonNode gatewayPrerequisites,
    JsonNode notes) {

  public BaseSpec {
    manifests = list(manifests);
    namespaces = list(namespaces);
    echoBackends = list(echoBackends);
    setup = list(setup);
    services = list(services);
    defaults = Defaults.FORMAT.overriddenBy(defaults);
  }

  /**
   * An echo backend: one Service {@code service.namespace}, its kind and ports.
   *
   * @param kind {@code echo-server}, {@code echo-body}, {@code echo-server-v1.0}, {@code echo-basic}, {@code echo-basic-grpc}
   * @param servicePort the Service port (default 8080)
   * @param containerPort the backend's port behind it (default 3000: the main listener)
   * @param appProtocol of the main port, e.g. {@code kubernetes.io/h2c}
   * @param additionalPorts further Service ports
   */
  public record EchoBackend(
      String service,
      String namespace,
      String kind,
      String upstreamImage,
      Integer replicas,
      Integer servicePort,
      Integer containerPort,
      String appProtocol,
      String clusterIP,
      List<BackendPort> additionalPorts) {
    public EchoBackend {
      requiredText(service, "service");
      requiredText(namespace, "namespace");
      requiredText(kind, "kind");
      if (servicePort == null) servicePort = 8080;
      if (containerPort == null) containerPort = 3000;
      additionalPorts = list(additionalPorts);
    }

    /** {@code service.namespace}, as {@code requires.backends} writes it. */
    public String id() {
      return service + "." + namespace;
    }

    /** Every Service port: the main one first. */
    public List<BackendPort> ports() {
      List<BackendPort> all = new ArrayList<>();
      all.add(new BackendPort(servicePort, containerPort, null, appProtocol));
      all.addAll(additionalPorts);
      return all;
    }
  }

  /** A Service port and the backend port behind it. */
  public record BackendPort(Integer servicePort, Integer containerPort, String portName, String appProtocol) {
    public BackendPort {
      required(servicePort, "servicePort");
      required(containerPort, "containerPort");
    }
  }

  /**
   * Defaults of every assertion (Gateway API FORMAT.md 2.4); the Higress corpus uses the format's.
   */
  public record Defaults(
      Integer maxTimeToConsistencySeconds,
      Integer retryPauseMs,
      Integer consecutiveSuccesses,
      Integer requestTimeoutSeconds,
      Integer statusPollIntervalMs) {
    /** FORMAT.md sections 6 and 8: 300 s, 1 s pause, 3 successes, 10 s per request. */
    public static final Defaults FORMAT = new Defaults(300, 1000, 3, 10, 100);

    public Defaults {
      for (Integer v : new Integer[] {maxTimeToConsistencySeconds, retryPauseMs, consecutiveSuccesses, requestTimeoutSeconds, statusPollIntervalMs}) {
        if (v != null && v < 0) throw new IllegalArgumentException("defaults: " + v + " (expected: >= 0)");
      }
    }

    Defaults overriddenBy(Defaults o) {
      if (o == null) return this;
      return new Defaults(
          o.maxTimeToConsistencySeconds != null ? o.maxTimeToConsistencySeconds : maxTimeToConsistencySeconds,
          o.retryPauseMs != null ? o.retryPauseMs : retryPauseMs,
          o.consecutiveSuccesses != null ? o.consecutiveSuccesses : consecutiveSuccesses,
          o.requestTimeoutSeconds != null ? o.requestTimeoutSeconds : requestTimeoutSeconds,
          o.statusPollIntervalMs != null ? o.statusPollIntervalMs : statusPollIntervalMs);
    }
  }
}
