package io.higressj.conformance.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.higressj.conformance.backend.EchoBackends;
import io.higressj.conformance.backend.ServiceStandIns;
import io.higressj.conformance.capability.Capabilities;
import io.higressj.conformance.corpus.Corpus;
import io.higressj.conformance.corpus.Step;
import io.higressj.conformance.store.ObjectKey;
import io.higressj.conformance.store.ObjectStore;
import io.higressj.testing.tls.CertificateGenerator;
import io.higressj.testing.tls.GeneratedCertificate;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The base of a run (FORMAT.md 2, step 1), written before the gateway starts. */
public final class BaseSetup {
  private BaseSetup() {}

  /**
   * Writes, in order: the objects a gateway installation provides, the base manifests (an echo
   * backend's Service replaced by the runner's), a Service and Endpoints per echo backend and per
   * service stand-in ({@link ServiceStandIns}); then
   * performs the base {@code setup} steps.
   *
   * @return the certificates the base steps generated, by id
   * @throws IllegalArgumentException when a base step fails
   */
  public static Map<String, GeneratedCertificate> write(Corpus corpus, Capabilities capabilities, ObjectStore store, EchoBackends backends) {
    return write(corpus, capabilities, store, backends, ServiceStandIns.none());
  }

  /** As {@link #write(Corpus, Capabilities, ObjectStore, EchoBackends)}, the stand-ins' Services replacing the base's too. */
  public static Map<String, GeneratedCertificate> write(
      Corpus corpus, Capabilities capabilities, ObjectStore store, EchoBackends backends, ServiceStandIns standIns) {
    for (ObjectNode o : capabilities.installationObjects()) store.apply(CaseExecutor.admit(o, capabilities.gatewayApi()));
    Set<String> replaced = new java.util.HashSet<>(backends.serviceKeys());
    replaced.addAll(standIns.serviceKeys());
    for (ObjectNode o : corpus.baseObjects()) {
      ObjectKey key = ObjectKey.of(o);
      if (key.group().isEmpty() && key.kind().equals("Service") && replaced.contains(key.namespace() + "/" + key.name())) continue;
      store.apply(CaseExecutor.admit(o, capabilities.gatewayApi()));
    }
    for (ObjectNode o : backends.objects()) store.apply(o);
    for (ObjectNode o : standIns.objects()) store.apply(o);
    Map<String, GeneratedCertificate> certificates = new HashMap<>();
    StepRunner steps = new StepRunner(store, certificates, new HashMap<>(), CertificateGenerator.Subject.HIGRESS_E2E);
    for (int i = 0; i < corpus.base().setup().size(); i++) {
      Step s = corpus.base().setup().get(i);
      try {
        steps.perform(s);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("_base/base.yaml: setup[" + i + "] " + s.kind() + ": " + e.getMessage(), e);
      }
    }
    return certificates;
  }
}
