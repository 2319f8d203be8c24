package io.higressj.config.resource;

import static java.util.Objects.requireNonNull;

/**
 * Identity of an object as {@code kubectl apply} sees it: API group, kind, namespace, name. The
 * version is not part of the identity ({@code networking.k8s.io/v1} and {@code /v1beta1} name the
 * same object).
 */
public record ResourceKey(String group, String kind, String namespace, String name)
    implements Comparable<ResourceKey> {
  public ResourceKey {
    requireNonNull(group, "group");
    requireNonNull(kind, "kind");
    requireNonNull(namespace, "namespace");
    requireNonNull(name, "name");
  }

  public static ResourceKey of(String apiVersion, String kind, String namespace, String name) {
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    return new ResourceKey(group, kind, namespace, name);
  }

  @Override
  public int compareTo(ResourceKey o) {
    // kinds, groups and namespaces are mostly the same few shared strings (the readers share them):
    // String.compareTo would still compare their characters
    int c = kind == o.kind ? 0 : kind.compareTo(o.kind);
    if (c == 0 && group != o.group) c = group.compareTo(o.group);
    if (c == 0 && namespace != o.namespace) c = namespace.compareTo(o.namespace);
    if (c == 0 && name != o.name) c = name.compareTo(o.name);
    return c;
  }

  @Override
  public String toString() {
    return namespace.isEmpty() ? kind + " " + name : kind + " " + namespace + "/" + name;
  }
}
