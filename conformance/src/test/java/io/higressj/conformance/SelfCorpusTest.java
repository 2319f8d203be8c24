package io.higressj.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.conformance.report.AssertionResult;
import io.higressj.conformance.report.CaseResult;
import io.higressj.conformance.report.RunReport;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runner end to end, on the self-test corpus under {@code src/test/resources/corpus}, against
 * the gateway of this build in this JVM: needs nothing outside this repository.
 */
class SelfCorpusTest {
  static RunReport report;
  static Map<String, CaseResult> byName;

  static Path corpus() throws URISyntaxException {
    return Path.of(SelfCorpusTest.class.getResource("/corpus/_base/base.yaml").toURI()).getParent().getParent();
  }

  @BeforeAll
  static void run() throws URISyntaxException {
    report = ConformanceRunner.run(corpus(), List.of(), ConformanceRunner.Options.defaults().withMaxWait(Duration.ofSeconds(5))
        .withListener(r -> System.out.println(r.line())));
    byName = report.cases().stream().collect(Collectors.toMap(CaseResult::name, Function.identity()));
  }

  @Test
  void everyCaseIsReportedInNameOrder() {
    assertThat(report.cases()).extracting(CaseResult::name)
        .containsExactly("ExpectedFailureWrongBackend", "NeedsAnnotation", "PathAndHostRouting", "TlsTermination", "TrafficAndPatches");
    assertThat(report.summary()).isEqualTo(new RunReport.Summary(3, 1, 1));
    assertThat(report.summary().line()).isEqualTo("3 passed, 1 failed, 1 skipped");
  }

  @Test
  void routingHeadersBodiesH2cWebSocketVariablesAndStepsPass() {
    CaseResult r = byName.get("PathAndHostRouting");
    assertThat(r.outcome()).as(r.line()).isEqualTo(CaseResult.Outcome.PASS);
    assertThat(r.assertions()).hasSize(9).allMatch(a -> a.status() == AssertionResult.Status.PASS);
  }

  @Test
  void tlsWithSniHttp2AndAVerifiedCertificatePass() {
    CaseResult r = byName.get("TlsTermination");
    assertThat(r.outcome()).as(r.line()).isEqualTo(CaseResult.Outcome.PASS);
  }

  @Test
  void targetsDistributionsMirrorChecksAndMergePatchesPass() {
    CaseResult r = byName.get("TrafficAndPatches");
    assertThat(r.outcome()).as(r.line()).isEqualTo(CaseResult.Outcome.PASS);
    assertThat(r.assertions()).extracting(AssertionResult::type)
        .containsExactly("request", "weightedDistribution", "mirrorDistribution", "statusCheck", "request", "request");
  }

  @Test
  void anUnsupportedAnnotationIsSkippedAndNamed() {
    CaseResult r = byName.get("NeedsAnnotation");
    assertThat(r.line()).isEqualTo("SKIP NeedsAnnotation: needs annotation nginx.ingress.kubernetes.io/configuration-snippet");
    assertThat(r.needs()).containsExactly("annotation nginx.ingress.kubernetes.io/configuration-snippet");
    assertThat(r.assertions()).isEmpty();
  }

  @Test
  void aFailureNamesTheAssertionTheRequestAndExpectedVersusReceived() {
    CaseResult r = byName.get("ExpectedFailureWrongBackend");
    assertThat(r.outcome()).isEqualTo(CaseResult.Outcome.FAIL);
    assertThat(r.line()).startsWith("FAIL ExpectedFailureWrongBackend: wrong backend: GET http://wrong.example.com/: "
        + "expected the reply from backend infra-backend-v2, received pod \"infra-backend-v1-higressj-0\" (");
    assertThat(r.assertions()).extracting(AssertionResult::status)
        .containsExactly(AssertionResult.Status.FAIL, AssertionResult.Status.NOT_RUN);
    AssertionResult first = r.assertions().get(0);
    assertThat(first.attempts()).isGreaterThanOrEqualTo(1);
    assertThat(first.lastRequest()).isEqualTo("GET http://wrong.example.com/");
  }
}
