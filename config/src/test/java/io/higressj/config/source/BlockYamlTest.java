package io.higressj.config.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * The fast block-style reader gives exactly Jackson's trees, or declines: on typical Kubernetes files,
 * on the golden inputs, and on random texts made of block-style pieces mixed with YAML's traps.
 */
class BlockYamlTest {
  static final String INGRESS = """
      # a comment
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata:
        name: web   # trailing comment
        namespace: "prod"
        creationTimestamp: "2024-01-01T00:00:00Z"
        annotations:
          nginx.ingress.kubernetes.io/rewrite-target: /
          higress.io/enable: 'true'
      spec:
        ingressClassName: higress
        rules:
        - host: "*.example.com"
          http:
            paths:
            - path: /api/v1
              pathType: Prefix
              backend:
                service:
                  name: web
                  port:
                    number: 8080
        tls:
          - hosts:
              - a.example.com
            secretName: web-tls
      ---
      apiVersion: v1
      kind: Endpoints
      metadata:
        name: web
      subsets:
      - addresses:
        - ip: 10.0.0.1
        - ip: 127.0.0.1
        ports:
        - name: http
          port: 0
          ready: true
          other: false
      """;

  /** Asserts that the fast reader gives Jackson's documents, or declines; returns whether it read. */
  static boolean sameAsJackson(String yaml) {
    List<JsonNode> fast = BlockYaml.read(yaml);
    if (fast == null) return false;
    List<JsonNode> jackson;
    try {
      jackson = YamlResources.readWithJackson(yaml);
    } catch (IOException e) {
      throw new AssertionError("the fast reader read what Jackson rejects: " + e.getMessage() + "\n" + yaml, e);
    }
    assertThat(fast).as(yaml).isEqualTo(jackson);
    assertThat(fast.toString()).as(yaml).isEqualTo(jackson.toString()); // key order too
    return true;
  }

  @Test
  void readsOneLineFlowCollectionsLikeJackson() {
    for (String t : List.of("a: [1]\n", "a: {b: 1}\n", "a: []\n", "a: {}\n", "a: [x, \"y z\", 'w', 8080, true]\n",
        "metadata: {name: web, namespace: prod}  # c\n",
        "spec:\n  rules:\n  - http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: echo, port: {number: 8080}}}}]}\n",
        "a:\n- [1, 2]\n- {b: [], c: {}}\n", "tls:\n- hosts: [\"*.example.com\", a.example.com]\n  secretName: s\n")) {
      assertThat(sameAsJackson(t)).as(t).isTrue();
    }
  }

  @Test
  void readsTypicalFilesLikeJackson() {
    assertThat(sameAsJackson(INGRESS)).isTrue();
    assertThat(sameAsJackson("---\n" + INGRESS)).isTrue();
    assertThat(BlockYaml.read(INGRESS).get(1).at("/subsets/0/ports/0/port").isInt()).isTrue();
  }

  @Test
  void parseGivesTheSameResourcesAndProblemsEitherWay() {
    String text = INGRESS + "---\napiVersion: v1\nkind: Service\nmetadata:\n  namespace: x\n";
    YamlResources.Parsed fast = YamlResources.parse(text, "f.yaml");
    YamlResources.Parsed slow = YamlResources.parse(text.replace("kind: Ingress", "kind: \"Ingress\"\nx: [1]"), "f.yaml");
    assertThat(BlockYaml.read(text)).isNotNull();
    assertThat(fast.problems()).hasSize(1);
    assertThat(fast.problems().get(0).object()).isEqualTo("Service in document 3");
    assertThat(slow.problems()).isEqualTo(fast.problems());
  }

  @Test
  void declinesWhatItIsNotSureOf() {
    for (String t : List.of("a: yes\n", "a: No\n", "a: ~\n", "a: null\n", "a: 1.5\n", "a: 0x1F\n", "a: 007\n",
        "a: 1_000\n", "a: -1\n", "a: 2024-01-01\n", "a: [1,]\n", "a: {b: 1,}\n", "a: |\n  x\n", "a: &x 1\n",
        "a: [1\n  , 2]\n", "a: [a b]\n", "a: {b:1}\n", "a: [a:b]\n", "a: {b: }\n", "a: [, 1]\n", "a: [1]#c\n",
        "a: [yes]\n", "a: {b: [007]}\n", "a: {b: 1, b: 2}\n", "a: [\"x\\ty\"]\n", "a: [*x]\n", "a: [&x 1]\n",
        "a: !!str 1\n", "a: \"x\\ty\"\n", "a: 'it''s'\n", "a:\n", "a: b c\n", "a:\tb\n", "a: b\r\n", "---\n",
        "a: 1\n---\n", "a: 1\n---\n---\nb: 2\n", "- a\n", "a: 1\na: 2\n", "a: 9999999999\n", "a:\n- - x\n",
        "a:\n-\n  b: 1\n", "a: x#y\n", "--- a: 1\n", "...\n", "%YAML 1.1\n---\na: 1\n", "a: .inf\n", "a: True\n",
        "a: 'x'#c\n", "a:b\n", "a: b: c\n", "a:\n  b\n", " a: 1\n", "a:\n  b: 1\n c: 2\n")) {
      assertThat(BlockYaml.read(t)).as(t).isNull();
    }
  }

