package io.higressj.config.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.config.model.Snapshot;
import io.higressj.config.model.SnapshotDump;
import io.higressj.config.resource.Problem;
import io.higressj.config.resource.Resource;
import io.higressj.config.resource.ResourceKey;
import io.higressj.config.resource.ResourceSet;
import io.higressj.config.source.YamlResources;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * An incremental translator, fed a sequence of sets that differ by a few objects, gives after each one
 * exactly what a fresh translation of that set gives: routes, clusters, TLS and problems in order.
 */
class IncrementalTranslationTest {
  private static final String[] HOSTS = {"a.example.com", "b.example.com", "*.example.com", "*.x.example.com", "",
      "c.example.com"};
  private static final String[] PATHS = {"/", "/a", "/a/b", "/api", "/a/", "/b"};
  private static final String[] SERVICES = {"s1", "s2", "s3", "ext"};

  static Resource parseOne(String yaml) {
    YamlResources.Parsed p = YamlResources.parse(yaml, "gen.yaml");
    assertThat(p.problems()).as(yaml).isEmpty();
    return p.resources().get(0);
  }

  static String backend(Random rnd) {
    String svc = SERVICES[rnd.nextInt(SERVICES.length)];
    String port = switch (rnd.nextInt(4)) {
      case 0 -> "{name: http}";
      case 1 -> "{number: 8080}";
      case 2 -> "{number: 9}";
      default -> "{number: 80}";
    };
    return "{service: {name: " + svc + ", port: " + port + "}}";
  }

  static Resource ingress(Random rnd, int i) {
    StringBuilder b = new StringBuilder("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n");
    b.append("  name: ing").append(i).append("\n  namespace: ").append(i % 2 == 0 ? "default" : "other").append('\n');
    if (rnd.nextInt(4) > 0) b.append("  creationTimestamp: \"2024-01-0").append(1 + rnd.nextInt(3)).append("T00:00:00Z\"\n");
    if (rnd.nextInt(8) == 0) b.append("  annotations: {kubernetes.io/ingress.class: ").append(rnd.nextBoolean() ? "nginx" : "higress").append("}\n");
    b.append("spec:\n");
    if (rnd.nextInt(5) == 0) b.append("  defaultBackend: ").append(backend(rnd)).append('\n');
    if (rnd.nextInt(5) == 0) {
      b.append("  tls:\n  - hosts: [").append(rnd.nextBoolean() ? "a.example.com" : "\"*.example.com\"")
          .append("]\n    secretName: ").append(rnd.nextBoolean() ? "tls1" : "tls2").append('\n');
      if (rnd.nextInt(3) == 0) b.append("  - secretName: tls").append(1 + rnd.nextInt(3)).append('\n');
    }
    rules(b, rnd, r -> HOSTS[r.nextInt(HOSTS.length)]);
    return parseOne(b.toString());
  }

  /** {@code spec.rules}: one or two rules on hosts {@code host} picks ("" for none), each with one to three paths. */
  static void rules(StringBuilder b, Random rnd, java.util.function.Function<Random, String> host) {
    b.append("  rules:\n");
    int rules = 1 + rnd.nextInt(2);
    for (int r = 0; r < rules; r++) {
      String h = host.apply(rnd);
      b.append("  - ").append(h.isEmpty() ? "" : "host: \"" + h + "\"\n    ").append("http:\n      paths:\n");
      int paths = 1 + rnd.nextInt(3);
      for (int p = 0; p < paths; p++) {
        String type = switch (rnd.nextInt(7)) {
          case 0, 1, 2 -> "Prefix";
          case 3, 4 -> "Exact";
          case 5 -> "ImplementationSpecific";
          default -> rnd.nextInt(3) == 0 ? "Regex" : "Prefix"; // an invalid Ingress now and then
        };
        b.append("      - {path: ").append(PATHS[rnd.nextInt(PATHS.length)]).append(", pathType: ").append(type)
            .append(", backend: ").append(backend(rnd)).append("}\n");
      }
    }
  }

  static Resource service(Random rnd, String name) {
    if (name.equals("ext")) {
      return parseOne("apiVersion: v1\nkind: Service\nmetadata: {name: ext}\nspec: {type: ExternalName, externalName: "
          + (rnd.nextInt(4) == 0 ? "\"\"" : "ext.example.org") + ", ports: [{name: http, port: 80}]}\n");
    }
    String port = rnd.nextInt(5) == 0 ? "0" : rnd.nextBoolean() ? "80" : "8080";
    return parseOne("apiVersion: v1\nkind: Service\nmetadata: {name: " + name + "}\nspec:\n  ports:\n  - {name: http, port: "
        + port + ", targetPort: " + (rnd.nextBoolean() ? "9000" : "web") + "}\n");
  }

