package io.higressj.config.resource;

import java.lang.ref.WeakReference;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedMap;

/**
 * An immutable sorted map of resources kept as two parallel arrays: a range of a kind is found by
 * binary search, iteration touches no tree nodes, and a new version with a few objects changed is two
 * array copies. Sub-maps are views on the same arrays.
 */
final class SortedResourceMap extends AbstractMap<ResourceKey, Resource> implements SortedMap<ResourceKey, Resource> {
  static final SortedResourceMap EMPTY = new SortedResourceMap(new ResourceKey[0], new Resource[0], 0, 0);

  private final ResourceKey[] keys;
  private final Resource[] values;
  private final int from;
  private final int to;
  /**
   * The map this one was made from by {@link #with}, held weakly (a chain of versions must not keep every
   * earlier version's arrays alive), and the keys {@link #with} was given, in key order; both null for a
   * map made otherwise. They let {@link #changedKeysSince} answer for the map it was made from without a
   * walk over both.
   */
  private final WeakReference<SortedResourceMap> base;
  private final ResourceKey[] touched;

  private SortedResourceMap(ResourceKey[] keys, Resource[] values, int from, int to) {
    this(keys, values, from, to, null, null);
  }

  private SortedResourceMap(ResourceKey[] keys, Resource[] values, int from, int to,
      WeakReference<SortedResourceMap> base, ResourceKey[] touched) {
    this.keys = keys;
    this.values = values;
    this.from = from;
    this.to = to;
    this.base = base;
    this.touched = touched;
  }

  /**
   * The keys that may differ between {@code earlier} and this map, in key order, when this map was made
   * from {@code earlier} by {@link #with}: the keys it was given (a key given with the value it already
   * had is listed too). Null otherwise: the caller compares the two maps in full.
   */
  ResourceKey[] changedKeysSince(SortedResourceMap earlier) {
    return base != null && base.get() == earlier ? touched : null;
  }

  /** A copy of {@code m} in natural key order. */
  static SortedResourceMap copyOf(Map<ResourceKey, Resource> m) {
    if (m instanceof SortedResourceMap s) return s;
    int n = m.size();
    ResourceKey[] k = new ResourceKey[n];
    Resource[] v = new Resource[n];
    int i = 0;
    for (Map.Entry<ResourceKey, Resource> e : m.entrySet()) {
      k[i] = java.util.Objects.requireNonNull(e.getKey(), "key");
      v[i] = java.util.Objects.requireNonNull(e.getValue(), "value");
      i++;
    }
    boolean sorted = true;
    for (int j = 1; j < n && sorted; j++) sorted = k[j - 1].compareTo(k[j]) < 0;
    if (!sorted) {
      Integer[] order = new Integer[n];
      for (int j = 0; j < n; j++) order[j] = j;
      Arrays.sort(order, Comparator.comparing(j -> k[j]));
      ResourceKey[] k2 = new ResourceKey[n];
      Resource[] v2 = new Resource[n];
      for (int j = 0; j < n; j++) {
        k2[j] = k[order[j]];
        v2[j] = v[order[j]];
      }
      return new SortedResourceMap(k2, v2, 0, n);
    }
    return new SortedResourceMap(k, v, 0, n);
  }

