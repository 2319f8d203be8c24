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
 * Secret, as a cluster whose hosts all serve HTTPS has; the Ingress changed is then most likely one of those.
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
    GenerateIngresses.Spec spec = GenerateIngresses.Spec.defaults(ingresses, 9001);
    // with TLS, each host's Ingresses in one namespace, beside the host's Secret
    gen = new GenerateIngresses(tls ? new GenerateIngresses.Spec(spec.ingresses(), spec.pathsPerHost(), spec.wildcardHosts(),
        spec.catchAll(), 1, spec.upstreamHost(), spec.upstreamPort(), spec.layout()) : spec);
    set = tls ? withTls(gen, "v1") : InMemoryConfig.resources(gen, "v1");
    incremental = new IngressTranslator(IngressTranslator.Options.defaults());
    incremental.update(set);
    // 64 random Ingresses, each with two versions that differ in the path
    variants = new ResourceSet[64][2];
    java.util.Random rnd = new java.util.Random(5);
    for (int k = 0; k < variants.length; k++) {
      int i = rnd.nextInt(ingresses);
      for (int v = 0; v < 2; v++) {
        Resource r = tls ? tlsIngress(gen, i, v == 0 ? "a" : "b") : InMemoryConfig.ingress(gen, i, v == 0 ? "a" : "b");
        TreeMap<ResourceKey, Resource> change = new TreeMap<>();
        change.put(r.key(), r);
        variants[k][v] = set.with(change, List.of());
      }
    }
    ingressText = gen.ingressYaml(ingresses / 2, "v1");
  }

  /**
   * The generated set with a TLS entry in every Ingress that has a host, naming a Secret of that host's
   * own (as cert-manager makes them: about 1,900 certificates for 20,000 Ingresses).
   */
  static ResourceSet withTls(GenerateIngresses gen, String tag) {
    TreeMap<ResourceKey, Resource> changes = new TreeMap<>();
    for (int i = 0; i < gen.spec().ingresses(); i++) {
      GenerateIngresses.Item it = gen.item(i);
      Resource r = tlsIngress(gen, i, tag);
      changes.put(r.key(), r);
      if (it.host() == null) continue;
      String pem = java.util.Base64.getEncoder().encodeToString(("-----BEGIN CERTIFICATE-----\n" + it.host() + "A".repeat(600)
          + "\n-----END CERTIFICATE-----\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: " + secretOf(it) + ", namespace: " + it.namespace()
          + "}\ntype: kubernetes.io/tls\ndata:\n  tls.crt: " + pem + "\n  tls.key: " + pem + "\n";
      Resource s = YamlResources.parse(secret, "secret-" + i).resources().get(0);
      changes.put(s.key(), s);
    }
    return InMemoryConfig.resources(gen, tag).with(changes, List.of());
  }

  private static String secretOf(GenerateIngresses.Item it) {
    return "tls-" + it.host().replace("*", "wildcard").replace('.', '-');
  }

  static Resource tlsIngress(GenerateIngresses gen, int i, String tag) {
    GenerateIngresses.Item it = gen.item(i);
    String yaml = gen.ingressYaml(i, tag);
    if (it.host() != null) yaml += "  tls:\n  - hosts: [\"" + it.host() + "\"]\n    secretName: " + secretOf(it) + "\n";
    return YamlResources.parse(yaml, "ingress-" + i).resources().get(0);
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
