package io.higressj.config.resource;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Every object a config source currently holds, plus the problems met while reading them (files that
 * do not parse, documents without a kind...). Immutable.
 *
 * <p>Objects are kept in key order in arrays: a kind is a contiguous range (keys sort by kind first), a
 * set that differs from another by a few objects is made with {@link #with} in one copy, and {@link
 * #changedSince} finds what differs by comparing references. Resources are values that nobody modifies
 * once read, so an unchanged object keeps its identity from one set to the next, and consumers may
 * remember work per object by identity.
 */
public record ResourceSet(SortedMap<ResourceKey, Resource> resources, List<Problem> problems) {
  public ResourceSet {
    resources = SortedResourceMap.copyOf(requireNonNull(resources, "resources"));
    problems = List.copyOf(problems);
  }

  public static ResourceSet of(Collection<Resource> resources, List<Problem> problems) {
    TreeMap<ResourceKey, Resource> m = new TreeMap<>();
    for (Resource r : resources) m.put(r.key(), r);
    return new ResourceSet(m, problems);
  }

  public static ResourceSet empty() {
    return new ResourceSet(SortedResourceMap.EMPTY, List.of());
  }

  /**
   * This set with {@code changes} applied (a null value removes that key) and {@code problems} as its
   * problems. Costs one copy of the set's arrays, whatever the number of changes.
   *
   * @param changes in key order (a TreeMap)
   */
  public ResourceSet with(SortedMap<ResourceKey, Resource> changes, List<Problem> problems) {
    return new ResourceSet(((SortedResourceMap) resources).with(changes), problems);
  }

  /** Objects of one kind (any group), in key order. */
  public List<Resource> ofKind(String kind) {
    SortedMap<ResourceKey, Resource> range =
        resources.subMap(new ResourceKey("", kind, "", ""), new ResourceKey("", kind + "\0", "", ""));
    return new ArrayList<>(range.values());
  }

  public Resource get(String group, String kind, String namespace, String name) {
    return resources.get(new ResourceKey(group, kind, namespace, name));
  }

  /** An object that is not the same in two sets: {@code before} or {@code after} is null when absent. */
  public record Change(ResourceKey key, Resource before, Resource after) {}

  /**
   * The objects that are not the same (by reference) here and in {@code earlier}: added, removed or
   * replaced, in key order. An object read again with the same content may be listed too. When this set
   * was made from {@code earlier} by {@link #with}, costs a look-up per key given to it; otherwise a walk
   * over both sets comparing references.
   */
  public List<Change> changesSince(ResourceSet earlier) {
    SortedResourceMap a = (SortedResourceMap) earlier.resources;
    SortedResourceMap b = (SortedResourceMap) resources;
    List<Change> out = new ArrayList<>();
    if (a == b) return out;
    ResourceKey[] touched = b.changedKeysSince(a);
    if (touched != null) {
      for (ResourceKey k : touched) {
        Resource before = a.get(k);
        Resource after = b.get(k);
        if (before != after) out.add(new Change(k, before, after));
      }
      return out;
    }
    int i = 0;
    int j = 0;
    int n = a.size0();
    int m = b.size0();
    while (i < n || j < m) {
      if (i == n) {
        out.add(new Change(b.keyAt(j), null, b.valueAt(j++)));
      } else if (j == m) {
        out.add(new Change(a.keyAt(i), a.valueAt(i++), null));
      } else {
        ResourceKey ka = a.keyAt(i);
        ResourceKey kb = b.keyAt(j);
        int c = ka == kb ? 0 : ka.compareTo(kb);
        if (c < 0) {
          out.add(new Change(ka, a.valueAt(i++), null));
        } else if (c > 0) {
          out.add(new Change(kb, null, b.valueAt(j++)));
        } else {
          if (a.valueAt(i) != b.valueAt(j)) out.add(new Change(kb, a.valueAt(i), b.valueAt(j)));
          i++;
          j++;
        }
      }
    }
    return out;
  }
}
