package io.higressj.config.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Lookups in {@link SortedResourceMap} (binary search over its arrays): on a whole map, on a map made by
 * {@code with} (and on the map it was made from, which must not change), on a sub-map (a view on part of
 * the arrays), and from several threads at once, always with equal copies of the keys, never the same
 * instances.
 */
class SortedResourceMapTest {
  private static final String[] KINDS = {"Endpoints", "Ingress", "Service"};

  private static ResourceKey key(int kind, int ns, int i) {
    return new ResourceKey(kind == 1 ? "networking.k8s.io" : "", KINDS[kind], "ns-" + ns, "obj-" + i);
  }

  private static Resource resource(ResourceKey k) {
    return new Resource(k, "v1", JsonNodeFactory.instance.objectNode().put("name", k.name()), "test");
  }

  private static TreeMap<ResourceKey, Resource> objects(int perKind) {
    TreeMap<ResourceKey, Resource> m = new TreeMap<>();
    for (int kind = 0; kind < KINDS.length; kind++) {
      for (int i = 0; i < perKind; i++) {
        ResourceKey k = key(kind, i % 7, i);
        m.put(k, resource(k));
      }
    }
    return m;
  }

  /** Every key (as an equal copy, not the same instance) and some absent ones, in random order, many times. */
  private static void checkAll(SortedResourceMap map, TreeMap<ResourceKey, Resource> expected, long seed) {
    List<ResourceKey> probes = new ArrayList<>();
    for (ResourceKey k : expected.keySet()) probes.add(new ResourceKey(k.group(), k.kind(), k.namespace(), k.name()));
    for (int i = 0; i < 500; i++) probes.add(key(i % 3, 99, i)); // no such namespace
    probes.add(new ResourceKey("", "Nothing", "", ""));
    Collections.shuffle(probes, new Random(seed));
    for (int round = 0; round < 3; round++) {
      for (ResourceKey k : probes) {
        Resource want = expected.get(k);
        if (want == null) {
          assertNull(map.get(k), k.toString());
          assertFalse(map.containsKey(k), k.toString());
        } else {
          assertSame(want, map.get(k), k.toString());
          assertTrue(map.containsKey(k), k.toString());
        }
      }
    }
  }

  @Test
  void lookupsAnswerAsTheTreeDoes() {
    TreeMap<ResourceKey, Resource> all = objects(2_000);
    SortedResourceMap map = SortedResourceMap.copyOf(all);
    checkAll(map, all, 1);
    assertNull(map.get("not a key"));
  }

  @Test
  void aMapMadeByWithHasItsOwnAnswers() {
    TreeMap<ResourceKey, Resource> all = objects(1_000);
    SortedResourceMap before = SortedResourceMap.copyOf(all);
    checkAll(before, all, 2);
    TreeMap<ResourceKey, Resource> changes = new TreeMap<>();
    TreeMap<ResourceKey, Resource> after = new TreeMap<>(all);
    int n = 0;
    for (ResourceKey k : all.keySet()) {
      if (n++ % 5 == 0) {
        changes.put(k, null); // removed
        after.remove(k);
      }
    }
    for (int i = 0; i < 300; i++) {
      ResourceKey k = key(i % 3, 50, i); // added
      Resource r = resource(k);
      changes.put(k, r);
      after.put(k, r);
    }
    SortedResourceMap changed = before.with(changes);
    checkAll(changed, after, 3);
    checkAll(before, all, 4); // the earlier map still answers as it did
  }

  @Test
  void subMapsLookUpOnlyTheirRange() {
    TreeMap<ResourceKey, Resource> all = objects(1_500);
    SortedResourceMap map = SortedResourceMap.copyOf(all);
    ResourceKey lo = new ResourceKey("", "Ingress", "", "");
    ResourceKey hi = new ResourceKey("", "Ingress\0", "", "");
    SortedResourceMap ingresses = map.subMap(lo, hi);
    TreeMap<ResourceKey, Resource> expected = new TreeMap<>(all.subMap(lo, hi));
    assertEquals(1_500, expected.size());
    checkAll(ingresses, expected, 5); // Services and Endpoints are outside the view: absent
  }

  @Test
  void threadsLookingUpAtOnceAllGetTheRightAnswers() throws Exception {
    TreeMap<ResourceKey, Resource> all = objects(3_000);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 5; round++) {
        SortedResourceMap map = SortedResourceMap.copyOf(all);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          long seed = round * 10L + t;
          done.add(pool.submit(() -> checkAll(map, all, seed)));
        }
        for (Future<?> f : done) f.get();
      }
    } finally {
      pool.shutdown();
    }
  }
}
