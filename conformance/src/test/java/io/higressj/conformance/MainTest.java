package io.higressj.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/higress-conformance} as a user runs it, on the self-test corpus. */
class MainTest {
  @TempDir
  Path tmp;

  record Run(int status, List<String> out, String err) {}

  static Run main(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Main.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8).lines().toList(), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void printsOneLinePerCaseThenTheCountsAndWritesTheReport() throws Exception {
    Path report = tmp.resolve("report.json");
    Run r = main("--corpus", SelfCorpusTest.corpus().toString(), "--case", "PathAndHostRouting,NeedsAnnotation",
        "--case", "ExpectedFailureWrongBackend", "--report", report.toString(), "--max-wait", "3");
    assertThat(r.out()).hasSize(4);
    assertThat(r.out().get(0)).startsWith("PASS PathAndHostRouting");
    assertThat(r.out().get(1)).isEqualTo("SKIP NeedsAnnotation: needs annotation nginx.ingress.kubernetes.io/configuration-snippet");
    assertThat(r.out().get(2)).startsWith("FAIL ExpectedFailureWrongBackend: wrong backend: ");
    assertThat(r.out().get(3)).isEqualTo("1 passed, 1 failed, 1 skipped");
    assertThat(r.status()).isEqualTo(1);
    JsonNode json = new ObjectMapper().readTree(report.toFile());
    assertThat(json.path("corpus").asText()).isEqualTo("corpus");
    assertThat(json.path("gateway").asText()).isEqualTo("in-process");
    assertThat(json.path("maxWaitSeconds").asInt()).isEqualTo(3);
    assertThat(json.path("summary").path("passed").asInt()).isEqualTo(1);
    JsonNode first = json.path("cases").get(0);
    assertThat(first.path("outcome").asText()).isEqualTo("PASS");
    assertThat(first.path("assertions")).hasSize(9);
    assertThat(first.path("assertions").get(0).path("status").asText()).isEqualTo("PASS");
    assertThat(json.path("cases").get(1).path("needs").get(0).asText()).isEqualTo("annotation nginx.ingress.kubernetes.io/configuration-snippet");
  }

  @Test
  void anUnknownCaseIsAUsageError() throws Exception {
    Run r = main("--corpus", SelfCorpusTest.corpus().toString(), "--case", "NoSuchCase");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).startsWith("higress-conformance: case NoSuchCase: not in ");
    assertThat(main("--corpus", tmp.toString()).err()).contains("not a corpus (expected: _base/base.yaml)");
  }

  @Test
  void runsAnExternalGatewayCommand() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String command = "'" + java + "' -cp '" + System.getProperty("java.class.path") + "' io.higressj.server.Main";
    Run r = main("--corpus", SelfCorpusTest.corpus().toString(), "--case", "TlsTermination", "--gateway-cmd", command,
        "--max-wait", "5", "--work-dir", tmp.resolve("work").toString());
    assertThat(r.out()).as(r.err()).containsExactly("PASS TlsTermination", "1 passed, 0 failed, 0 skipped");
    assertThat(r.status()).isZero();
    assertThat(tmp.resolve("work/config/ingresses/conformance-infra-secure.yaml")).doesNotExist();
    assertThat(tmp.resolve("work/config/services/conformance-infra-infra-backend-v1.yaml")).exists();
    assertThat(tmp.resolve("work/gateway.log")).content().contains("higress-j ready: http=");
  }
}
