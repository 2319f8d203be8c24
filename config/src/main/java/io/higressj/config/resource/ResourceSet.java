package io.higressj.config.resource;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Every object a config source currently holds, plus the problems met while reading them (files that
 * do not parse, documents without a kind...). Immutable.
 */
public record ResourceSet(SortedMap<ResourceKey, Resource> resources, List<Problem> problems) {
  public ResourceSet {
    resources = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(requireNonNull(resources, "resources")));
    problems = List.copyOf(problems);
  }

  public static ResourceSet of(Collection<Resource> resources, List<Problem> problems) {
    TreeMap<ResourceKey, Resource> m = new TreeMap<>();
    for (Resource r : resources) m.put(r.key(), r);
    return new ResourceSet(m, problems);
  }

  /** Objects of one kind (any group), in key order. */
  public List<Resource> ofKind(String kind) {
    List<Resource> out = new ArrayList<>();
    for (Map.Entry<ResourceKey, Resource> e : resources.entrySet()) {
      if (e.getKey().kind().equals(kind)) out.add(e.getValue());
    }
    return out;
  }

  public Resource get(String group, String kind, String namespace, String name) {
    return resources.get(new ResourceKey(group, kind, namespace, name));
  }
}