  /**
   * This map with {@code changes} applied: a null value removes the key. {@code changes} must iterate in
   * key order (a TreeMap).
   */
  SortedResourceMap with(SortedMap<ResourceKey, Resource> changes) {
    if (changes.isEmpty()) return this;
    int n = to - from;
    ResourceKey[] k = new ResourceKey[n + changes.size()];
    Resource[] v = new Resource[k.length];
    int out = 0;
    int i = from;
    ResourceKey[] given = new ResourceKey[changes.size()];
    int g = 0;
    for (Map.Entry<ResourceKey, Resource> c : changes.entrySet()) {
      given[g++] = c.getKey();
      int at = search(c.getKey(), i, to);
      int end = at >= 0 ? at : -at - 1;
      System.arraycopy(keys, i, k, out, end - i);
      System.arraycopy(values, i, v, out, end - i);
      out += end - i;
      i = at >= 0 ? at + 1 : end;
      if (c.getValue() != null) {
        k[out] = c.getKey();
        v[out] = c.getValue();
        out++;
      }
    }
    System.arraycopy(keys, i, k, out, to - i);
    System.arraycopy(values, i, v, out, to - i);
    out += to - i;
    // a large change (such as the first read of a directory) would keep a large list for little gain:
    // walking both maps costs about as much as going through it
    if (given.length > out / 4) return new SortedResourceMap(k, v, 0, out);
    return new SortedResourceMap(k, v, 0, out, new WeakReference<>(this), given);
  }

  private int search(ResourceKey key, int lo, int hi) {
    hi--;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = keys[mid].compareTo(key);
      if (c < 0) lo = mid + 1;
      else if (c > 0) hi = mid - 1;
      else return mid;
    }
    return -(lo + 1);
  }

  /** First index in range whose key is >= {@code key}. */
  private int lowerBound(ResourceKey key) {
    int at = search(key, from, to);
    return at >= 0 ? at : -at - 1;
  }

  int size0() {
    return to - from;
  }

  ResourceKey keyAt(int i) {
    return keys[from + i];
  }

  Resource valueAt(int i) {
    return values[from + i];
  }

  @Override
  public int size() {
    return to - from;
  }

  @Override
  public boolean containsKey(Object key) {
    return key instanceof ResourceKey k && search(k, from, to) >= 0;
  }

  @Override
  public Resource get(Object key) {
    if (!(key instanceof ResourceKey k)) return null;
    int at = search(k, from, to);
    return at >= 0 ? values[at] : null;
  }

  @Override
  public Comparator<? super ResourceKey> comparator() {
    return null;
  }

  @Override
  public SortedResourceMap subMap(ResourceKey fromKey, ResourceKey toKey) {
    if (fromKey.compareTo(toKey) > 0) throw new IllegalArgumentException("fromKey > toKey");
    int a = lowerBound(fromKey);
    int b = lowerBound(toKey);
    return new SortedResourceMap(keys, values, a, Math.max(a, b));
  }

  @Override
  public SortedResourceMap headMap(ResourceKey toKey) {
    return new SortedResourceMap(keys, values, from, lowerBound(toKey));
  }

  @Override
  public SortedResourceMap tailMap(ResourceKey fromKey) {
    return new SortedResourceMap(keys, values, lowerBound(fromKey), to);
  }

  @Override
  public ResourceKey firstKey() {
    if (from == to) throw new NoSuchElementException();
    return keys[from];
  }

  @Override
  public ResourceKey lastKey() {
    if (from == to) throw new NoSuchElementException();
    return keys[to - 1];
  }

  @Override
  public Set<Entry<ResourceKey, Resource>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<ResourceKey, Resource>> iterator() {
        return new Iterator<>() {
          int i = from;

          @Override
          public boolean hasNext() {
            return i < to;
          }

          @Override
          public Entry<ResourceKey, Resource> next() {
            if (i >= to) throw new NoSuchElementException();
            Entry<ResourceKey, Resource> e = Map.entry(keys[i], values[i]);
            i++;
            return e;
          }
        };
      }

      @Override
      public int size() {
        return to - from;
      }
    };
  }

  @Override
  public boolean equals(Object o) {
    if (o == this) return true;
    if (o instanceof SortedResourceMap m) {
      if (m.size() != size()) return false;
      for (int i = 0, n = size(); i < n; i++) {
        if (!keys[from + i].equals(m.keys[m.from + i])) return false;
        Resource a = values[from + i];
        Resource b = m.values[m.from + i];
        if (a != b && !a.equals(b)) return false;
      }
      return true;
    }
    return super.equals(o);
  }

  @Override
  public int hashCode() {
    return super.hashCode();
  }
}
