package io.higressj.conformance.store;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * How {@code kubectl apply} identifies an object: API group (not version), kind, namespace, name.
 *
 * @param group "" for the core group
 * @param namespace "" for cluster-scoped kinds
 */
public record ObjectKey(String group, String kind, String namespace, String name) {
  /** Kinds that live outside namespaces (the ones the corpora and the gateway use). */
  static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "GatewayClass", "IngressClass", "ClusterRole",
      "ClusterRoleBinding", "CustomResourceDefinition", "Node", "PersistentVolume", "StorageClass", "PriorityClass");

  public static final String DEFAULT_NAMESPACE = "default";

  public ObjectKey {
    requireNonNull(group, "group");
    requireNonNull(kind, "kind");
    requireNonNull(namespace, "namespace");
    requireNonNull(name, "name");
    if (kind.isEmpty()) throw new IllegalArgumentException("kind: empty");
    if (name.isEmpty()) throw new IllegalArgumentException("name: empty");
  }

  /** The key of an object document; a namespaced object without namespace is in {@code default}. */
  public static ObjectKey of(JsonNode object) {
    String kind = object.path("kind").asText();
    String namespace = CLUSTER_SCOPED.contains(kind) ? "" : object.path("metadata").path("namespace").asText("");
    if (namespace.isEmpty() && !CLUSTER_SCOPED.contains(kind)) namespace = DEFAULT_NAMESPACE;
    return new ObjectKey(groupOf(object.path("apiVersion").asText()), kind, namespace, object.path("metadata").path("name").asText());
  }

  /** {@code networking.k8s.io/v1} → {@code networking.k8s.io}; {@code v1} → "". */
  public static String groupOf(String apiVersion) {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }

  public static boolean clusterScoped(String kind) {
    return CLUSTER_SCOPED.contains(kind);
  }

  /** {@code networking.k8s.io/Ingress}, or just {@code Secret} for the core group. */
  public String groupKind() {
    return group.isEmpty() ? kind : group + "/" + kind;
  }

  @Override
  public String toString() {
    return groupKind() + " " + (namespace.isEmpty() ? "" : namespace + "/") + name;
  }
}
