package io.higressj.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.higressj.conformance.report.CaseResult;
import io.higressj.conformance.report.RunReport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The ratchet: runs the shared corpora ({@code ${higressj.shared}/conformance/higress} and
 * {@code .../gateway-api}) against the in-process gateway and fails when a case listed in
 * {@code expected-passing.txt} does not pass. Cases that pass without being listed are printed, to
 * be added. Each assertion's time to consistency is capped (system property
 * {@code higressj.conformance.maxWait}, default 20 s: the gateway applies a change in milliseconds, but an
 * assertion whose every attempt waits on a slow backend, as HttpTimeout does, needs several attempts).
 * The JSON reports go to {@code target/conformance/<corpus>.json}.
 */
class SharedCorporaRatchetTest {
  static final String EXPECTED = "/expected-passing.txt";

  @Test
  void higress() throws IOException {
    ratchet("higress");
  }

  @Test
  void gatewayApi() throws IOException {
    ratchet("gateway-api");
  }

  static Set<String> expected() throws IOException {
    Set<String> out = new LinkedHashSet<>();
    try (InputStream in = SharedCorporaRatchetTest.class.getResourceAsStream(EXPECTED)) {
      if (in == null) throw new IllegalStateException(EXPECTED + " is missing");
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()) {
        String l = line.strip();
        if (!l.isEmpty() && !l.startsWith("#")) out.add(l);
      }
    }
    return out;
  }

  static void ratchet(String corpusName) throws IOException {
    Path shared = Path.of(System.getProperty("higressj.shared", "../../shared"));
    Path root = shared.resolve("conformance").resolve(corpusName);
    assumeTrue(Files.isRegularFile(root.resolve("_base/base.yaml")),
        "skipped: no corpus at " + root.toAbsolutePath().normalize() + " (the build passes -Dhigressj.shared=<repository>/../shared)");
    Duration maxWait = Duration.ofSeconds(Long.getLong("higressj.conformance.maxWait", 20));
    RunReport report = ConformanceRunner.run(root, List.of(), ConformanceRunner.Options.defaults().withMaxWait(maxWait)
        .withListener(r -> System.out.println("[" + corpusName + "] " + r.line())));
    System.out.println("[" + corpusName + "] " + report.summary().line() + " in " + report.millis() / 1000.0 + " s");
    Path out = Path.of("target", "conformance", corpusName + ".json");
    report.write(out);

    Set<String> listed = new LinkedHashSet<>();
    for (String e : expected()) {
      if (e.startsWith(corpusName + "/")) listed.add(e.substring(corpusName.length() + 1));
    }
    List<String> regressions = new ArrayList<>();
    List<String> newlyPassing = new ArrayList<>();
    Set<String> present = new LinkedHashSet<>();
    for (CaseResult c : report.cases()) {
      present.add(c.name());
      boolean passed = c.outcome() == CaseResult.Outcome.PASS;
      if (listed.contains(c.name()) && !passed) regressions.add(c.line());
      if (!listed.contains(c.name()) && passed) newlyPassing.add(corpusName + "/" + c.name());
    }
    for (String l : listed) {
      if (!present.contains(l)) regressions.add(l + ": listed in expected-passing.txt but not in the corpus");
    }
    if (!newlyPassing.isEmpty()) {
      System.out.println("[" + corpusName + "] newly passing, add to conformance/src/test/resources/expected-passing.txt:");
      newlyPassing.forEach(n -> System.out.println(n));
    }
    assertThat(regressions).as("cases in expected-passing.txt that did not pass (report: " + out.toAbsolutePath() + ")").isEmpty();
  }
}
