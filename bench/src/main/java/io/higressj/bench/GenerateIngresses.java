package io.higressj.bench;

import io.higressj.testing.tls.CertificateGenerator;
import io.higressj.testing.tls.GeneratedCertificate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes a configuration directory of N generated Ingresses, each with its own Service and Endpoints,
 * the shape of a large multi-tenant cluster:
 *
 * <ul>
 *   <li>{@code wildcardHosts} wildcard hosts ({@code *.wK.example.com}) and {@code exactHosts} exact
 *       hosts ({@code hK.example.com}) with {@code pathsPerHost} paths each,
 *   <li>the rest as paths without a host (the catch-all virtual host),
 *   <li>one Ingress per path, paths mixed: a third {@code Exact}, the others {@code Prefix} of one or
 *       three segments; every path starts with the generation tag ({@code /v1/...}), so rewriting the
 *       directory with another tag changes every route;
 *   <li>Ingresses spread over {@code namespaces} namespaces, with increasing creation times.
 * </ul>
 *
 * <p>Layout {@code split} (default) is the standalone convention {@code <root>/<plural>/<name>.yaml}:
 * three files per Ingress. Layout {@code bundle} writes the three objects of an Ingress as one
 * three-document file {@code apps/<name>.yaml}. Files are written to a hidden temporary name and
 * renamed, as a configuration tool would, so that the gateway never reads half a file.
 *
 * <pre>
 * java -cp bench/target/higressj-bench.jar io.higressj.bench.GenerateIngresses --dir /tmp/cfg \
 *     [--ingresses 20000] [--paths-per-host 10] [--wildcard-hosts 10] [--catch-all 1000] \
 *     [--namespaces 20] [--upstream 127.0.0.1:9001] [--layout split|bundle] [--tag v1] [--tls false|true]
 * </pre>
 *
 * <p>With {@code --tls true} every Ingress with a host also has a TLS entry naming its host's Secret
 * ({@code secrets/tls-<host>.yaml}; in layout bundle in the file of the host's first Ingress), and the
 * Ingresses of a host share a namespace with it.
 */
public final class GenerateIngresses {
  /** What to generate. */
  public record Spec(int ingresses, int pathsPerHost, int wildcardHosts, int catchAll, int namespaces,
      String upstreamHost, int upstreamPort, Layout layout) {
    public Spec {
      if (ingresses < 1) throw new IllegalArgumentException("ingresses: " + ingresses + " (expected: > 0)");
      if (pathsPerHost < 1) throw new IllegalArgumentException("pathsPerHost: " + pathsPerHost + " (expected: > 0)");
      if (wildcardHosts < 0 || catchAll < 0) throw new IllegalArgumentException("wildcardHosts, catchAll: expected >= 0");
      if (namespaces < 1) throw new IllegalArgumentException("namespaces: " + namespaces + " (expected: > 0)");
    }

    /** 20,000 Ingresses: 10 wildcard hosts and 1,890 exact hosts with 10 paths each, 1,000 catch-all paths. */
    public static Spec defaults(int ingresses, int upstreamPort) {
      return new Spec(ingresses, 10, Math.min(10, ingresses / 200), Math.min(1000, ingresses / 20), 20,
          "127.0.0.1", upstreamPort, Layout.SPLIT);
    }

    public Spec withLayout(Layout l) {
      return new Spec(ingresses, pathsPerHost, wildcardHosts, catchAll, namespaces, upstreamHost, upstreamPort, l);
    }

    int wildcardItems() {
      return Math.min(ingresses, wildcardHosts * pathsPerHost);
    }

    int catchAllItems() {
      return Math.min(ingresses - wildcardItems(), catchAll);
    }

    public int exactHosts() {
      int rest = ingresses - wildcardItems() - catchAllItems();
      return (rest + pathsPerHost - 1) / pathsPerHost;
    }
  }

  public enum Layout { SPLIT, BUNDLE }

  /**
   * One generated Ingress.
   *
   * @param host the rule's host, null for the catch-all
   * @param requestHost a host name a request for this route carries
   */
  public record Item(int index, String namespace, String name, String service, String host, String requestHost,
      boolean exact, String basePath) {
    /** The path written in the Ingress for generation {@code tag}. */
    public String path(String tag) {
      return "/" + tag + basePath;
    }

    /** A request path that this route (and no other) answers in generation {@code tag}. */
    public String requestPath(String tag) {
      return exact ? path(tag) : path(tag) + "/r";
    }
  }

  private static final Instant BASE_TIME = Instant.parse("2024-01-01T00:00:00Z");

  private final Spec spec;
  /** the least number of digits of the numbers in host names and paths (0: as many as they need) */
  private final int digits;
  /** every Ingress with a host has a TLS entry naming its host's Secret (see {@link #secretYaml}) */
  private final boolean tls;
  private GeneratedCertificate certificate;

  public GenerateIngresses(Spec spec) {
    this(spec, 0);
  }

  public GenerateIngresses(Spec spec, int digits) {
    this(spec, digits, false);
  }

  /**
   * @param digits the least number of digits of the numbers in host names and paths, zero-padded: with
   *     the same width for every item, the names of a small set are as long as those of a large one
   */
  /**
   * @param tls whether every Ingress with a host has a TLS entry for it, naming a Secret of its host's own
   *     (one per host, as cert-manager makes them; the Ingresses of a host are then in one namespace)
   */
  public GenerateIngresses(Spec spec, int digits, boolean tls) {
    if (digits < 0 || digits > 9) throw new IllegalArgumentException("digits: " + digits + " (expected: 0 to 9)");
    this.spec = spec;
    this.digits = digits;
    this.tls = tls;
  }

  public boolean tls() {
    return tls;
  }

  public Spec spec() {
    return spec;
  }

  public Item item(int i) {
    if (i < 0 || i >= spec.ingresses()) throw new IndexOutOfBoundsException(i);
    int group = i % spec.namespaces(); // with TLS: the host's, so that a host's Ingresses share its Secret
    String name = String.format(Locale.ROOT, "ing-%05d", i);
    String service = String.format(Locale.ROOT, "svc-%05d", i);
    int p = spec.pathsPerHost();
    String host;
    String requestHost;
    int j;
    if (i < spec.wildcardItems()) {
      int k = i / p;
      j = i % p;
      host = "*.w" + number(k) + ".example.com";
      if (tls) group = k % spec.namespaces();
      requestHost = "a" + number(j) + ".w" + number(k) + ".example.com";
    } else if (i < spec.wildcardItems() + spec.catchAllItems()) {
      j = i - spec.wildcardItems();
      host = null;
      requestHost = "unknown.example.org";
    } else {
      int e = i - spec.wildcardItems() - spec.catchAllItems();
      j = e % p;
      host = "h" + number(e / p) + ".example.com";
      requestHost = host;
      if (tls) group = (spec.wildcardHosts() + e / p) % spec.namespaces();
    }
    String ns = String.format(Locale.ROOT, "ns-%02d", group);
    boolean exact = j % 3 == 0;
    String n = number(j);
    String basePath = exact ? "/e" + n + "/items" : j % 3 == 1 ? "/p" + n : "/p" + n + "/static/s" + n;
    return new Item(i, ns, name, service, host, requestHost, exact, basePath);
  }

  private String number(int n) {
    return digits == 0 ? Integer.toString(n) : String.format(Locale.ROOT, "%0" + digits + "d", n);
  }

  public String ingressYaml(int i, String tag) {
    Item it = item(i);
    String created = BASE_TIME.plusSeconds(i).toString();
    StringBuilder b = new StringBuilder(512);
    b.append("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n")
        .append("  name: ").append(it.name()).append('\n')
        .append("  namespace: ").append(it.namespace()).append('\n')
        .append("  creationTimestamp: \"").append(created).append("\"\n")
        .append("  labels:\n    app: ").append(it.service()).append('\n')
        .append("spec:\n  ingressClassName: higress\n  rules:\n");
    b.append(it.host() == null ? "  - http:\n" : "  - host: \"" + it.host() + "\"\n    http:\n");
    b.append("      paths:\n")
        .append("      - path: ").append(it.path(tag)).append('\n')
        .append("        pathType: ").append(it.exact() ? "Exact" : "Prefix").append('\n')
        .append("        backend:\n          service:\n")
        .append("            name: ").append(it.service()).append('\n')
        .append("            port:\n              number: 80\n");
    if (tls && it.host() != null) {
      b.append("  tls:\n  - hosts: [\"").append(it.host()).append("\"]\n    secretName: ").append(secretName(it)).append('\n');
    }
    return b.toString();
  }

  /** The Secret of the host of {@link Item} {@code it} (TLS only). */
  public static String secretName(Item it) {
    return "tls-" + it.host().replace("*", "wildcard").replace('.', '-');
  }

  /**
   * With TLS, for the first Ingress of each host, the host's Secret (kubernetes.io/tls); else null. Every
   * Secret holds the same self-signed certificate, made once per generator, under a name of its own: the
   * gateway keeps a TLS context per Secret, as it would for a certificate per host.
   */
  public String secretYaml(int i) {
    Item it = item(i);
    if (!tls || it.host() == null || !firstOfHost(i)) return null;
    if (certificate == null) {
      certificate = CertificateGenerator.selfSigned(List.of("example.com", "*.example.com"));
    }
    java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
    return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: " + secretName(it) + "\n  namespace: " + it.namespace()
        + "\ntype: kubernetes.io/tls\ndata:\n  tls.crt: " + b64.encodeToString(certificate.certPem().getBytes(StandardCharsets.US_ASCII))
        + "\n  tls.key: " + b64.encodeToString(certificate.keyPem().getBytes(StandardCharsets.US_ASCII)) + "\n";
  }

  /** Whether Ingress {@code i} is the first of its host (the one whose file holds the host's Secret in layout bundle). */
  private boolean firstOfHost(int i) {
    int p = spec.pathsPerHost();
    if (i < spec.wildcardItems()) return i % p == 0;
    int e = i - spec.wildcardItems() - spec.catchAllItems();
    return e >= 0 && e % p == 0;
  }

  public String serviceYaml(int i) {
    Item it = item(i);
    return "apiVersion: v1\nkind: Service\nmetadata:\n  name: " + it.service() + "\n  namespace: " + it.namespace()
        + "\n  labels:\n    app: " + it.service() + "\nspec:\n  ports:\n  - name: http\n    port: 80\n    targetPort: "
        + spec.upstreamPort() + "\n";
  }

  public String endpointsYaml(int i) {
    Item it = item(i);
    return "apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: " + it.service() + "\n  namespace: " + it.namespace()
        + "\nsubsets:\n- addresses:\n  - ip: " + spec.upstreamHost() + "\n  ports:\n  - name: http\n    port: "
        + spec.upstreamPort() + "\n";
  }

  /** The file holding Ingress {@code i} (in layout bundle also its Service and Endpoints). */
  public Path ingressFile(Path dir, int i) {
    Item it = item(i);
    return spec.layout() == Layout.BUNDLE ? dir.resolve("apps").resolve(it.name() + ".yaml")
        : dir.resolve("ingresses").resolve(it.name() + ".yaml");
  }

  /** Writes (or rewrites) the file of Ingress {@code i} for generation {@code tag}. */
  public void writeIngress(Path dir, int i, String tag) throws IOException {
    writeAtomically(ingressFile(dir, i), ingressFileText(i, tag));
  }

  /** What the file of Ingress {@code i} holds: the Ingress, and with the bundle layout its Service and Endpoints. */
  private String ingressFileText(int i, String tag) {
    if (spec.layout() != Layout.BUNDLE) return ingressYaml(i, tag);
    String secret = secretYaml(i);
    return ingressYaml(i, tag) + "---\n" + serviceYaml(i) + "---\n" + endpointsYaml(i) + (secret == null ? "" : "---\n" + secret);
  }

  /**
   * Rewrites the file of Ingress {@code i} as {@code sed -i} and many editors save: the new text goes to a
   * temporary file with a visible name ({@code sedXXXXXX}) in the same directory, renamed over the file.
   * The gateway sees the temporary file appear and vanish as well as the file change.
   */
  public void writeIngressLikeSed(Path dir, int i, String tag) throws IOException {
    Path file = ingressFile(dir, i);
    Path tmp = file.resolveSibling(String.format(Locale.ROOT, "sed%06d", Math.floorMod(tag.hashCode() * 31 + i, 1_000_000)));
    Files.write(tmp, ingressFileText(i, tag).getBytes(StandardCharsets.UTF_8));
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Writes every file; returns how many. */
  public int writeAll(Path dir, String tag) throws IOException {
    int files = 0;
    for (String sub : spec.layout() == Layout.BUNDLE ? List.of("apps") : tls ? List.of("ingresses", "services", "endpoints", "secrets")
        : List.of("ingresses", "services", "endpoints")) {
      Files.createDirectories(dir.resolve(sub));
    }
    for (int i = 0; i < spec.ingresses(); i++) {
      writeIngress(dir, i, tag);
      files++;
      if (spec.layout() == Layout.SPLIT) {
        String svc = item(i).service();
        writeAtomically(dir.resolve("services").resolve(svc + ".yaml"), serviceYaml(i));
        writeAtomically(dir.resolve("endpoints").resolve(svc + ".yaml"), endpointsYaml(i));
        files += 2;
        String secret = secretYaml(i);
        if (secret != null) {
          writeAtomically(dir.resolve("secrets").resolve(secretName(item(i)) + ".yaml"), secret);
          files++;
        }
      }
    }
    return files;
  }

  /** Rewrites every Ingress (only those files) for generation {@code tag}. */
  public void rewriteIngresses(Path dir, String tag) throws IOException {
    for (int i = 0; i < spec.ingresses(); i++) writeIngress(dir, i, tag);
  }

  static void writeAtomically(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.write(tmp, text.getBytes(StandardCharsets.UTF_8));
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  public static void main(String[] args) throws IOException {
    Path dir = null;
    int n = 20_000;
    Integer perHost = null;
    Integer wildcards = null;
    Integer catchAll = null;
    Integer namespaces = null;
    String upstream = "127.0.0.1:9001";
    Layout layout = Layout.SPLIT;
    String tag = "v1";
    boolean tls = false;
    List<String> rest = new ArrayList<>(List.of(args));
    while (!rest.isEmpty()) {
      String a = rest.remove(0);
      if (a.equals("-h") || a.equals("--help")) {
        System.out.println("usage: GenerateIngresses --dir DIR [--ingresses N] [--paths-per-host P] [--wildcard-hosts W]"
            + " [--catch-all C] [--namespaces K] [--upstream HOST:PORT] [--layout split|bundle] [--tag v1] [--tls false|true]");
        return;
      }
      if (rest.isEmpty()) throw new IllegalArgumentException(a + ": missing value");
      String v = rest.remove(0);
      switch (a) {
        case "--dir" -> dir = Path.of(v);
        case "--ingresses" -> n = Integer.parseInt(v);
        case "--paths-per-host" -> perHost = Integer.parseInt(v);
        case "--wildcard-hosts" -> wildcards = Integer.parseInt(v);
        case "--catch-all" -> catchAll = Integer.parseInt(v);
        case "--namespaces" -> namespaces = Integer.parseInt(v);
        case "--upstream" -> upstream = v;
        case "--layout" -> layout = Layout.valueOf(v.toUpperCase(Locale.ROOT));
        case "--tag" -> tag = v;
        case "--tls" -> tls = Boolean.parseBoolean(v);
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (dir == null) throw new IllegalArgumentException("--dir is required");
    int colon = upstream.lastIndexOf(':');
    Spec d = Spec.defaults(n, Integer.parseInt(upstream.substring(colon + 1)));
    Spec spec = new Spec(n, perHost != null ? perHost : d.pathsPerHost(), wildcards != null ? wildcards : d.wildcardHosts(),
        catchAll != null ? catchAll : d.catchAll(), namespaces != null ? namespaces : d.namespaces(),
        upstream.substring(0, colon), d.upstreamPort(), layout);
    long t0 = System.nanoTime();
    int files = new GenerateIngresses(spec, 0, tls).writeAll(dir, tag);
    System.out.printf(Locale.ROOT, "wrote %d Ingresses (%d exact hosts, %d wildcard hosts, %d catch-all paths) in %d files to %s"
        + " in %.1f s%n", n, spec.exactHosts(), spec.wildcardHosts(), spec.catchAllItems(), files, dir,
        (System.nanoTime() - t0) / 1e9);
  }
}
