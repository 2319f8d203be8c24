package io.higressj.conformance.corpus;

import static io.higressj.conformance.corpus.Fields.list;
import static io.higressj.conformance.corpus.Fields.map;
import static io.higressj.conformance.corpus.Fields.required;
import static io.higressj.conformance.corpus.Fields.requiredText;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** A step (FORMAT.md section 4): a one-key map, performed in {@code setup} or between assertions. */
public record Step(
    GenerateCertificate generateCertificate,
    CreateSecret createSecret,
    EntryPatch patchSecret,
    EntryPatch patchConfigMap,
    ObjectKeySpec deleteObject,
    MergePatch mergePatch) {

  public Step {
    Fields.exactlyOne("step", "generateCertificate", generateCertificate, "createSecret", createSecret,
        "patchSecret", patchSecret, "patchConfigMap", patchConfigMap, "deleteObject", deleteObject, "mergePatch", mergePatch);
  }

  /** The step's key, e.g. {@code createSecret}. */
  public String kind() {
    if (generateCertificate != null) return "generateCertificate";
    if (createSecret != null) return "createSecret";
    if (patchSecret != null) return "patchSecret";
    if (patchConfigMap != null) return "patchConfigMap";
    if (deleteObject != null) return "deleteObject";
    return "mergePatch";
  }

  /**
   * Make a key pair and certificate, remembered under {@code id}.
   *
   * @param type {@code ca}, {@code server}, {@code client} or {@code self-signed}
   * @param signedBy id of the issuing CA
   * @param subject null: the corpus default
   */
  public record GenerateCertificate(String id, String type, String signedBy, List<String> hosts, Subject subject) {
    public GenerateCertificate {
      requiredText(id, "id");
      requiredText(type, "type");
      hosts = list(hosts);
    }
  }

  public record Subject(String commonName, String organization) {
    public Subject {
      required(commonName, "commonName");
      required(organization, "organization");
    }
  }

  /** Create a Secret whose entries are generated certificates, keys or text. */
  public record CreateSecret(String namespace, String name, String type, Map<String, SecretValue> data) {
    public CreateSecret {
      requiredText(namespace, "namespace");
      requiredText(name, "name");
      data = map(data, "data");
    }
  }

  /** Exactly one of: the PEM certificate of an id, the PEM key of an id, a text. */
  public record SecretValue(String certificate, String privateKey, String value) {
    public SecretValue {
      Fields.exactlyOne("data entry", "certificate", certificate, "privateKey", privateKey, "value", value);
    }
  }

  /** Set entry {@code key} of a Secret's or ConfigMap's data to the text {@code value}. */
  public record EntryPatch(String namespace, String name, String key, String value) {
    public EntryPatch {
      requiredText(namespace, "namespace");
      requiredText(name, "name");
      requiredText(key, "key");
      required(value, "value");
    }
  }

  /** An RFC 7386 merge patch of an object; its generation increases. */
  public record MergePatch(ObjectKeySpec object, JsonNode patch, String description) {
    public MergePatch {
      required(object, "object");
      required(patch, "patch");
    }
  }
}
