package io.higressj.bench;

import io.higressj.config.ingress.IngressTranslator;
import io.higressj.config.model.PathMatch;
import io.higressj.config.model.Route;
import io.higressj.config.model.RouteTable;
import io.higressj.config.model.Snapshot;
import io.higressj.config.model.VirtualHost;
import java.util.List;
import java.util.Random;
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
 * What the data plane does per request to find its route: {@code select(host)} then {@code
 * match(path)}, on a table compiled by the Ingress translator from {@link GenerateIngresses} objects.
 *
 * <ul>
 *   <li>{@code routes}: 10 (one host with 10 paths) or 20,000;
 *   <li>{@code shape}: {@code hosts} spreads the routes as the generator does (10 paths per host, some
 *       wildcard hosts, catch-all paths); {@code flat} puts every route in the catch-all host, the worst
 *       case for a per-host matcher;
 *   <li>{@code hits}: requests that find their route; {@code misses}: known hosts with unknown paths and
 *       unknown hosts (404);
 *   <li>{@code digits}: the numbers in host names and paths are zero-padded to this width, so that the
 *       10-route set has names as long as the 20,000-route one ({@code h00000.example.com}, {@code
 *       /v1/p00002/static/s00002}) and the two differ in the number of routes only; with {@code 0} the
 *       numbers take the digits they need ({@code h0.example.com} at 10 routes, {@code h1889...} and
 *       {@code /v1/p19999/static/s19999} at 20,000), as in figures measured before the parameter existed.
 * </ul>
 *
 * <p>Both sizes cycle through the same number of requests (1,024, drawn at random from every route of
 * the set); each request is a distinct {@code String}, as a request brings it. {@code String} keeps its
 * hash code once computed, so after the first round the host's hash is not computed again, for either
 * size alike; the path is scanned on every match. The set-up ends with a garbage collection, so that
 * the table is measured as a running gateway holds it (see {@link #setUp}).
 *
 * {@code linearScan} is the same lookup as a scan of the host's ordered routes, for comparison.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class RouteMatchBenchmark {
  @Param({"10", "20000"})
  public int routes;

  @Param({"hosts", "flat"})
  public String shape;

  @Param({"hits", "misses"})
  public String requests;

  @Param({"5"})
  public int digits;

  private static final int MASK = 1023;
  private RouteTable table;
  private String[] hosts;
  private String[] paths;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    int n = routes;
    GenerateIngresses.Spec spec = n <= 10
        ? new GenerateIngresses.Spec(n, 10, 0, shape.equals("flat") ? n : 0, 1, "127.0.0.1", 9001, GenerateIngresses.Layout.SPLIT)
        : shape.equals("flat")
            ? new GenerateIngresses.Spec(n, 10, 0, n, 20, "127.0.0.1", 9001, GenerateIngresses.Layout.SPLIT)
            : GenerateIngresses.Spec.defaults(n, 9001);
    GenerateIngresses gen = new GenerateIngresses(spec, digits);
    Snapshot s = IngressTranslator.translate(InMemoryConfig.resources(gen, "v1"), IngressTranslator.Options.defaults());
    int total = s.routes().routeCount();
    if (total != n) throw new IllegalStateException("expected " + n + " routes, got " + total);
    table = s.routes();
    hosts = new String[MASK + 1];
    paths = new String[MASK + 1];
    Random rnd = new Random(42);
    boolean hits = requests.equals("hits");
    for (int k = 0; k <= MASK; k++) {
      GenerateIngresses.Item it = gen.item(rnd.nextInt(n));
      // a String of its own for each request, as a request brings it
      if (hits) {
        hosts[k] = new String(it.requestHost().toCharArray());
        paths[k] = new String(it.requestPath("v1").toCharArray());
      } else {
        hosts[k] = k % 2 == 0 ? new String(it.requestHost().toCharArray()) : "nowhere" + k + ".example.net";
        paths[k] = new String(("/v1/missing/" + k + it.requestPath("v1")).toCharArray());
      }
      VirtualHost vh = table.select(hosts[k]);
      Route r = vh == null ? null : vh.match(paths[k]);
      if (hits != (r != null)) throw new IllegalStateException(hosts[k] + paths[k] + " -> " + r);
      if (r != scan(vh, paths[k])) throw new IllegalStateException("compiled and scan differ for " + hosts[k] + paths[k]);
    }
    // The table was allocated among the garbage of translating 20,000 objects; a gateway's table has been
    // moved by the collector long before most of its requests, which puts it together without that
    // garbage in between. Collect once here, so that both sizes are measured in that state rather than
    // in whatever order the translation left (which made runs differ by up to a half at 20,000 routes).
    System.gc();
  }

  @Benchmark
  public Route compiled() {
    int k = next++ & MASK;
    VirtualHost vh = table.select(hosts[k]);
    return vh == null ? null : vh.match(paths[k]);
  }

  @Benchmark
  public Route linearScan() {
    int k = next++ & MASK;
    return scan(table.select(hosts[k]), paths[k]);
  }

  private static Route scan(VirtualHost vh, String path) {
    if (vh == null) return null;
    List<Route> rs = vh.routes();
    for (int i = 0, n = rs.size(); i < n; i++) {
      Route r = rs.get(i);
      PathMatch m = r.path();
      if (m.matches(path)) return r;
    }
    return null;
  }

}
