package io.higressj.bench;

import io.higressj.config.ingress.IngressTranslator;
import io.higressj.config.model.Snapshot;
import io.higressj.config.resource.Resource;
import io.higressj.config.resource.ResourceKey;
import io.higressj.config.resource.ResourceSet;
import io.higressj.config.source.YamlResources;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Translation of {@code ingresses} generated Ingresses (each with its Service and Endpoints):
 *
 * <ul>
 *   <li>{@code full}: a fresh translation of the whole set, as at start;
 *   <li>{@code oneIngressChanged}: an incremental translator given the set with one Ingress changed
 *       (alternately two versions of a random Ingress's path), as after one file write;
 *   <li>{@code parseIngress}: reading one Ingress file's text (the fast block-style reader).
 * </ul>
 *
 * <p>With {@code tls=true} every Ingress with a host also has a TLS entry for it, naming the host's
 * Secret ({@link GenerateIngresses} with TLS: 1,900 certificates), as a cluster whose hosts all serve
 * HTTPS has; the Ingress changed is then most likely one of those.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-XX:+UseParallelGC"})
public class TranslateBenchmark {
  @Param({"20000"})
  public int ingresses;

  @Param({"false"})
  public boolean tls;

  private GenerateIngresses gen;
  private ResourceSet set;
  private IngressTranslator incremental;
  private ResourceSet[][] variants;
  private String ingressText;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    gen = new GenerateIngresses(GenerateIngresses.Spec.defaults(ingresses, 9001), 0, tls);
    set = InMemoryConfig.resources(gen, "v1");
    incremental = new IngressTranslator(IngressTranslator.Options.defaults());
    incremental.update(set);
    // 64 random Ingresses, each with two versions that differ in the path
    variants = new ResourceSet[64][2];
    java.util.Random rnd = new java.util.Random(5);
    for (int k = 0; k < variants.length; k++) {
      int i = rnd.nextInt(ingresses);
      for (int v = 0; v < 2; v++) {
        Resource r = InMemoryConfig.ingress(gen, i, v == 0 ? "a" : "b");
        TreeMap<ResourceKey, Resource> change = new TreeMap<>();
        change.put(r.key(), r);
        variants[k][v] = set.with(change, List.of());
      }
    }
    ingressText = gen.ingressYaml(ingresses / 2, "v1");
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 5)
  @Measurement(iterations = 10)
  public Snapshot full() {
    return IngressTranslator.translate(set, IngressTranslator.Options.defaults());
  }

  @Benchmark
  public Snapshot oneIngressChanged() {
    int k = next++;
    // each step changes one Ingress against the previous step's set
    return incremental.update(variants[(k >> 1) & 63][k & 1]);
  }

  @Benchmark
  public YamlResources.Parsed parseIngress() {
    return YamlResources.parse(ingressText, "ingress.yaml");
  }
}
