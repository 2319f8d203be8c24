package io.higressj.conformance.corpus;

import static io.higressj.conformance.corpus.Fields.requiredText;

/**
 * An object named by a step or check: {@code {apiVersion?, kind, namespace?, name}}.
 *
 * @param apiVersion null when the corpus leaves it out (then the kind alone identifies it)
 * @param namespace null or empty for cluster-scoped objects
 */
public record ObjectKeySpec(String apiVersion, String kind, String namespace, String name) {
  public ObjectKeySpec {
    requiredText(kind, "kind");
    requiredText(name, "name");
  }

  @Override
  public String toString() {
    return kind + " " + (namespace == null || namespace.isEmpty() ? "" : namespace + "/") + name;
  }
}
