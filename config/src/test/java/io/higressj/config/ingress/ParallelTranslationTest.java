package io.higressj.config.ingress;

import static io.higressj.config.ingress.IncrementalTranslationTest.assertSame;
import static io.higressj.config.ingress.IncrementalTranslationTest.backend;
import static io.higressj.config.ingress.IncrementalTranslationTest.parseOne;
import static io.higressj.config.ingress.IncrementalTranslationTest.rules;
import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.config.model.Snapshot;
import io.higressj.config.resource.Resource;
import io.higressj.config.resource.ResourceKey;
import io.higressj.config.resource.ResourceSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * A large change (more Ingresses and hosts than {@link ParallelWork#MIN_ITEMS}) is checked and built on
 * several threads; the snapshot must be exactly the one the same objects give when they arrive a few at
 * a time (each step small enough to stay on one thread).
 */
class ParallelTranslationTest {
  /** An Ingress on one of {@code hosts} generated hosts (or a shared one), with canaries and defaults now and then. */
  private static Resource ingress(Random rnd, int i, int hosts) {
    StringBuilder b = new StringBuilder("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n");
    b.append("  name: ing").append(i).append("\n  namespace: ").append(i % 2 == 0 ? "default" : "other").append('\n');
    if (rnd.nextInt(4) > 0) {
      b.append("  creationTimestamp: \"2024-01-0").append(1 + rnd.nextInt(3)).append("T00:00:00Z\"\n");
    }
    switch (rnd.nextInt(10)) {
      case 0 -> b.append("  annotations: {nginx.ingress.kubernetes.io/canary: \"true\", "
          + "nginx.ingress.kubernetes.io/canary-weight: \"").append(rnd.nextInt(100)).append("\"}\n");
      case 1 -> b.append("  annotations: {nginx.ingress.kubernetes.io/canary: \"true\", "
          + "nginx.ingress.kubernetes.io/canary-by-header: x-canary}\n");
      case 2 -> b.append("  annotations: {nginx.ingress.kubernetes.io/backend-protocol: ")
          .append(rnd.nextBoolean() ? "GRPC" : "HTTPS").append("}\n");
      case 3 -> b.append("  annotations: {nginx.ingress.kubernetes.io/use-regex: \"true\"}\n");
      default -> { }
    }
    b.append("spec:\n");
    if (rnd.nextInt(8) == 0) b.append("  defaultBackend: ").append(backend(rnd)).append('\n');
    rules(b, rnd, r -> r.nextInt(10) == 0 ? "" : "h" + r.nextInt(hosts) + ".example.com");
    return parseOne(b.toString());
  }

  @RepeatedTest(2)
  void aLargeSetTranslatesAsWhenItArrivesAFewObjectsAtATime(RepetitionInfo info) {
    Random rnd = new Random(info.getCurrentRepetition() * 7919L);
    TreeMap<ResourceKey, Resource> objects = new TreeMap<>();
    // the small generator's Services (s1, s2, s3, ext), Endpoints, slices and Secrets: every host shares them
    for (int i = 0; i < 40; i++) {
      Resource r = IncrementalTranslationTest.randomObject(rnd);
      if (!r.key().kind().equals("Ingress")) objects.put(r.key(), r);
    }
    for (int i = 0; i < 1_000; i++) {
      Resource r = ingress(rnd, i, 400);
      objects.put(r.key(), r);
    }
    ResourceSet all = new ResourceSet(objects, List.of());
    IngressTranslator.Options options = IngressTranslator.Options.defaults();
    Snapshot atOnce = IngressTranslator.translate(all, options);
    assertThat(atOnce.routes().virtualHosts()).hasSizeGreaterThan(ParallelWork.MIN_ITEMS);

    IngressTranslator stepwise = new IngressTranslator(options);
    ResourceSet set = ResourceSet.empty();
    List<ResourceKey> keys = new ArrayList<>(objects.keySet());
    java.util.Collections.shuffle(keys, rnd);
    Snapshot last = stepwise.update(set);
    for (int from = 0; from < keys.size(); from += 100) {
      TreeMap<ResourceKey, Resource> step = new TreeMap<>();
      for (ResourceKey k : keys.subList(from, Math.min(keys.size(), from + 100))) step.put(k, objects.get(k));
      set = set.with(step, List.of());
      last = stepwise.update(set);
    }
    assertSame(last, atOnce, "1,000 Ingresses at once vs 100 objects at a time");
    // and a second large change on the same translator: every Ingress rewritten
    TreeMap<ResourceKey, Resource> rewrite = new TreeMap<>();
    for (int i = 0; i < 1_000; i++) {
      Resource r = ingress(rnd, i, 400);
      rewrite.put(r.key(), r);
    }
    ResourceSet rewritten = all.with(rewrite, List.of());
    IngressTranslator incremental = new IngressTranslator(options);
    incremental.update(all);
    assertSame(incremental.update(rewritten), IngressTranslator.translate(rewritten, options), "every Ingress rewritten");
  }

  @Test
  void largeWorkRunsOnMoreThanOneThreadAndKeepsTheOrder() {
    org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.getRuntime().availableProcessors() > 1,
        "one core: the work stays on the caller's thread");
    Set<String> threads = ConcurrentHashMap.newKeySet();
    List<Integer> items = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) items.add(i);
    List<Integer> out = ParallelWork.map(items, i -> {
      threads.add(Thread.currentThread().getName());
      if (i % 100 == 0) {
        try {
          Thread.sleep(2); // long enough for a second thread to take a chunk
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return i * 2;
    });
    for (int i = 0; i < items.size(); i++) assertThat(out.get(i)).isEqualTo(2 * i);
    assertThat(threads).hasSizeGreaterThan(1);
  }

  @Test
  void smallWorkStaysOnTheCallersThread() {
    Set<String> threads = ConcurrentHashMap.newKeySet();
    List<Integer> items = new ArrayList<>();
    for (int i = 0; i < ParallelWork.MIN_ITEMS - 1; i++) items.add(i);
    ParallelWork.map(items, i -> threads.add(Thread.currentThread().getName()));
    assertThat(threads).containsExactly(Thread.currentThread().getName());
  }
}