  static Resource endpoints(Random rnd, String name) {
    return parseOne("apiVersion: v1\nkind: Endpoints\nmetadata: {name: " + name + "}\nsubsets:\n- addresses: [{ip: 10.0.0."
        + rnd.nextInt(4) + "}" + (rnd.nextInt(5) == 0 ? ", {hostname: x}" : "") + "]\n  ports: [{name: "
        + (rnd.nextBoolean() ? "http" : "web") + ", port: " + (rnd.nextInt(6) == 0 ? "0" : "9000") + "}]\n");
  }

  static Resource slice(Random rnd, int i) {
    return parseOne("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: slice" + i
        + "\n  labels: {kubernetes.io/service-name: " + SERVICES[rnd.nextInt(SERVICES.length)] + "}\nendpoints:\n"
        + "- addresses: [10.1.0." + rnd.nextInt(4) + "]\n  conditions: {ready: " + rnd.nextBoolean() + "}\nports: [{name: http, port: 9000}]\n");
  }

  static Resource secret(Random rnd, String name) {
    return parseOne("apiVersion: v1\nkind: Secret\nmetadata: {name: " + name + "}\ntype: kubernetes.io/tls\nstringData:\n"
        + "  tls.crt: CERT-" + rnd.nextInt(3) + "\n" + (rnd.nextInt(4) == 0 ? "" : "  tls.key: KEY\n"));
  }

  /** A random object among the kinds the translator reads, for one of a small set of names. */
  static Resource randomObject(Random rnd) {
    return switch (rnd.nextInt(6)) {
      case 0, 1 -> ingress(rnd, rnd.nextInt(12));
      case 2 -> service(rnd, SERVICES[rnd.nextInt(SERVICES.length)]);
      case 3 -> endpoints(rnd, SERVICES[rnd.nextInt(SERVICES.length)]);
      case 4 -> slice(rnd, rnd.nextInt(4));
      default -> secret(rnd, "tls" + (1 + rnd.nextInt(3)));
    };
  }

  static void assertSame(Snapshot incremental, Snapshot fresh, String step) {
    assertThat(SnapshotDump.toJson(incremental).toPrettyString()).as(step).isEqualTo(SnapshotDump.toJson(fresh).toPrettyString());
    assertThat(incremental.clusters()).as(step).isEqualTo(fresh.clusters());
    assertThat(incremental.tls()).as(step).isEqualTo(fresh.tls());
    // the incremental route table (hosts replaced in place) selects as the one built anew
    for (var vh : fresh.routes().virtualHosts()) {
      String probe = vh.domain().equals("*") ? "unknown.invalid" : vh.domain().replace("*", "x");
      assertThat(incremental.routes().select(probe)).as(step + ": " + probe).isEqualTo(fresh.routes().select(probe));
    }
  }

  @RepeatedTest(40)
  void randomChangesTranslateLikeAFreshTranslation(RepetitionInfo info) {
    Random rnd = new Random(info.getCurrentRepetition() * 6151L);
    IngressTranslator.Options options = rnd.nextBoolean() ? IngressTranslator.Options.defaults()
        : new IngressTranslator.Options("nginx", rnd.nextBoolean());
    IngressTranslator translator = new IngressTranslator(options);
    TreeMap<ResourceKey, Resource> objects = new TreeMap<>();
    for (int i = 0; i < 25; i++) {
      Resource r = randomObject(rnd);
      objects.put(r.key(), r);
    }
    ResourceSet set = new ResourceSet(objects, List.of());
    assertSame(translator.update(set), IngressTranslator.translate(set, options), "initial");
    for (int step = 0; step < 60; step++) {
      TreeMap<ResourceKey, Resource> changes = new TreeMap<>();
      int n = rnd.nextInt(10) == 0 ? 8 : 1 + rnd.nextInt(2);
      for (int k = 0; k < n; k++) {
        if (rnd.nextInt(5) == 0 && !set.resources().isEmpty()) {
          List<ResourceKey> keys = new ArrayList<>(set.resources().keySet());
          changes.put(keys.get(rnd.nextInt(keys.size())), null); // removed
        } else {
          Resource r = randomObject(rnd);
          changes.put(r.key(), r);
        }
      }
      List<Problem> sourceProblems = rnd.nextInt(8) == 0
          ? List.of(new Problem("bad.yaml", "", "", "not valid YAML", Problem.Severity.ERROR)) : List.of();
      ResourceSet next = set.with(changes, sourceProblems);
      if (rnd.nextInt(6) == 0) {
        // as the applier does: a pass over a variant, then over the set itself
        assertSame(translator.update(set), IngressTranslator.translate(set, options), "step " + step + " (back)");
      }
      set = next;
      assertSame(translator.update(set), IngressTranslator.translate(set, options), "step " + step);
    }
  }

