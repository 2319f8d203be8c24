package io.higressj.server;

import io.higressj.config.ingress.IngressTranslator;
import io.higressj.config.model.Snapshot;
import io.higressj.config.model.SnapshotHolder;
import io.higressj.config.resource.Problem;
import io.higressj.config.resource.Resource;
import io.higressj.config.resource.ResourceSet;
import io.higressj.proxy.tls.ServerCertificates;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Turns each resource set from the config source into a published snapshot. An object that was
 * valid and becomes invalid is reported and its last good version keeps serving, so a bad edit never
 * takes working routes away. Problems are logged once, when they first appear.
 */
final class ConfigApplier implements Consumer<ResourceSet> {
  private static final System.Logger LOG = System.getLogger("io.higressj.config");

  private final SnapshotHolder holder;
  private final ServerCertificates certificates;
  private final IngressTranslator.Options options;
  /** by Resource.describe(): the last version of each object that translated without errors */
  private final Map<String, Resource> lastGood = new HashMap<>();
  private Set<String> reported = Set.of();
  private volatile boolean applied;

  ConfigApplier(SnapshotHolder holder, ServerCertificates certificates, String ingressClass) {
    this.holder = holder;
    this.certificates = certificates;
    this.options = new IngressTranslator.Options(ingressClass, false);
  }

  boolean applied() {
    return applied;
  }

  @Override
  public synchronized void accept(ResourceSet set) {
    long t0 = System.nanoTime();
    Snapshot first = IngressTranslator.translate(set, options);
    Set<String> rejected = new HashSet<>();
    for (Problem p : first.problems()) {
      if (p.severity() == Problem.Severity.ERROR && !p.object().isEmpty()) rejected.add(p.object());
    }
    Snapshot snapshot = first;
    List<Problem> extra = new ArrayList<>();
    if (!rejected.isEmpty()) {
      List<Resource> substituted = new ArrayList<>();
      boolean changed = false;
      for (Resource r : set.resources().values()) {
        Resource good = rejected.contains(r.describe()) ? lastGood.get(r.describe()) : null;
        if (good != null) {
          substituted.add(good);
          changed = true;
          extra.add(new Problem(r.origin(), r.describe(), "", "still serving its last good version", Problem.Severity.WARNING));
        } else {
          substituted.add(r);
        }
      }
      if (changed) {
        Snapshot second = IngressTranslator.translate(ResourceSet.of(substituted, set.problems()), options);
        // report the first pass's errors (what is wrong with the files) plus the fallback notes
        List<Problem> problems = new ArrayList<>(first.problems());
        problems.addAll(extra);
        snapshot = new Snapshot(0, second.created(), second.routes(), second.clusters(), second.tls(), problems);
      }
    }
    Map<String, Resource> present = new HashMap<>();
    for (Resource r : set.resources().values()) present.put(r.describe(), r);
    lastGood.keySet().retainAll(present.keySet());
    for (Resource r : present.values()) {
      if (!rejected.contains(r.describe())) lastGood.put(r.describe(), r);
    }

    List<Problem> problems = new ArrayList<>(snapshot.problems());
    for (String err : certificates.prepare(snapshot.tls())) {
      problems.add(new Problem("", "", "", err, Problem.Severity.ERROR));
    }
    snapshot = new Snapshot(0, Instant.now(), snapshot.routes(), snapshot.clusters(), snapshot.tls(), problems);
    Snapshot published = holder.publish(snapshot);
    applied = true;

    Set<String> now = new LinkedHashSet<>();
    for (Problem p : problems) now.add(p.toString());
    for (String line : now) {
      if (!reported.contains(line)) LOG.log(System.Logger.Level.WARNING, line);
    }
    reported = now;
    long micros = (System.nanoTime() - t0) / 1000;
    int routes = published.routes().virtualHosts().stream().mapToInt(v -> v.routes().size()).sum();
    LOG.log(System.Logger.Level.INFO, "config version " + published.version() + " applied in " + micros / 1000.0
        + " ms: " + routes + " routes, " + published.clusters().size() + " clusters, " + problems.size() + " problems");
  }
}
