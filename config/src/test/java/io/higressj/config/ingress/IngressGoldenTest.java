package io.higressj.config.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.higressj.config.model.CertificateConfig;
import io.higressj.config.model.Route;
import io.higressj.config.model.RouteTable;
import io.higressj.config.model.Snapshot;
import io.higressj.config.model.SnapshotDump;
import io.higressj.config.model.VirtualHost;
import io.higressj.config.resource.ResourceSet;
import io.higressj.config.source.YamlResources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files: {@code golden/<name>.in.yaml} translates to {@code golden/<name>.out.yaml} (the YAML of
 * {@link SnapshotDump}). The out files are the specification: read them when a rule changes, then
 * rewrite them with {@code ./mvnw -pl config test -Dtest=IngressGoldenTest -Dgolden.update=true}.
 *
 * <p>Comment lines in an input file also say what the data plane must do with it:
 *
 * <ul>
 *   <li>{@code # options: ingressClass=nginx watchAllClasses=true} sets translator options;
 *   <li>{@code # expect: host/path -> route-name} (or {@code -> 404}) checks the route a request selects;
 *   <li>{@code # expect-tls: sni -> namespace/secret} (or {@code -> none}; sni {@code -} for none)
 *       checks the certificate a handshake gets.
 * </ul>
 */
class IngressGoldenTest {
  static final Path DIR = Path.of(System.getProperty("basedir", ".")).resolve("src/test/resources/golden");
  static final boolean UPDATE = Boolean.getBoolean("golden.update");
  static final ObjectMapper YAML = YAMLMapper.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
      .disable(YAMLGenerator.Feature.SPLIT_LINES) // one problem message, one line: easier to diff
      .build();

  static Stream<String> cases() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      List<String> names = files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".in.yaml"))
          .map(n -> n.substring(0, n.length() - ".in.yaml".length()))
          .sorted()
          .toList();
      return names.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void golden(String name) throws IOException {
    String input = Files.readString(DIR.resolve(name + ".in.yaml"));
    Snapshot snapshot = translate(name, input);
    String actual = "# " + name + ".in.yaml as translated by IngressGoldenTest (-Dgolden.update=true rewrites it)\n"
        + YAML.writeValueAsString(SnapshotDump.toJson(snapshot));
    Path out = DIR.resolve(name + ".out.yaml");
    if (UPDATE) {
      Files.writeString(out, actual);
    } else if (!Files.exists(out)) {
      fail(out + " is missing: run with -Dgolden.update=true, then read it");
    } else {
      assertThat(actual).as(out.toString()).isEqualTo(Files.readString(out));
    }
    checkExpectations(input, snapshot);
  }

  @Test
  void everyOutputHasAnInput() throws IOException {
    List<String> inputs = cases().toList();
    try (Stream<Path> files = Files.list(DIR)) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".out.yaml"))
          .map(n -> n.substring(0, n.length() - ".out.yaml".length())))
          .allMatch(inputs::contains);
    }
  }

  static Snapshot translate(String name, String input) {
    YamlResources.Parsed parsed = YamlResources.parse(input, name + ".in.yaml");
    return IngressTranslator.translate(ResourceSet.of(parsed.resources(), parsed.problems()), options(input));
  }

  static IngressTranslator.Options options(String input) {
    String ingressClass = IngressTranslator.DEFAULT_INGRESS_CLASS;
    boolean all = false;
    for (String line : input.lines().toList()) {
      if (!line.startsWith("# options:")) continue;
      for (String kv : line.substring("# options:".length()).trim().split("\\s+")) {
        String[] p = kv.split("=", 2);
        switch (p[0]) {
          case "ingressClass" -> ingressClass = p[1];
          case "watchAllClasses" -> all = Boolean.parseBoolean(p[1]);
          default -> fail("unknown option " + kv);
        }
      }
    }
    return new IngressTranslator.Options(ingressClass, all);
  }

  /** Checks every {@code # expect:} and {@code # expect-tls:} line; reports all failures at once. */
  static void checkExpectations(String input, Snapshot snapshot) {
    List<String> failures = new ArrayList<>();
    int checked = 0;
    for (String line : input.lines().toList()) {
      if (line.startsWith("# expect:")) {
        checked++;
        String[] p = line.substring("# expect:".length()).split("->");
        String request = p[0].trim();
        String expected = p[1].trim();
        int slash = request.indexOf('/');
        String host = RouteTable.normalizeHost(request.substring(0, slash));
        String path = request.substring(slash);
        VirtualHost vh = snapshot.routes().select(host);
        Route route = vh == null ? null : vh.match(path);
        String actual = route == null ? "404" : route.name();
        if (!actual.equals(expected)) failures.add(request + " -> " + actual + " (expected: " + expected + ")");
      } else if (line.startsWith("# expect-tls:")) {
        checked++;
        String[] p = line.substring("# expect-tls:".length()).split("->");
        String sni = p[0].trim();
        String expected = p[1].trim();
        CertificateConfig c = snapshot.tls().select(sni.equals("-") ? null : sni);
        String actual = c == null ? "none" : c.secret();
        if (!actual.equals(expected)) failures.add("TLS " + sni + " -> " + actual + " (expected: " + expected + ")");
      }
    }
    assertThat(failures).as("%d expectations checked", checked).isEmpty();
  }
}