  @Test
  void anUnchangedSetReusesTheWholeSnapshot() {
    Random rnd = new Random(3);
    TreeMap<ResourceKey, Resource> objects = new TreeMap<>();
    for (int i = 0; i < 20; i++) {
      Resource r = randomObject(rnd);
      objects.put(r.key(), r);
    }
    ResourceSet set = new ResourceSet(objects, List.of());
    IngressTranslator t = new IngressTranslator(IngressTranslator.Options.defaults());
    Snapshot a = t.update(set);
    Snapshot b = t.update(set.with(new TreeMap<>(), List.of()));
    assertThat(b.clusters()).isSameAs(a.clusters());
    assertThat(b.tls()).isSameAs(a.tls());
    for (int i = 0; i < a.routes().virtualHosts().size(); i++) {
      assertThat(b.routes().virtualHosts().get(i)).isSameAs(a.routes().virtualHosts().get(i));
    }
  }

  /**
   * A version of TLS Ingress {@code i} (its name and creation time fixed): hosts, Secret, a ssl-cipher
   * annotation and paths vary, so that a new version gives the same certificates (a change of routes)
   * or other ones, and conflicts with the other Ingresses come and go.
   */
  static String tlsIngress(Random rnd, int i) {
    String[] hosts = {"a.example.com", "b.example.com", "\"*.example.com\""};
    StringBuilder b = new StringBuilder("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n");
    b.append("  name: tls").append(i).append("\n  namespace: default\n");
    b.append("  creationTimestamp: \"2024-01-0").append(1 + i % 3).append("T00:00:00Z\"\n");
    if (rnd.nextInt(4) == 0) b.append("  annotations: {higress.io/ssl-cipher: ECDHE-RSA-AES128-GCM-SHA256}\n");
    b.append("spec:\n  tls:\n  - hosts: [").append(hosts[rnd.nextInt(hosts.length)]);
    if (rnd.nextInt(3) == 0) b.append(", ").append(hosts[rnd.nextInt(hosts.length)]);
    b.append("]\n    secretName: tls").append(1 + rnd.nextInt(3)).append('\n');
    if (rnd.nextInt(4) == 0) b.append("  - secretName: tls").append(1 + rnd.nextInt(3)).append('\n');
    rules(b, rnd, r -> "a.example.com");
    return b.toString();
  }

  @RepeatedTest(20)
  void tlsIngressesRewrittenInPlaceTranslateLikeAFreshTranslation(RepetitionInfo info) {
    Random rnd = new Random(info.getCurrentRepetition() * 7919L);
    IngressTranslator translator = new IngressTranslator(IngressTranslator.Options.defaults());
    TreeMap<ResourceKey, Resource> objects = new TreeMap<>();
    for (int i = 0; i < 6; i++) {
      Resource r = parseOne(tlsIngress(rnd, i));
      objects.put(r.key(), r);
    }
    for (int k = 1; k <= 3; k++) {
      Resource r = secret(rnd, "tls" + k);
      objects.put(r.key(), r);
    }
    ResourceSet set = new ResourceSet(objects, List.of());
    assertSame(translator.update(set), IngressTranslator.translate(set, IngressTranslator.Options.defaults()), "initial");
    String last = null;
    int[] paths = {0};
    for (int step = 0; step < 80; step++) {
      TreeMap<ResourceKey, Resource> changes = new TreeMap<>();
      // mostly the same Ingress again with other routes only (the certificates stay), else a new version
      String yaml = last != null && rnd.nextInt(3) > 0
          ? last.replaceFirst("path: /[a-z0-9/]*", "path: /p" + paths[0]++) : tlsIngress(rnd, rnd.nextInt(6));
      Resource r = parseOne(yaml);
      changes.put(r.key(), r);
      if (rnd.nextInt(10) == 0) {
        Resource s = secret(rnd, "tls" + (1 + rnd.nextInt(3)));
        changes.put(s.key(), s);
      }
      set = set.with(changes, List.of());
      last = yaml;
      assertSame(translator.update(set), IngressTranslator.translate(set, IngressTranslator.Options.defaults()), "step " + step);
    }
  }
}
