package io.higressj.conformance.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * A run of one corpus.
 *
 * @param corpus the corpus name (its directory's name)
 * @param corpusPath where it was read
 * @param gateway what ran: {@code in-process} or the command
 * @param started when the run started (UTC)
 * @param millis how long it took
 * @param maxWaitSeconds the cap on each assertion's time to consistency; null: none
 */
public record RunReport(String corpus, String corpusPath, String gateway, String started, long millis, Integer maxWaitSeconds,
    Summary summary, List<CaseResult> cases) {

  /** The counts of the final line. */
  public record Summary(int passed, int failed, int skipped) {
    public static Summary of(List<CaseResult> cases) {
      int p = 0;
      int f = 0;
      int s = 0;
      for (CaseResult c : cases) {
        switch (c.outcome()) {
          case PASS -> p++;
          case FAIL -> f++;
          case SKIP -> s++;
        }
      }
      return new Summary(p, f, s);
    }

    /** {@code N passed, M failed, K skipped}. */
    public String line() {
      return passed + " passed, " + failed + " failed, " + skipped + " skipped";
    }
  }

  public RunReport {
    cases = List.copyOf(cases);
  }

  public static RunReport of(String corpus, String corpusPath, String gateway, Instant started, long millis, Integer maxWaitSeconds,
      List<CaseResult> cases) {
    return new RunReport(corpus, corpusPath, gateway, started.toString(), millis, maxWaitSeconds, Summary.of(cases), cases);
  }

  /** Writes the report as indented JSON. */
  public void write(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) Files.createDirectories(parent);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), this);
  }
}