  @Test
  void goldenInputs() throws IOException {
    Path dir = Path.of(System.getProperty("basedir", ".")).resolve("src/test/resources/golden");
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) sameAsJackson(Files.readString(f));
    }
  }

  private static final String[] KEYS = {"a", "b", "name", "port", "x.y/z", "k-1", "_u", "80", "\"q k\"", "'s'", "on", "-d"};
  private static final String[] VALUES = {"v", "/p/q", "8080", "0", "10.1.2.3", "true", "false", "\"quoted: #x\"",
      "'single'", "''", "\"\"", "http://h:80/x", "a:b", "x # comment", "ab", "\"é\"", "123456789", "e5", "Inf",
      "svc-00001", "networking.k8s.io/v1", "\"*.example.com\"", "/v1/p3/static/s3"};
  private static final String[] TRAPS = {"1.2.3", "yes", "No", "007", "1e3", ".5", "-3", "~", "null", "Null",
      "\"a\\\"b\"", "'it''s'", "a b", "2024-01-01", "12:30", "&a x", "*a", "!t x", "[1, 2]", "{}", "|", ">", "@x", "`x",
      "%x", "?x", "x:", "éx", "1234567890", "+1", "0o7", ".nan", "1.0.0.256", "1..2", "x#y", "'a'#c", "\"a\" b"};

  private static String anyValue(Random rnd) {
    return rnd.nextInt(40) == 0 ? TRAPS[rnd.nextInt(TRAPS.length)] : VALUES[rnd.nextInt(VALUES.length)];
  }

  private static List<String> keys(Random rnd, int n) {
    List<String> all = new ArrayList<>(List.of(KEYS));
    java.util.Collections.shuffle(all, rnd);
    List<String> out = new ArrayList<>(all.subList(0, n));
    if (rnd.nextInt(30) == 0) out.add(out.get(0)); // a duplicate now and then
    return out;
  }

  /** A one-line flow collection of values, traps and nested collections, now and then malformed. */
  private static void flow(Random rnd, StringBuilder b, int depth) {
    boolean seq = rnd.nextBoolean();
    b.append(seq ? '[' : '{');
    int n = rnd.nextInt(4);
    List<String> keys = seq ? List.of() : keys(rnd, Math.max(n, 1));
    for (int i = 0; i < n; i++) {
      if (i > 0) b.append(rnd.nextInt(20) == 0 ? "," : ", ");
      if (!seq) b.append(keys.get(i)).append(rnd.nextInt(30) == 0 ? ":" : ": ");
      if (depth < 3 && rnd.nextInt(4) == 0) flow(rnd, b, depth + 1);
      else b.append(anyValue(rnd));
    }
    if (rnd.nextInt(30) == 0) b.append(',');
    b.append(seq ? ']' : '}');
  }

  private static void value(Random rnd, StringBuilder b, int indent, int depth) {
    int kind = depth > 3 ? 0 : rnd.nextInt(6);
    if (kind == 5) {
      b.append(' ');
      flow(rnd, b, 0);
      b.append(rnd.nextInt(10) == 0 ? "  # c\n" : "\n");
    } else if (kind <= 1) {
      b.append(' ').append(anyValue(rnd)).append('\n');
    } else if (kind == 2) {
      b.append('\n');
      mapping(rnd, b, indent + 1 + rnd.nextInt(3), depth + 1);
    } else {
      b.append('\n');
      int col = rnd.nextBoolean() ? indent : indent + 2;
      int items = 1 + rnd.nextInt(3);
      for (int i = 0; i < items; i++) {
        b.append(" ".repeat(col)).append('-');
        if (rnd.nextInt(3) == 0) {
          b.append(' ').append(anyValue(rnd)).append('\n');
        } else {
          b.append(' ');
          int keyCol = col + 2;
          List<String> keys = keys(rnd, 1 + rnd.nextInt(3));
          for (int k = 0; k < keys.size(); k++) {
            if (k > 0) b.append(" ".repeat(keyCol));
            b.append(keys.get(k)).append(':');
            value(rnd, b, keyCol, depth + 1);
          }
        }
      }
    }
    if (rnd.nextInt(15) == 0) b.append(" ".repeat(rnd.nextInt(6))).append("# note\n");
    if (rnd.nextInt(25) == 0) b.append('\n');
  }

  private static void mapping(Random rnd, StringBuilder b, int indent, int depth) {
    for (String key : keys(rnd, 1 + rnd.nextInt(4))) {
      b.append(" ".repeat(indent)).append(key).append(':');
      value(rnd, b, indent, depth);
    }
  }

  @RepeatedTest(20)
  void randomTextsReadLikeJackson(RepetitionInfo info) {
    Random rnd = new Random(info.getCurrentRepetition() * 31337L);
    int read = 0;
    int total = 300;
    List<String> samples = new ArrayList<>();
    for (int t = 0; t < total; t++) {
      StringBuilder b = new StringBuilder();
      int docs = 1 + rnd.nextInt(3);
      for (int d = 0; d < docs; d++) {
        if (d > 0 || rnd.nextBoolean()) b.append("---\n");
        mapping(rnd, b, 0, 0);
      }
      samples.add(b.toString());
      if (sameAsJackson(b.toString())) read++;
    }
    assertThat(read).as("texts the fast reader took, of %d", total).isGreaterThan(total / 8);
  }
}
