package io.higressj.conformance.run;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.higressj.conformance.corpus.ObjectKeySpec;
import io.higressj.conformance.corpus.Step;
import io.higressj.conformance.store.ObjectKey;
import io.higressj.conformance.store.ObjectStore;
import io.higressj.testing.tls.CertificateGenerator;
import io.higressj.testing.tls.GeneratedCertificate;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** Performs the steps of FORMAT.md section 4 against the object store. */
final class StepRunner {
  private final ObjectStore store;
  private final Map<String, GeneratedCertificate> certificates;
  private final Map<ObjectKey, Long> generationsBeforePatch;
  private final CertificateGenerator.Subject defaultSubject;

  /**
   * @param certificates the case's certificates by id (generated ones are added)
   * @param generationsBeforePatch filled by {@code mergePatch}: the generation each object had before
   * @param defaultSubject the subject when a step names none
   */
  StepRunner(ObjectStore store, Map<String, GeneratedCertificate> certificates, Map<ObjectKey, Long> generationsBeforePatch,
      CertificateGenerator.Subject defaultSubject) {
    this.store = store;
    this.certificates = certificates;
    this.generationsBeforePatch = generationsBeforePatch;
    this.defaultSubject = defaultSubject;
  }

  /**
   * Performs one step.
   *
   * @throws IllegalArgumentException when the step refers to something missing
   */
  void perform(Step step) {
    switch (step.kind()) {
      case "generateCertificate" -> {
        Step.GenerateCertificate g = step.generateCertificate();
        GeneratedCertificate signer = null;
        if (g.signedBy() != null) {
          signer = certificates.get(g.signedBy());
          if (signer == null) throw new IllegalArgumentException("signedBy: " + g.signedBy() + " (no certificate with that id)");
        }
        CertificateGenerator.Subject subject = g.subject() == null ? defaultSubject
            : new CertificateGenerator.Subject(g.subject().commonName(), g.subject().organization());
        certificates.put(g.id(), CertificateGenerator.generate(CertificateGenerator.Type.fromCorpusName(g.type()), signer, g.hosts(), subject));
      }
      case "createSecret" -> {
        Step.CreateSecret c = step.createSecret();
        ObjectNode secret = JsonNodeFactory.instance.objectNode();
        secret.put("apiVersion", "v1").put("kind", "Secret");
        secret.putObject("metadata").put("name", c.name()).put("namespace", c.namespace());
        secret.put("type", c.type() == null ? "Opaque" : c.type());
        ObjectNode data = secret.putObject("data");
        c.data().forEach((key, value) -> data.put(key, base64(secretValue(key, value))));
        store.apply(secret);
      }
      case "patchSecret" -> {
        Step.EntryPatch p = step.patchSecret();
        ObjectNode secret = existing("Secret", p.namespace(), p.name());
        secret.with("data").put(p.key(), base64(p.value()));
        store.apply(secret);
      }
      case "patchConfigMap" -> {
        Step.EntryPatch p = step.patchConfigMap();
        ObjectNode cm = existing("ConfigMap", p.namespace(), p.name());
        cm.with("data").put(p.key(), p.value());
        store.apply(cm);
      }
      case "deleteObject" -> {
        store.delete(resolve(step.deleteObject()));
      }
      case "mergePatch" -> {
        ObjectKey key = resolve(step.mergePatch().object());
        long before = store.get(key).map(o -> o.path("metadata").path("generation").asLong(0)).orElse(0L);
        generationsBeforePatch.put(key, before);
        store.mergePatch(key, step.mergePatch().patch());
      }
      default -> throw new IllegalArgumentException("unknown step " + step.kind());
    }
  }

  private String secretValue(String key, Step.SecretValue v) {
    if (v.value() != null) return v.value();
    String id = v.certificate() != null ? v.certificate() : v.privateKey();
    GeneratedCertificate cert = certificates.get(id);
    if (cert == null) throw new IllegalArgumentException("data." + key + ": no certificate with id " + id);
    return v.certificate() != null ? cert.certPem() : cert.keyPem();
  }

  private ObjectNode existing(String kind, String namespace, String name) {
    ObjectKey key = new ObjectKey("", kind, namespace, name);
    return store.get(key).orElseThrow(() -> new IllegalArgumentException(kind + " " + namespace + "/" + name + " does not exist"));
  }

  ObjectKey resolve(ObjectKeySpec spec) {
    String group = spec.apiVersion() == null ? null : ObjectKey.groupOf(spec.apiVersion());
    return store.find(group, spec.kind(), spec.namespace(), spec.name())
        .orElseThrow(() -> new IllegalArgumentException(spec + " does not exist"));
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
