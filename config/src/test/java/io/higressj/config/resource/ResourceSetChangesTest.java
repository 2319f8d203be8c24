package io.higressj.config.resource;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link ResourceSet#changesSince}: for a set made from the earlier one by {@link ResourceSet#with} it
 * looks up only the keys that were given, and must answer exactly as the full comparison of both sets
 * does (which a set built from a copy of the same objects gets), whatever the change: additions,
 * removals, replacements, a key given with the value it already had, removals of absent keys.
 */
class ResourceSetChangesTest {
  private static Resource resource(ResourceKey k, int version) {
    return new Resource(k, "v1", JsonNodeFactory.instance.objectNode().put("v", version), "test");
  }

  private static ResourceKey key(Random rnd) {
    return new ResourceKey("", rnd.nextBoolean() ? "Service" : "Endpoints", "ns-" + rnd.nextInt(3), "o-" + rnd.nextInt(400));
  }

  /** A set of {@code n} objects with random keys (fewer if keys repeat), made from the empty set. */
  private static ResourceSet randomSet(Random rnd, int n) {
    TreeMap<ResourceKey, Resource> objects = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      ResourceKey k = key(rnd);
      objects.put(k, resource(k, 0));
    }
    return ResourceSet.empty().with(objects, List.of());
  }

  /** The same objects in a set made afresh: it has no record of a set it was made from. */
  private static ResourceSet copy(ResourceSet s) {
    return new ResourceSet(new TreeMap<>(s.resources()), s.problems());
  }

  @Test
  void aSetMadeWithChangesListsWhatAFullComparisonLists() {
    Random rnd = new Random(7);
    ResourceSet set = randomSet(rnd, 600);
    for (int round = 1; round <= 300; round++) {
      TreeMap<ResourceKey, Resource> changes = new TreeMap<>();
      List<ResourceKey> present = new ArrayList<>(set.resources().keySet());
      int n = 1 + rnd.nextInt(round % 10 == 0 ? 60 : 5);
      for (int c = 0; c < n; c++) {
        switch (rnd.nextInt(4)) {
          case 0 -> { // added or replaced
            ResourceKey k = key(rnd);
            changes.put(k, resource(k, round));
          }
          case 1 -> changes.put(present.get(rnd.nextInt(present.size())), null); // removed
          case 2 -> changes.put(key(rnd), null); // removed, perhaps absent already
          default -> { // given again as it is: not a change
            ResourceKey k = present.get(rnd.nextInt(present.size()));
            changes.put(k, set.resources().get(k));
          }
        }
      }
      ResourceSet next = set.with(changes, List.of());
      List<ResourceSet.Change> fast = next.changesSince(set);
      List<ResourceSet.Change> full = copy(next).changesSince(set);
      assertThat(fast).as("round %d", round).isEqualTo(full);
      for (ResourceSet.Change c : fast) assertThat(c.before()).isNotSameAs(c.after());
      if (n <= 5) {
        assertThat(((SortedResourceMap) next.resources()).changedKeysSince((SortedResourceMap) set.resources()))
            .as("a small change is answered from the keys given").isNotNull();
      }
      set = next;
    }
  }

  @Test
  void aSetTwoStepsAwayOrMadeAfreshIsComparedInFull() {
    ResourceSet a = randomSet(new Random(11), 200);
    ResourceKey k1 = a.resources().firstKey();
    ResourceKey k2 = a.resources().lastKey();
    ResourceSet b = a.with(new TreeMap<>(java.util.Map.of(k1, resource(k1, 1))), List.of());
    ResourceSet c = b.with(new TreeMap<>(java.util.Map.of(k2, resource(k2, 2))), List.of());

    // c was made from b, not from a: both changes are found
    assertThat(c.changesSince(a)).extracting(ResourceSet.Change::key).containsExactly(k1, k2);
    assertThat(c.changesSince(b)).extracting(ResourceSet.Change::key).containsExactly(k2);
    // backwards, and against an equal set that was made afresh
    assertThat(a.changesSince(c)).extracting(ResourceSet.Change::key).containsExactly(k1, k2);
    assertThat(c.changesSince(copy(c))).isEmpty();
    assertThat(c.changesSince(c)).isEmpty();
    // a set whose problems changed but not its objects shares its map
    assertThat(c.with(new TreeMap<>(), List.of()).changesSince(c)).isEmpty();
  }
}
