package io.higressj.bench;

import io.higressj.api.HttpFilter;
import io.higressj.api.PluginFactory;
import io.higressj.config.ingress.IngressTranslator;
import io.higressj.config.plugin.PluginRegistry;
import io.higressj.config.plugin.WasmPluginTranslator;
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
 *   <li>{@code parseIngress}: reading one Ingress file's text (the fast block-style reader);
 *   <li>{@code pluginsAfterOneIngressChanged}: a WasmPlugin translator (one plugin with a default
 *       configuration, a domain rule and a service rule) given the tables after one changed Ingress, as
 *       the gateway does after each translation when any WasmPlugin exists.
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
  private WasmPluginTranslator plugins;
  private ResourceSet[][] pluginVariants;
  private Snapshot[][] pluginSnapshots;
  private int nextPlugin;

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

    // the same changes with a WasmPlugin in the set, translated once here: the benchmark times the plugins' part
    Resource wasm = YamlResources.parse("""
        apiVersion: extensions.higress.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: bench, namespace: higress-system}
        spec:
          url: oci://example/bench:1
          defaultConfig: {level: global}
          matchRules:
          - domain: [h5.example.com]
            config: {level: domain}
          - service: [svc-00007.ns-07.svc.cluster.local]
            config: {level: service}
        """, "wasm.yaml").resources().get(0);
    TreeMap<ResourceKey, Resource> add = new TreeMap<>();
    add.put(wasm.key(), wasm);
    ResourceSet withPlugin = set.with(add, List.of());
    IngressTranslator routes = new IngressTranslator(IngressTranslator.Options.defaults());
    plugins = new WasmPluginTranslator(PluginRegistry.of(java.util.Map.of("bench", new NoopPlugin())));
    plugins.translate(withPlugin, routes.update(withPlugin).routes());
    pluginVariants = new ResourceSet[64][2];
    pluginSnapshots = new Snapshot[64][2];
    ResourceSet current = withPlugin;
    for (int k = 0; k < 64; k++) {
      for (int v = 0; v < 2; v++) {
        Resource r = variants[k][v].resources().get(variants[k][v].changesSince(set).get(0).key());
        TreeMap<ResourceKey, Resource> change = new TreeMap<>();
        change.put(r.key(), r);
        current = current.with(change, List.of());
        pluginVariants[k][v] = current;
        pluginSnapshots[k][v] = routes.update(current);
      }
    }
  }

  /** A plugin that parses nothing and does nothing: the translation of the rules is what is measured. */
  static final class NoopPlugin implements PluginFactory<java.util.Map<String, Object>> {
    @Override
    public String name() {
      return "bench";
    }

    @Override
    public java.util.Map<String, Object> parseConfig(java.util.Map<String, Object> config) {
      return config;
    }

    @Override
    public HttpFilter create(java.util.Map<String, Object> config) {
      return new HttpFilter() {};
    }
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

  /** The plugins' part of a change: consecutive calls see the route tables of consecutive changes. */
  @Benchmark
  public WasmPluginTranslator.Result pluginsAfterOneIngressChanged() {
    int k = nextPlugin++;
    int i = (k >> 1) & 63;
    int v = k & 1;
    return plugins.translate(pluginVariants[i][v], pluginSnapshots[i][v].routes());
  }

  @Benchmark
  public YamlResources.Parsed parseIngress() {
    return YamlResources.parse(ingressText, "ingress.yaml");
  }
}
